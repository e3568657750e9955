"""Sign-in protection around django-axes.

axes locks one account from one address (AXES_LOCKOUT_PARAMETERS): five wrong passwords for
alice from the office lock alice there, not her colleagues behind the same proxy. On top of that,
an address that has piled up many failures across accounts (guessing) is throttled: its further
wrong passwords are refused with 429, while a correct password for an account that is not locked
still signs in. The count is read from axes' attempts table, which every app server shares, and
a good sign-in clears only that account's failures from that address.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def refuse(request, message: str) -> None:
    """Keep why a sign-in with a correct password was refused (a directory user not on the
    roster), for the page or the API to say instead of "wrong password"."""
    if request is not None:
        request.signin_refusal = message


def refusal(request) -> str | None:
    return getattr(request, "signin_refusal", None)


def retry_after(request) -> int:
    """Seconds until the failures counted now have aged out (the axes cool-off)."""
    return int(get_cool_off(request).total_seconds())


def address_failures(request) -> int:
    """Failed sign-ins from the request's address, across all accounts, within the cool-off."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class SignInHandler(AxesDatabaseHandler):
    """axes' database handler that also marks a failure from a throttled address
    (`request.signin_throttled`); the page's middleware and the API answer it with 429."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out:
            return
        limit = settings.JIFEN_LOGIN_IP_FAILURE_LIMIT
        request.signin_throttled = address_failures(request) > limit


class SignInThrottleMiddleware:
    """Turns a wrong password from a throttled address into a 429 page. Placed after axes'
    middleware, so that a locked-out account still gets axes' own page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "signin_throttled", False):
            wait = retry_after(request)
            context = {"minutes": wait // 60}
            response = render(request, "registration/throttled.html", context, status=429)
            response["Retry-After"] = str(wait)
        return response
