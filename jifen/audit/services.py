from collections.abc import Iterable

from django.db import models

from jifen.audit.models import AuditEvent

# Rows per INSERT: within PostgreSQL's 65,535 parameters; SQLite's lower limit Django applies.
BULK_BATCH = 1000


def log_action(action: str, *, actor, obj: models.Model, organisation=None, **data) -> AuditEvent:
    """Record a state change; `action` is namespaced, e.g. "ledger.entry.appended"."""
    event = _event(action, actor, obj, organisation, data)
    event.save(force_insert=True)
    return event


def log_actions_bulk(
    action: str, *, actor, events: Iterable[tuple[models.Model, object, dict]]
) -> list[AuditEvent]:
    """Record the same state change of many objects in one insert; each of `events` is
    (obj, organisation, data), written as log_action would write it."""
    rows = [_event(action, actor, obj, organisation, data) for obj, organisation, data in events]
    return AuditEvent.objects.bulk_create(rows, batch_size=BULK_BATCH)


def _event(action: str, actor, obj: models.Model, organisation, data: dict) -> AuditEvent:
    return AuditEvent(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data={key: _plain(value) for key, value in data.items()},
    )


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (str, int, float, bool, type(None), list, dict)):
        return value
    return str(value)
