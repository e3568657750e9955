import datetime

import pytest
from django.urls import reverse

from jifen.activities.models import Activity
from jifen.cycle import services as cycle
from jifen.cycle.dates import quarter_end
from jifen.cycle.enums import ObjectionKind, ObjectionStatus, QuarterState, YearState
from jifen.cycle.models import (
    Admonition,
    MemberGrade,
    Notice,
    Objection,
    Quarter,
    YearFiling,
    YearResult,
)
from jifen.declarations import services as declarations
from jifen.ledger.models import Entry
from jifen.scoring.selectors import member_year_result
from tests.activities.helpers import hold
from tests.conftest import YEAR
from tests.factories import d


def _day(month, day):
    return datetime.date(YEAR, month, day)


def _meeting(client, world, held_on):
    return hold(world, held_on, quarter=1)


def _quarter_url(name, world, number=1):
    return reverse(name, args=[world.branch.pk, YEAR, number])


def _confirm(client, world):
    meeting = Activity.objects.get(kind__confirms_quarters=True)
    return client.post(
        _quarter_url("portal:quarter_confirm", world), {"meeting": meeting.pk}, follow=True
    )


@pytest.fixture
def reviewed(world, declared):
    declarations.declaration_review(actor=world.secretary, declaration=declared, decision="approve")
    return declared


def test_a_quarter_waiting_for_reviews_cannot_be_confirmed(client, world, on, declared):
    on(_day(4, 3))
    client.force_login(world.secretary)
    _meeting(client, world, _day(4, 3))

    response = _confirm(client, world)

    assert "本季度还有 1 条申报等待审核。" in response.text
    assert not Quarter.objects.filter(state=QuarterState.CONFIRMED).exists()


