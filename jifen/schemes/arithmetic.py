"""The arithmetic of a score (reading.md, The score), free of queries: a month's points, the
year score, the commendation bonus and ranks with ties shared. Every number it uses comes from
the scoring scheme; none is written here.

It lives beside the schemes, below the points archive, because the archive's read model of
standings (jifen/ledger/standings.py) applies it in the same transaction as each entry, and the
year's computation (jifen/scoring) applies it to whole organisations.
"""

from collections.abc import Hashable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

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
