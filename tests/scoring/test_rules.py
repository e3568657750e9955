"""Table-driven tests of the arithmetic in reading.md, with the seed scheme's numbers."""

import itertools
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest

from jifen.schemes import arithmetic, presets
from jifen.schemes.enums import RankBoundary, RankMode, RankRule
from jifen.scoring import rules
from jifen.scoring.rules import GradeStep, RankFit

D = Decimal
BASE, CAP, COMMENDATION_CAP = D(60), D(35), D(15)
SEED = [GradeStep(*row) for row in presets.GRADE_SCALES["seed"]]
NATIONAL = [GradeStep(*row) for row in presets.GRADE_SCALES["national"]]


@pytest.mark.parametrize(
    ("performance", "deductions", "expected"),
    [
        (D(0), D(0), D(60)),  # base only
        (D(12), D(0), D(72)),
        (D(50), D(0), D(95)),  # performance over the monthly cap counts 35
        (D(10), D(-4), D(66)),
        (D(0), D(-75), D(0)),  # deductions past zero stop at zero (扣完为止)
        (D(35), D("-95.5"), D(0)),
    ],
)
def test_month_score(performance, deductions, expected):
    assert arithmetic.month_score(BASE, CAP, performance, deductions).score == expected


def test_month_score_says_what_was_capped_and_floored():
    capped = arithmetic.month_score(BASE, CAP, D(50), D(0))
    floored = arithmetic.month_score(BASE, CAP, D(0), D(-80))
    assert (capped.capped, capped.floored) == (True, False)
    assert (floored.capped, floored.floored) == (False, True)


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([], D(0)),
        ([D(9)], D(9)),
        ([D(6), D(12)], D(12)),  # two commendations: only the highest counts
        ([D(15), D(12), D(9)], D(15)),  # never the sum, never above the cap
        ([D(20)], D(15)),
    ],
)
def test_commendation_bonus(levels, expected):
    assert arithmetic.commendation_bonus(levels, COMMENDATION_CAP) == expected


@pytest.mark.parametrize(
    ("months", "divisor", "commendation", "vetoed", "expected"),
    [
        ([D(60)] * 12, 12, D(0), False, D(60)),
        ([D(95)] * 12, 12, D(12), False, D(107)),
        ([D(70)] * 6, 6, D(0), False, D(70)),  # joined in July: six months, divided by six
        ([D(70)] * 6, 12, D(0), False, D(35)),  # a scheme that always divides by twelve
        ([D(61), D(62), D(62)], 3, D(0), False, D("61.7")),  # 61.666… rounds half up
        ([D("60.05")] * 2, 2, D(0), False, D("60.1")),
        ([D(95)] * 12, 12, D(15), True, D(0)),  # a veto: zero whatever was earned
        ([], 0, D(0), False, None),
    ],
)
def test_year_score(months, divisor, commendation, vetoed, expected):
    assert arithmetic.year_score(months, divisor, commendation, vetoed) == expected


def test_ties_share_a_rank():
    ranks = arithmetic.competition_ranks({"a": D(90), "b": D(85), "c": D(85), "d": D(70)})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def _grade(score, rank=1, count=10, vetoed=False, steps=SEED, tied=1):
    step, flagged = rules.suggest_grade(steps, D(score), rank, tied, count, vetoed)
    return step.name, flagged


@pytest.mark.parametrize(
    ("score", "rank", "expected"),
    [
        ("90", 1, ("好", False)),
        ("90", 4, ("好", False)),  # the top third of ten is a rank ≤ ⌈10/3⌉ = 4
        ("90", 5, ("较好", False)),  # 90 but not near the top
        ("89.9", 1, ("较好", False)),
        ("80", 5, ("较好", False)),
        ("79.9", 5, ("一般", False)),
        ("70", 5, ("一般", False)),
        ("69.9", 10, ("差", False)),  # 60–69 and at the bottom
        ("60", 10, ("差", False)),
        ("69.9", 5, ("差", True)),  # 60–69 but not in the bottom 10%: flagged for the meeting
        ("59.9", 10, ("不合格", False)),
        ("0", 10, ("不合格", False)),
    ],
)
def test_seed_grade_boundaries(score, rank, expected):
    assert _grade(score, rank) == expected


