"""The secretary of the second branch (outsider) is refused every change to the first."""

import datetime

import pytest

from jifen.audit.models import AuditEvent
from jifen.cycle import services
from jifen.cycle.enums import HandlingMeasure, MeetingKind
from jifen.cycle.models import Admonition, MemberGrade, YearResult
from jifen.errors import NotPermitted
from jifen.notifications.models import Notification
from jifen.notifications.services import notification_mark_read
from tests.conftest import YEAR
from tests.cycle.conftest import Q1_MEETING


@pytest.fixture
def things(world, cycle):
    """A posted Q1 with an objection, and year rows made directly: the refusals come first."""
    notice = cycle.publish()
    objection = services.objection_submit(
        actor=world.member_user, notice=notice, text="有误", today=notice.opens_on
    )
    result = YearResult.objects.create(
        branch=world.branch,
        year=YEAR,
        computed_by=world.secretary,
        computed_at=datetime.datetime(YEAR + 1, 1, 10, tzinfo=datetime.UTC),
    )
    grade = MemberGrade.objects.create(year_result=result, member=world.member, bottom_ranked=True)
    admonition = Admonition.objects.create(
        member=world.member,
        year=YEAR,
        talked_on=datetime.date(YEAR + 1, 1, 12),
        deadline=datetime.date(YEAR + 1, 6, 30),
        notes="谈话",
        recorded_by=world.secretary,
    )
    notification = Notification.objects.create(user=world.secretary, text="x", key="k")
    return {
        "notice": notice,
        "objection": objection,
        "result": result,
        "grade": grade,
        "admonition": admonition,
        "notification": notification,
    }


CALLS = {
    "meeting_record": lambda w, t: services.meeting_record(
        actor=w.outsider,
        branch=w.branch,
        held_on=Q1_MEETING,
        kind=MeetingKind.GENERAL_MEETING,
        attendee_ids=[w.member.pk],
    ),
    "quarter_confirm": lambda w, t: services.quarter_confirm(
        actor=w.outsider, branch=w.branch, year=YEAR, quarter=2, meeting=t["notice"].quarter.meeting
    ),
    "notice_publish": lambda w, t: services.notice_publish(
        actor=w.outsider, branch=w.branch, year=YEAR, quarter=1
    ),
    "quarter_lock": lambda w, t: services.quarter_lock(
        actor=w.outsider, branch=w.branch, year=YEAR, quarter=1, today=datetime.date(YEAR, 5, 1)
    ),
    "objection_submit": lambda w, t: services.objection_submit(
        actor=w.outsider, notice=t["notice"], text="x", today=t["notice"].opens_on
    ),
    "objection_answer": lambda w, t: services.objection_answer(
        actor=w.outsider, objection=t["objection"], accept=False, answer="x"
    ),
    "year_compute": lambda w, t: services.year_compute(
        actor=w.outsider, branch=w.branch, year=YEAR
    ),
    "grade_finalise": lambda w, t: services.grade_finalise(
        actor=w.outsider, member_grade=t["grade"], grade_code="good", reason="x"
    ),
    "year_submit": lambda w, t: services.year_submit(actor=w.outsider, year_result=t["result"]),
    "year_review": lambda w, t: services.year_review(
        actor=w.outsider, year_result=t["result"], approve=True
    ),
    "admonition_record": lambda w, t: services.admonition_record(
        actor=w.outsider,
        member=w.member,
        year=YEAR,
        talked_on=datetime.date(YEAR + 1, 1, 12),
        deadline=datetime.date(YEAR + 1, 6, 30),
        notes="x",
    ),
    "admonition_follow_up": lambda w, t: services.admonition_follow_up(
        actor=w.outsider,
        admonition=t["admonition"],
        followed_up_on=datetime.date(YEAR + 1, 7, 1),
        outcome="x",
    ),
    "unqualified_handling_record": lambda w, t: services.unqualified_handling_record(
        actor=w.outsider,
        member_grade=t["grade"],
        measure=HandlingMeasure.REMOVAL,
        decided_on=datetime.date(YEAR + 1, 1, 20),
        notes="x",
    ),
    "notification_mark_read": lambda w, t: notification_mark_read(
        actor=w.outsider, notification=t["notification"]
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_outsider_is_refused(world, things, name):
    events = AuditEvent.objects.count()
    with pytest.raises(NotPermitted):
        CALLS[name](world, things)
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("name", ["quarter_confirm", "notice_publish", "quarter_lock"])
def test_a_committee_member_is_not_the_secretary(world, things, name):
    world.outsider = world.committee_member
    with pytest.raises(NotPermitted):
        CALLS[name](world, things)
