from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from jifen.accounts import services as accounts
from jifen.api.models import ApiToken
from jifen.api.services import key_digest
from jifen.web import signin


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <key>`; an unknown, revoked or expired key is refused, each with
    its own code, so that an app knows whether to ask the user to sign in again."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as “Authorization: Bearer <key>”."), code="invalid_token"
            )
        token = self._check(
            ApiToken.objects.select_related("user")
            .filter(key_digest=key_digest(parts[1].decode("latin-1")))
            .first()
        )
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def _check(self, token: ApiToken | None) -> ApiToken:
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid."), code="invalid_token"
            )
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("This token has been revoked."), code="token_revoked"
            )
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                _("This token has expired."), code="token_expired"
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("This user account is disabled."), code="user_inactive"
            )
        return token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SignInThrottled(exceptions.APIException):
    """A wrong password from an address that has failed too often (jifen.web.signin); DRF's
    exception handler sends `wait` as Retry-After."""

    status_code = 429
    default_code = "login_throttled"
    default_detail = _(
        "Too many failed sign-ins from this address: wrong passwords are refused for a while."
    )

    def __init__(self, wait: int):
        super().__init__()
        self.wait = wait


class LoginAuthentication(authentication.BasicAuthentication):
    """User name and password (HTTP Basic), only for creating a token. django-axes counts the
    failures, as on the sign-in page; a locked-out account and a throttled address get their own
    codes rather than "wrong password"."""

    def authenticate_credentials(self, userid, password, request=None):
        try:
            user, auth = super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):
                raise exceptions.AuthenticationFailed(
                    _("Too many failed sign-ins: this account is locked for a while."),
                    code="locked_out",
                ) from None
            if getattr(request, "signin_throttled", False):
                raise SignInThrottled(wait=signin.retry_after(request)) from None
            if message := signin.refusal(request):
                raise exceptions.AuthenticationFailed(message, code="not_on_roster") from None
            raise
        if accounts.change_required(user):
            # A one-time or expired password opens no token: it must be changed on the page.
            raise exceptions.AuthenticationFailed(
                _("Change your password on the password page first."),
                code="password_change_required",
            )
        return user, auth
