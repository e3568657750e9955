"""The computation over the database: what reading.md says, for whole branches at once."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from jifen.orgs import services as org_services
from jifen.orgs.enums import MemberCategory
from jifen.schemes import services as scheme_services
from jifen.scoring.selectors import (
    branch_year_results,
    branches_year_results,
    member_entries,
    member_year_result,
)
from tests.conftest import YEAR, YEAR_END
from tests.factories import MemberFactory
from tests.ledger.helpers import close_months
from tests.scoring.helpers import give

D = Decimal


def _move_to_other_branch(world, on):
    org_services.member_transfer(
        actor=world.admin, member=world.member, to_branch=world.other_branch, on=on
    )


def _result(world, member):
    return branch_year_results(member.branch, YEAR, as_of=YEAR_END).for_member(member.pk)


def test_base_only(world):
    result = _result(world, world.member)
    assert len(result.months) == 12
    assert result.score == D(60)
    assert result.rank == 1


def test_months_still_to_come_are_left_out(world):
    give(world, world.member, 1, "P07", 12)
    midyear = branch_year_results(world.branch, YEAR, as_of=datetime.date(YEAR, 3, 10))
    result = midyear.for_member(world.member.pk)
    assert sorted(result.months) == [1, 2, 3]
    assert result.score == D(64)  # (72 + 60 + 60) / 3, not divided by twelve
    next_year = branch_year_results(world.branch, YEAR + 1, as_of=datetime.date(YEAR, 3, 10))
    assert next_year.for_member(world.member.pk).score is None


def test_locked_months_count_even_before_they_begin(world):
    close_months(world, [12])
    result = branch_year_results(world.branch, YEAR, as_of=datetime.date(YEAR, 11, 1))
    assert sorted(result.for_member(world.member.pk).months) == list(range(1, 13))


def test_performance_over_the_cap_and_deductions(world):
    give(world, world.member, 1, "P07", 20)
    give(world, world.member, 1, "P07", 20)  # 40 earned in January, 35 count
    give(world, world.member, 2, "D01", 2)
    result = _result(world, world.member)
    assert result.months[1].score == D(95)
    assert result.months[1].capped
    assert result.months[2].score == D(58)
    assert result.score == D("62.8")  # (95 + 58 + 60 × 10) / 12 = 62.75


def test_two_commendations_only_the_highest_counts(world):
    give(world, world.member, 3, "C01", 9, level="municipal")
    give(world, world.member, 6, "C01", 12, level="provincial")
    assert _result(world, world.member).score == D(72)


def test_veto_makes_the_year_zero(world):
    give(world, world.member, 1, "P07", 20)
    give(world, world.member, 5, "V01", 0)
    result = _result(world, world.member)
    assert result.score == D(0)
    assert result.grade.name == "不合格"


def test_member_who_joined_in_july_is_divided_by_six(world):
    newcomer = MemberFactory(branch=world.branch, join_date=datetime.date(YEAR, 7, 15))
    give(world, newcomer, 7, "P07", 12, year=YEAR)
    result = _result(world, newcomer)
    assert sorted(result.months) == [7, 8, 9, 10, 11, 12]
    assert result.score == D(62)  # (72 + 60 × 5) / 6


def test_transfer_mid_year_keeps_the_history(world):
    give(world, world.member, 2, "P07", 10)
    _move_to_other_branch(world, datetime.date(YEAR, 6, 15))
    give(world, world.member, 8, "P07", 20)
    results = branch_year_results(world.other_branch, YEAR, as_of=YEAR_END)
    moved = results.for_member(world.member.pk)
    assert len(moved.months) == 12  # June is counted once, in both branches' placements
    assert moved.score == D("62.5")  # (70 + 80 + 60 × 10) / 12
    assert (
        branch_year_results(world.branch, YEAR, as_of=YEAR_END).for_member(world.member.pk) is None
    )
    assert member_year_result(world.member, YEAR, as_of=YEAR_END).branch == world.other_branch


def test_ties_share_a_rank_in_the_branch(world):
    second = MemberFactory(branch=world.branch)
    third = MemberFactory(branch=world.branch)
    give(world, second, 1, "P07", 12)
    give(world, third, 1, "P07", 12)
    results = branch_year_results(world.branch, YEAR, as_of=YEAR_END)
    ranks = {m.member.pk: m.rank for m in results.members}
    assert ranks == {second.pk: 1, third.pk: 1, world.member.pk: 3}


def test_exempt_members_get_no_score_and_no_rank(world):
    ill = MemberFactory(branch=world.branch, exempt_reason="长期病休")
    retired = MemberFactory(branch=world.branch, category=MemberCategory.RETIRED)
    scheme_services.scheme_update(
        actor=world.admin, scheme=world.scheme, exempt_categories=[MemberCategory.RETIRED]
    )
    results = branch_year_results(world.branch, YEAR, as_of=YEAR_END)
    for member, reason in ((ill, "长期病休"), (retired, "Retired")):
        result = results.for_member(member.pk)
        assert (result.score, result.rank) == (None, None)
        assert result.exempt_reason in (reason, "离退休")
    assert results.for_member(world.member.pk).rank == 1


def test_a_reversal_cancels_the_entry(world):
    entry = give(world, world.member, 4, "C01", 12, level="provincial")
    ledger.reverse_entry(
        actor=world.secretary, entry=entry, reason="证明材料不实", source=Source.COMMITTEE
    )
    assert _result(world, world.member).score == D(60)
    assert [e.points for e in member_entries(world.member, YEAR, [4])] == [D(12), D(-12)]


def test_query_count_does_not_grow_with_members(world):
    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            branch_year_results(world.branch, YEAR, as_of=YEAR_END)
        return len(ctx.captured_queries)

    small = count_queries()
    for _ in range(30):
        member = MemberFactory(branch=world.branch)
        give(world, member, 2, "P07", 10)
        give(world, member, 3, "D01", 2)
    assert count_queries() == small


def test_fractional_points_add_up_exactly(world):
    for _ in range(3):
        give(world, world.member, 1, "P07", "0.3")
    give(world, world.member, 1, "D01", "0.1")
    result = _result(world, world.member)
    assert result.months[1].score == D("60.8")
    assert result.score == D("60.1")  # (60.8 + 60 × 11) / 12 = 60.07


def test_a_reversed_veto_no_longer_counts(world):
    veto = give(world, world.member, 5, "V01", 0)
    ledger.reverse_entry(actor=world.secretary, entry=veto, reason="误录", source=Source.VETO)
    result = _result(world, world.member)
    assert (result.vetoed, result.score) == (False, D(60))


def test_entries_outside_the_counted_months_are_left_out(world):
    newcomer = MemberFactory(branch=world.branch, join_date=datetime.date(YEAR, 7, 15))
    give(world, newcomer, 3, "P07", 20)  # recorded for a month before the member joined
    give(world, newcomer, 8, "P07", 12)
    result = _result(world, newcomer)
    assert sorted(result.months) == [7, 8, 9, 10, 11, 12]
    assert result.score == D(62)  # (72 + 60 × 5) / 6; March is not the member's
    give(world, world.member, 11, "P07", 12)
    midyear = branch_year_results(world.branch, YEAR, as_of=datetime.date(YEAR, 3, 10))
    assert midyear.for_member(world.member.pk).score == D(60)  # November has not begun


def test_a_transfer_between_schemes_with_different_numbers(world):
    """Each month is scored under its own branch's base and cap, not the year's last ones."""
    other = scheme_services.scheme_create_from_preset(
        actor=world.root, organisation=world.other_branch, year=YEAR, name="第二支部细则"
    )
    scheme_services.scheme_update(
        actor=world.root, scheme=other, base_points=D(50), performance_cap=D(30)
    )
    give(world, world.member, 2, "P07", 40)
    _move_to_other_branch(world, datetime.date(YEAR, 6, 15))
    give(world, world.member, 8, "P07", 40)
    results = branch_year_results(world.other_branch, YEAR, as_of=YEAR_END)
    moved = results.for_member(world.member.pk)
    assert [moved.months[m].base for m in (5, 6)] == [D(60), D(50)]
    assert (moved.months[2].score, moved.months[8].score) == (D(95), D(80))
    # (95 + 60 × 4 from January to May) + (80 + 50 × 6 from June to December), over twelve
    assert moved.score == D("59.6")
    assert results.for_member(world.outsider_member.pk).score == D(50)


def test_the_year_reads_roster_rows_and_month_details_only_when_asked(world):
    for _ in range(5):
        give(world, MemberFactory(branch=world.branch), 2, "P07", 10)
    results = branch_year_results(world.branch, YEAR, as_of=YEAR_END)
    with CaptureQueriesContext(connection) as roster:
        names = {m.member.name for m in results.members}
    with CaptureQueriesContext(connection) as details:
        months = [m.months[2].score for m in results.members]
    assert "张三" in names and len(roster.captured_queries) == 1
    assert sorted(months)[-1] == D(70) and len(details.captured_queries) == 1


def test_a_whole_organisation_at_once_matches_branch_by_branch(world):
    give(world, world.member, 2, "P07", 40)
    give(world, world.outsider_member, 3, "D01", 5)
    give(world, world.outsider_member, 4, "C01", 9, level="municipal")
    _move_to_other_branch(world, datetime.date(YEAR, 9, 1))
    branches = [world.branch, world.other_branch]
    whole = branches_year_results(branches, YEAR, as_of=YEAR_END)
    for branch in branches:
        alone = branch_year_results(branch, YEAR, as_of=YEAR_END)
        at_once = whole[branch.pk]
        assert [(m.member_id, m.score, m.rank) for m in at_once.members] == [
            (m.member_id, m.score, m.rank) for m in alone.members
        ]
    assert whole[world.other_branch.pk].for_member(world.member.pk).score == D("62.9")
    assert whole[world.other_branch.pk].for_member(world.outsider_member.pk).score == D("68.6")
