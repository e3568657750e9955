"""A password change revokes the user's API tokens, wherever the password is changed: Django
calls the password validators' `password_changed` hook from User.save() after set_password."""

import pytest
from django.contrib.auth.forms import PasswordChangeForm
from django.core.management import call_command
from rest_framework.test import APIClient

from jifen.api import services
from jifen.api.models import ApiToken
from jifen.audit.models import AuditEvent
from tests.api.test_tokens import _basic

NEW_PASSWORD = "a-New-Jifen-2027"


@pytest.fixture
def keys(world):
    """Two live tokens of the member and one of someone else."""
    keys = [services.token_create(actor=world.member_user, name=n)[1] for n in ("phone", "pad")]
    services.token_create(actor=world.reviewer, name="phone")
    return keys


def assert_revoked(world, keys):
    for key in keys:
        response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.json()["code"] == "token_revoked"
    assert not ApiToken.objects.filter(user=world.member_user, revoked_at=None).exists()
    assert ApiToken.objects.filter(user=world.reviewer, revoked_at=None).count() == 1
    events = AuditEvent.objects.filter(action="api.token.revoked")
    assert events.count() == 2
    assert {event.data["reason"] for event in events} == {"password_changed"}


def test_set_password_and_save_revokes(world, keys):
    world.member_user.set_password(NEW_PASSWORD)
    world.member_user.save()

    assert_revoked(world, keys)


def test_the_password_change_form_revokes(world, keys):
    form = PasswordChangeForm(
        world.member_user,
        {
            "old_password": "pw-Jifen-2026",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert form.is_valid(), form.errors
    form.save()

    assert_revoked(world, keys)


def test_the_admin_password_form_revokes(client, world, keys):
    client.force_login(world.root)
    response = client.post(
        f"/admin/auth/user/{world.member_user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.context["form"].errors

    assert_revoked(world, keys)


def test_the_changepassword_command_revokes(world, keys, monkeypatch):
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.changepassword.getpass.getpass",
        lambda prompt=None: NEW_PASSWORD,
    )
    call_command("changepassword", "member", stdout=None)

    assert_revoked(world, keys)


def test_a_new_token_after_the_change_works(world, keys):
    world.member_user.set_password(NEW_PASSWORD)
    world.member_user.save()

    response = APIClient().post(
        "/api/v1/tokens/", {"name": "new"}, **_basic("member", NEW_PASSWORD)
    )
    assert response.status_code == 201
    key = response.json()["key"]
    assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_upgrading_the_stored_hash_at_sign_in_is_not_a_change(world, keys, settings):
    # Signing in re-hashes a password stored with an older hasher: same password, new hash.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    old_hash = world.member_user.password
    response = APIClient().post("/api/v1/tokens/", {"name": "new"}, **_basic("member"))

    assert response.status_code == 201
    world.member_user.refresh_from_db()
    assert world.member_user.password != old_hash
    assert ApiToken.objects.filter(user=world.member_user, revoked_at=None).count() == 3
