"""One JSON line per request (logger "jifen.request"): when, method, path without its query,
status, duration, the user's id and the organisation (the branch of the user's roster entry),
and nginx's request id when it sends one. No names, query strings, bodies or addresses: nothing
personal.

The organisation is looked up once, at sign-in, and kept in the session, so that logging adds
no query to a page (pages keep their SQL constant and small)."""

import logging
import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from jifen.orgs.models import Member

logger = logging.getLogger("jifen.request")
SESSION_KEY = "jifen_log_organisation"


@receiver(user_logged_in)
def remember_organisation(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        branch = Member.objects.filter(user=user).values_list("branch_id", flat=True).first()
        request.session[SESSION_KEY] = branch


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user": user.pk if signed_in else None,
                "organisation": request.session.get(SESSION_KEY) if signed_in else None,
                "request_id": request.headers.get("X-Request-ID"),
            },
        )
        return response
