import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def give_every_token_an_expiry(apps, schema_editor):
    # Tokens made before every token expired (days left out) lasted until revoked; they now get
    # the default lifetime from today, so that apps using them keep working until then.
    ApiToken = apps.get_model("api", "ApiToken")
    expires_at = timezone.now() + datetime.timedelta(days=settings.JIFEN_API_TOKEN_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=expires_at)


class Migration(migrations.Migration):
    dependencies = [("api", "0002_throttle_cache_table")]

    operations = [migrations.RunPython(give_every_token_an_expiry, migrations.RunPython.noop)]
