from django.db import models

from jifen.audit.models import AuditEvent


def log_action(action: str, *, actor, obj: models.Model, organisation=None, **data) -> AuditEvent:
    """Record a state change; `action` is namespaced, e.g. "ledger.entry.appended"."""
    return AuditEvent.objects.create(
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
