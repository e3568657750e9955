"""Append-only beneath the ORM: the database itself refuses to change or remove entries and
anchors, whoever sends the SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from jifen.ledger import triggers
from jifen.ledger.enums import AnchorKind
from jifen.ledger.models import Anchor, Entry
from jifen.ledger.services import anchor_record
from tests.conftest import YEAR
from tests.scoring.helpers import give


def test_the_migrations_install_the_triggers(db):
    names = triggers.installed(connection)
    for table in triggers.APPEND_ONLY_TABLES:
        assert any(name.startswith(table) for name in names), table


def _refused(statement, params):
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(statement, params)
    assert "append-only" in str(error.value)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET points = 30 WHERE id = %s", "DELETE FROM {table} WHERE id = %s"],
)
def test_raw_sql_cannot_change_or_delete_an_entry(world, statement):
    entry = give(world, world.member, 1, "P07", 10)
    _refused(statement.format(table=Entry._meta.db_table), [entry.pk])
    assert Entry.objects.get(pk=entry.pk).points == 10


@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET entries = 0 WHERE id = %s", "DELETE FROM {table} WHERE id = %s"],
)
def test_raw_sql_cannot_change_or_delete_an_anchor(world, statement):
    give(world, world.member, 1, "P07", 10)
    anchor = anchor_record(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=1,
        kind=AnchorKind.QUARTER_CONFIRMED,
        member_ids=[world.member.pk],
    )
    _refused(statement.format(table=Anchor._meta.db_table), [anchor.pk])
    assert Anchor.objects.get(pk=anchor.pk).entries == 1
