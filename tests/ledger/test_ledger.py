from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from jifen.ledger.models import AppendOnlyError, Entry
from jifen.schemes import services as scheme_services
from jifen.scoring.selectors import branch_year_results
from tests.conftest import YEAR, YEAR_END
from tests.scoring.helpers import give


def test_entries_cannot_be_changed_or_deleted(world):
    entry = give(world, world.member, 1, "P07", 10)
    entry.points = Decimal(30)
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).update(points=30)
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).delete()
    assert Entry.objects.get(pk=entry.pk).points == Decimal(10)


def test_deductions_are_negative_and_a_reason_is_required(world):
    assert give(world, world.member, 1, "D03", 3).points == Decimal(-3)
    with pytest.raises(DomainError):
        ledger.append_entry(
            actor=world.secretary,
            member=world.member,
            year=YEAR,
            month=1,
            item=world.item("P07"),
            points=Decimal(5),
            source=Source.COMMITTEE,
            reason="  ",
        )


def test_a_correction_points_at_what_it_corrects_and_only_once(world):
    entry = give(world, world.member, 1, "P07", 10)
    reversal = ledger.reverse_entry(
        actor=world.secretary, entry=entry, reason="重复", source=Source.COMMITTEE
    )
    assert (reversal.reverses, reversal.points) == (entry, Decimal(-10))
    with pytest.raises(InvalidState):
        ledger.reverse_entry(
            actor=world.secretary, entry=entry, reason="again", source=Source.COMMITTEE
        )
    with pytest.raises(InvalidState):
        ledger.reverse_entry(
            actor=world.secretary, entry=reversal, reason="x", source=Source.COMMITTEE
        )


def test_entries_chain_per_member(world):
    first = give(world, world.member, 1, "P07", 10)
    second = give(world, world.member, 2, "P07", 10)
    assert (first.seq, second.seq) == (1, 2)
    assert first.digest != second.digest
    call_command("verify_ledger")


def test_chain_verifier_names_the_tampered_row(world):
    give(world, world.member, 1, "P07", 10)
    tampered = give(world, world.member, 2, "P07", 10)
    give(world, world.member, 3, "P07", 10)
    with connection.cursor() as cursor:  # behind the application's back, as an intruder would
        cursor.execute(
            f"UPDATE {Entry._meta.db_table} SET points = 30 WHERE id = %s", [tampered.pk]
        )
    with pytest.raises(CommandError) as error, translation.override("en"):
        call_command("verify_ledger")
    assert f"broken at entry {tampered.pk} " in str(error.value)


def test_a_locked_month_takes_only_appeal_decisions(world):
    ledger.month_lock(actor=world.secretary, branch=world.branch, year=YEAR, month=1)
    with pytest.raises(InvalidState):
        give(world, world.member, 1, "P07", 10)
    entry = ledger.append_entry(
        actor=world.reviewer,
        member=world.member,
        year=YEAR,
        month=1,
        item=world.item("P07"),
        points=Decimal(5),
        source=Source.APPEAL,
        reason="申诉成立",
    )
    assert entry.points == Decimal(5)


def test_only_the_secretary_locks_a_month(world):
    for actor in (world.committee_member, world.member_user, world.outsider):
        with pytest.raises(NotPermitted):
            ledger.month_lock(actor=actor, branch=world.branch, year=YEAR, month=1)


def test_a_locked_scheme_needs_a_new_version(world):
    ledger.month_lock(actor=world.secretary, branch=world.branch, year=YEAR, month=1)
    with pytest.raises(InvalidState) as error:
        scheme_services.scheme_update(
            actor=world.admin, scheme=world.scheme, base_points=Decimal(50)
        )
    assert error.value.code == "scheme_locked"
    version2 = scheme_services.scheme_new_version(actor=world.admin, scheme=world.scheme)
    scheme_services.scheme_update(actor=world.admin, scheme=version2, base_points=Decimal(50))
    result = branch_year_results(world.branch, YEAR, as_of=YEAR_END).for_member(world.member.pk)
    # January keeps the 60 it was locked under; the other months use version 2.
    assert result.months[1].score == Decimal(60)
    assert result.months[2].score == Decimal(50)
    assert version2.items.count() == world.scheme.items.count()
