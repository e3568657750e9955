"""Table-driven tests of the arithmetic in reading.md, with the seed scheme's numbers."""

from decimal import Decimal

import pytest

from jifen.schemes import presets
from jifen.scoring import rules
from jifen.scoring.rules import GradeStep

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
    assert rules.month_score(BASE, CAP, performance, deductions).score == expected


def test_month_score_says_what_was_capped_and_floored():
    capped = rules.month_score(BASE, CAP, D(50), D(0))
    floored = rules.month_score(BASE, CAP, D(0), D(-80))
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
    assert rules.commendation_bonus(levels, COMMENDATION_CAP) == expected


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
    assert rules.year_score(months, divisor, commendation, vetoed) == expected


def test_ties_share_a_rank():
    ranks = rules.competition_ranks({"a": D(90), "b": D(85), "c": D(85), "d": D(70)})
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def _grade(score, rank=1, count=10, vetoed=False, steps=SEED):
    step, flagged = rules.suggest_grade(steps, D(score), rank, count, vetoed)
    return step.name, flagged


@pytest.mark.parametrize(
    ("score", "rank", "expected"),
    [
        ("90", 1, ("好", False)),
        ("90", 3, ("好", False)),  # top third of ten is three members
        ("90", 4, ("较好", False)),  # 90 but not near the top
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
        ("90", 4, "合格"),  # 优秀 is limited to a third of the branch
        ("70", 5, "合格"),
        ("69.9", 5, "基本合格"),
        ("59.9", 5, "不合格"),
    ],
)
def test_national_scale(score, rank, expected):
    assert _grade(score, rank, steps=NATIONAL)[0] == expected


def test_a_small_branch_still_has_a_top_member():
    assert _grade("95", rank=1, count=2) == ("好", False)
