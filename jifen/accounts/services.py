"""Passwords as 等保 2.0 asks: a history of hashes, one-time passwords that must be changed at
the next sign-in, and passwords that expire after JIFEN_PASSWORD_MAX_AGE_DAYS.

`one_time_password_set` is the reusable mechanism for accounts an administrator opens (one
member's account now, a whole roster import's later): the account is flagged, and the next
sign-in leads to the password change page before anything else (jifen/web/passwords.py)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.accounts.models import PasswordHistory, PasswordState
from jifen.audit.services import log_action
from jifen.errors import DomainError

ONE_TIME = "one_time"
EXPIRED = "expired"


def _lock(user):
    """Lock the user's row: password writes of one user wait for each other in turn."""
    return get_user_model().objects.select_for_update().filter(pk=user.pk).values("pk").get()


def recent_password_hashes(user, keep: int) -> list[str]:
    return list(user.password_history.values_list("password", flat=True)[:keep])


@transaction.atomic
def password_set(*, user, keep: int) -> None:
    """Record a password just set and saved: its hash joins the history (of which the last
    `keep` stay), its date restarts the password's age, and a one-time flag is cleared."""
    _lock(user)
    now = timezone.now()
    PasswordHistory.objects.create(user=user, password=user.password, set_at=now)
    old = user.password_history.values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()
    PasswordState.objects.update_or_create(
        user=user, defaults={"changed_at": now, "must_change": False}
    )
    # Who set it is not known here (the admin's form, the change page, a command): the record
    # names the account, and the request's address when there is one.
    log_action("accounts.password.changed", actor=None, obj=user)


@transaction.atomic
def one_time_password_set(*, actor, user, password: str) -> None:
    """Give the user a password that must be changed at their next sign-in. The password
    meets the rules like any other; `actor` (an administrator) is recorded."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="weak_password") from error
    user.set_password(password)
    user.save()
    _lock(user)
    PasswordState.objects.filter(user=user).update(must_change=True)
    log_action("accounts.password.one_time_set", actor=actor, obj=user)


def change_required(user) -> str | None:
    """Why the user must change their password before anything else: ONE_TIME, EXPIRED, or
    None. Accounts without a password of ours (LDAP) are never asked."""
    if not user.is_authenticated or not user.has_usable_password():
        return None
    state = PasswordState.objects.filter(user=user).first()
    if state is not None and state.must_change:
        return ONE_TIME
    max_age = settings.JIFEN_PASSWORD_MAX_AGE_DAYS
    since = state.changed_at if state is not None else user.date_joined
    if max_age and timezone.now() - since > datetime.timedelta(days=max_age):
        return EXPIRED
    return None


def reason_text(reason: str) -> str:
    if reason == ONE_TIME:
        return _("Your password was set by an administrator for one sign-in: choose your own.")
    return _("Your password is older than %(days)d days: choose a new one.") % {
        "days": settings.JIFEN_PASSWORD_MAX_AGE_DAYS
    }
