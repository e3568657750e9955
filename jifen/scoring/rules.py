"""The arithmetic of reading.md, free of queries so that it can be tested table by table.

Every number it uses (base, caps, divisor, grade cut-offs and rank shares) comes from the
scoring scheme; none is written here.
"""

import enum
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

from jifen.schemes.enums import RankBoundary, RankMode, RankRule

ZERO = Decimal(0)
TENTH = Decimal("0.1")


def round1(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


class MonthScore(NamedTuple):
    # A named tuple, not a dataclass: a whole organisation makes 120,000 of these per year.
    base: Decimal
    performance: Decimal  # as earned, before the cap
    performance_counted: Decimal
    deductions: Decimal  # negative or zero
    score: Decimal

    @property
    def capped(self) -> bool:
        return self.performance_counted < self.performance

    @property
    def floored(self) -> bool:
        return self.base + self.performance_counted + self.deductions < 0


def month_points(base, cap, performance, deductions):
    """基础分 + 履职分 (capped) − 扣分, never below zero (扣完为止). Numbers of one kind:
    Decimals, or integer tenths when a whole organisation is computed at once."""
    return max(base + min(performance, cap) + deductions, 0)


def month_score(
    base: Decimal, cap: Decimal, performance: Decimal, deductions: Decimal
) -> MonthScore:
    """A month's score with the parts that make it up, for the explanation."""
    score = month_points(base, cap, performance, deductions)
    return MonthScore(base, performance, min(performance, cap), deductions, Decimal(score))


def year_score(
    month_scores: Sequence[Decimal], divisor: int, commendation: Decimal, vetoed: bool
) -> Decimal | None:
    """Sum of the monthly scores / divisor, rounded half up to one decimal, plus the one
    commendation bonus; a veto makes it zero. None when the member belonged to no month."""
    if vetoed:
        return ZERO
    if divisor == 0:
        return None
    return round1(sum(month_scores, ZERO) / divisor + commendation)


def commendation_bonus(level_points: Sequence[Decimal], cap: Decimal) -> Decimal:
    """Only the highest commendation of the year counts, never the sum, never above the cap."""
    return min(max(level_points, default=ZERO), cap)


def competition_ranks(scores: Mapping[Hashable, Decimal]) -> dict[Hashable, int]:
    """1, 2, 2, 4: members with the same score share a rank."""
    ordered = sorted(scores.values(), reverse=True)
    first_place = {}
    for position, score in enumerate(ordered, start=1):
        first_place.setdefault(score, position)
    return {key: first_place[score] for key, score in scores.items()}


@dataclass(frozen=True)
class GradeStep:
    code: str
    name: str
    min_score: Decimal | None
    rank_rule: str
    rank_share: Fraction | None
    rank_boundary: str
    rank_mode: str
    is_unqualified: bool

    @classmethod
    def of(cls, level) -> "GradeStep":
        """The step of a scheme's grade level (jifen.schemes.models.GradeLevel)."""
        return cls(
            level.code,
            level.name,
            level.min_score,
            level.rank_rule,
            level.rank_share,
            level.rank_boundary,
            level.rank_mode,
            level.is_unqualified,
        )


class RankFit(enum.Enum):
    IN = "in"
    OUT = "out"
    # Tied members across an 'at most' limit: all of them go to the meeting, none is cut.
    TIE_ACROSS_LIMIT = "tie_across_limit"


def share_limit(step: GradeStep, count: int) -> int:
    """How many places of the ranking the share covers: n × share rounded up when read by
    rank, rounded down when at most that many members may have it."""
    places = count * step.rank_share
    return math.ceil(places) if step.rank_boundary == RankBoundary.BY_RANK else math.floor(places)


def rank_fit(step: GradeStep, rank: int, tied: int, count: int) -> RankFit:
    """Whether a member of shared rank `rank`, one of `tied` members sharing it among `count`
    scored members, is within the step's share of the ranking (reading.md, Grades).

    By rank the shared rank decides: top, rank ≤ ⌈n × share⌉; bottom, rank > n − ⌈n × share⌉.
    'At most' looks at the places the tied members fill: all within ⌊n × share⌋ places of that
    end is in, none within is out, some within is a tie across the limit."""
    if step.rank_rule == RankRule.NONE:
        return RankFit.IN
    limit = share_limit(step, count)
    # Places counted from the end of the ranking the share is taken at.
    last = rank + tied - 1
    if step.rank_rule == RankRule.TOP:
        shared, nearest, farthest = rank, rank, last
    else:
        shared, nearest, farthest = count + 1 - rank, count + 1 - last, count + 1 - rank
    if step.rank_boundary == RankBoundary.BY_RANK:
        return RankFit.IN if shared <= limit else RankFit.OUT
    if farthest <= limit:
        return RankFit.IN
    return RankFit.TIE_ACROSS_LIMIT if nearest <= limit else RankFit.OUT


def rank_condition_met(step: GradeStep, rank: int, tied: int, count: int) -> bool:
    """Within the share; tied members across an 'at most' limit count as within, all alike
    (their grade goes to the meeting), so that no one of them is cut arbitrarily."""
    return rank_fit(step, rank, tied, count) is not RankFit.OUT


def suggest_grade(
    steps: Sequence[GradeStep], score: Decimal, rank: int, tied: int, count: int, vetoed: bool
) -> tuple[GradeStep | None, bool]:
    """The first step whose cut-off and rank condition fit, and whether the meeting must look
    at it (a 'flag only' rank condition that was not met, or a tie across an 'at most' limit)."""
    unqualified = next((s for s in steps if s.is_unqualified), None)
    if vetoed:
        return unqualified, False
    for step in steps:
        if step.min_score is not None and score < step.min_score:
            continue
        fit = rank_fit(step, rank, tied, count)
        if fit is RankFit.IN:
            return step, False
        if fit is RankFit.TIE_ACROSS_LIMIT or step.rank_mode == RankMode.FLAG:
            return step, True
    return unqualified, False
