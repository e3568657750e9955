import datetime

import pytest

from jifen.cycle import selectors, services
from jifen.cycle.enums import HandlingMeasure, YearState
from jifen.cycle.models import Notice, YearResult
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from jifen.schemes import services as schemes
from tests.conftest import YEAR
from tests.cycle.conftest import (
    FILING_DAY,
    MEETINGS,
    appeal_accepted,
    compute,
    finalise_all,
    post_year_notice,
)
from tests.factories import MemberFactory, d


def _grades(result):
    return {g.member.name: g for g in selectors.member_grades(result)}


def test_the_year_waits_for_the_fourth_quarter(world, cycle):
    cycle.lock(1)
    with pytest.raises(InvalidState) as error:
        compute(world)
    assert error.value.code == "q4_not_locked"


def test_the_year_is_computed_with_suggestions(year_world):
    result = compute(year_world)
    grades = _grades(result)
    assert [(n, g.score, g.rank) for n, g in grades.items()] == [
        ("张三", d("60.3"), 1),
        ("赵六", d(60), 2),
        ("王五", d("59.8"), 3),
    ]
    assert (grades["张三"].suggested_grade_code, grades["张三"].flagged) == ("poor", True)
    assert grades["王五"].suggested_grade_code == "unqualified"
    assert [g.member.name for g in selectors.award_candidates(result)] == ["张三"]
    assert [g.member.name for g in selectors.bottom_ranked(result)] == ["王五"]


def test_a_different_grade_needs_a_reason(year_world):
    grade = _grades(compute(year_world))["张三"]
    with pytest.raises(DomainError) as error:
        services.grade_finalise(
            actor=year_world.secretary, member_grade=grade, grade_code="average"
        )
    assert error.value.code == "reason_required"
    services.grade_finalise(
        actor=year_world.secretary, member_grade=grade, grade_code="average", reason="会议评议"
    )
    grade.refresh_from_db()
    assert (grade.final_grade_code, grade.final_grade_name) == ("average", "一般")


def test_only_the_schemes_grades_are_given(year_world):
    grade = _grades(compute(year_world))["张三"]
    with pytest.raises(DomainError) as error:
        services.grade_finalise(
            actor=year_world.secretary, member_grade=grade, grade_code="excellent", reason="x"
        )
    assert error.value.code == "unknown_grade"


def test_submission_needs_every_final_grade(year_world):
    result = compute(year_world)
    with pytest.raises(InvalidState) as error:
        services.year_submit(actor=year_world.secretary, year_result=result)
    assert error.value.code == "grades_missing"


def test_submit_return_recompute_and_file(year_world):
    world = year_world
    result = compute(world)
    finalise_all(world, result)
    result = services.year_submit(actor=world.secretary, year_result=result)
    assert result.state == YearState.SUBMITTED
    with pytest.raises(InvalidState):
        services.year_submit(actor=world.secretary, year_result=result)
    with pytest.raises(InvalidState):
        compute(world)
    with pytest.raises(InvalidState):
        services.grade_finalise(
            actor=world.secretary,
            member_grade=_grades(result)["张三"],
            grade_code="average",
            reason="改",
        )
    with pytest.raises(NotPermitted):
        services.year_review(actor=world.secretary, year_result=result, approve=True)
    with pytest.raises(DomainError) as error:
        services.year_review(actor=world.reviewer, year_result=result, approve=False)
    assert error.value.code == "reason_required"

    returned = services.year_review(
        actor=world.reviewer, year_result=result, approve=False, reason="请复核王五的等次"
    )
    assert returned.state == YearState.RETURNED
    recomputed = compute(world)
    # Decided grades survive a recomputation.
    assert _grades(recomputed)["张三"].final_grade_code == "poor"
    services.year_submit(actor=world.secretary, year_result=recomputed)
    filed = services.year_review(
        actor=world.reviewer, year_result=recomputed, approve=True, today=FILING_DAY
    )
    assert filed.state == YearState.FILED
    with pytest.raises(InvalidState):
        services.year_review(
            actor=world.reviewer, year_result=filed, approve=True, today=FILING_DAY
        )
    assert YearResult.objects.get().state == YearState.FILED


