import datetime

import pytest

from jifen.activities import services as activity_services
from jifen.cycle import selectors, services
from jifen.cycle.enums import QuarterState
from jifen.cycle.models import Quarter
from jifen.declarations import services as declarations
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.ledger.enums import Stage
from jifen.ledger.models import Entry
from jifen.ledger.periods import stages
from tests.activities.helpers import approve_all, hold, plan
from tests.conftest import YEAR
from tests.cycle.conftest import Q1_MEETING
from tests.factories import MemberFactory, d


def _lock(world, today, quarter=1):
    return services.quarter_lock(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=quarter, today=today
    )


def test_a_quarter_goes_from_meeting_to_lock(world, cycle):
    cycle.declare_approved(month=2, points=4)
    quarter = cycle.confirm()
    assert quarter.state == QuarterState.CONFIRMED
    row = selectors.register_rows(quarter).get(member=world.member)
    assert row.month_scores == ["60.0", "64.0", "60.0"]
    assert (row.score, row.rank) == (d("61.3"), 1)

    notice = services.notice_publish(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, today=Q1_MEETING
    )
    # Wednesday + 5 working days, the weekend skipped.
    assert notice.closes_on == datetime.date(YEAR, 4, 14)
    assert selectors.quarter_for(world.branch, YEAR, 1).state == QuarterState.ON_NOTICE
    assert [(r.member_name, r.branch_name, r.score, r.rank) for r in notice.rows.all()] == [
        ("张三", "第一党支部", d("61.3"), 1)
    ]
    assert list(selectors.public_notices(today=notice.closes_on)) == [notice]

    locked = _lock(world, datetime.date(YEAR, 4, 15))
    assert locked.state == QuarterState.LOCKED
    assert [stages(world.branch, YEAR)[m] for m in (1, 2, 3, 4)] == [Stage.LOCKED] * 3 + [
        Stage.OPEN
    ]


def test_the_register_ranks_members_and_leaves_the_exempt_unranked(world, cycle):
    MemberFactory(name="王五", branch=world.branch)
    MemberFactory(name="赵六", branch=world.branch, exempt_reason="长期病休")
    cycle.declare_approved(month=1, points=3)
    rows = {r.member.name: r for r in selectors.register_rows(cycle.confirm())}
    assert (rows["张三"].rank, rows["王五"].rank) == (1, 2)
    assert rows["赵六"].score is None and rows["赵六"].rank is None
    assert rows["赵六"].month_scores == [None, None, None]
    assert rows["赵六"].exempt_reason == "长期病休"
    notice = services.notice_publish(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, today=Q1_MEETING
    )
    assert [r.member_name for r in notice.rows.all()] == ["张三", "王五"]


def test_public_notices_end_with_the_appeal_period(world, cycle):
    notice = cycle.publish()
    assert notice.appeals_close_on == notice.closes_on + datetime.timedelta(days=15)
    assert not selectors.public_notices(today=Q1_MEETING - datetime.timedelta(days=1)).exists()
    assert selectors.public_notices(today=notice.appeals_close_on).exists()
    after = notice.appeals_close_on + datetime.timedelta(days=1)
    assert not selectors.public_notices(today=after).exists()


def _declare_march(world, today):
    return declarations.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("P03"),
        points=d(2),
        description="任务",
        today=today,
    )


def test_confirmation_waits_for_every_review(world, cycle):
    _declare_march(world, datetime.date(YEAR, 3, 20))
    with pytest.raises(InvalidState) as error:
        cycle.confirm()
    assert error.value.code == "reviews_pending"
    assert not Quarter.objects.exists()


def test_the_meeting_must_follow_the_quarter(world, cycle):
    meeting = cycle.meeting(held_on=datetime.date(YEAR, 3, 31))
    with pytest.raises(DomainError) as error:
        services.quarter_confirm(
            actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, meeting=meeting
        )
    assert error.value.code == "meeting_too_early"


