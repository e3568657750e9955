from django.conf import settings
from django.core import checks

from jifen.api.services import MAX_LIFETIME_DAYS


@checks.register()
def token_lifetime_check(app_configs, **kwargs):
    """A default lifetime out of range would refuse every token made without `days`."""
    days = settings.JIFEN_API_TOKEN_DAYS
    if 1 <= days <= MAX_LIFETIME_DAYS:
        return []
    message = f"JIFEN_API_TOKEN_DAYS is {days}; it must be between 1 and {MAX_LIFETIME_DAYS}."
    return [checks.Error(message, id="jifen.api.E001")]
