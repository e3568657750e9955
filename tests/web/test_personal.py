"""Signed-in pages kept rendered (jifen/web/personal.py): served again from the cache while
nothing they show has changed, and rendered anew after any change their organisations record —
a step-by-step year of declarations, reviews, deductions, a transfer, a correction, a veto and a
commendation leaves every kept page equal to a page rendered without the cache."""

import datetime
import re
import zlib
from io import StringIO

from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jifen.cycle import services
from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from jifen.ledger.models import Entry
from jifen.orgs import services as orgs
from jifen.orgs.models import Role
from tests.conftest import YEAR
from tests.cycle.conftest import (
    FILING_DAY,
    MEETINGS,
    appeal_accepted,
    compute,
    finalise_all,
    post_year_notice,
)
from tests.factories import MemberFactory, UserFactory
from tests.scoring.helpers import give, submitted

# A rendered page's CSRF token is masked anew each time; everything else must be the same.
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def _plain(response) -> str:
    assert response.status_code == 200
    return CSRF.sub(r"\1", response.content.decode())


def _client(user) -> Client:
    """A signed-in browser after its first page: it holds the session and the CSRF cookie."""
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200
    return client


def _pages(world, member_users):
    """(client, address) of each kept page: the members' own pages, the review queues and the
    dashboards of both branches and of their general branch."""
    month = f"?period={YEAR}-06"
    members = [_client(user) for user in member_users]
    secretary, outsider, reviewer = (
        _client(world.secretary),
        _client(world.outsider),
        _client(world.reviewer),
    )
    return [
        *((client, "/portal/me/") for client in members),
        *((client, f"/portal/me/scores/{YEAR}/") for client in members),
        (secretary, f"/portal/branch/{world.branch.pk}/review/{month}"),
        (secretary, f"/dashboards/{world.branch.pk}/?year={YEAR}"),
        (outsider, f"/portal/branch/{world.other_branch.pk}/review/{month}"),
        (outsider, f"/dashboards/{world.other_branch.pk}/?year={YEAR}"),
        (reviewer, f"/dashboards/{world.general.pk}/?year={YEAR}"),
    ]


def _assert_kept_pages_are_current(pages, settings, step):
    kept = [_plain(client.get(url)) for client, url in pages]
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 0
    try:
        fresh = [_plain(client.get(url)) for client, url in pages]
    finally:
        settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    for (_client, url), old, new in zip(pages, kept, fresh, strict=True):
        assert old == new, (step, url)


def _steps(world, members):
    """A year's changes, one at a time, through the services."""
    m0, m1 = members
    waiting = submitted(world, m0, 6, 4)
    yield "declared"
    declarations.declaration_review(
        actor=world.secretary, declaration=waiting, decision=Decision.APPROVE
    )
    yield "approved"
    give(world, m1, 6, "D05", 2)
    yield "deducted"
    give(world, world.outsider_member, 6, "D05", 1)
    yield "deducted in the other branch"
    orgs.member_transfer(
        actor=world.admin, member=m0, to_branch=world.other_branch, on=datetime.date(YEAR, 6, 16)
    )
    yield "transferred"
    entry = Entry.objects.filter(member=m1, category="deduction").first()
    ledger.reverse_entry(actor=world.secretary, entry=entry, reason="更正", source=Source.APPEAL)
    yield "corrected"
    give(world, m1, 7, "C01", 6, level="school")
    yield "commended"
    give(world, m1, 8, "V01", 0)  # a confirmed veto: the year is 0
    yield "vetoed"


def test_every_kept_page_equals_a_fresh_one_after_each_change(world, settings):
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    members = [
        MemberFactory(branch=world.branch, user=UserFactory(username=f"m{n}")) for n in range(2)
    ]
    for n in range(3):
        MemberFactory(branch=world.branch, name=f"王{n}")
    give(world, members[1], 5, "P03", 3)
    pages = _pages(world, [member.user for member in members])
    _assert_kept_pages_are_current(pages, settings, "before")
    for step in _steps(world, members):
        _assert_kept_pages_are_current(pages, settings, step)


def _cycle_steps(world, cycle):
    """A branch's year through its meetings, notices, an appeal and the parent's filing."""
    cycle.declare_approved(month=2, points=4)
    yield "approved"
    for number, held_on in MEETINGS.items():
        cycle.confirm(number, held_on=held_on)
        yield f"quarter {number} confirmed"
        notice = services.notice_publish(
            actor=world.secretary, branch=world.branch, year=YEAR, quarter=number, today=held_on
        )
        yield f"quarter {number} posted"
        services.quarter_lock(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            quarter=number,
            today=notice.closes_on + datetime.timedelta(days=1),
        )
        yield f"quarter {number} locked"
    result = compute(world)
    yield "year computed"
    appeal_accepted(world, post_year_notice(world))
    yield "appeal accepted"
    result = compute(world)
    finalise_all(world, result)
    services.year_submit(actor=world.secretary, year_result=result)
    yield "submitted"
    services.year_review(actor=world.reviewer, year_result=result, approve=True, today=FILING_DAY)
    yield "filed"


