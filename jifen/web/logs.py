"""One JSON line per request (logger "jifen.request"): when, method, path without its query,
status, duration, the user's id and the organisation (the member's branch), and nginx's request
id when it sends one. No names, query strings, bodies or addresses: nothing personal."""

import logging
import time

from django.core.exceptions import ObjectDoesNotExist

logger = logging.getLogger("jifen.request")


def organisation_id(user) -> int | None:
    """The branch of the user's own roster entry (read once, cached on the user)."""
    if not user.is_authenticated:
        return None
    try:
        member = user.member
    except ObjectDoesNotExist:  # an account with no roster entry: an administrator
        return None
    return member.branch_id


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
                "organisation": organisation_id(user) if signed_in else None,
                "request_id": request.headers.get("X-Request-ID"),
            },
        )
        return response