def test_a_year_notice_posts_the_year_scores(year_world):
    compute(year_world)
    notice = services.notice_publish(
        actor=year_world.secretary,
        branch=year_world.branch,
        year=YEAR,
        quarter=None,
        today=datetime.date(YEAR + 1, 1, 12),
    )
    assert notice.months == list(range(1, 13))
    assert [r.member_name for r in notice.rows.all()] == ["张三", "赵六", "王五"]


def test_a_year_computed_again_after_a_correction_posts_its_notice_again(year_world):
    """What the public reads is what the branch submits: the recomputed year posts a new
    version of its notice, and the version it replaces stays as it was posted."""
    world = year_world
    compute(world)
    first = post_year_notice(world)
    posted = {r.member_name: r.score for r in first.rows.all()}
    appeal_accepted(world, first)

    compute(world)
    compute(world)  # nothing changed since: no third version

    second = Notice.objects.get(replaces=first)
    assert (second.version, second.quarter, second.closes_on) == (2, None, first.closes_on)
    now = {r.member_name: r.score for r in second.rows.all()}
    assert now["张三"] == posted["张三"] + d("0.2")  # 2 points in one month of twelve
    assert {name: s for name, s in now.items() if name != "张三"} == {
        name: s for name, s in posted.items() if name != "张三"
    }
    assert {r.member_name: r.score for r in first.rows.all()} == posted
    assert Notice.objects.filter(quarter=None).count() == 2
    assert list(selectors.public_notices(first.closes_on).filter(quarter=None)) == [second]


def test_admonition_talks_are_for_the_bottom_of_the_ranking(year_world):
    world = year_world
    grades = _grades(compute(world))
    talked_on = datetime.date(YEAR + 1, 1, 20)
    with pytest.raises(InvalidState) as error:
        services.admonition_record(
            actor=world.secretary,
            member=grades["张三"].member,
            year=YEAR,
            talked_on=talked_on,
            deadline=datetime.date(YEAR + 1, 6, 30),
            notes="谈话",
        )
    assert error.value.code == "not_bottom_ranked"
    bottom = grades["王五"].member
    with pytest.raises(DomainError):
        services.admonition_record(
            actor=world.secretary,
            member=bottom,
            year=YEAR,
            talked_on=talked_on,
            deadline=talked_on,
            notes="谈话",
        )
    admonition = services.admonition_record(
        actor=world.secretary,
        member=bottom,
        year=YEAR,
        talked_on=talked_on,
        deadline=datetime.date(YEAR + 1, 6, 30),
        notes="指出缺席问题，限期改正",
    )
    followed = services.admonition_follow_up(
        actor=world.secretary,
        admonition=admonition,
        followed_up_on=datetime.date(YEAR + 1, 7, 1),
        outcome="已按时参加组织生活",
    )
    assert followed.followed_up_by == world.secretary
    with pytest.raises(InvalidState):
        services.admonition_follow_up(
            actor=world.secretary,
            admonition=admonition,
            followed_up_on=datetime.date(YEAR + 1, 7, 2),
            outcome="再次",
        )


def test_handling_is_recorded_for_unqualified_members(year_world):
    world = year_world
    result = compute(world)
    finalise_all(world, result)
    grades = _grades(result)
    with pytest.raises(InvalidState) as error:
        services.unqualified_handling_record(
            actor=world.secretary,
            member_grade=grades["张三"],
            measure=HandlingMeasure.CORRECT_IN_TIME,
            decided_on=datetime.date(YEAR + 1, 1, 20),
            notes="支部大会决定",
        )
    assert error.value.code == "not_unqualified"
    handling = services.unqualified_handling_record(
        actor=world.secretary,
        member_grade=grades["王五"],
        measure=HandlingMeasure.CORRECT_IN_TIME,
        decided_on=datetime.date(YEAR + 1, 1, 20),
        notes="支部大会决定限期改正",
    )
    assert handling.member_grade.member.name == "王五"
    with pytest.raises(InvalidState):
        services.unqualified_handling_record(
            actor=world.secretary,
            member_grade=grades["王五"],
            measure=HandlingMeasure.REMOVAL,
            decided_on=datetime.date(YEAR + 1, 2, 20),
            notes="再次",
        )


