"""The activity pages: planning (the former meeting form), the secretary's ticks, the member's
leave and typed code, the committee's decision, the record book and its export."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jifen.activities import codes, services
from jifen.activities.enums import ActivityState, ProposalStatus
from jifen.activities.models import Activity, CheckIn, LeaveRequest
from jifen.ledger.enums import Source
from jifen.ledger.models import Entry
from jifen.portal.forms import DateInput
from tests.activities.helpers import kind, plan
from tests.conftest import YEAR
from tests.exchange.helpers import pdf_text, tables

MARCH_10 = datetime.date(YEAR, 3, 10)


def test_date_inputs_carry_iso_values_whatever_the_language():
    # A type=date input takes only ISO dates: "2026/12/02" (zh-Hans) left it empty.
    with translation.override("zh-hans"):
        html = DateInput().render("day", datetime.date(2026, 12, 2))
    assert 'value="2026-12-02"' in html


def test_the_plan_form_lays_members_out_with_a_select_all(client, world):
    client.force_login(world.secretary)
    response = client.get(reverse("portal:activity_plan", args=[world.branch.pk]))
    html = response.text
    assert 'class="check-grid"' in html
    assert 'data-select-all="members"' in html
    assert (
        f'<div class="form-check"><input type="checkbox" name="members" value="{world.member.pk}"'
        in html
    )
    start = response.context["form"]["starts_at"].value()
    assert f'value="{start:%Y-%m-%dT%H:%M}"' in html


def test_planning_through_the_page(client, world):
    client.force_login(world.secretary)
    response = client.post(
        reverse("portal:activity_plan", args=[world.branch.pk]),
        {
            "organisation": world.branch.pk,
            "kind": kind(world, "party_lecture").pk,
            "title": "第一季度党课",
            "starts_at": f"{YEAR}-03-20T09:00",
            "ends_at": f"{YEAR}-03-20T11:00",
            "audience": "all",
            "leader": world.member.pk,
        },
        follow=True,
    )
    activity = Activity.objects.get()
    assert response.redirect_chain[-1][0] == reverse("portal:activity", args=[activity.pk])
    assert (activity.title, activity.leader, activity.month) == ("第一季度党课", world.member, 3)
    assert "活动已安排" in response.text


def test_the_secretary_ticks_with_select_all_and_closes(client, world):
    activity = plan(world, MARCH_10)
    client.force_login(world.secretary)
    client.post(reverse("portal:activity_tick", args=[activity.pk]), {"members": [world.member.pk]})
    assert CheckIn.objects.get().method == "secretary"
    response = client.post(
        reverse("portal:activity_close", args=[activity.pk]), {"minutes": "学习"}, follow=True
    )
    assert "活动已结束" in response.text
    activity.refresh_from_db()
    assert activity.state == ActivityState.CLOSED


def test_a_member_asks_for_leave_and_types_the_code(client, world):
    later = plan(world, timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(world.member_user)
    client.post(reverse("portal:leave_ask", args=[later.pk]), {"reason": "出差"})
    assert LeaveRequest.objects.get().activity == later

    start = timezone.now() - datetime.timedelta(minutes=5)
    now = plan(world, timezone.localdate(), title="现在")
    Activity.objects.filter(pk=now.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    now.refresh_from_db()
    digits = codes.current(now, timezone.now()).digits
    response = client.post(reverse("portal:checkin_digits"), {"digits": digits}, follow=True)
    assert "签到“现在”" in response.text
    wrong = client.post(reverse("portal:checkin_digits"), {"digits": "12345"}, follow=True)
    assert "请输入屏幕上显示的六位数字。" in wrong.text


def test_a_forged_link_gets_a_clear_refusal_page(client, world):
    activity = plan(world, MARCH_10)
    client.force_login(world.member_user)
    response = client.get(reverse("portal:checkin", args=[activity.pk, 1, "0" * 20]))
    assert response.status_code == 400
    assert "签到链接无效" in response.text


def test_the_committee_decides_an_activitys_points_at_once(client, world):
    activity = plan(world, MARCH_10)
    client.force_login(world.secretary)
    client.post(reverse("portal:activity_close", args=[activity.pk]), {"minutes": ""})
    # Closing needs the activity to have begun: March has.
    proposal = activity.proposals.get()
    url = reverse("portal:activity_points", args=[world.branch.pk])
    page = client.get(f"{url}?period={YEAR}-03")
    assert "张三" in page.text
    response = client.post(url, {"proposals": [proposal.pk], "approve": "yes"}, follow=True)
    assert "已审核 1 条积分。" in response.text
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert Entry.objects.get().source == Source.ACTIVITY


@pytest.fixture
def held(world):
    activity = plan(world, MARCH_10, code="committee_meeting", title="三月支委会")
    services.attendance_tick(
        actor=world.secretary,
        activity=activity,
        member_ids=[world.member.pk],
        now=activity.starts_at,
    )
    services.activity_close(
        actor=world.secretary, activity=activity, minutes="研究工作", now=activity.ends_at
    )
    return activity


def test_the_record_book_shows_requirements_activities_and_members(client, world, held):
    client.force_login(world.reviewer)
    response = client.get(reverse("portal:record_book", args=[world.branch.pk, YEAR]))
    book = response.context["book"]
    assert [e.activity for e in book.entries] == [held]
    committee = next(r for r in book.requirements if r.kind.code == "committee_meeting")
    assert [c.met for c in committee.checks[:3]] == [False, False, True]
    assert "研究工作" in response.text and "100.0%" in response.text


def test_the_record_book_links_each_activity_only_for_those_who_run_them(client, world, held):
    activity_url = reverse("portal:activity", args=[held.pk])
    book_url = reverse("portal:record_book", args=[world.branch.pk, YEAR])
    for user, links in ((world.reviewer, False), (world.secretary, True)):
        client.force_login(user)
        assert (activity_url in client.get(book_url).text) is links
        assert client.get(activity_url).status_code == (200 if links else 404)


def test_the_record_book_exports_to_excel_and_pdf(client, world, held):
    client.force_login(world.secretary)
    url = reverse("exchange:branch_export", args=[world.branch.pk, "record_book"])
    xlsx = client.post(url, {"year": YEAR, "format": "xlsx"})
    rows = tables(xlsx.content)["已开展的活动"]
    assert rows[1][3] == "三月支委会" and rows[1][12] == "研究工作"
    pdf = client.post(url, {"year": YEAR, "format": "pdf"})
    text = pdf_text(pdf.content)
    assert "组织生活台账" in text and "三月支委会" in text and "记录人（签字）" in text