def test_a_committee_meeting_does_not_confirm(world):
    meeting = hold(world, Q1_MEETING, code="committee_meeting")
    with pytest.raises(DomainError) as error:
        services.quarter_confirm(
            actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, meeting=meeting
        )
    assert error.value.code == "wrong_meeting"


def test_another_branchs_meeting_does_not_confirm(world):
    meeting = plan(
        world,
        Q1_MEETING,
        members=[world.outsider_member],
        actor=world.outsider,
        org=world.other_branch,
    )
    with pytest.raises(DomainError) as error:
        services.quarter_confirm(
            actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, meeting=meeting
        )
    assert error.value.code == "wrong_meeting"


def test_a_meeting_not_yet_begun_does_not_confirm(world):
    meeting = plan(world, Q1_MEETING, confirms_quarter=1)
    with pytest.raises(DomainError) as error:
        services.quarter_confirm(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            quarter=1,
            meeting=meeting,
            now=meeting.starts_at - datetime.timedelta(minutes=1),
        )
    assert error.value.code == "meeting_not_held"
    assert not Quarter.objects.exists()


def test_a_quarter_waits_for_its_activities_and_their_points(world, cycle):
    march = plan(world, datetime.date(YEAR, 3, 10), code="committee_meeting")
    meeting = cycle.meeting()
    with pytest.raises(InvalidState) as error:
        services.quarter_confirm(
            actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, meeting=meeting
        )
    assert error.value.code == "activities_open"
    activity_services.activity_close(actor=world.secretary, activity=march, now=march.ends_at)
    with pytest.raises(InvalidState) as error:
        services.quarter_confirm(
            actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, meeting=meeting
        )
    assert error.value.code == "reviews_pending"
    approve_all(world, march)
    services.quarter_confirm(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, meeting=meeting
    )
    assert Quarter.objects.get().state == QuarterState.CONFIRMED


def test_a_quarter_is_confirmed_once(world, cycle):
    cycle.confirm()
    with pytest.raises(InvalidState) as error:
        cycle.confirm()
    assert error.value.code == "already_confirmed"
    assert Quarter.objects.get().register_rows.count() == 1


def test_only_the_secretary_confirms(world, cycle):
    meeting = cycle.meeting()
    with pytest.raises(NotPermitted):
        services.quarter_confirm(
            actor=world.committee_member,
            branch=world.branch,
            year=YEAR,
            quarter=1,
            meeting=meeting,
        )


def test_there_are_four_quarters(world, cycle):
    with pytest.raises(DomainError):
        services.quarter_confirm(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            quarter=5,
            meeting=cycle.meeting(),
        )


def test_only_a_confirmed_quarter_is_posted(world):
    with pytest.raises(InvalidState) as error:
        services.notice_publish(
            actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, today=Q1_MEETING
        )
    assert error.value.code == "not_confirmed"


def test_a_quarter_is_posted_once(world, cycle):
    cycle.publish()
    with pytest.raises(InvalidState):
        services.notice_publish(
            actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, today=Q1_MEETING
        )
    assert selectors.branch_notices(world.branch).count() == 1


def test_the_lock_waits_for_the_notice_to_close(world, cycle):
    notice = cycle.publish()
    with pytest.raises(InvalidState) as error:
        _lock(world, notice.closes_on)
    assert error.value.code == "notice_open"
    assert stages(world.branch, YEAR)[1] == Stage.CONFIRMED


def test_the_lock_waits_for_open_objections(world, cycle):
    notice = cycle.publish()
    services.objection_submit(
        actor=world.member_user, notice=notice, text="分数有误", today=Q1_MEETING
    )
    with pytest.raises(InvalidState) as error:
        _lock(world, notice.closes_on + datetime.timedelta(days=1))
    assert error.value.code == "objection_open"


