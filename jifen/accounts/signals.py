"""Sign-ins, sign-outs and failed sign-ins in the audit log (等保 2.0: security events are
audited), with the client's address as every audit record."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from jifen.audit.services import log_action


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    log_action("accounts.signed_in", actor=user, obj=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        log_action("accounts.signed_out", actor=user, obj=user)


@receiver(user_login_failed)
def _failed(sender, credentials, request=None, **kwargs):
    # The user name as typed (it may name nobody); never the password.
    username = credentials.get("username", "")
    log_action("accounts.sign_in_failed", actor=None, obj=None, username=username)
