"""Pages that are the same for every reader (the public notices): served with an ETag and
Last-Modified, answered 304 when the reader already has them, and kept rendered in the shared
cache (settings.CACHES["pages"], a database table, so that every app server agrees).

The key is the page's version (what its content depends on, read in one small query), its path
and query, and the language: a changed notice has a new key, and the old page simply expires.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language


def public_page(request, version: str, last_modified, render) -> HttpResponse:
    """`render()` makes the page's response when the cache does not hold it."""
    key = hashlib.sha256(
        f"{version}|{request.get_full_path()}|{get_language()}".encode()
    ).hexdigest()[:32]
    etag = f'"{key}"'
    stamp = last_modified.timestamp() if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is None:
        cache = caches["pages"]
        content = cache.get(f"public:{key}")
        if content is None:
            content = render().content
            cache.set(f"public:{key}", content, settings.JIFEN_PUBLIC_PAGE_SECONDS)
        response = HttpResponse(content)
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    # Readers ask again each time (a notice's period ends on a date) and get a 304 when unchanged.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response