def test_a_whole_quarter_through_the_pages(client, world, on, reviewed):
    client.force_login(world.secretary)
    on(_day(4, 3))
    _meeting(client, world, _day(4, 3))
    _confirm(client, world)
    register = client.get(_quarter_url("portal:register", world))
    assert [(r.member.name, r.score) for r in register.context["rows"]] == [("张三", d("60.7"))]
    anchor = Quarter.objects.get().anchor
    assert f'<code class="text-body">{anchor.code}</code>' in register.text

    on(_day(4, 6))
    client.post(_quarter_url("portal:notice_publish", world))
    notice = Notice.objects.get()
    assert notice.closes_on == _day(4, 10)
    public = client.get(reverse("insight:public_notice", args=[notice.pk]))
    assert anchor.code in public.text and "存证码" in public.text

    on(_day(4, 7))
    client.force_login(world.member_user)
    client.post(reverse("portal:object", args=[notice.pk]), {"text": "3月讲党课未计分"})
    objection = Objection.objects.get()
    assert objection.kind == ObjectionKind.OBJECTION

    on(_day(4, 8))
    client.force_login(world.secretary)
    prefix = f"o{objection.pk}"
    client.post(
        reverse("portal:objection_answer", args=[world.branch.pk, objection.pk]),
        {
            f"{prefix}-accept": "yes",
            f"{prefix}-answer": "经核实，3月讲党课属实，补记3分",
            f"{prefix}-item": world.item("P04").pk,
            f"{prefix}-points": "3",
            f"{prefix}-month": "3",
        },
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ACCEPTED
    assert objection.correction_entry.points == d(3)
    assert member_year_result(world.member, YEAR).months[3].score == d(65)

    on(_day(4, 13))
    client.post(_quarter_url("portal:quarter_lock", world))
    assert Quarter.objects.get().state == QuarterState.LOCKED

    client.force_login(world.member_user)
    me = client.get(reverse("portal:me"))
    assert "经核实，3月讲党课属实，补记3分" in me.text
    assert "（更正 3.0 分）" in me.text


def test_a_locked_quarter_refuses_a_late_deduction(client, world, on, reviewed):
    _run_quarter(world, 1)
    on(_day(4, 20))
    client.force_login(world.secretary)

    response = client.post(
        reverse("portal:committee_record", args=[world.branch.pk]),
        {
            "member": world.member.pk,
            "period": f"{YEAR}-03",
            "item": world.item("D01").pk,
            "points": "2",
            "reason": "补记缺席",
        },
    )

    assert "本月已锁定" in response.text
    assert Entry.objects.filter(item__code="D01").count() == 0


def test_an_objection_after_the_notice_becomes_an_appeal_answered_by_the_parent(
    client, world, on, reviewed
):
    notice = _post_quarter(world, 1)
    on(notice.closes_on + datetime.timedelta(days=3))
    client.force_login(world.member_user)
    client.post(reverse("portal:object", args=[notice.pk]), {"text": "排名有误"})
    appeal = Objection.objects.get()
    assert appeal.kind == ObjectionKind.APPEAL

    client.force_login(world.reviewer)
    prefix = f"o{appeal.pk}"
    client.post(
        reverse("portal:appeal_answer", args=[world.general.pk, appeal.pk]),
        {f"{prefix}-accept": "no", f"{prefix}-answer": "经复核，排名无误"},
    )

    appeal.refresh_from_db()
    assert appeal.status == ObjectionStatus.REJECTED
    client.force_login(world.secretary)
    answers = client.get(reverse("portal:objections", args=[world.branch.pk]))
    assert "经复核，排名无误" in answers.text


def test_the_branch_cannot_answer_an_appeal(client, world, on, reviewed):
    notice = _post_quarter(world, 1)
    on(notice.closes_on + datetime.timedelta(days=3))
    appeal = cycle.objection_submit(actor=world.member_user, notice=notice, text="排名有误")
    client.force_login(world.secretary)
    prefix = f"o{appeal.pk}"

    response = client.post(
        reverse("portal:objection_answer", args=[world.branch.pk, appeal.pk]),
        {f"{prefix}-accept": "no", f"{prefix}-answer": "无误"},
        follow=True,
    )

    assert "您无权对该组织执行此操作。" in response.text
    appeal.refresh_from_db()
    assert appeal.status == ObjectionStatus.OPEN


def _post_quarter(world, number) -> Notice:
    day = quarter_end(YEAR, number) + datetime.timedelta(days=1)
    meeting = hold(world, day, quarter=number)
    cycle.quarter_confirm(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=number,
        meeting=meeting,
        now=meeting.ends_at,
    )
    return cycle.notice_publish(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=number, today=day
    )


def _run_quarter(world, number) -> None:
    notice = _post_quarter(world, number)
    cycle.quarter_lock(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=number,
        today=notice.closes_on + datetime.timedelta(days=1),
    )


def test_the_year_before_the_fourth_quarter_is_locked_is_refused(client, world, on):
    on(_day(12, 1))
    client.force_login(world.secretary)

    response = client.post(
        reverse("portal:year_compute", args=[world.branch.pk, YEAR]), follow=True
    )

    assert "第四季度锁定后才能计算年度结果。" in response.text
    assert not YearResult.objects.exists()


def test_a_whole_year_from_computation_to_filing(client, world, on):
    for number in range(1, 5):
        _run_quarter(world, number)
    on(datetime.date(YEAR + 1, 1, 20))
    client.force_login(world.secretary)
    client.post(reverse("portal:year_compute", args=[world.branch.pk, YEAR]))
    grade = MemberGrade.objects.get()
    assert (grade.suggested_grade_name, grade.bottom_ranked) == ("差", True)
    url = reverse("portal:grade_finalise", args=[world.branch.pk, grade.pk])

    refused = client.post(url, {f"g{grade.pk}-grade_code": "average"}, follow=True)
    assert "评定等次与建议等次不同时，须写明理由。" in refused.text
    grade.refresh_from_db()
    assert grade.final_grade_code == ""

    client.post(url, {f"g{grade.pk}-grade_code": "average", f"g{grade.pk}-reason": "全年表现稳定"})
    client.post(
        reverse("portal:admonition_record", args=[world.branch.pk, YEAR, world.member.pk]),
        {"talked_on": "2027-01-15", "deadline": "2027-04-15", "notes": "指出不足，限期改进"},
    )
    client.post(reverse("portal:year_submit", args=[world.branch.pk, YEAR]))
    client.force_login(world.reviewer)
    on(datetime.date(YEAR + 1, 3, 2))  # every appeal period of the year has ended
    client.post(
        reverse("portal:year_review", args=[world.general.pk, YearResult.objects.get().pk]),
        {"approve": "yes"},
    )

    grade.refresh_from_db()
    assert grade.final_grade_name == "一般"
    assert Admonition.objects.get().deadline == datetime.date(YEAR + 1, 4, 15)
    assert YearResult.objects.get().state == YearState.FILED
    client.force_login(world.member_user)
    on(datetime.date(YEAR, 12, 20))
    assert "一般" in client.get(reverse("portal:me")).text
    client.force_login(world.reviewer)
    on(datetime.date(YEAR + 1, 3, 2))
    parent = client.get(reverse("portal:parent", args=[world.general.pk]))
    assert YearFiling.objects.get().anchor.code in parent.text

    withdraw_url = reverse(
        "portal:year_filing_withdraw", args=[world.general.pk, YearResult.objects.get().pk]
    )
    refused = client.post(
        withdraw_url,
        {"reason": ""},
        follow=True,
    )
    assert "请说明撤销备案的理由。" in refused.text
    withdrawn = client.post(
        withdraw_url,
        {"reason": "等次评定有误"},
        follow=True,
    )
    assert "备案已撤销" in withdrawn.text
    assert YearResult.objects.get().state == YearState.RETURNED
    client.force_login(world.secretary)
    year_page = client.get(reverse("portal:year", args=[world.branch.pk, YEAR]))
    assert "等次评定有误" in year_page.text
