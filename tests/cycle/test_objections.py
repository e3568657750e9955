import datetime

import pytest
from django.utils import timezone

from jifen.cycle import selectors, services
from jifen.cycle.enums import ObjectionKind, ObjectionStatus
from jifen.declarations import services as declarations
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.ledger.enums import Source
from jifen.ledger.models import Entry
from jifen.orgs.enums import RoleKind
from jifen.orgs.models import Role
from jifen.scoring.selectors import member_year_result
from tests.conftest import YEAR
from tests.cycle.conftest import Q1_MEETING
from tests.factories import MemberFactory, d
from tests.ledger.helpers import close_months

# Q1's notice, posted on Wednesday 8 April, runs until Tuesday 14 April.
DURING = datetime.date(YEAR, 4, 9)
AFTER = datetime.date(YEAR, 4, 20)


def _object(world, notice, today=DURING, user=None):
    return services.objection_submit(
        actor=user or world.member_user, notice=notice, text="三月的志愿服务未计分", today=today
    )


def _q1_score(world):
    return member_year_result(world.member, YEAR).period_score([1, 2, 3])


def test_an_accepted_objection_corrects_the_score(world, cycle):
    notice = cycle.publish()
    objection = _object(world, notice)
    assert objection.kind == ObjectionKind.OBJECTION
    # Thursday + 10 working days.
    assert objection.answer_due == datetime.date(YEAR, 4, 23)
    assert list(selectors.open_objections(world.branch)) == [objection]

    answered = services.objection_answer(
        actor=world.committee_member,
        objection=objection,
        accept=True,
        answer="经核实，补记积分",
        item=world.item("P02"),
        points=d(2),
        month=3,
    )
    assert answered.status == ObjectionStatus.ACCEPTED
    assert answered.correction_entry.source == Source.OBJECTION
    assert answered.correction_entry.points == d(2)
    assert _q1_score(world) == d("60.7")
    assert not selectors.open_objections(world.branch).exists()


def test_an_objection_can_reverse_a_named_entry(world, cycle):
    entry = cycle.declare_approved(month=2, points=4).entry
    notice = cycle.publish()
    answered = services.objection_answer(
        actor=world.secretary,
        objection=_object(world, notice),
        accept=True,
        answer="该项重复计分，予以撤销",
        reverse_entry=entry,
    )
    assert answered.correction_entry.reverses == entry
    assert _q1_score(world) == d(60)


def test_a_rejected_objection_changes_no_score(world, cycle):
    notice = cycle.publish()
    before = Entry.objects.count()
    services.objection_answer(
        actor=world.secretary, objection=_object(world, notice), accept=False, answer="依据不足"
    )
    assert Entry.objects.count() == before


def test_accepting_needs_a_correction(world, cycle):
    objection = _object(world, cycle.publish())
    with pytest.raises(DomainError) as error:
        services.objection_answer(
            actor=world.secretary, objection=objection, accept=True, answer="同意", month=3
        )
    assert error.value.code == "correction_required"
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN


def test_a_correction_stays_within_the_notices_months(world, cycle):
    objection = _object(world, cycle.publish())
    with pytest.raises(DomainError):
        services.objection_answer(
            actor=world.secretary,
            objection=objection,
            accept=True,
            answer="同意",
            item=world.item("P02"),
            points=d(2),
            month=4,
        )


def test_another_members_entry_cannot_be_reversed(world, cycle):
    other = MemberFactory(branch=world.branch)
    foreign = declarations.committee_record(
        actor=world.secretary,
        member=other,
        year=YEAR,
        month=2,
        item=world.item("D01"),
        points=d(2),
        reason="缺席",
    )
    objection = _object(world, cycle.publish())
    with pytest.raises(DomainError):
        services.objection_answer(
            actor=world.secretary,
            objection=objection,
            accept=True,
            answer="撤销",
            reverse_entry=foreign,
        )


def test_a_locked_month_takes_no_objection_correction(world, cycle):
    objection = _object(world, cycle.publish())
    close_months(world, [3])
    with pytest.raises(InvalidState) as error:
        services.objection_answer(
            actor=world.secretary,
            objection=objection,
            accept=True,
            answer="补记",
            item=world.item("P02"),
            points=d(2),
            month=3,
        )
    assert error.value.code == "month_locked"
    objection.refresh_from_db()
    assert (objection.status, objection.correction_entry) == (ObjectionStatus.OPEN, None)


