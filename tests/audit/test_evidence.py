"""The audit log and the access records as evidence: never changed, kept at least 180 days
(the database refuses an earlier deletion whoever sends it), purged after the retention by a
command that is audited itself, and each record carries the client's address."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from jifen.audit import services, triggers
from jifen.audit.checks import retention_check
from jifen.audit.models import AccessRecord, AppendOnlyError, AuditEvent, Channel
from jifen.audit.services import log_action, record_access
from tests.audit.helpers import backdate

TABLE = AuditEvent._meta.db_table


def _event(world, action="test.done"):
    return log_action(action, actor=world.admin, obj=world.member, organisation=world.branch)


def _sql(statement, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_migrations_install_the_triggers(db):
    names = triggers.installed(connection)
    for table in triggers.EVIDENCE_TABLES:
        assert {f"{table}_no_update", f"{table}_retained"} <= names


def test_the_orm_refuses_to_change_or_delete_a_record(world):
    event = _event(world)
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize("model", [AuditEvent, AccessRecord])
def test_raw_sql_cannot_change_a_record_however_old(world, model):
    _event(world)
    record_access(
        viewer=world.admin, members=[world.member], fields=["id_number"], channel="page", place="/"
    )
    row = model.objects.first()
    backdate(model, [row.pk], 400)
    with pytest.raises(DatabaseError) as error:
        _sql(f"UPDATE {model._meta.db_table} SET client_address = NULL WHERE id = %s", [row.pk])
    assert "UPDATE refused" in str(error.value)


@pytest.mark.parametrize("model", [AuditEvent, AccessRecord])
def test_raw_sql_cannot_delete_a_record_younger_than_180_days(world, model):
    """The retention refusal: inside the legal window the database keeps every row."""
    _event(world)
    record_access(
        viewer=world.admin, members=[world.member], fields=["phone"], channel="api", place="/"
    )
    row = model.objects.first()
    backdate(model, [row.pk], 179)
    with pytest.raises(DatabaseError) as error:
        _sql(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [row.pk])
    assert "DELETE refused" in str(error.value)
    assert model.objects.filter(pk=row.pk).exists()

    backdate(model, [row.pk], 181)
    _sql(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [row.pk])
    assert not model.objects.filter(pk=row.pk).exists()


def test_the_purge_removes_only_what_is_past_the_retention_and_records_itself(world, settings):
    settings.JIFEN_AUDIT_RETENTION_DAYS = 365
    old, kept = _event(world, "test.old"), _event(world, "test.kept")
    backdate(AuditEvent, [old.pk], 366)
    backdate(AuditEvent, [kept.pk], 300)
    (seen,) = record_access(
        viewer=world.admin, members=[world.member], fields=["id_number"], channel="page", place="/"
    )
    backdate(AccessRecord, [seen.pk], 400)
    out = StringIO()

    call_command("purge_audit_log", stdout=out)

    assert list(
        AuditEvent.objects.filter(action__startswith="test.").values_list("pk", flat=True)
    ) == [kept.pk]
    assert not AccessRecord.objects.exists()
    purged = AuditEvent.objects.get(action="audit.log.purged")
    assert purged.data["events"] == 1 and purged.data["access_records"] == 1
    assert purged.data["retention_days"] == 365
    assert "365" in out.getvalue()


def test_a_retention_below_the_floor_keeps_the_floor(world, settings):
    settings.JIFEN_AUDIT_RETENTION_DAYS = 30
    event = _event(world)
    backdate(AuditEvent, [event.pk], 100)

    counts = services.purge()

    assert counts == {"auditevent": 0, "accessrecord": 0}
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert [e.id for e in retention_check(None)] == ["jifen.audit.E001"]


def test_every_record_of_a_request_carries_the_client_address(client, world, settings):
    settings.JIFEN_TRUSTED_PROXIES = 1
    client.force_login(world.admin)

    client.post(
        reverse("orgadmin:organisation_rename", args=[world.branch.pk]),
        {"name": "第一党支部（新）"},
        REMOTE_ADDR="10.9.9.9",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 10.1.1.1",
    )

    event = AuditEvent.objects.get(action="orgs.organisation.renamed")
    assert event.client_address == "10.1.1.1"
    assert event.actor_name == "admin"


def test_outside_a_request_there_is_no_address(world):
    assert _event(world).client_address is None
    assert (
        record_access(
            viewer=None, members=[world.member], fields=["phone"], channel=Channel.EXPORT, place="x"
        )[0].client_address
        is None
    )
