"""Password rules of 等保 2.0 through Django's validators: length, kinds of character, not like
the user name, not one of the last few; a history of hashes; one-time and expired passwords."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from jifen.accounts import services
from jifen.accounts.models import PasswordHistory, PasswordState
from jifen.audit.models import AuditEvent
from jifen.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(django_user_model):
    user = django_user_model.objects.create_user(username="alice")
    user.set_password("Erste-Wahl-2026")
    user.save()
    return user


def _codes(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Kurz-26", "password_too_short"),
        ("nurkleinbuchstaben", "password_too_plain"),
        ("klein-und-zeichen", "password_too_plain"),
        ("Alice-2026", "password_contains_username"),
        ("Herbst-ecila-2026", "password_contains_username"),
        ("password123", "password_too_common"),
    ],
)
def test_a_weak_password_is_refused_with_its_rule(alice, password, code):
    assert code in _codes(password, alice)


def test_a_password_of_three_kinds_and_enough_length_passes(alice):
    assert _codes("Herbst-Blatt-77", alice) == set()
    assert _codes("herbst-blatt-77", alice) == set()  # lower case, digits, signs: three kinds


def _change(user, password):
    validate_password(password, user)
    user.set_password(password)
    user.save()


def test_none_of_the_last_five_passwords_may_come_back(alice, settings):
    passwords = [f"Neues-Passwort-{n}" for n in range(1, 6)]
    for password in passwords:
        _change(alice, password)

    # The current one and the four before it are refused; the one before those is free again.
    for password in passwords:
        assert "password_reused" in _codes(password, alice), password
    assert "password_reused" not in _codes("Erste-Wahl-2026", alice)
    assert PasswordHistory.objects.filter(user=alice).count() == 5
    assert all(h.password.startswith("md5$") for h in PasswordHistory.objects.all())


def test_a_password_set_before_the_history_is_still_refused(django_user_model):
    user = django_user_model.objects.create_user(username="bob", password="Alt-Passwort-99")
    assert not PasswordHistory.objects.filter(user=user).exists()
    assert "password_reused" in _codes("Alt-Passwort-99", user)


def test_setting_a_password_dates_it_and_records_the_change(alice):
    state = PasswordState.objects.get(user=alice)
    assert timezone.now() - state.changed_at < datetime.timedelta(minutes=1)
    assert not state.must_change
    assert AuditEvent.objects.filter(action="accounts.password.changed", object_id=alice.pk)


def test_a_one_time_password_must_be_changed_and_a_new_one_clears_it(alice, world):
    services.one_time_password_set(actor=world.admin, user=alice, password="Einmal-Passwort-1")
    assert services.change_required(alice) == services.ONE_TIME
    assert AuditEvent.objects.filter(action="accounts.password.one_time_set", actor=world.admin)

    _change(alice, "Selbst-Gewaehlt-2")
    assert services.change_required(alice) is None


def test_a_one_time_password_meets_the_rules_too(alice, world):
    with pytest.raises(DomainError) as refused:
        services.one_time_password_set(actor=world.admin, user=alice, password="kurz")
    assert refused.value.code == "weak_password"
    assert services.change_required(alice) is None


def test_a_password_older_than_the_maximum_age_must_be_changed(alice, settings):
    settings.JIFEN_PASSWORD_MAX_AGE_DAYS = 90
    PasswordState.objects.filter(user=alice).update(
        changed_at=timezone.now() - datetime.timedelta(days=91)
    )
    assert services.change_required(alice) == services.EXPIRED
    settings.JIFEN_PASSWORD_MAX_AGE_DAYS = 0
    assert services.change_required(alice) is None


def test_an_account_without_a_password_of_ours_is_never_asked(django_user_model, settings):
    """Accounts that sign in elsewhere (LDAP) have no usable password here."""
    user = django_user_model.objects.create_user(username="ldap")
    user.date_joined = timezone.now() - datetime.timedelta(days=400)
    assert services.change_required(user) is None
