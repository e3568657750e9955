"""API tokens: created and revoked only here, each with an audit event."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.api.models import ApiToken
from jifen.audit.services import log_action, log_actions_bulk
from jifen.errors import DomainError, InvalidState, NotPermitted

MAX_LIFETIME_DAYS = 365


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for the actor; returns it with its key, which is not stored and cannot be
    shown again. Every token expires: after `days`, or settings.JIFEN_API_TOKEN_DAYS."""
    if not name.strip():
        raise DomainError(
            _("Name the token, e.g. after the device it is for."), code="name_required"
        )
    if days is None:
        days = settings.JIFEN_API_TOKEN_DAYS
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        raise DomainError(
            _("A token lives between 1 and %d days.") % MAX_LIFETIME_DAYS, code="invalid_lifetime"
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        key_digest=key_digest(key),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    log_action("api.token.created", actor=actor, obj=token, name=name, days=days)
    return token, key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise NotPermitted(_("Only the owner of a token may revoke it."))
    if token.revoked_at is not None:
        raise InvalidState(_("This token is already revoked."), code="already_revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log_action("api.token.revoked", actor=actor, obj=token, name=token.name)
    return token


@transaction.atomic
def tokens_revoke_for_password_change(*, user) -> int:
    """Revoke all of the user's live tokens: whoever had the old password may have made them.
    Called from jifen.api.passwords whenever a password is set; returns how many."""
    now = timezone.now()
    tokens = list(
        ApiToken.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True, expires_at__gt=now
        )
    )
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(revoked_at=now)
    # Who changed the password is not known here (the user, an administrator, a command).
    log_actions_bulk(
        "api.token.revoked",
        actor=None,
        events=[
            (token, None, {"name": token.name, "reason": "password_changed"}) for token in tokens
        ],
    )
    return len(tokens)
