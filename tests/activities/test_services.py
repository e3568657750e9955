"""Activities through their services: planning and who is expected, leave, check-in and its bad
input, closing with the points it proposes, the committee's decision, corrections."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from jifen.activities import codes, services
from jifen.activities.enums import (
    ActivityState,
    Audience,
    CheckInMethod,
    Outcome,
    ProposalStatus,
    Purpose,
)
from jifen.activities.models import Activity, CheckIn, Expected, LeaveRequest, Proposal
from jifen.audit.models import AuditEvent
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.ledger import periods
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source, Stage
from jifen.ledger.models import Entry
from jifen.notifications.models import Notification
from jifen.orgs.enums import OrgKind, RoleKind
from jifen.orgs.models import Role
from tests.activities.helpers import approve_all, at, kind, plan
from tests.conftest import YEAR
from tests.factories import MemberFactory, OrganisationFactory, UserFactory

MARCH_10 = datetime.date(YEAR, 3, 10)


@pytest.fixture
def people(world):
    """Three more members with accounts: 王五, 赵六 and 钱七."""
    return [
        MemberFactory(name=name, branch=world.branch, user=UserFactory(username=f"u{n}"))
        for n, name in enumerate(["王五", "赵六", "钱七"])
    ]


@pytest.fixture
def meeting(world, people):
    return plan(world, MARCH_10, members=[world.member, *people])


def _link(activity, moment):
    code = codes.current(activity, moment)
    return {"step": code.step, "signature": code.signature}


def _check_in(world, activity, moment, member=None, actor=None, **link):
    return services.checkin_by_link(
        actor=actor or world.member_user,
        activity=activity,
        member=member or world.member,
        now=moment,
        **(link or _link(activity, moment)),
    )


def _unchanged(call, error=DomainError):
    """Run a refused call and check that it wrote nothing: no check-in, leave, proposal,
    entry or audit event."""
    counts = [m.objects.count() for m in (CheckIn, LeaveRequest, Proposal, Entry, AuditEvent)]
    with pytest.raises(error) as refused:
        call()
    assert [m.objects.count() for m in (CheckIn, LeaveRequest, Proposal, Entry, AuditEvent)] == (
        counts
    )
    return refused.value


# ---------------------------------------------------------------- planning


def test_planning_expects_the_audience_and_notifies_it_in_the_app_and_by_email(
    world, people, django_capture_on_commit_callbacks
):
    later = timezone.localdate() + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        activity = plan(world, later, members=[world.member, people[0]])
    assert set(activity.expected.values_list("member__name", flat=True)) == {"张三", "王五"}
    note = Notification.objects.get(user=world.member_user)
    assert activity.title in note.text and note.url.endswith(f"/activities/{activity.pk}/")
    assert {message.to[0] for message in mail.outbox} == {
        world.member_user.email,
        people[0].user.email,
    } - {""}


def test_an_activity_recorded_after_it_was_held_invites_nobody(world):
    plan(world, MARCH_10)
    assert not Notification.objects.exists()


def test_the_committee_audience_is_the_branchs_committee(world, people):
    Role.objects.create(user=people[0].user, organisation=world.branch, kind=RoleKind.COMMITTEE)
    activity = plan(world, MARCH_10, code="committee_meeting", audience=Audience.COMMITTEE)
    assert list(activity.expected.values_list("member__name", flat=True)) == ["王五"]


def test_a_party_group_holds_its_own_meeting_for_its_members(world, people):
    group = OrganisationFactory(name="第一党小组", kind=OrgKind.GROUP, parent=world.branch)
    for member in people[:2]:
        member.group = group
        member.save(update_fields=["group"])
    activity = plan(world, MARCH_10, code="group_meeting", org=group, audience=Audience.ALL)
    assert set(activity.expected.values_list("member__name", flat=True)) == {"王五", "赵六"}
    error = _unchanged(lambda: plan(world, MARCH_10, code="group_meeting"))
    assert error.code == "held_by_group"


def test_only_members_of_the_organisation_can_be_expected(world):
    error = _unchanged(
        lambda: plan(world, MARCH_10, members=[world.member, world.outsider_member]), NotPermitted
    )
    assert error.code == "other_branch"
    assert not Activity.objects.exists()


def test_the_outsider_plans_nothing_here(world):
    _unchanged(lambda: plan(world, MARCH_10, actor=world.outsider), NotPermitted)


def _close_month(world, month, stage):
    with transaction.atomic():
        held = periods.take(world.branch, YEAR, [month])
        ledger.periods_close(
            actor=world.secretary, branch=world.branch, year=YEAR, held=held, stage=Stage.CONFIRMED
        )
        if stage == Stage.LOCKED:
            ledger.periods_close(
                actor=world.secretary,
                branch=world.branch,
                year=YEAR,
                held=periods.take(world.branch, YEAR, [month]),
                stage=Stage.LOCKED,
                scheme=world.scheme,
            )


def test_an_activity_in_a_locked_month_is_refused(world):
    _close_month(world, 3, Stage.LOCKED)
    error = _unchanged(lambda: plan(world, MARCH_10), InvalidState)
    assert error.code == "month_locked"
    assert not Activity.objects.exists()


# ---------------------------------------------------------------- check-in


def test_a_member_checks_in_once_with_the_time(world, meeting):
    moment = meeting.starts_at + datetime.timedelta(minutes=3)
    checkin = _check_in(world, meeting, moment)
    assert (checkin.member, checkin.at, checkin.method) == (
        world.member,
        moment,
        CheckInMethod.PHONE,
    )
    error = _unchanged(lambda: _check_in(world, meeting, moment), InvalidState)
    assert error.code == "already_checked_in"


def test_the_database_holds_one_checkin_per_member_and_activity(world, meeting):
    _check_in(world, meeting, meeting.starts_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(
            activity=meeting,
            member=world.member,
            at=meeting.starts_at,
            method=CheckInMethod.PHONE,
            recorded_by=world.member_user,
        )


def test_checking_in_outside_the_window_is_refused(world, meeting):
    early = meeting.starts_at - datetime.timedelta(minutes=31)
    late = meeting.ends_at + datetime.timedelta(minutes=1)
    for moment in (early, late):
        error = _unchanged(lambda m=moment: _check_in(world, meeting, m), InvalidState)
        assert error.code == "outside_window"


def test_a_photo_of_an_old_code_has_expired(world, meeting):
    moment = meeting.starts_at + datetime.timedelta(minutes=30)
    old = _link(meeting, moment - datetime.timedelta(minutes=2))
    error = _unchanged(lambda: _check_in(world, meeting, moment, **old), InvalidState)
    assert error.code == "expired_code"
    # The code shown a moment ago (the minute before) still works.
    _check_in(world, meeting, moment, **_link(meeting, moment - datetime.timedelta(minutes=1)))


def test_a_forged_code_is_refused(world, meeting, people):
    moment = meeting.starts_at
    step = codes.step_at(moment)
    forged = {"step": step, "signature": "0" * codes.SIGNATURE_LENGTH}
    error = _unchanged(lambda: _check_in(world, meeting, moment, **forged))
    assert error.code == "forged_code"
    other = plan(world, MARCH_10, members=people, title="另一活动")
    borrowed = _link(other, moment)  # another activity's code
    assert _unchanged(lambda: _check_in(world, meeting, moment, **borrowed)).code == "forged_code"


def test_a_member_checks_in_only_themself(world, meeting, people):
    error = _unchanged(
        lambda: _check_in(world, meeting, meeting.starts_at, member=people[0]), NotPermitted
    )
    assert error.code == "not_yourself"


def test_a_member_not_expected_cannot_check_in(world, meeting):
    stranger = MemberFactory(name="孙八", branch=world.branch, user=UserFactory(username="sun"))
    error = _unchanged(
        lambda: _check_in(world, meeting, meeting.starts_at, member=stranger, actor=stranger.user),
        NotPermitted,
    )
    assert error.code == "not_expected"


def test_a_scan_before_signing_in_keeps_its_minute(world, meeting):
    scanned = meeting.starts_at
    link = _link(meeting, scanned)
    later = scanned + datetime.timedelta(minutes=4)
    checkin = services.checkin_by_link(
        actor=world.member_user,
        activity=meeting,
        member=world.member,
        now=later,
        scanned_at=scanned,
        **link,
    )
    assert checkin.at == later


def test_the_six_digits_check_in_and_wrong_ones_are_counted(world, meeting, settings):
    settings.JIFEN_CHECKIN_CODE_ATTEMPTS = 2
    moment = meeting.starts_at
    right = codes.current(meeting, moment).digits
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(2):
        error = _unchanged(
            lambda: services.checkin_by_digits(
                actor=world.member_user, member=world.member, digits=wrong, now=moment
            )
        )
        assert error.code == "wrong_code"
    error = _unchanged(
        lambda: services.checkin_by_digits(
            actor=world.member_user, member=world.member, digits=right, now=moment
        ),
        InvalidState,
    )
    assert error.code == "too_many_attempts"


def test_the_six_digits_find_the_activity(world, meeting):
    moment = meeting.starts_at + datetime.timedelta(minutes=1)
    digits = codes.current(meeting, moment).digits
    checkin = services.checkin_by_digits(
        actor=world.member_user, member=world.member, digits=digits, now=moment
    )
    assert checkin.activity == meeting


def test_the_secretary_ticks_members_without_a_phone(world, meeting, people):
    _check_in(world, meeting, meeting.starts_at)
    ids = [world.member.pk, people[0].pk]
    ticked = services.attendance_tick(
        actor=world.secretary, activity=meeting, member_ids=ids, now=meeting.starts_at
    )
    assert ticked == 1  # 张三 had checked in himself
    assert CheckIn.objects.get(member=people[0]).method == CheckInMethod.SECRETARY
    stranger = MemberFactory(branch=world.branch)
    error = _unchanged(
        lambda: services.attendance_tick(
            actor=world.secretary,
            activity=meeting,
            member_ids=[people[1].pk, stranger.pk],
            now=meeting.starts_at,
        ),
        NotPermitted,
    )
    assert error.code == "not_expected"


# ---------------------------------------------------------------- leave


def test_leave_is_asked_before_the_activity_begins(world, meeting):
    before = meeting.starts_at - datetime.timedelta(hours=1)
    leave = services.leave_ask(actor=world.member_user, activity=meeting, reason="出差", now=before)
    assert leave.member == world.member
    error = _unchanged(
        lambda: services.leave_ask(
            actor=world.member_user, activity=meeting, reason="出差", now=before
        ),
        InvalidState,
    )
    assert error.code == "already_asked"


def test_leave_asked_after_the_start_is_refused(world, meeting):
    error = _unchanged(
        lambda: services.leave_ask(
            actor=world.member_user, activity=meeting, reason="迟到", now=meeting.starts_at
        ),
        InvalidState,
    )
    assert error.code == "already_begun"


def test_refusing_leave_needs_a_reason_and_the_member_is_told(world, meeting):
    before = meeting.starts_at - datetime.timedelta(hours=1)
    leave = services.leave_ask(actor=world.member_user, activity=meeting, reason="出差", now=before)
    _unchanged(lambda: services.leave_decide(actor=world.secretary, leave=leave, grant=False))
    services.leave_decide(actor=world.secretary, leave=leave, grant=False, reason="会议重要")
    assert Notification.objects.filter(user=world.member_user, key=f"leave:{leave.pk}").exists()


# ---------------------------------------------------------------- closing and points


def _close(world, activity, **extra):
    return services.activity_close(
        actor=world.secretary, activity=activity, now=activity.ends_at, **extra
    )


def test_closing_makes_attendance_final_and_proposes_the_kinds_items(world, meeting, people):
    present, on_leave, away, exempt = world.member, people[0], people[1], people[2]
    exempt.exempt_reason = "长期病休"
    exempt.save(update_fields=["exempt_reason"])
    leave = services.leave_ask(
        actor=on_leave.user,
        activity=meeting,
        reason="出差",
        now=meeting.starts_at - datetime.timedelta(days=1),
    )
    services.leave_decide(actor=world.secretary, leave=leave, grant=True)
    _check_in(world, meeting, meeting.starts_at)
    _close(world, meeting, minutes="审议积分")

    outcomes = dict(meeting.expected.values_list("member__name", "outcome"))
    assert outcomes == {
        present.name: Outcome.ATTENDED,
        on_leave.name: Outcome.LEAVE,
        away.name: Outcome.ABSENT,
        exempt.name: Outcome.ABSENT,
    }
    proposals = {(p.member.name, p.purpose, p.item.code, p.points) for p in meeting.proposals.all()}
    # Attending: 0 points of B01; an unexcused absence: D01, 2 points; leave and the exempt
    # member: nothing.
    assert proposals == {
        (present.name, Purpose.ATTENDANCE, "B01", Decimal(0)),
        (away.name, Purpose.ABSENCE, "D01", Decimal(2)),
    }
    meeting.refresh_from_db()
    assert (meeting.state, meeting.minutes) == (ActivityState.CLOSED, "审议积分")


def test_closing_twice_is_refused(world, meeting):
    _close(world, meeting)
    error = _unchanged(lambda: _close(world, meeting), InvalidState)
    assert error.code == "activity_closed"


def test_closing_before_the_start_or_with_leave_waiting_is_refused(world, meeting):
    error = _unchanged(
        lambda: services.activity_close(
            actor=world.secretary, activity=meeting, now=meeting.starts_at - datetime.timedelta(1)
        ),
        InvalidState,
    )
    assert error.code == "not_begun"
    services.leave_ask(
        actor=world.member_user,
        activity=meeting,
        reason="出差",
        now=meeting.starts_at - datetime.timedelta(hours=1),
    )
    assert _unchanged(lambda: _close(world, meeting), InvalidState).code == "leave_waiting"


def test_the_leader_gets_the_points_for_leading(world, people):
    lecture = plan(world, MARCH_10, code="party_lecture", members=people, leader=people[0])
    services.attendance_tick(
        actor=world.secretary,
        activity=lecture,
        member_ids=[m.pk for m in people],
        now=lecture.starts_at,
    )
    _close(world, lecture)
    led = lecture.proposals.get(purpose=Purpose.LEAD)
    assert (led.member, led.item.code, led.points) == (people[0], "P08", Decimal(2))


def test_the_committee_approves_at_once_and_the_archive_names_the_activity(world, meeting):
    _close(world, meeting)
    outcomes = approve_all(world, meeting)
    assert all(not outcome.error for outcome in outcomes)
    entry = Entry.objects.get(member__name="王五")
    assert (entry.source, entry.points, entry.item.code) == (Source.ACTIVITY, Decimal(-2), "D01")
    assert meeting.title in entry.reason
    assert Proposal.objects.filter(status=ProposalStatus.APPROVED).count() == 4


def test_nobody_decides_their_own_points(world, people):
    Role.objects.create(user=people[0].user, organisation=world.branch, kind=RoleKind.COMMITTEE)
    activity = plan(world, MARCH_10, members=people)
    _close(world, activity)
    own = activity.proposals.get(member=people[0])
    [outcome] = services.proposals_decide(actor=people[0].user, proposals=[own], approve=True)
    assert outcome.code == "own_points"
    own.refresh_from_db()
    assert own.status == ProposalStatus.PROPOSED and own.entry is None


def test_points_from_an_activity_for_an_exempt_member_are_refused(world, meeting, people):
    _close(world, meeting)
    people[1].exempt_reason = "长期病休"  # exempt since the activity was closed
    people[1].save(update_fields=["exempt_reason"])
    absent = meeting.proposals.get(member=people[1])
    entries = Entry.objects.count()
    [outcome] = services.proposals_decide(actor=world.secretary, proposals=[absent], approve=True)
    assert outcome.code == "exempt"
    assert Entry.objects.count() == entries
    absent.refresh_from_db()
    assert absent.status == ProposalStatus.PROPOSED


def test_the_items_frequency_still_applies(world, people):
    monthly = world.item("D01")
    monthly.frequency = "monthly"
    monthly.save(update_fields=["frequency"])
    first = plan(world, MARCH_10, members=people[:1])
    second = plan(world, MARCH_10 + datetime.timedelta(days=5), members=people[:1])
    _close(world, first)
    _close(world, second)
    assert first.proposals.get().status == ProposalStatus.PROPOSED
    limited = second.proposals.get()
    assert limited.status == ProposalStatus.NOT_SCORED and limited.note


def test_a_wrong_checkin_is_corrected_by_a_reversing_entry(world, meeting, people):
    _close(world, meeting)
    approve_all(world, meeting)
    absent = Entry.objects.get(member=people[0])
    services.attendance_correct(
        actor=world.secretary,
        activity=meeting,
        member=people[0],
        outcome=Outcome.ATTENDED,
        reason="签到遗漏，实际出席",
    )
    reversal = Entry.objects.get(reverses=absent)
    assert reversal.points == Decimal(2) and reversal.source == Source.ACTIVITY
    new = meeting.proposals.get(member=people[0], status=ProposalStatus.PROPOSED)
    assert new.purpose == Purpose.ATTENDANCE


def test_a_correction_after_the_general_meeting_goes_through_an_objection(world, meeting):
    _close(world, meeting)
    _close_month(world, 3, Stage.CONFIRMED)
    error = _unchanged(
        lambda: services.attendance_correct(
            actor=world.secretary,
            activity=meeting,
            member=world.member,
            outcome=Outcome.LEAVE,
            reason="补请假",
        ),
        InvalidState,
    )
    assert error.code == "quarter_confirmed"


def test_an_activity_with_checkins_is_closed_not_cancelled(world, meeting):
    _check_in(world, meeting, meeting.starts_at)
    error = _unchanged(
        lambda: services.activity_cancel(actor=world.secretary, activity=meeting, reason="改期"),
        InvalidState,
    )
    assert error.code == "has_checkins"


def test_a_cancelled_activity_tells_the_members(world, meeting):
    services.activity_cancel(actor=world.secretary, activity=meeting, reason="改期")
    assert Notification.objects.filter(
        user=world.member_user, key=f"activity-cancelled:{meeting.pk}"
    ).exists()
    assert not Expected.objects.filter(activity=meeting).exclude(outcome="").exists()


def test_the_kind_of_a_general_meeting_in_january_comes_from_last_years_scheme(world):
    january = plan(world, datetime.date(YEAR + 1, 1, 8), confirms_quarter=4)
    assert (january.kind, january.confirms_year) == (kind(world), YEAR)
    assert at(datetime.date(YEAR + 1, 1, 8)) == january.starts_at


def test_the_tasks_of_activities_are_in_everyones_to_do(world, meeting):
    """Members: attend or ask for leave; the secretary: leave to decide, activities to close,
    their points to review (jifen.cycle.selectors.todo_for gathers them)."""
    from jifen.cycle.selectors import todo_for

    day = MARCH_10 - datetime.timedelta(days=1)
    assert any("请到场签到" in t.text for t in todo_for(world.member_user, day))
    services.leave_ask(
        actor=world.member_user,
        activity=meeting,
        reason="出差",
        now=meeting.starts_at - datetime.timedelta(hours=2),
    )
    texts = [t.text for t in todo_for(world.secretary, day)]
    assert any("条请假申请待审批" in text for text in texts)
    assert any("等待书记审批" in t.text for t in todo_for(world.member_user, day))
    after = MARCH_10 + datetime.timedelta(days=1)
    assert any("请结束活动" in t.text for t in todo_for(world.secretary, after))


def test_minutes_are_written_after_the_month_has_closed(world, meeting):
    _close(world, meeting)
    _close_month(world, 3, Stage.LOCKED)
    services.activity_update(actor=world.secretary, activity=meeting, minutes="补记会议记录")
    meeting.refresh_from_db()
    assert meeting.minutes == "补记会议记录"
    error = _unchanged(
        lambda: services.activity_update(actor=world.secretary, activity=meeting, title="改"),
        InvalidState,
    )
    assert error.code == "activity_closed"