def test_an_appeal_after_the_lock_is_answered_by_the_parent(world, cycle):
    notice = cycle.publish()
    services.quarter_lock(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, today=AFTER
    )
    appeal = _object(world, notice, today=AFTER)
    assert appeal.kind == ObjectionKind.APPEAL
    assert list(selectors.appeals_for_reviewer(world.reviewer)) == [appeal]
    for branch_user in (world.secretary, world.committee_member):
        with pytest.raises(NotPermitted):
            services.objection_answer(
                actor=branch_user, objection=appeal, accept=False, answer="维持"
            )
    answered = services.objection_answer(
        actor=world.reviewer,
        objection=appeal,
        accept=True,
        answer="党总支复核：补记",
        item=world.item("P02"),
        points=d(2),
        month=1,
    )
    assert answered.correction_entry.source == Source.APPEAL
    assert _q1_score(world) == d("60.7")


def test_objections_end_with_the_appeal_period(world, cycle):
    notice = cycle.publish()
    with pytest.raises(InvalidState) as error:
        _object(world, notice, today=notice.appeals_close_on + datetime.timedelta(days=1))
    assert error.value.code == "objection_period_over"
    with pytest.raises(InvalidState):
        _object(world, notice, today=Q1_MEETING - datetime.timedelta(days=1))


def test_a_member_objects_only_about_a_notice_listing_them(world, cycle):
    notice = cycle.publish()
    for user in (world.outsider, world.secretary):
        with pytest.raises(NotPermitted) as error:
            _object(world, notice, user=user)
        assert error.value.code == "not_listed"


def test_one_open_objection_per_member_and_notice(world, cycle):
    notice = cycle.publish()
    _object(world, notice)
    with pytest.raises(InvalidState) as error:
        _object(world, notice)
    assert error.value.code == "already_submitted"


def test_an_objection_needs_a_text(world, cycle):
    with pytest.raises(DomainError):
        services.objection_submit(
            actor=world.member_user, notice=cycle.publish(), text="  ", today=DURING
        )


def test_nobody_answers_their_own_objection(world, cycle):
    member = MemberFactory(name="王委员", branch=world.branch, user=world.committee_member)
    notice = cycle.publish()
    assert member.pk in notice.quarter.register_rows.values_list("member", flat=True)
    objection = _object(world, notice, user=world.committee_member)
    with pytest.raises(NotPermitted) as error:
        services.objection_answer(
            actor=world.committee_member, objection=objection, accept=False, answer="无"
        )
    assert error.value.code == "own_objection"


def test_an_objection_is_answered_once(world, cycle):
    objection = _object(world, cycle.publish())
    services.objection_answer(actor=world.secretary, objection=objection, accept=False, answer="无")
    with pytest.raises(InvalidState) as error:
        services.objection_answer(
            actor=world.secretary, objection=objection, accept=False, answer="无"
        )
    assert error.value.code == "already_answered"


def test_answers_are_reported_at_the_next_general_meeting(world, cycle):
    objection = _object(world, cycle.publish())
    services.objection_answer(actor=world.secretary, objection=objection, accept=False, answer="无")
    assert list(selectors.answers_to_report(world.branch)) == [objection]
    # Answers are stamped with the real time, so the meeting is held today.
    meeting = cycle.meeting(held_on=timezone.localdate(), quarter=None)
    objection.refresh_from_db()
    assert objection.reported_at == meeting
    assert not selectors.answers_to_report(world.branch).exists()


def test_a_reviewer_of_another_organisation_cannot_answer_appeals(world, cycle):
    notice = cycle.publish()
    appeal = _object(world, notice, today=AFTER)
    Role.objects.create(
        user=world.outsider, organisation=world.other_branch, kind=RoleKind.REVIEWER
    )
    with pytest.raises(NotPermitted):
        services.objection_answer(actor=world.outsider, objection=appeal, accept=False, answer="无")


def test_a_meeting_recorded_late_does_not_claim_later_answers(world, cycle):
    objection = _object(world, cycle.publish())
    services.objection_answer(actor=world.secretary, objection=objection, accept=False, answer="无")
    earlier = cycle.meeting(held_on=timezone.localdate() - datetime.timedelta(days=1), quarter=None)
    objection.refresh_from_db()
    assert earlier.pk and objection.reported_at is None
