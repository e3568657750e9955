import datetime

import pytest
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from jifen.api import services
from tests.conftest import YEAR

PERSONAS = (
    "anonymous",
    "member",
    "committee_member",
    "secretary",
    "reviewer",
    "admin",
    "outsider",
)


def persona_user(world, persona):
    return world.member_user if persona == "member" else getattr(world, persona)


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _, key = services.token_create(actor=user, name="test", days=30)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api(world):
    """A client per persona, each with its own token: api("secretary")."""
    return lambda persona: token_client(
        None if persona == "anonymous" else persona_user(world, persona)
    )


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    # Throttling has its own test; elsewhere many requests in a row would hit the limits.
    for scope in ("anon", "user"):
        monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, scope, None)


@pytest.fixture
def today(monkeypatch):
    """Pin the date that the domain functions see (declaration windows, notice periods)."""

    def pin(date: datetime.date):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date)
        return date

    return pin


@pytest.fixture
def march(today):
    return today(datetime.date(YEAR, 3, 20))
