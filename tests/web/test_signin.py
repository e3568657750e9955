"""Sign-in lockout (django-axes) on the login page: per account and address, never per address
alone, and an address throttle that refuses guesses but not a correct password."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from jifen.audit import clients

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"
OFFICE = "10.1.1.1"  # one address for a whole office behind its proxy
HOME = "10.2.2.2"


@pytest.fixture
def users(django_user_model):
    for name in ("alice", "bob", "mallory"):
        django_user_model.objects.create_user(username=name, password=PASSWORD)


def sign_in(client, username, password=PASSWORD, address=OFFICE, **headers):
    client.cookies.clear()
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def test_five_wrong_passwords_lock_that_account_from_that_address_only(client, users):
    failures = [sign_in(client, "alice", "guess").status_code for _ in range(5)]

    assert failures == [200, 200, 200, 200, 429]
    locked = sign_in(client, "alice")
    assert locked.status_code == 429
    assert "此账号" in locked.text
    # Everyone else in the office still signs in, and so does alice from home.
    assert sign_in(client, "bob").status_code == 302
    assert sign_in(client, "alice", address=HOME).status_code == 302


def test_a_good_sign_in_to_another_account_does_not_reset_the_failures(client, users):
    # The figures: 20 guesses at alice, each followed by the attacker signing in to
    # his own account from the same address, gave 0 lockouts.
    statuses = []
    for _ in range(20):
        statuses.append(sign_in(client, "alice", "guess").status_code)
        assert sign_in(client, "mallory").status_code == 302

    assert statuses == [200] * 4 + [429] * 16
    assert sign_in(client, "alice").status_code == 429


def test_a_good_sign_in_resets_only_that_accounts_failures(client, users):
    for _ in range(4):
        sign_in(client, "alice", "typo")
    assert sign_in(client, "alice").status_code == 302

    assert not AccessAttempt.objects.filter(username="alice").exists()
    assert sign_in(client, "alice", "typo").status_code == 200


def test_guessing_many_accounts_from_one_address_is_throttled(client, users, settings):
    settings.JIFEN_LOGIN_IP_FAILURE_LIMIT = 3
    statuses = [sign_in(client, f"user{n}", "guess").status_code for n in range(5)]

    assert statuses == [200, 200, 200, 429, 429]
    throttled = sign_in(client, "alice", "guess")
    assert throttled.status_code == 429
    assert "此地址" in throttled.text
    assert int(throttled["Retry-After"]) > 0
    # A correct password still signs in; another address is not concerned.
    assert sign_in(client, "bob").status_code == 302
    assert sign_in(client, "alice", "typo", address=HOME).status_code == 200


def test_the_throttle_counts_failures_kept_in_the_database(client, users, settings):
    """Every app server sees the same count: it is read from axes' attempts table."""
    settings.JIFEN_LOGIN_IP_FAILURE_LIMIT = 3
    for n in range(3):
        sign_in(client, f"user{n}", "guess")
    assert AccessAttempt.objects.filter(ip_address=OFFICE).count() == 3

    AccessAttempt.objects.filter(ip_address=OFFICE).delete()
    assert sign_in(client, "user9", "guess").status_code == 200


def test_a_forwarded_for_header_is_not_trusted_by_default(client, users):
    for n in range(5):
        sign_in(client, "alice", "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    assert sign_in(client, "alice", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, users, settings):
    settings.JIFEN_TRUSTED_PROXIES = 1
    proxy = "10.9.9.9"
    for _ in range(5):
        sign_in(client, "alice", "guess", address=proxy, HTTP_X_FORWARDED_FOR=f"1.1.1.1, {OFFICE}")

    # The proxy appends the address it saw; what the client wrote before it is not believed.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
    from_office = sign_in(client, "alice", address=proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    assert from_office.status_code == 429
    from_home = sign_in(client, "alice", address=proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert from_home.status_code == 302


@pytest.mark.parametrize("forwarded", ["", "unknown", "1.1.1.1:443", " , "])
def test_a_missing_or_malformed_forwarded_address_falls_back_to_the_peer(rf, settings, forwarded):
    settings.JIFEN_TRUSTED_PROXIES = 1
    request = rf.get("/", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=forwarded)

    assert clients.client_ip(request) == OFFICE


def test_the_admin_sign_in_counts_towards_the_same_lockout(client, users):
    for _ in range(5):
        client.post("/admin/login/", {"username": "alice", "password": "guess"}, REMOTE_ADDR=OFFICE)
    assert sign_in(client, "alice").status_code == 429
