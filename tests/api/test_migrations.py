import datetime

import pytest
from django.utils import timezone

from tests.migrations import migrate_to

pytestmark = pytest.mark.usefixtures("latest_migrations_afterwards")


@pytest.mark.django_db(transaction=True)
def test_tokens_made_to_last_forever_get_the_default_lifetime(settings, django_user_model):
    settings.JIFEN_API_TOKEN_DAYS = 90
    old = migrate_to(("api", "0002_throttle_cache_table"))
    user = old.get_model("auth", "User").objects.create(username="member")
    old.get_model("api", "ApiToken").objects.create(user_id=user.pk, name="x", key_digest="d")

    new = migrate_to(("api", "0004_alter_apitoken_expires_at"))

    token = new.get_model("api", "ApiToken").objects.get()
    lifetime = token.expires_at - timezone.now()
    assert datetime.timedelta(days=89) < lifetime <= datetime.timedelta(days=90)
