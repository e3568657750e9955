from django.conf import settings
from django.core import checks

from jifen.audit.services import RETENTION_FLOOR_DAYS


@checks.register()
def retention_check(app_configs, **kwargs):
    """A retention below the legal floor is not applied (the floor is); say so at start."""
    days = settings.JIFEN_AUDIT_RETENTION_DAYS
    if days >= RETENTION_FLOOR_DAYS:
        return []
    message = (
        f"JIFEN_AUDIT_RETENTION_DAYS is {days}; audit records are kept at least "
        f"{RETENTION_FLOOR_DAYS} days, so {RETENTION_FLOOR_DAYS} applies."
    )
    return [checks.Error(message, id="jifen.audit.E001")]
