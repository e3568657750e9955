"""Changing one's password: the old one is checked as a sign-in (the lockout applies), and a
one-time or expired password sends the user there before anything else, on every path."""

import base64
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jifen.accounts import services
from jifen.accounts.models import PasswordState
from jifen.orgs import services as org_services
from tests.api.conftest import token_client
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

OFFICE, HOME = "10.1.1.1", "10.2.2.2"
PASSWORD = "Erste-Wahl-2026"


@pytest.fixture
def alice(django_user_model):
    user = django_user_model.objects.create_user(username="alice")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, username, password, address=OFFICE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _change(client, old, new, address=OFFICE):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
        REMOTE_ADDR=address,
    )


def test_a_user_changes_their_password(client, alice):
    _sign_in(client, "alice", PASSWORD)
    response = _change(client, PASSWORD, "Zweite-Wahl-2026")
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Zweite-Wahl-2026")
    assert "_auth_user_id" in client.session  # still signed in


def test_the_change_page_shows_the_rules_and_refuses_a_weak_password(client, alice):
    _sign_in(client, "alice", PASSWORD)
    page = client.get(reverse("password_change"))
    assert "不能包含您的用户名" in page.text and "最近 5 次" in page.text
    refused = _change(client, PASSWORD, "kurz")
    assert refused.status_code == 200 and refused.context["form"].errors["new_password2"]


def test_wrong_old_passwords_on_the_change_page_lock_the_account_as_sign_ins_do(client, alice):
    _sign_in(client, "alice", PASSWORD)
    statuses = [_change(client, "guess", "Zweite-Wahl-2026").status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    # The account is locked from that address on the sign-in page too, not from elsewhere.
    client.logout()
    assert _sign_in(client, "alice", PASSWORD).status_code == 429
    assert _sign_in(client, "alice", PASSWORD, address=HOME).status_code == 302


def test_a_one_time_password_leads_to_the_change_page_first(client, world):
    member = MemberFactory(name="王五", branch=world.branch)
    org_services.member_account_create(
        actor=world.admin, member=member, username="wangwu", password="Einmal-2026!"
    )
    user = member.user

    assert _sign_in(client, "wangwu", "Einmal-2026!").status_code == 302
    for url in (reverse("portal:me"), reverse("orgadmin:index"), "/"):
        assert client.get(url)["Location"] == reverse("password_change"), url
    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and page.context["reason"]
    api = client.get("/api/v1/members/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"

    _change(client, "Einmal-2026!", "Selbst-Gewaehlt-7")
    assert client.get(reverse("portal:me")).status_code == 200
    assert services.change_required(user) is None


def test_an_expired_password_leads_to_the_change_page_at_sign_in(client, alice, settings):
    settings.JIFEN_PASSWORD_MAX_AGE_DAYS = 90
    PasswordState.objects.filter(user=alice).update(
        changed_at=timezone.now() - datetime.timedelta(days=100)
    )
    _sign_in(client, "alice", PASSWORD)
    assert client.get("/")["Location"] == reverse("password_change")


def test_a_one_time_password_opens_no_api_token(alice, world):
    services.one_time_password_set(actor=world.admin, user=alice, password="Einmal-2026!")
    client = token_client(None)
    basic = base64.b64encode(b"alice:Einmal-2026!").decode()
    response = client.post(
        "/api/v1/tokens/", {"name": "app"}, format="json", HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "password_change_required"