def test_veto_is_unqualified_whatever_the_score():
    assert _grade("95", rank=1, vetoed=True) == ("不合格", False)


@pytest.mark.parametrize(
    ("score", "rank", "expected"),
    [
        ("90", 3, "优秀"),
        ("90", 4, "合格"),  # 优秀 goes to at most ⌊10/3⌋ = 3 members
        ("70", 5, "合格"),
        ("69.9", 5, "基本合格"),
        ("59.9", 5, "不合格"),
    ],
)
def test_national_scale(score, rank, expected):
    assert _grade(score, rank, steps=NATIONAL)[0] == expected


def test_a_small_branch_still_has_a_top_member():
    assert _grade("95", rank=1, count=2) == ("好", False)


def test_the_issues_case_rank_4_of_12_is_in_the_top_third():
    # 12 × 0.333 = 3.996 once left rank 4 out; a third of twelve is four.
    assert _grade("93.0", rank=4, count=12) == ("好", False)
    assert _grade("93.0", rank=4, count=12, steps=NATIONAL) == ("优秀", False)


def _branch(steps, count, tie_at, tied, lowest):
    """Grades down the ranking of a branch of `count` members, one apart from `lowest` up
    but for `tied` members sharing place `tie_at`, in runs: '好×4 较好×8', '?' if flagged."""
    scores = {place: lowest + D(count - place) / 10 for place in range(1, count + 1)}
    for place in range(tie_at, tie_at + tied):
        scores[place] = scores[tie_at]
    ranks = arithmetic.competition_ranks(scores)
    sharing = Counter(ranks.values())
    grades = []
    for place in sorted(scores):
        rank = ranks[place]
        step, flagged = rules.suggest_grade(
            steps, scores[place], rank, sharing[rank], count, vetoed=False
        )
        grades.append(step.name + "?" * flagged)
    return " ".join(f"{name}×{len(list(run))}" for name, run in itertools.groupby(grades))


# Everyone scores 90 or more, so that the rank alone decides. 好 is a rank ≤ ⌈n/3⌉, ties all
# in; 优秀 goes to at most ⌊n/3⌋ members, a tie across that limit flagged for the meeting.
@pytest.mark.parametrize(
    ("count", "tie_at", "tied", "seed", "national"),
    [
        (1, 1, 1, "好×1", "合格×1"),  # ⌈1/3⌉ = 1, ⌊1/3⌋ = 0
        (2, 1, 1, "好×1 较好×1", "合格×2"),
        (2, 1, 2, "好×2", "合格×2"),
        (3, 1, 1, "好×1 较好×2", "优秀×1 合格×2"),
        (3, 1, 2, "好×2 较好×1", "优秀?×2 合格×1"),
        (4, 2, 2, "好×3 较好×1", "优秀×1 合格×3"),  # ⌈4/3⌉ = 2, ⌊4/3⌋ = 1
        (5, 1, 3, "好×3 较好×2", "优秀?×3 合格×2"),
        (7, 3, 2, "好×4 较好×3", "优秀×2 合格×5"),  # ⌈7/3⌉ = 3, ⌊7/3⌋ = 2
        (7, 2, 2, "好×3 较好×4", "优秀×1 优秀?×2 合格×4"),
        (10, 4, 3, "好×6 较好×4", "优秀×3 合格×7"),  # ⌈10/3⌉ = 4, ⌊10/3⌋ = 3
        (10, 3, 2, "好×4 较好×6", "优秀×2 优秀?×2 合格×6"),
        (11, 1, 1, "好×4 较好×7", "优秀×3 合格×8"),  # ⌈11/3⌉ = 4, ⌊11/3⌋ = 3
        (11, 4, 2, "好×5 较好×6", "优秀×3 合格×8"),
        (12, 1, 1, "好×4 较好×8", "优秀×4 合格×8"),  # a third of twelve is four
        (12, 4, 2, "好×5 较好×7", "优秀×3 优秀?×2 合格×7"),
        (12, 5, 2, "好×4 较好×8", "优秀×4 合格×8"),
        (13, 1, 1, "好×5 较好×8", "优秀×4 合格×9"),  # ⌈13/3⌉ = 5, ⌊13/3⌋ = 4
        (13, 5, 3, "好×7 较好×6", "优秀×4 合格×9"),
        (30, 10, 3, "好×12 较好×18", "优秀×9 优秀?×3 合格×18"),
        (30, 1, 30, "好×30", "优秀?×30"),
    ],
)
def test_top_third_at_every_size(count, tie_at, tied, seed, national):
    assert _branch(SEED, count, tie_at, tied, lowest=D(90)) == seed
    assert _branch(NATIONAL, count, tie_at, tied, lowest=D(90)) == national