def test_every_kept_page_equals_a_fresh_one_through_the_cycle(world, cycle, settings):
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    MemberFactory(name="王五", branch=world.branch)
    pages = _pages(world, [world.member_user])
    _assert_kept_pages_are_current(pages, settings, "before")
    for step in _cycle_steps(world, cycle):
        _assert_kept_pages_are_current(pages, settings, step)


def test_a_kept_page_is_read_in_a_few_queries(world, settings):
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    client = _client(world.member_user)
    first = client.get("/portal/me/")
    with CaptureQueriesContext(connection) as kept:
        client.get("/portal/me/")
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 0
    with CaptureQueriesContext(connection) as rendered:
        again = client.get("/portal/me/")
    assert _plain(first) == _plain(again)
    assert len(kept) <= 8 < len(rendered)


def _rendered(client, url) -> bool:
    """Whether the request rendered the page (and kept it) rather than serving it kept."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    writes = ("INSERT", "UPDATE")
    return any(
        "jifen_personal_page_cache" in q["sql"] and q["sql"].startswith(writes) for q in queries
    )


def test_a_change_elsewhere_keeps_the_page_and_one_in_its_branch_renders_it(world, settings):
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    client = _client(world.member_user)
    assert _rendered(client, "/portal/me/")
    assert not _rendered(client, "/portal/me/")
    give(world, world.outsider_member, 6, "D05", 1)  # a sibling branch
    assert not _rendered(client, "/portal/me/")
    give(world, world.member, 6, "D05", 1)
    assert _rendered(client, "/portal/me/")


def test_a_change_above_the_branch_renders_its_pages_anew(world, settings):
    """The general branch's own records (its reviews, its filings) are on its branches' pages."""
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    client = _client(world.member_user)
    assert _rendered(client, "/portal/me/")
    orgs.organisation_rename(actor=world.admin, org=world.general, name="新名称党总支")
    assert _rendered(client, "/portal/me/")
    assert not _rendered(client, "/portal/me/")


def test_rebuilding_the_standings_renders_every_page_anew(world, settings):
    """A rebuild repairs the read model without a service's audit record."""
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    client = _client(world.member_user)
    assert _rendered(client, "/portal/me/")
    assert not _rendered(client, "/portal/me/")
    call_command("rebuild_standings", stdout=StringIO())
    assert _rendered(client, "/portal/me/")


def test_each_session_has_its_own_page(world, settings):
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    mine, other = _client(world.member_user), _client(world.outsider)
    assert world.member.name in _plain(mine.get("/portal/me/"))
    page = _plain(other.get("/portal/me/"))
    assert world.outsider_member.name in page and world.member.name not in page


def test_a_page_with_a_message_waiting_shows_it_and_is_not_kept(world, settings, rf):
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    client = _client(world.member_user)
    client.get("/portal/me/")
    # A message left by the request before, as a form's redirect leaves one.
    carrier = HttpResponse()
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.SUCCESS, "已提交")
    storage.update(carrier)
    client.cookies.update(carrier.cookies)
    assert "已提交" in client.get("/portal/me/").content.decode()
    assert "已提交" not in client.get("/portal/me/").content.decode()


def test_a_refused_reader_is_refused_though_the_page_was_kept(world, settings):
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    client = _client(world.secretary)
    url = f"/dashboards/{world.branch.pk}/?year={YEAR}"
    assert client.get(url).status_code == 200
    Role.objects.filter(user=world.secretary).delete()
    assert client.get(url).status_code == 404


def test_a_client_without_the_csrf_cookie_gets_the_page_but_no_kept_copy(world, settings):
    """It would not find the page again under the secret just given, and a client that never
    keeps cookies would write an entry on every request."""
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    client = Client()
    client.force_login(world.member_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/portal/me/").status_code == 200
    assert not any("jifen_personal_page_cache" in q["sql"] for q in queries if "INSERT" in q["sql"])


def test_no_page_is_kept_when_turned_off(world, settings):
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 0
    client = _client(world.member_user)
    client.get("/portal/me/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/portal/me/")
    assert not any("jifen_personal_page_cache" in q["sql"] for q in queries)


def test_a_server_of_this_release_never_reads_an_entry_of_the_last(world, settings):
    """The release before kept pages uncompressed, under the cache's version 1; during an
    upgrade its servers and this release's share the table."""
    settings.JIFEN_PERSONAL_PAGE_SECONDS = 1800
    client = _client(world.member_user)
    assert _rendered(client, "/portal/me/")
    cache = caches["personal"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM jifen_personal_page_cache")
        (stored,) = cursor.fetchone()
    key = stored.removeprefix(f":{cache.version}:")
    entry = cache.get(key)
    cache.delete(key)
    cache.set(key, {**entry, "content": zlib.decompress(entry["content"])}, version=1)

    assert _rendered(client, "/portal/me/")