def test_an_unposted_quarter_cannot_be_locked(world, cycle):
    cycle.confirm()
    with pytest.raises(InvalidState) as error:
        _lock(world, datetime.date(YEAR, 5, 1))
    assert error.value.code == "not_on_notice"


def test_a_locked_quarter_refuses_changes(world, cycle):
    locked = cycle.lock()
    with pytest.raises(InvalidState) as error:
        _lock(world, datetime.date(YEAR, 5, 1))
    assert error.value.code == "quarter_locked"
    with pytest.raises(InvalidState) as error:
        declarations.committee_record(
            actor=world.secretary,
            member=world.member,
            year=YEAR,
            month=3,
            item=world.item("D01"),
            points=d(2),
            reason="无故缺席",
        )
    assert error.value.code == "month_locked"
    assert locked.register_rows.get().score == d(60)


def test_the_register_lists_only_members_of_the_quarter(world, cycle):
    MemberFactory(name="新党员", branch=world.branch, placement=datetime.date(YEAR, 5, 1))
    names = [row.member.name for row in selectors.register_rows(cycle.confirm())]
    assert names == ["张三"]


def test_once_confirmed_the_quarter_takes_no_new_declarations_or_records(world, cycle):
    """A meeting held before the declaration deadline (the 5th) does not leave March open."""
    cycle.confirm(held_on=datetime.date(YEAR, 4, 2))
    with pytest.raises(InvalidState) as declared:
        _declare_march(world, datetime.date(YEAR, 4, 3))
    with pytest.raises(InvalidState) as recorded:
        declarations.committee_record(
            actor=world.committee_member,
            member=world.member,
            year=YEAR,
            month=1,
            item=world.item("D01"),
            points=d(2),
            reason="无故缺席支部大会",
        )
    assert declared.value.code == recorded.value.code == "quarter_confirmed"
    assert not Entry.objects.filter(member=world.member, month__lte=3).exists()


def _confirm(world, number, meeting):
    return services.quarter_confirm(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=number,
        meeting=meeting,
        now=meeting.ends_at,
    )


def test_a_fourth_quarter_meeting_held_before_the_year_ends_does_not_confirm(world):
    meeting = hold(world, datetime.date(YEAR, 12, 28))
    with pytest.raises(DomainError) as error:
        _confirm(world, 4, meeting)
    assert error.value.code == "meeting_too_early"
    assert f"{YEAR}-12-31" in str(error.value.message)
    assert not Quarter.objects.exists()


def test_a_meeting_that_confirmed_one_quarter_does_not_confirm_another(world):
    meeting = hold(world, datetime.date(YEAR, 7, 6))
    _confirm(world, 1, meeting)
    with pytest.raises(DomainError) as error:
        _confirm(world, 2, meeting)
    assert error.value.code == "meeting_used"
    assert f"{YEAR} 年第 1 季度" in str(error.value.message)


def test_a_meeting_planned_for_another_quarter_does_not_confirm_this_one(world):
    meeting = hold(world, datetime.date(YEAR, 7, 6), quarter=2)
    with pytest.raises(DomainError) as error:
        _confirm(world, 1, meeting)
    assert error.value.code == "meeting_for_another_quarter"
    assert not Quarter.objects.exists()


def test_the_meetings_offered_are_those_the_service_takes(world):
    used = hold(world, datetime.date(YEAR, 4, 3), quarter=1)
    _confirm(world, 1, used)
    early = hold(world, datetime.date(YEAR, 6, 20))
    planned = hold(world, datetime.date(YEAR, 7, 6), quarter=2)
    other = hold(world, datetime.date(YEAR, 7, 9), quarter=3)
    now = other.ends_at
    offered = list(selectors.confirming_meetings(world.branch, YEAR, 2, now))
    assert offered == [planned]
    for refused in (used, early, other):
        with pytest.raises(DomainError):
            services.quarter_confirm(
                actor=world.secretary,
                branch=world.branch,
                year=YEAR,
                quarter=2,
                meeting=refused,
                now=now,
            )
