"""No page links a user to a page that would refuse them: from the home page, every link of
every page reached (two steps deep) opens for the user who sees it."""

import datetime
import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.utils import timezone

from tests.conftest import YEAR

PERSONAS = ("member_user", "committee_member", "secretary", "reviewer", "admin", "outsider")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')
# Leaving the site, signing out, and Django's admin (a page of its own for staff).
SKIPPED = ("/logout/", "/admin/", "/i18n/", "/api/")
# Links that do something and go back (the public pages' language switch, which sets a cookie).
REDIRECTING = ("/language/",)


@pytest.fixture
def on_april_2(monkeypatch):
    day = datetime.date(YEAR, 4, 2)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def _links(html: str) -> set[str]:
    links = set()
    for href in HREF.findall(html):
        url = urldefrag(href.replace("&amp;", "&"))[0]
        if url.startswith("/") and not url.startswith(SKIPPED):
            links.add(url)
    return links


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_a_user_is_shown_opens_for_them(client, world, cycle, persona, on_april_2):
    cycle.publish(today=datetime.date(YEAR, 4, 2))
    client.force_login(getattr(world, persona))
    seen, frontier, refused = set(), {"/"}, []
    for _depth in range(3):
        found = set()
        for url in sorted(frontier - seen):
            seen.add(url)
            response = client.get(url, follow=url.startswith(REDIRECTING))
            if response.status_code != 200:
                refused.append((url, response.status_code))
                continue
            if response["Content-Type"].startswith("text/html"):
                found |= _links(response.content.decode())
        frontier = found
    assert not refused, refused
    assert len(seen) > 5
    assert all(urlsplit(url).path for url in seen)
