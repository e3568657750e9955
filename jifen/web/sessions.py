"""Signed-in sessions end after JIFEN_SESSION_IDLE_MINUTES without activity and, whatever the
activity, JIFEN_SESSION_ABSOLUTE_HOURS after signing in (等保 2.0: 登录连接超时自动退出).

The server enforces both: SessionTimeoutMiddleware signs the user out on the first request
after either limit. The page only warns: web/session.js asks `session_status` how long is left
(without that counting as activity), shows a warning JIFEN_SESSION_WARNING_SECONDS before the
end, and offers to stay signed in (a POST, which counts). Requests marked as background
(header X-Jifen-Background: the warning's own questions, a job page's polling) do not count as
activity either, so that an open tab alone never keeps a session alive.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jifen.audit.services import log_action

SEEN = "jifen_seen"  # last activity, seconds since the epoch
SINCE = "jifen_since"  # signed in at
BACKGROUND = "HTTP_X_JIFEN_BACKGROUND"
# Activity is written to the session at most this often: a request a second must not each
# rewrite the session row. The idle limit is kept to within this.
_SEEN_EVERY = 60


def idle_seconds() -> int:
    return settings.JIFEN_SESSION_IDLE_MINUTES * 60


def absolute_seconds() -> int:
    return settings.JIFEN_SESSION_ABSOLUTE_HOURS * 3600


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SINCE] = request.session[SEEN] = now


def remaining(session, now: int) -> int:
    """Seconds until the session ends, by whichever limit comes first."""
    seen, since = session.get(SEEN, now), session.get(SINCE, now)
    return min(seen + idle_seconds(), since + absolute_seconds()) - now


def _ended(session, now: int) -> str | None:
    if now - session.get(SINCE, now) >= absolute_seconds():
        return "absolute"
    if now - session.get(SEEN, now) >= idle_seconds():
        return "idle"
    return None


def touch(request, now: int | None = None) -> None:
    """Count this request as activity."""
    now = now or int(time.time())
    request.session.setdefault(SINCE, now)
    if now - request.session.get(SEEN, 0) >= _SEEN_EVERY:
        request.session[SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            reason = _ended(request.session, now)
            if reason:
                return self._end(request, reason)
            if not request.META.get(BACKGROUND):
                touch(request, now)
        return self.get_response(request)

    def _end(self, request, reason: str):
        user = request.user
        log_action("accounts.session.ended", actor=user, obj=user, reason=reason)
        logout(request)
        if reason == "idle":
            text = _("You were signed out after %(minutes)d minutes without activity.") % {
                "minutes": settings.JIFEN_SESSION_IDLE_MINUTES
            }
        else:
            text = _("You were signed out: a session lasts at most %(hours)d hours.") % {
                "hours": settings.JIFEN_SESSION_ABSOLUTE_HOURS
            }
        if request.path.startswith("/api/"):
            # The API answers as for anyone not signed in.
            return self.get_response(request)
        # Shown on the sign-in page, where the warning's script also leads.
        messages.info(request, text)
        if request.path == reverse("session_status"):
            return JsonResponse({"remaining": 0})
        login = f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse()
            response["HX-Redirect"] = login
            return response
        return redirect(login)


@require_http_methods(["GET", "POST"])
def session_status(request):
    """How many seconds the session has left (GET, not counted as activity when sent as
    background), or, POSTed, the user stays signed in (counted)."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0})
    now = int(time.time())
    if request.method == "POST":
        request.session[SEEN] = now
    return JsonResponse({"remaining": remaining(request.session, now)})


def timeout_context(request) -> dict:
    """For base.html's warning: the limits, in seconds."""
    return {
        "session_idle_seconds": idle_seconds(),
        "session_warning_seconds": settings.JIFEN_SESSION_WARNING_SECONDS,
    }
