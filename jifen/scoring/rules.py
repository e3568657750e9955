"""The grades of reading.md (民主评议), free of queries so that they can be tested table by table.

Every number it uses (grade cut-offs and rank shares) comes from the scoring scheme; none is
written here. The arithmetic of a score is in jifen/schemes/arithmetic.py.
"""

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from jifen.schemes.enums import RankBoundary, RankMode, RankRule


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
