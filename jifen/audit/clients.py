"""Where a request comes from, for the sign-in lockout and for every audit record.

The address is computed once per request by ClientAddressMiddleware and kept in a context
variable for the request's duration, so that the audit services, which sit below everything
and never see the request, record it (jifen.audit.services). Outside a request (commands, the
background worker) there is none.
"""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_client_address: ContextVar[str | None] = ContextVar("jifen_client_address", default=None)


def client_ip(request) -> str | None:
    """The client's address (also django-axes' AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR, unless JIFEN_TRUSTED_PROXIES proxies of our own stand in front: each appends the
    address it saw to X-Forwarded-For, so the entry that many places from the right is the last
    one a proxy of ours wrote. Anything left of it was written by the client and is not believed.
    """
    remote = request.META.get("REMOTE_ADDR")
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    proxies = settings.JIFEN_TRUSTED_PROXIES
    if not proxies or not hops[-1]:
        return remote
    forwarded = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return remote


def client_address() -> str | None:
    """The address of the request being served, or None outside a request."""
    return _client_address.get()


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_address.set(_valid(client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _client_address.reset(token)


def _valid(address: str | None) -> str | None:
    # The test client's REMOTE_ADDR is an address; a unix-socket server may give none or "".
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None
