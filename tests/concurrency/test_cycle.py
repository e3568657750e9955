"""The cycle's closings against the writes they close: a quarter confirmed while records and
declarations arrive, a year submitted while grades change, a year filed while vetoes are
proposed. Whatever the order, what was closed matches what was written."""

import datetime
from decimal import Decimal

from jifen.audit.models import AuditEvent
from jifen.cycle import services
from jifen.cycle.enums import QuarterState, YearState
from jifen.cycle.models import Notice, Quarter, RegisterRow, YearResult
from jifen.declarations import services as declarations
from jifen.declarations.enums import DeclarationStatus, VetoStatus
from jifen.declarations.models import Declaration, VetoProposal
from jifen.errors import DomainError
from jifen.scoring.selectors import member_year_result
from tests.concurrency.parallel import run_parallel
from tests.conftest import YEAR
from tests.cycle.conftest import (
    FILING_DAY,
    Cycle,
    appeal_accepted,
    build_year,
    compute,
    finalise_all,
    post_year_notice,
    propose_veto,
)
from tests.factories import MemberFactory, UserFactory


def _refused_with_a_message(outcomes):
    for outcome in outcomes:
        assert outcome.error is None or isinstance(outcome.error, DomainError), outcome.error


def _confirm_q1(world):
    meeting = Cycle(world).meeting()
    return lambda: services.quarter_confirm(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, meeting=meeting
    )


def test_a_quarter_confirmed_while_deductions_arrive_registers_exactly_what_was_written(world):
    members = [MemberFactory(branch=world.branch) for _ in range(30)]
    confirm = _confirm_q1(world)

    def record(member):
        return declarations.committee_record(
            actor=world.secretary,
            member=member,
            year=YEAR,
            month=3,
            item=world.item("D05"),
            points=Decimal(2),
            reason="工作出现失误",
            evidence="通报.pdf",
        )

    outcomes = run_parallel([confirm, *[lambda m=m: record(m) for m in members]])

    _refused_with_a_message(outcomes)
    assert outcomes[0].error is None
    for member in members:
        row = RegisterRow.objects.get(member=member)
        # March as the register has it and as the archive has it now: the same.
        assert row.month_scores[2] == str(member_year_result(member, YEAR).months[3].score)


def test_a_quarter_is_never_confirmed_over_a_declaration_still_waiting(world):
    people = []
    for n in range(10):
        user = UserFactory()
        people.append(MemberFactory(branch=world.branch, user=user, name=f"党员{n}"))
    confirm = _confirm_q1(world)

    def declare(member):
        return declarations.declaration_submit(
            actor=member.user,
            member=member,
            year=YEAR,
            month=3,
            item=world.item("P03"),
            points=Decimal(2),
            description="支部交办的任务",
            today=datetime.date(YEAR, 4, 3),
        )

    outcomes = run_parallel([confirm, *[lambda m=m: declare(m) for m in people]])

    _refused_with_a_message(outcomes)
    waiting = Declaration.objects.filter(month=3, status=DeclarationStatus.SUBMITTED).count()
    quarter = Quarter.objects.filter(number=1).first()
    if quarter is not None and quarter.state == QuarterState.CONFIRMED:
        assert waiting == 0
    else:
        assert waiting > 0 and outcomes[0].error.code == "reviews_pending"


def test_ten_simultaneous_submissions_submit_once(world):
    world = build_year(world, Cycle(world))
    result = compute(world)
    finalise_all(world, result)

    outcomes = run_parallel(
        [lambda: services.year_submit(actor=world.secretary, year_result=result)] * 10
    )

    assert sum(o.error is None for o in outcomes) == 1
    _refused_with_a_message(outcomes)
    assert AuditEvent.objects.filter(action="cycle.year.submitted").count() == 1


def test_no_grade_changes_after_the_year_is_submitted(world):
    """The meeting's grades are changed while the secretary submits: every change that went
    through was recorded before the submission."""
    world = build_year(world, Cycle(world))
    result = compute(world)
    finalise_all(world, result)
    grades = list(result.grades.all()) * 4

    def regrade(grade):
        return services.grade_finalise(
            actor=world.secretary, member_grade=grade, grade_code="average", reason="会议决定"
        )

    outcomes = run_parallel(
        [
            lambda: services.year_submit(actor=world.secretary, year_result=result),
            *[lambda g=g: regrade(g) for g in grades],
        ]
    )

    _refused_with_a_message(outcomes)
    submitted = AuditEvent.objects.get(action="cycle.year.submitted")
    changes = AuditEvent.objects.filter(action="cycle.grade.finalised", data__reason="会议决定")
    assert all(change.pk < submitted.pk for change in changes)
    refused = sum(o.error is not None for o in outcomes[1:])
    assert changes.count() + refused == len(grades)


def test_a_year_filed_while_vetoes_are_proposed_leaves_none_waiting(world, monkeypatch):
    world = build_year(world, Cycle(world))
    result = compute(world)
    finalise_all(world, result)
    services.year_submit(actor=world.secretary, year_result=result)
    members = [g.member for g in result.grades.all()]

    def file():
        return services.year_review(
            actor=world.reviewer, year_result=result, approve=True, today=FILING_DAY
        )

    outcomes = run_parallel([file, *[lambda m=m: propose_veto(world, m) for m in members]])

    _refused_with_a_message(outcomes)
    waiting = VetoProposal.objects.filter(status=VetoStatus.PROPOSED).count()
    if YearResult.objects.get().state == YearState.FILED:
        assert waiting == 0
        assert all(o.error.code == "year_filed" for o in outcomes[1:])
    else:
        assert waiting > 0 and outcomes[0].error.code == "decisions_waiting"


def test_one_meeting_confirms_only_one_of_two_quarters_confirmed_at_once(world):
    """The meeting is locked with the quarter: two quarters confirmed at the same moment with
    the same general meeting cannot both take it."""
    meeting = Cycle(world).meeting(held_on=datetime.date(YEAR, 7, 6), quarter=None)

    def confirm(number):
        return lambda: services.quarter_confirm(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            quarter=number,
            meeting=meeting,
            now=meeting.ends_at,
        )

    outcomes = run_parallel([confirm(1), confirm(2)])

    _refused_with_a_message(outcomes)
    assert sorted(o.error is None for o in outcomes) == [False, True]
    assert {o.error.code for o in outcomes if o.error} == {"meeting_used"}
    assert Quarter.objects.filter(meeting=meeting).count() == 1


def test_two_recomputations_after_a_correction_post_the_year_notice_once_more(world):
    """Two committee members recompute the year at once after an appeal corrected a score:
    one new version of the year's notice is posted, not two, and it holds the new score."""
    world = build_year(world, Cycle(world))
    compute(world)
    first = post_year_notice(world)
    appeal_accepted(world, first)

    outcomes = run_parallel([lambda: compute(world), lambda: compute(world)])

    assert [o.error for o in outcomes] == [None, None]
    versions = list(Notice.objects.filter(quarter=None).order_by("version"))
    assert [(v.version, v.replaces_id) for v in versions] == [(1, None), (2, first.pk)]
    score = versions[1].rows.get(member_name="张三").score
    assert score == first.rows.get(member_name="张三").score + Decimal("0.2")
    assert AuditEvent.objects.filter(action="cycle.notice.reissued").count() == 1
