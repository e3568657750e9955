"""Confirming, posting and locking a quarter from the pages: each through a page that says
what will happen (for confirmation, the register it would fill), done only by its POST; the
confirm form offers only the general meetings that can confirm the quarter."""

import datetime

import pytest
from django.urls import reverse

from jifen.cycle import services as cycle
from jifen.cycle.enums import QuarterState
from jifen.cycle.models import Notice, Quarter
from jifen.declarations import services as declarations
from tests.activities.helpers import hold
from tests.conftest import YEAR
from tests.factories import d


def _day(month, day):
    return datetime.date(YEAR, month, day)


def _url(name, world, number=1):
    return reverse(name, args=[world.branch.pk, YEAR, number])


@pytest.fixture
def reviewed(world, declared):
    declarations.declaration_review(actor=world.secretary, declaration=declared, decision="approve")
    return declared


@pytest.fixture
def secretary(client, world, on):
    on(_day(4, 3))
    client.force_login(world.secretary)
    return client


def _confirm_q1(world, held_on=None):
    meeting = hold(world, held_on or _day(4, 3), quarter=1)
    cycle.quarter_confirm(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=1,
        meeting=meeting,
        now=meeting.ends_at,
    )
    return meeting


def test_the_confirm_page_previews_the_register_and_changes_nothing(secretary, world, reviewed):
    meeting = hold(world, _day(4, 3), quarter=1)

    response = secretary.get(_url("portal:quarter_confirm", world))

    rows = response.context["rows"]
    assert [(r.member.name, r.score, r.rank) for r in rows] == [("张三", d("60.7"), 1)]
    assert "<strong>60.7</strong>" in response.text
    assert f'<option value="{meeting.pk}" selected>' in response.text
    assert not Quarter.objects.filter(state=QuarterState.CONFIRMED).exists()


def test_the_quarter_is_confirmed_by_the_post(secretary, world, reviewed):
    meeting = hold(world, _day(4, 3), quarter=1)

    response = secretary.post(
        _url("portal:quarter_confirm", world), {"meeting": meeting.pk}, follow=True
    )

    assert "本季度已确认" in response.text
    quarter = Quarter.objects.get()
    assert (quarter.state, quarter.meeting) == (QuarterState.CONFIRMED, meeting)


def test_only_the_meetings_that_can_confirm_the_quarter_are_offered(client, world, on):
    first = _confirm_q1(world)
    early = hold(world, _day(6, 20))  # held before the second quarter ended
    planned = hold(world, _day(7, 6), quarter=2)
    later = hold(world, _day(7, 8))
    for_q3 = hold(world, _day(7, 9), quarter=3)  # planned for another quarter
    on(_day(7, 10))
    client.force_login(world.secretary)

    response = client.get(_url("portal:quarter_confirm", world, 2))

    assert response.context["meetings"] == [planned, later]
    assert f'<option value="{planned.pk}" selected>' in response.text
    for absent in (first, early, for_q3):
        assert f'value="{absent.pk}"' not in response.text
    quarters = client.get(reverse("portal:quarters", args=[world.branch.pk]), {"year": YEAR})
    card = quarters.text[quarters.text.index('id="quarter-2"') :]
    assert f"{_day(7, 6):%Y-%m-%d} {planned.title}" in card[:2000]


def test_without_a_meeting_the_page_says_so_and_leads_to_planning_one(secretary, world):
    response = secretary.get(_url("portal:quarter_confirm", world))

    assert 'id="no-meeting"' in response.text
    assert "目前没有可确认 2026 年第 1 季度的党员大会" in response.text
    assert reverse("portal:activity_plan", args=[world.branch.pk]) in response.text
    assert '<form method="post"' not in response.text[response.text.index('id="quarter-step"') :]


def test_the_meeting_of_another_quarter_is_refused_with_its_reason(client, world, on):
    used = _confirm_q1(world)
    on(_day(7, 10))
    client.force_login(world.secretary)

    response = client.post(
        _url("portal:quarter_confirm", world, 2), {"meeting": used.pk}, follow=True
    )

    assert "2026-04-03 的党员大会已确认 2026 年第 1 季度。" in response.text
    assert not Quarter.objects.filter(number=2).exists()


def test_a_meeting_before_the_quarter_ended_is_refused_with_the_dates(client, world, on):
    early = hold(world, _day(6, 20))
    on(_day(7, 10))
    client.force_login(world.secretary)

    response = client.post(
        _url("portal:quarter_confirm", world, 2), {"meeting": early.pk}, follow=True
    )

    assert "2026-06-20 的党员大会召开于 2026 年第 2 季度结束（2026-06-30）之前" in response.text
    assert not Quarter.objects.filter(number=2).exists()


def test_posting_the_notice_asks_first_and_happens_on_the_post(secretary, world, reviewed):
    _confirm_q1(world)

    page = secretary.get(_url("portal:notice_publish", world))
    assert "公示发布后不能撤回" in page.text and "<strong>60.7</strong>" in page.text
    assert not Notice.objects.exists()

    secretary.post(_url("portal:notice_publish", world))
    assert Quarter.objects.get().state == QuarterState.ON_NOTICE


def test_locking_asks_first_and_happens_on_the_post(secretary, world, reviewed, on):
    _confirm_q1(world)
    notice = cycle.notice_publish(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, today=_day(4, 3)
    )
    on(notice.closes_on + datetime.timedelta(days=1))

    page = secretary.get(_url("portal:quarter_lock", world))
    assert 'id="lock-form"' in page.text
    assert Quarter.objects.get().state == QuarterState.ON_NOTICE

    secretary.post(_url("portal:quarter_lock", world))
    assert Quarter.objects.get().state == QuarterState.LOCKED


@pytest.mark.parametrize("name", ["portal:quarter_confirm", "portal:notice_publish"])
def test_an_outsider_is_refused_the_step_pages(client, world, reviewed, name):
    if name == "portal:notice_publish":
        _confirm_q1(world)
    else:
        hold(world, _day(4, 3), quarter=1)
    client.force_login(world.outsider)

    assert client.get(_url(name, world)).status_code == 404
    assert client.post(_url(name, world)).status_code == 404
    assert not Notice.objects.exists()


def test_a_quarter_that_does_not_exist_is_not_found(secretary, world):
    assert secretary.get(_url("portal:quarter_confirm", world, 5)).status_code == 404
