"""Scores for whole branches at once, in a fixed number of queries whatever their size.

The ledger is summed per member and month in the database; the caps, the floor, the divisor,
ranks and grades are then applied in memory to those few rows per member.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import F, IntegerField, Q, Subquery, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from jifen.ledger.models import Entry, MonthLock
from jifen.orgs.models import Member, Organisation, Placement
from jifen.schemes.enums import Divisor, ItemCategory
from jifen.schemes.models import Scheme
from jifen.schemes.selectors import pick_scheme, schemes_for_year
from jifen.scoring import rules
from jifen.scoring.rules import ZERO, GradeStep, MonthScore

MONTHS = range(1, 13)


@dataclass
class MemberYear:
    member: Member
    branch: Organisation
    # month → (base, cap, performance, deductions) in tenths of a point; `months` explains them.
    month_tenths: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    commendation: Decimal = ZERO
    vetoed: bool = False
    exempt_reason: str = ""
    divisor: int = 0
    score: Decimal | None = None
    rank: int | None = None
    grade: GradeStep | None = None
    grade_flagged: bool = False

    @property
    def exempt(self) -> bool:
        return bool(self.exempt_reason)

    @cached_property
    def months(self) -> dict[int, MonthScore]:
        return {
            month: rules.month_score(*(Decimal(v).scaleb(-1) for v in values))
            for month, values in self.month_tenths.items()
        }

    def period_score(self, months: Iterable[int]) -> Decimal | None:
        """The average monthly score over the months of a period the member belonged to."""
        scores = [self.months[m].score for m in months if m in self.months]
        return rules.round1(sum(scores, ZERO) / len(scores)) if scores else None


@dataclass
class BranchYear:
    branch: Organisation
    year: int
    scheme: Scheme | None
    members: list[MemberYear]

    def for_member(self, member_id: int) -> MemberYear | None:
        return next((m for m in self.members if m.member.pk == member_id), None)


def _year_bounds(year: int) -> Q:
    return Q(start__lte=datetime.date(year, 12, 31)) & (
        Q(end__isnull=True) | Q(end__gte=datetime.date(year, 1, 1))
    )


def _placements(branch_ids: list[int], year: int) -> list[tuple]:
    """(member, branch, start, end) of every placement in the year of the members who belonged
    to these branches in it, ordered by member and start. Plain tuples: at the size of a whole
    organisation, model instances per placement cost more than the arithmetic."""
    return list(
        Placement.objects.filter(_year_bounds(year), member_id__in=_member_ids(branch_ids, year))
        .order_by("member_id", "start")
        .values_list("member_id", "branch_id", "start", "end")
    )


def _members(placements: list[tuple]) -> dict[int, Member]:
    return Member.objects.in_bulk(list({p[0] for p in placements}))


def _member_ids(branch_ids: list[int], year: int) -> Subquery:
    return Subquery(
        Placement.objects.filter(_year_bounds(year), branch_id__in=branch_ids).values("member_id")
    )


def _tenths(category: str):
    # Points have one decimal place: summing tenths as integers spares a Decimal conversion per
    # row, which at a whole organisation's size costs more than the query itself.
    return Coalesce(Cast(Sum(F("points") * 10, filter=Q(category=category)), IntegerField()), 0)


def _month_sums(member_ids: Subquery, year: int) -> dict[tuple[int, int], tuple[int, int]]:
    rows = (
        Entry.objects.filter(year=year, member_id__in=member_ids)
        .order_by()  # no sort: the rows go into a dict
        .values("member_id", "month")
        .annotate(
            performance=_tenths(ItemCategory.PERFORMANCE),
            deductions=_tenths(ItemCategory.DEDUCTION),
        )
        .values_list("member_id", "month", "performance", "deductions")
    )
    return {(m, month): (perf, ded) for m, month, perf, ded in rows}


def _year_marks(year: int) -> dict[int, tuple[Decimal, int]]:
    """Highest live commendation and number of live vetoes, per member.

    They are rare: all of the year's are read through the category index, and corrections are
    matched here rather than by a self-join, which would walk the whole ledger."""
    rows = list(
        Entry.objects.filter(year=year, category__in=[ItemCategory.COMMENDATION, ItemCategory.VETO])
        .order_by()  # the default order would walk the (member, seq) index over every row
        .values_list("pk", "member_id", "category", "points", "reverses_id")
    )
    corrected = {row[4] for row in rows if row[4]}
    marks = defaultdict(lambda: (ZERO, 0))
    for pk, member_id, category, points, reverses_id in rows:
        if reverses_id or pk in corrected:
            continue
        top, vetoes = marks[member_id]
        if category == ItemCategory.VETO:
            marks[member_id] = (top, vetoes + 1)
        else:
            marks[member_id] = (max(top, points), vetoes)
    return marks


class _SchemeBook:
    """Which scheme applies to a branch's month: the one it was locked under, else the newest.
    Worked out once per branch: a whole organisation asks the same few questions many times."""

    def __init__(self, branches: Iterable[Organisation], year: int):
        self.branches = {b.pk: b for b in branches}
        ancestor_ids = {i for b in self.branches.values() for i in b.ancestor_ids}
        self.schemes = list(
            schemes_for_year(list(ancestor_ids), year).prefetch_related("grade_levels")
        )
        locks = MonthLock.objects.filter(branch_id__in=list(self.branches), year=year)
        self.locked = {
            (lock.branch_id, lock.month): lock.scheme for lock in locks.select_related("scheme")
        }

        self.newest = {pk: pick_scheme(self.schemes, b) for pk, b in self.branches.items()}
        self.tenths = {
            scheme.pk: (int(scheme.base_points * 10), int(scheme.performance_cap * 10))
            for scheme in [*self.schemes, *self.locked.values()]
        }

    def current(self, branch_id: int) -> Scheme | None:
        return self.newest[branch_id]

    def for_month(self, branch_id: int, month: int) -> Scheme | None:
        return self.locked.get((branch_id, month)) or self.newest[branch_id]


def _grade_steps(scheme: Scheme | None) -> list[GradeStep]:
    if scheme is None:
        return []
    return [
        GradeStep(
            g.code, g.name, g.min_score, g.rank_rule, g.rank_share, g.rank_mode, g.is_unqualified
        )
        for g in sorted(scheme.grade_levels.all(), key=lambda g: g.order)
    ]


def _months_in_year(start: datetime.date, end: datetime.date | None, year: int) -> range:
    first = 1 if start.year < year else start.month
    last = 12 if end is None or end.year > year else end.month
    return range(first, last + 1)


def _month_branches(placements: list[tuple], year: int) -> dict[int, int]:
    """Month → branch id the member belonged to (the later placement wins a shared month)."""
    owner = {}
    for _, branch_id, start, end in placements:
        for month in _months_in_year(start, end, year):
            owner[month] = branch_id
    return owner


def _member_year(member, placements, year, sums, marks, book: _SchemeBook, begun) -> MemberYear:
    final_branch_id = placements[-1][1]
    result = MemberYear(member=member, branch=book.branches[final_branch_id])
    for month, branch_id in _month_branches(placements, year).items():
        scheme = book.for_month(branch_id, month)
        # A month that has not begun yet counts only once it is locked (a closed year).
        if scheme is None or (month not in begun and (branch_id, month) not in book.locked):
            continue
        performance, deductions = sums.get((member.pk, month), (0, 0))
        result.month_tenths[month] = (*book.tenths[scheme.pk], performance, deductions)
    scheme = book.current(final_branch_id)
    top, vetoes = marks.get(member.pk, (ZERO, 0))
    result.vetoed = vetoes > 0
    if scheme is not None:
        result.commendation = rules.commendation_bonus([top], scheme.commendation_cap)
        result.exempt_reason = _exempt_reason(member, scheme)
        belonged = len(result.month_tenths)
        result.divisor = belonged if scheme.divisor == Divisor.MONTHS_BELONGED else 12
        if not result.exempt and belonged:
            # Summed in integer tenths: exact, and far cheaper than Decimals at this volume.
            total = sum(rules.month_points(*values) for values in result.month_tenths.values())
            result.score = rules.year_score(
                [Decimal(total).scaleb(-1)], result.divisor, result.commendation, result.vetoed
            )
    return result


def _exempt_reason(member: Member, scheme: Scheme) -> str:
    if member.exempt_reason:
        return member.exempt_reason
    if member.category in scheme.exempt_categories:
        return str(member.get_category_display())
    return ""


def _rank_and_grade(members: list[MemberYear], scheme: Scheme | None) -> None:
    scored = {m.member.pk: m.score for m in members if m.score is not None}
    ranks = rules.competition_ranks(scored)
    steps = _grade_steps(scheme)
    for result in members:
        if result.member.pk in ranks:
            result.rank = ranks[result.member.pk]
            result.grade, result.grade_flagged = rules.suggest_grade(
                steps, result.score, result.rank, len(scored), result.vetoed
            )


def _months_begun(year: int, as_of: datetime.date | None) -> range:
    as_of = as_of or timezone.localdate()
    if year != as_of.year:
        return MONTHS if year < as_of.year else range(0)
    return range(1, as_of.month + 1)


def branches_year_results(
    branches: list[Organisation], year: int, *, as_of: datetime.date | None = None
) -> dict[int, BranchYear]:
    """Year results of several branches, each member ranked in the branch they ended the year in.

    While the year runs, months still to come are left out (not counted at the base score):
    the year score so far is the average of the months that have begun."""
    branch_ids = [b.pk for b in branches]
    placements = _placements(branch_ids, year)
    member_ids = _member_ids(branch_ids, year)
    sums, marks = _month_sums(member_ids, year), _year_marks(year)
    members = _members(placements)
    other_ids = {p[1] for p in placements} - set(branch_ids)
    book = _SchemeBook([*branches, *Organisation.objects.filter(pk__in=other_ids)], year)
    begun = _months_begun(year, as_of)
    by_member = defaultdict(list)
    for placement in placements:
        by_member[placement[0]].append(placement)
    results = {b.pk: BranchYear(b, year, book.current(b.pk), []) for b in branches}
    for member_id, member_placements in by_member.items():
        member_year = _member_year(
            members[member_id], member_placements, year, sums, marks, book, begun
        )
        if member_year.branch.pk in results:
            results[member_year.branch.pk].members.append(member_year)
    for branch_year in results.values():
        _rank_and_grade(branch_year.members, branch_year.scheme)
        branch_year.members.sort(key=lambda m: (m.rank is None, m.rank or 0, m.member.name))
    return results


def branch_year_results(
    branch: Organisation, year: int, *, as_of: datetime.date | None = None
) -> BranchYear:
    return branches_year_results([branch], year, as_of=as_of)[branch.pk]


def member_year_result(
    member: Member, year: int, *, as_of: datetime.date | None = None
) -> MemberYear | None:
    """The member's year as seen in the ranking of the branch they ended that year in."""
    placement = member.placements.filter(_year_bounds(year)).select_related("branch").last()
    if placement is None:
        return None
    return branch_year_results(placement.branch, year, as_of=as_of).for_member(member.pk)


def member_entries(member: Member, year: int, months: Iterable[int] = MONTHS):
    """The archive lines behind a member's numbers, for the explanation of any period."""
    return (
        Entry.objects.filter(member=member, year=year, month__in=list(months))
        .select_related("item", "recorded_by", "commendation_level", "reverses", "branch")
        .order_by("month", "seq")
    )
