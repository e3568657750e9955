"""A kept signed-in page (jifen/web/personal.py) and changes committed out of the order of their
audit ids: a change still open when the page is read, and a later one committed before it, must
not leave the page without the first once both have committed."""

import threading

from django.db import transaction

from tests.concurrency.parallel import Background
from tests.conftest import YEAR
from tests.scoring.helpers import give
from tests.web.test_personal import _client, _plain


def test_a_page_read_while_an_earlier_change_is_open_shows_it_once_committed(world, settings):
    """The general branch's dashboard shows both its branches. A deduction in one branch stays
    open while one in the other branch (its own locks) commits with a higher audit id; the
    dashboard is read between. Once both have committed, the dashboard shows both."""
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    reader = _client(world.reviewer)
    url = f"/dashboards/{world.general.pk}/?year={YEAR}"
    reader.get(url)
    written, release = threading.Event(), threading.Event()

    def earlier_change():
        with transaction.atomic():
            give(world, world.member, 6, "D05", 3)  # its audit event takes the lower id
            written.set()
            assert release.wait(60)

    earlier = Background(earlier_change)
    assert written.wait(60)
    # PostgreSQL commits the later change at once, with the higher id; SQLite makes it wait for
    # the earlier one's commit (one writer at a time), so that the ids commit in order there.
    later = Background(lambda: give(world, world.outsider_member, 6, "D05", 1))
    later.thread.join(3)
    between = _plain(reader.get(url))
    release.set()
    assert earlier.join().error is None
    assert later.join().error is None

    kept = _plain(reader.get(url))
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 0
    fresh = _plain(reader.get(url))
    assert kept == fresh != between
