"""Signed-in pages that are costly to build and read again and again (a member's scores, the
review queue, a dashboard): kept rendered for the session that asked for them, in the shared
cache (settings.CACHES["personal"], a database table, so that every app server agrees), until
anything they show may have changed.

What may change such a page is written by a service, and every service records its change in
the audit log, in its own transaction, under the organisation it concerns. So a page names the
organisation it shows, and its entry holds the newest audit event of that organisation, of its
ancestors (their schemes, reviews and filings) and of its subtree (its groups, or the branches of
a general branch), read in one query. A change commits its data and its event together: the next
request sees a newer event and renders the page anew. Nothing has to remember to invalidate, and
no row is written by every writer. The entry also holds what the page's frame shows of the
reader (session, CSRF secret, language, user name, unread notifications, the navbar's reach) and
the date, as to-dos and periods move with it. A page with a message waiting is never kept.

Ids are given out before commit, so on PostgreSQL a transaction still open when the page is read
may later commit an event older than the newest one seen. The query therefore also asks whether
any writing transaction was open; if one was, the page is served but not kept. SQLite commits one
writer at a time, in the order of its ids.
"""

import hashlib
import zlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from jifen.audit.models import AuditEvent
from jifen.notifications.models import Notification
from jifen.orgs.models import Member, Organisation, Role

# zlib's level for kept pages: written once, read often; higher levels take twice as long to
# write for a page a tenth smaller.
COMPRESSION = 3
# Writing transactions open in the statement's snapshot (PostgreSQL 13 and later).
_OPEN_WRITERS = {"postgresql": "(SELECT count(*) FROM pg_snapshot_xip(pg_current_snapshot()))"}


def _state_sql(ancestors: int) -> str:
    """One statement, as it is read on every request of a kept page (the ORM would build five):
    the newest audit event of an organisation's subtree (path LIKE) and ancestors, each found
    by one probe of the index (organisation, id); then what the navbar shows of the reader:
    unread notifications, and the roles and member records that decide its links (a role is
    granted or revoked, never changed, so their number and newest id tell a change)."""
    events, orgs = AuditEvent._meta.db_table, Organisation._meta.db_table
    in_list = ", ".join(["%s"] * ancestors)
    open_writers = _OPEN_WRITERS.get(connection.vendor, "0")
    return f"""
        SELECT
          (SELECT MAX((SELECT e.id FROM {events} e WHERE e.organisation_id = o.id
                       ORDER BY e.id DESC LIMIT 1))
             FROM {orgs} o WHERE o.path LIKE %s OR o.id IN ({in_list})),
          (SELECT COUNT(*) FROM {Notification._meta.db_table}
             WHERE user_id = %s AND read_at IS NULL),
          (SELECT COUNT(*) || '.' || COALESCE(MAX(id), 0) FROM {Role._meta.db_table}
             WHERE user_id = %s),
          (SELECT COUNT(*) FROM {Member._meta.db_table} WHERE user_id = %s),
          {open_writers}
    """


def page_state(organisation: Organisation, user) -> tuple[tuple, bool]:
    """What a kept page of the organisation, read by the user, depends on in the database, and
    whether a writing transaction was open when it was read (a page read then is not kept: an
    event with a lower id may still commit)."""
    ancestors = organisation.ancestor_ids
    params = [f"{organisation.path}%", *ancestors, user.pk, user.pk, user.pk]
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(len(ancestors)), params)
        *state, open_writers = cursor.fetchone()
    return tuple(state), bool(open_writers)


def _key(request) -> str:
    session = request.session.session_key or ""
    reader = f"{request.get_full_path()}|{get_language()}|{session}|{bool(request.htmx)}"
    return "personal:" + hashlib.sha256(reader.encode()).hexdigest()[:40]


def _frame(request) -> tuple:
    """What the frame around the page shows of the reader that the database query does not
    cover, and the day (to-dos and periods move with it)."""
    user = request.user
    get_token(request)  # the page's forms carry a token: a secret is given now if none was
    return (
        request.META["CSRF_COOKIE"],
        user.get_username(),
        user.is_superuser,
        timezone.localdate().isoformat(),
    )


def _keep(request, response, open_writers: bool) -> bool:
    """Whether the rendered page may be served again: not when a writer was open, nor with a
    message shown, nor to a client that brought no CSRF cookie (it would not find the page
    again under the secret just given, and a client that never keeps cookies would write an
    entry on every request)."""
    return (
        response.status_code == 200
        and not open_writers
        and not len(get_messages(request))
        and settings.CSRF_COOKIE_NAME in request.COOKIES
    )


def personal_page(request, organisation: Organisation, render) -> HttpResponse:
    """The page from the cache, or `render()`'s. Call it after the permission check: the entry
    is the session's own, but the check must still run on every request."""
    seconds = settings.JIFEN_PERSONAL_PAGE_SECONDS
    if not seconds or request.method != "GET" or len(get_messages(request)):
        return render()
    cache, key = caches["personal"], _key(request)
    # Read before the page is built: a change after this read gives a newer event next time.
    found, open_writers = page_state(organisation, request.user)
    state = (*found, *_frame(request))
    entry = cache.get(key)
    if entry is not None and entry["state"] == state:
        content = zlib.decompress(entry["content"])
        return HttpResponse(content, content_type=entry["content_type"])
    response = render()
    if _keep(request, response, open_writers):
        # Kept compressed: the cache stores values in base64, whose decoding costs more than
        # inflating a page a tenth of the size (a review queue of 80 KB keeps 7 KB).
        content = zlib.compress(response.content, COMPRESSION)
        entry = {"state": state, "content": content, "content_type": response["Content-Type"]}
        cache.set(key, entry, seconds)
    return response