# Everyone scores 60–69: 差 stands unflagged for a rank > n − ⌈n/10⌉ and goes to the meeting
# otherwise; a tie shares the better rank, so a tie across the limit goes to the meeting.
@pytest.mark.parametrize(
    ("count", "tie_at", "tied", "expected"),
    [
        (1, 1, 1, "差×1"),  # ⌈1/10⌉ = 1: the one member is also the bottom
        (2, 1, 2, "差?×2"),  # all tied share rank 1: no one is at the bottom
        (3, 1, 1, "差?×2 差×1"),
        (4, 1, 1, "差?×3 差×1"),
        (5, 4, 2, "差?×5"),
        (7, 1, 1, "差?×6 差×1"),
        (10, 1, 1, "差?×9 差×1"),
        (10, 9, 2, "差?×10"),
        (11, 1, 1, "差?×9 差×2"),  # ⌈11/10⌉ = 2
        (11, 10, 2, "差?×9 差×2"),
        (11, 9, 3, "差?×11"),
        (12, 1, 1, "差?×10 差×2"),
        (13, 12, 2, "差?×11 差×2"),  # ⌈13/10⌉ = 2
        (13, 11, 3, "差?×13"),
        (30, 1, 1, "差?×27 差×3"),
        (30, 27, 2, "差?×28 差×2"),
    ],
)
def test_bottom_tenth_at_every_size(count, tie_at, tied, expected):
    assert _branch(SEED, count, tie_at, tied, lowest=D(60)) == expected


def _step(rule, share, boundary):
    return GradeStep("x", "x", None, rule, share, boundary, RankMode.REQUIRED, False)


@pytest.mark.parametrize(
    ("rank", "tied", "expected"),
    [
        (20, 1, RankFit.IN),
        (19, 2, RankFit.IN),  # places 19–20 of 20: both within the last ⌊20/10⌋ = 2
        (18, 3, RankFit.TIE_ACROSS_LIMIT),
        (17, 2, RankFit.OUT),
        (18, 1, RankFit.OUT),
    ],
)
def test_at_most_reads_the_bottom_from_the_other_end(rank, tied, expected):
    step = _step(RankRule.BOTTOM, Fraction(1, 10), RankBoundary.AT_MOST)
    assert rules.rank_fit(step, rank, tied, 20) is expected


def test_a_tie_across_the_limit_counts_within_for_award_lists():
    step = _step(RankRule.TOP, Fraction(1, 3), RankBoundary.AT_MOST)
    assert rules.rank_condition_met(step, 4, 2, 12)
    assert not rules.rank_condition_met(step, 5, 2, 12)


def test_shares_are_exact():
    third = _step(RankRule.TOP, Fraction(1, 3), RankBoundary.AT_MOST)
    assert [rules.share_limit(third, n) for n in (3, 12, 30, 300)] == [1, 4, 10, 100]
