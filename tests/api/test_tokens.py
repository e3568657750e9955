import base64
import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jifen.api.checks import token_lifetime_check
from jifen.api.models import ApiToken
from jifen.api.services import key_digest


def _basic(username, password="pw-Jifen-2026"):
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {credentials}"}


def test_create_with_password_shows_the_key_once_and_stores_only_its_digest(world):
    client = APIClient()
    response = client.post("/api/v1/tokens/", {"name": "phone", "days": 30}, **_basic("member"))
    assert response.status_code == 201, response.json()
    key = response.json()["key"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.key_digest == key_digest(key) != key
    listed = client.get("/api/v1/tokens/", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [t["id"] for t in listed["results"]] == [token.pk]
    assert "key" not in listed["results"][0]


def test_wrong_password_is_refused(world):
    response = APIClient().post("/api/v1/tokens/", {"name": "x"}, **_basic("member", "nope"))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_session_login_may_create_a_token_with_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.member_user)
    refused = client.post("/api/v1/tokens/", {"name": "x"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    # Any well-formed secret works: the check compares the cookie with the header.
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    created = client.post("/api/v1/tokens/", {"name": "x"}, format="json", HTTP_X_CSRFTOKEN=secret)
    assert created.status_code == 201


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"revoked_at": timezone.now()}, "token_revoked"),
        ({"expires_at": timezone.now() - datetime.timedelta(seconds=1)}, "token_expired"),
    ],
)
def test_revoked_and_expired_tokens_are_refused_with_their_code(api, world, change, code):
    client = api("member")
    ApiToken.objects.filter(user=world.member_user).update(**change)
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_refused(world):
    client = APIClient(HTTP_AUTHORIZATION="Bearer not-a-key")
    response = client.get("/api/v1/tokens/")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_revoke_own_token_then_it_no_longer_works(api, world):
    client = api("member")
    token = ApiToken.objects.get(user=world.member_user)
    response = client.post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["revoked_at"]
    assert client.get("/api/v1/tokens/").json()["code"] == "token_revoked"


def test_another_users_token_is_not_found(api, world):
    api("member")
    token = ApiToken.objects.get(user=world.member_user)
    response = api("outsider").post(f"/api/v1/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_password_guessing_locks_the_account_out(world, settings):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/tokens/", {"name": "x"}, **_basic("member", "guess"))
    response = client.post("/api/v1/tokens/", {"name": "x"}, **_basic("member"))
    assert response.status_code == 401
    assert response.json()["code"] == "locked_out"
    assert not ApiToken.objects.exists()


OFFICE = "10.1.1.1"


def _create(username, password="pw-Jifen-2026", address=OFFICE):
    return APIClient().post(
        "/api/v1/tokens/", {"name": "x"}, REMOTE_ADDR=address, **_basic(username, password)
    )


def test_a_locked_account_does_not_lock_the_others_behind_the_same_address(world):
    assert [_create("member", "guess").status_code for _ in range(5)] == [401] * 5

    assert _create("member").json()["code"] == "locked_out"
    assert _create("reviewer").status_code == 201
    assert _create("member", address="10.2.2.2").status_code == 201


def test_the_attackers_own_good_sign_ins_do_not_reset_another_accounts_failures(world):
    codes = []
    for _ in range(20):
        codes.append(_create("member", "guess").json()["code"])
        assert _create("outsider").status_code == 201

    assert codes == ["authentication_failed"] * 4 + ["locked_out"] * 16


def test_guessing_many_accounts_from_one_address_is_throttled(world, settings):
    settings.JIFEN_LOGIN_IP_FAILURE_LIMIT = 3
    responses = [_create(f"user{n}", "guess") for n in range(5)]

    assert [r.status_code for r in responses] == [401, 401, 401, 429, 429]
    assert responses[-1].json()["code"] == "login_throttled"
    assert int(responses[-1]["Retry-After"]) > 0
    assert _create("reviewer").status_code == 201
    assert _create("member", "guess", address="10.2.2.2").status_code == 401


def test_a_token_expires_after_the_default_lifetime_when_days_are_left_out(world, settings):
    settings.JIFEN_API_TOKEN_DAYS = 90
    response = APIClient().post("/api/v1/tokens/", {"name": "phone"}, **_basic("member"))

    assert response.status_code == 201
    lifetime = ApiToken.objects.get().expires_at - timezone.now()
    assert datetime.timedelta(days=89) < lifetime <= datetime.timedelta(days=90)


def test_a_token_cannot_be_made_to_last_forever(world):
    response = APIClient().post(
        "/api/v1/tokens/", {"name": "phone", "days": None}, format="json", **_basic("member")
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"days"}
    too_long = APIClient().post(
        "/api/v1/tokens/", {"name": "phone", "days": 366}, format="json", **_basic("member")
    )
    assert too_long.status_code == 400


def test_the_schema_tells_the_default_lifetime(settings):
    settings.JIFEN_API_TOKEN_DAYS = 45
    schema = APIClient().get("/api/schema/?format=json").json()
    days = schema["components"]["schemas"]["TokenCreateRequest"]["properties"]["days"]

    assert "45" in days["description"]
    assert not days.get("nullable")


@pytest.mark.parametrize(("days", "errors"), [(90, 0), (365, 0), (0, 1), (366, 1)])
def test_the_default_lifetime_is_checked_at_start(settings, days, errors):
    settings.JIFEN_API_TOKEN_DAYS = days
    assert len(token_lifetime_check(None)) == errors
