"""Every error has the same body: a machine-readable code, a translated message, field errors."""

import base64

import pytest
from django.core.cache import caches
from django.db import connection
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from jifen.api.models import ApiToken
from jifen.api.parsers import depth_within
from jifen.audit.models import AuditEvent
from tests.conftest import YEAR


def _base64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_invalid_fields_are_listed(api):
    response = api("member").post("/api/v1/declarations/", {"year": 1900}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) >= {"year", "month", "item", "description"}


def test_domain_refusal_keeps_its_code_and_translated_message(api, world, march):
    body = {"year": YEAR, "month": 1, "item": world.item("P03").pk, "points": "2.0"}
    response = api("member").post(
        "/api/v1/declarations/", {**body, "description": "x"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "month_closed"
    assert "申报" in response.json()["message"]  # zh-hans is the default language


def test_message_follows_the_requested_language(api, world, march):
    body = {"year": YEAR, "month": 1, "item": world.item("P03").pk, "points": "2.0"}
    response = api("member").post(
        "/api/v1/declarations/",
        {**body, "description": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["message"].startswith("Declarations for 2026-01 are open")


def test_unknown_address_under_the_api_is_a_json_404(api):
    response = api("member").get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": response.json()["message"],
        "fields": {},
    }


def test_anonymous_is_told_to_authenticate():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.fixture
def strict_rates(monkeypatch):
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "anon", "2/minute")
    monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, "user", "3/minute")
    yield
    caches["api_throttle"].clear()


def test_anonymous_clients_are_throttled_in_the_shared_cache(world, strict_rates):
    client = APIClient()
    statuses = [client.get("/api/v1/public/notices/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/public/notices/")
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # The counters are rows of the database cache, which every app server reads.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM jifen_api_throttle")
        assert cursor.fetchone()[0] > 0


def test_authenticated_clients_have_their_own_rate(api, strict_rates):
    member, reviewer = api("member"), api("reviewer")
    assert [member.get("/api/v1/tokens/").status_code for _ in range(4)] == [200] * 3 + [429]
    assert reviewer.get("/api/v1/tokens/").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(world, strict_rates):
    client = APIClient()
    statuses = [
        client.get("/api/v1/public/notices/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("persona", "method", "path"),
    [
        ("anonymous", "post", "/api/v1/tokens/"),
        ("member", "post", "/api/v1/tokens/"),
        ("member", "post", "/api/v1/declarations/"),
        ("reviewer", "post", "/api/v1/review/declarations/decide/"),
        ("secretary", "post", "/api/v1/activities/"),
        ("admin", "patch", "/api/v1/members/{member}/"),
    ],
)
@pytest.mark.parametrize("depth", [50_000, 100])
def test_a_deeply_nested_body_is_refused_and_changes_nothing(
    api, world, persona, method, path, depth
):
    """50,000 brackets made the JSON parser raise RecursionError (a 500); 100 still parse but
    are deeper than any body of this API."""
    if persona == "anonymous":
        # Creating a token with name and password is the one write open without a token.
        client = APIClient(HTTP_AUTHORIZATION=f"Basic {_base64('member:pw-Jifen-2026')}")
    else:
        client = api(persona)
    events, tokens = AuditEvent.objects.count(), ApiToken.objects.count()

    response = getattr(client, method)(
        path.format(member=world.member.pk), _nested(depth), content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["message"] and body["fields"] == {}
    assert (AuditEvent.objects.count(), ApiToken.objects.count()) == (events, tokens)


def test_a_body_of_ordinary_depth_still_parses(api):
    response = api("member").post("/api/v1/tokens/", {"name": "phone", "days": 30}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("data", "within"),
    [(1, True), ([], True), ({"a": [1, {"b": 2}]}, True), ([[[1]]], True), ([[[[1]]]], False)],
)
def test_depth_counts_lists_and_objects(data, within):
    assert depth_within(data, 3) is within