def test_a_recomputation_drops_a_decision_the_new_suggestion_undoes(year_world):
    world = year_world
    result = compute(world)
    finalise_all(world, result)
    # An appeal decided after the lock lifts 王五 to 60 points: the suggestion changes.
    appeal_entry = _appeal_correction(world)
    assert appeal_entry.points == d(2)
    grades = _grades(compute(world))
    assert grades["王五"].suggested_grade_code == "poor"
    assert grades["王五"].final_grade_code == ""
    assert grades["张三"].final_grade_code == "poor"


def _appeal_correction(world):
    docked = _grades(YearResult.objects.get())["王五"].member
    return ledger.append_entry(
        actor=world.reviewer,
        member=docked,
        year=YEAR,
        month=5,
        item=world.item("P03"),
        points=d(2),
        source=Source.APPEAL,
        reason="申诉成立",
    )


def _branch_of_twelve(world, cycle, scale, monthly):
    """Twelve members: the first len(monthly) earn those performance points every month and
    the top commendation (15), the others the base score alone; the year is then locked."""
    scheme = world.scheme
    if scale != "seed":
        scheme = schemes.scheme_create_from_preset(
            actor=world.admin,
            organisation=world.branch,
            year=YEAR,
            name="支部细则",
            grade_scale=scale,
        )
    members = [world.member, *(MemberFactory(branch=world.branch) for _ in range(11))]
    for member, points in zip(members, monthly, strict=False):
        entries = [(month, "P07", d(points)) for month in range(1, 13)] + [(12, "C01", d(15))]
        for month, code, value in entries:
            ledger.append_entry(
                actor=world.secretary,
                member=member,
                year=YEAR,
                month=month,
                item=scheme.items.get(code=code),
                points=value,
                source=Source.COMMITTEE,
                reason="支委会记录",
            )
    for number, held_on in MEETINGS.items():
        cycle.lock(number, today=held_on)
    return [g for g in selectors.member_grades(compute(world)) if g.score > 60]


# 60 + 18 a month + 15 = 93.0 at rank 4 of 12: in the top third (⌈12/3⌉ = ⌊12/3⌋ = 4).
@pytest.mark.parametrize(("scale", "grade"), [("seed", "good"), ("national", "excellent")])
def test_rank_4_of_12_is_in_the_top_third(world, cycle, scale, grade):
    top = _branch_of_twelve(world, cycle, scale, [20, 19, "18.5", 18])

    assert [(g.score, g.rank, g.suggested_grade_code, g.flagged) for g in top][3] == (
        d(93),
        4,
        grade,
        False,
    )
    assert [g.award_candidate for g in top] == [True] * 4


@pytest.mark.parametrize(
    ("scale", "grades"),
    [
        ("seed", [("good", False)] * 5),  # both of rank 4 are within ⌈12/3⌉ = 4
        # 优秀 goes to at most four: the two tied at rank 4 go to the meeting, neither is cut.
        ("national", [("excellent", False)] * 3 + [("excellent", True)] * 2),
    ],
)
def test_a_tie_at_the_limit_is_not_cut(world, cycle, scale, grades):
    top = _branch_of_twelve(world, cycle, scale, [20, 19, "18.5", 18, 18])

    assert [g.rank for g in top] == [1, 2, 3, 4, 4]
    assert [(g.suggested_grade_code, g.flagged) for g in top] == grades
    assert [g.award_candidate for g in top] == [True] * 5
