import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from jifen.audit.clients import client_address
from jifen.audit.models import AccessRecord, AuditEvent
from jifen.bulk import insert_rows

# Rows per INSERT: within PostgreSQL's 65,535 parameters; SQLite's lower limit Django applies.
BULK_BATCH = 1000
# The shortest retention the law allows (网络安全法 第二十一条: logs kept at least six months);
# JIFEN_AUDIT_RETENTION_DAYS may be longer, never shorter, and the database refuses to delete
# a younger row whatever the setting (jifen/audit/triggers.py).
RETENTION_FLOOR_DAYS = 180


def log_action(
    action: str, *, actor, obj: models.Model | None, organisation=None, **data
) -> AuditEvent:
    """Record a state change; `action` is namespaced, e.g. "ledger.entry.appended"."""
    event = _event(action, actor, obj, organisation, data)
    event.save(force_insert=True)
    return event


def log_actions_bulk(
    action: str, *, actor, events: Iterable[tuple[models.Model, object, dict]]
) -> int:
    """Record the same state change of many objects in one statement, without a model instance
    each (a roster import records ten thousand); each of `events` is (obj, organisation, data),
    written as log_action would write it. Returns how many."""
    actor = _user(actor)
    shared = {
        "at": timezone.now(),  # one instant for the whole change
        "action": action,
        "actor_id": actor.pk if actor else None,
        "actor_name": actor.get_username() if actor else "",
        "client_address": client_address(),
    }
    names = ["organisation_id", "object_type", "object_id", "data"]
    rows = ((_pk(organisation), *_object(obj), _data(data)) for obj, organisation, data in events)
    return insert_rows(AuditEvent, names, rows, shared)


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _event(action: str, actor, obj, organisation, data: dict) -> AuditEvent:
    actor = _user(actor)
    object_type, object_id = _object(obj)
    return AuditEvent(
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        organisation=organisation,
        object_type=object_type,
        object_id=object_id,
        data=_data(data),
        client_address=client_address(),
    )


def _pk(organisation) -> int | None:
    return organisation.pk if organisation is not None else None


def _object(obj) -> tuple[str, str]:
    return (obj._meta.label_lower, str(obj.pk)) if obj is not None else ("", "")


def _data(data: dict) -> dict:
    return {key: _plain(value) for key, value in data.items()}


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool, type(None), list, dict)):
        return value
    return str(value)


def record_access(
    *, viewer, members: Iterable, fields: Iterable[str], channel: str, place: str
) -> list[AccessRecord]:
    """Record that `viewer` was shown the full value of `fields` (id_number, phone) of each of
    `members` (roster members: pk, name, branch_id), on a page, in an export or through the
    API; `place` names the page's path or the file."""
    viewer = _user(viewer)
    names = ",".join(fields)
    rows = [
        AccessRecord(
            viewer=viewer,
            viewer_name=viewer.get_username() if viewer else "",
            member_id=member.pk,
            member_name=member.name,
            organisation_id=member.branch_id,
            fields=names,
            channel=channel,
            place=place[:200],
            client_address=client_address(),
        )
        for member in members
    ]
    return AccessRecord.objects.bulk_create(rows, batch_size=BULK_BATCH)


def retention_days() -> int:
    return max(settings.JIFEN_AUDIT_RETENTION_DAYS, RETENTION_FLOOR_DAYS)


@transaction.atomic
def purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete audit events and access records older than the retention period, and record the
    purge itself (how many of each, up to when) as an audit event.

    The rows to go are locked first, so that two purges at once remove each row once and each
    records what it removed; on SQLite the transaction holds the database's write lock."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    counts = {}
    for model in (AuditEvent, AccessRecord):
        old = model.objects.filter(at__lt=cutoff)
        ids = list(old.select_for_update().values_list("pk", flat=True))
        counts[model._meta.model_name] = sum(
            model.objects.filter(pk__in=ids[i : i + BULK_BATCH]).purge()
            for i in range(0, len(ids), BULK_BATCH)
        )
    log_action(
        "audit.log.purged",
        actor=None,
        obj=None,
        before=cutoff.isoformat(),
        retention_days=retention_days(),
        events=counts["auditevent"],
        access_records=counts["accessrecord"],
    )
    return counts
