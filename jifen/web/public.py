"""Pages that are the same for every reader (the public notices): kept rendered in the shared
cache (settings.CACHES["pages"], a database table, so that every app server agrees), served
with an ETag and Last-Modified, and answered 304 when the reader already has them.

A page is found in one query: its entry and the generation of the public pages, read
together. Whatever changes a notice (or the filing a year notice names) starts a new
generation (`public_pages_changed`, connected in jifen/insight/apps.py), in the same
transaction, and every page is then rendered anew once; a page is also rendered anew each day,
as notices come and go with the date.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

GENERATION = "public:generation"


def public_pages_changed(**kwargs) -> None:
    """A notice changed: every public page is rendered anew at its next request."""
    caches["pages"].set(GENERATION, uuid.uuid4().hex, None)


def _generation(found: dict) -> str:
    if GENERATION in found:
        return found[GENERATION]
    cache = caches["pages"]
    cache.add(GENERATION, uuid.uuid4().hex, None)
    return cache.get(GENERATION)


def public_page(request, render) -> HttpResponse:
    """The page from the cache, or `render()`'s (which may raise Http404, never cached): a
    response whose context's `last_modified` says when its content last changed."""
    key = (
        "public:"
        + hashlib.sha256(f"{request.get_full_path()}|{get_language()}".encode()).hexdigest()[:32]
    )
    cache = caches["pages"]
    found = cache.get_many([GENERATION, key])
    generation, entry = _generation(found), found.get(key)
    day = timezone.localdate().isoformat()
    if entry is None or entry["generation"] != generation or entry["day"] != day:
        response = render()
        changed = response.context_data.get("last_modified") if response.context_data else None
        entry = {
            "generation": generation,
            "day": day,
            "etag": f'"{hashlib.sha256(f"{key}{generation}{day}".encode()).hexdigest()[:32]}"',
            "last_modified": changed.timestamp() if changed else None,
            "content": response.rendered_content,
        }
        cache.set(key, entry, settings.JIFEN_PUBLIC_PAGE_SECONDS)
    etag, stamp = entry["etag"], entry["last_modified"]
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is None:
        response = HttpResponse(entry["content"])
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    # Readers ask again each time and get a 304 while the page is unchanged.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response
