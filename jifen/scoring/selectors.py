"""Scores for whole branches at once, in a fixed number of queries whatever their size.

The database sums the ledger per member and month, applies the monthly cap and floor under the
base and cap most months share, and adds up each member's months: one row per member comes
back. The divisor, commendation, veto, ranks and grades are applied in memory to those rows.
The month-by-month detail (for explanations, quarter scores, and the rare months under other
numbers) is read per member and month, once for a whole result, only when first asked for.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from types import SimpleNamespace
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Q, Subquery
from django.utils import timezone

from jifen.ledger.models import Entry, Period
from jifen.ledger.selectors import month_sums
from jifen.orgs.enums import MemberCategory
from jifen.orgs.models import Member, Organisation, Placement
from jifen.schemes import arithmetic
from jifen.schemes.arithmetic import ZERO, MonthScore
from jifen.schemes.enums import Divisor
from jifen.schemes.models import Scheme
from jifen.schemes.selectors import pick_scheme, schemes_for_year
from jifen.scoring import rules
from jifen.scoring.rules import GradeStep

MONTHS = range(1, 13)


@dataclass
class MemberYear:
    member_id: int
    name: str
    branch: Organisation
    # month → (base, cap) in tenths of a point, for each month the year counts.
    plan: dict[int, tuple[int, int]] = field(default_factory=dict)
    commendation: Decimal = ZERO
    vetoed: bool = False
    exempt_reason: str = ""
    divisor: int = 0
    score: Decimal | None = None
    rank: int | None = None
    tied: int = 0  # members sharing the rank, this one included
    grade: GradeStep | None = None
    grade_flagged: bool = False
    roster: "_Roster | None" = field(default=None, repr=False, compare=False)
    sums: "_MonthSums | None" = field(default=None, repr=False, compare=False)

    @property
    def member(self) -> Member:
        return self.roster.members[self.member_id]

    @property
    def exempt(self) -> bool:
        return bool(self.exempt_reason)

    @cached_property
    def month_tenths(self) -> dict[int, tuple[int, int, int, int]]:
        """month → (base, cap, performance, deductions) in tenths of a point."""
        return {m: (*rule, *self.sums.get(self.member_id, m)) for m, rule in self.plan.items()}

    @cached_property
    def months(self) -> dict[int, MonthScore]:
        return {
            month: arithmetic.month_score(*(Decimal(v).scaleb(-1) for v in values))
            for month, values in self.month_tenths.items()
        }

    def period_score(self, months: Iterable[int]) -> Decimal | None:
        """The average monthly score over the months of a period the member belonged to."""
        scores = [self.months[m].score for m in months if m in self.months]
        return arithmetic.round1(sum(scores, ZERO) / len(scores)) if scores else None


@dataclass
class BranchYear:
    branch: Organisation
    year: int
    scheme: Scheme | None
    members: list[MemberYear]

    def for_member(self, member_id: int) -> MemberYear | None:
        return next((m for m in self.members if m.member_id == member_id), None)


def _year_bounds(year: int) -> Q:
    return Q(start__lte=datetime.date(year, 12, 31)) & (
        Q(end__isnull=True) | Q(end__gte=datetime.date(year, 1, 1))
    )


def _placements(member_ids: Subquery, year: int) -> list[tuple]:
    """(member, branch, start, end, name, category, exempt reason) of every placement in the
    year of these members, ordered by member and start. Plain tuples: at the size of a whole
    organisation, model instances cost more than the arithmetic."""
    return list(
        Placement.objects.filter(_year_bounds(year), member_id__in=member_ids)
        .order_by("member_id", "start")
        .values_list(
            "member_id",
            "branch_id",
            "start",
            "end",
            "member__name",
            "member__category",
            "member__exempt_reason",
        )
    )


class _Roster:
    """The members of a result as model instances, read in one query when a page first asks for
    one: the computation itself needs only a few of their columns."""

    def __init__(self, member_ids: Subquery):
        self.member_ids = member_ids

    @cached_property
    def members(self) -> dict[int, Member]:
        return Member.objects.filter(pk__in=self.member_ids).order_by().in_bulk()


def _member_ids(branch_ids: list[int], year: int) -> Subquery:
    return Subquery(
        Placement.objects.filter(_year_bounds(year), branch_id__in=branch_ids)
        .order_by()
        .values("member_id")
    )


def _ledger_scope(branch_ids: list[int], member_ids: Subquery, year: int) -> Q:
    """The entries of these branches' members. When everyone placed anywhere in the year is in
    these branches (a whole organisation's year), no filter: it would keep every row, and
    PostgreSQL pays a join per entry for it."""
    outside = Placement.objects.filter(_year_bounds(year)).exclude(branch_id__in=branch_ids)
    return Q(member_id__in=member_ids) if outside.exists() else Q()


class _Totals(NamedTuple):
    delta: int  # Σ (month points − base) over the months with entries, in tenths
    months: int  # a bit per month with entries: bit 0 is January
    commendation: int  # the highest live commendation, in tenths
    vetoes: int


NO_ENTRIES = _Totals(0, 0, 0, 0)


def _member_totals(scope: Q, year: int, rule: tuple[int, int]) -> dict:
    """Each member's months added up in the database under one base and cap (in tenths).

    Summing capped monthly sums takes a query around the grouped one, which the ORM cannot
    express: the inner query is the ORM's, the outer one is written here. A month's points
    less the base, max(base + min(performance, cap) + deductions, 0) − base, is
    max(min(performance, cap) + deductions, −base)."""
    inner, params = month_sums(scope, year).query.sql_with_params()
    least, greatest = ("MIN", "MAX") if connection.vendor == "sqlite" else ("LEAST", "GREATEST")
    base, cap = rule
    sql = (
        f"SELECT member_id, SUM({greatest}({least}(performance, %s) + deductions, %s)),"
        " SUM(1 << (month - 1)), MAX(commendation), SUM(vetoes)"
        f" FROM ({inner}) AS months GROUP BY member_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [cap, -base, *params])
        return {row[0]: _Totals(*row[1:]) for row in cursor.fetchall()}


class _MonthSums:
    """Performance and deductions per member and month, read in one query for every member of a
    result the first time any month is explained."""

    def __init__(self, scope: Q, year: int):
        self.scope, self.year = scope, year

    @cached_property
    def rows(self) -> dict[tuple[int, int], tuple[int, int]]:
        return {(m, month): (p, d) for m, month, p, d, *_ in month_sums(self.scope, self.year)}

    def get(self, member_id: int, month: int) -> tuple[int, int]:
        return self.rows.get((member_id, month), (0, 0))


class _Plan(NamedTuple):
    months: dict[int, tuple[int, int]]  # month → (base, cap) in tenths, for the counted months
    base_total: int
    common_mask: int  # a bit per month counted under the book's common base and cap


class _SchemeBook:
    """Which scheme applies to a branch's month: the one it was locked under, else the newest.
    Worked out once per branch, and each member's plan of counted months once per shape of
    placements: a whole organisation asks the same few questions many times."""

    def __init__(self, branches: Iterable[Organisation], year: int, begun: range):
        self.branches = {b.pk: b for b in branches}
        self.begun = begun
        ancestor_ids = {i for b in self.branches.values() for i in b.ancestor_ids}
        self.schemes = list(
            schemes_for_year(list(ancestor_ids), year).prefetch_related("grade_levels")
        )
        locks = Period.objects.locked().filter(branch_id__in=list(self.branches), year=year)
        self.locked = {
            (lock.branch_id, lock.month): lock.scheme for lock in locks.select_related("scheme")
        }

        self.newest = {pk: pick_scheme(self.schemes, b) for pk, b in self.branches.items()}
        self.tenths = {
            scheme.pk: (int(scheme.base_points * 10), int(scheme.performance_cap * 10))
            for scheme in [*self.schemes, *self.locked.values()]
        }
        in_force = Counter(self.tenths[s.pk] for s in self.newest.values() if s is not None)
        # The base and cap the database sums each member's year with: those most branches use.
        self.common = in_force.most_common(1)[0][0] if in_force else (0, 0)
        self._plans = {}

    def current(self, branch_id: int) -> Scheme | None:
        return self.newest[branch_id]

    def for_month(self, branch_id: int, month: int) -> Scheme | None:
        return self.locked.get((branch_id, month)) or self.newest[branch_id]

    def plan(self, spans: tuple[tuple[int, range], ...]) -> _Plan:
        if spans not in self._plans:
            self._plans[spans] = self._make_plan(spans)
        return self._plans[spans]

    def _make_plan(self, spans) -> _Plan:
        months = {}
        for month, branch_id in _month_branches(spans).items():
            scheme = self.for_month(branch_id, month)
            # A month that has not begun yet counts only once it is locked (a closed year).
            if scheme is None or (
                month not in self.begun and (branch_id, month) not in self.locked
            ):
                continue
            months[month] = self.tenths[scheme.pk]
        common = sum(1 << (m - 1) for m, rule in months.items() if rule == self.common)
        return _Plan(months, sum(base for base, _ in months.values()), common)


def _grade_steps(scheme: Scheme | None) -> list[GradeStep]:
    if scheme is None:
        return []
    return [GradeStep.of(g) for g in sorted(scheme.grade_levels.all(), key=lambda g: g.order)]


def _months_in_year(start: datetime.date, end: datetime.date | None, year: int) -> range:
    first = 1 if start.year < year else start.month
    last = 12 if end is None or end.year > year else end.month
    return range(first, last + 1)


def _month_branches(spans: Iterable[tuple[int, range]]) -> dict[int, int]:
    """Month → branch id the member belonged to (the later placement wins a shared month)."""
    return {month: branch_id for branch_id, months in spans for month in months}


def _total_tenths(result: MemberYear, plan: _Plan, totals: _Totals) -> int:
    if totals.months & ~plan.common_mask == 0:
        return plan.base_total + totals.delta
    # Entries in a month under another base or cap, or in a month the year does not count:
    # worked out month by month.
    return sum(arithmetic.month_points(*values) for values in result.month_tenths.values())


def _score(result: MemberYear, plan: _Plan, totals: _Totals, scheme, category, exempt) -> None:
    result.vetoed = totals.vetoes > 0
    if scheme is None:
        return
    top = Decimal(totals.commendation).scaleb(-1)
    result.commendation = arithmetic.commendation_bonus([top], scheme.commendation_cap)
    result.exempt_reason = exempt or _exempt_category(category, scheme)
    belonged = len(plan.months)
    result.divisor = belonged if scheme.divisor == Divisor.MONTHS_BELONGED else 12
    if not result.exempt and belonged:
        total = Decimal(_total_tenths(result, plan, totals)).scaleb(-1)
        result.score = arithmetic.year_score(
            [total], result.divisor, result.commendation, result.vetoed
        )


def _exempt_category(category: str, scheme: Scheme) -> str:
    if category in scheme.exempt_categories:
        return str(MemberCategory(category).label)
    return ""


def _rank_and_grade(members: list[MemberYear], scheme: Scheme | None) -> None:
    scored = {m.member_id: m.score for m in members if m.score is not None}
    ranks = arithmetic.competition_ranks(scored)
    tied = Counter(ranks.values())
    steps = _grade_steps(scheme)
    for result in members:
        if result.member_id in ranks:
            result.rank = ranks[result.member_id]
            result.tied = tied[result.rank]
            result.grade, result.grade_flagged = rules.suggest_grade(
                steps, result.score, result.rank, result.tied, len(scored), result.vetoed
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
    member_ids = _member_ids(branch_ids, year)
    placements = _placements(member_ids, year)
    other_ids = {p[1] for p in placements} - set(branch_ids)
    others = Organisation.objects.filter(pk__in=other_ids)
    book = _SchemeBook([*branches, *others], year, _months_begun(year, as_of))
    scope = _ledger_scope(branch_ids, member_ids, year)
    totals = _member_totals(scope, year, book.common)
    roster, sums = _Roster(member_ids), _MonthSums(scope, year)
    people, spans = {}, defaultdict(list)
    for member_id, branch_id, start, end, *person in placements:
        people[member_id] = person
        spans[member_id].append((branch_id, _months_in_year(start, end, year)))
    results = {b.pk: BranchYear(b, year, book.current(b.pk), []) for b in branches}
    for member_id, member_spans in spans.items():
        final_branch_id = member_spans[-1][0]
        if final_branch_id not in results:
            continue  # ranked in the branch they moved to, which was not asked for
        name, category, exempt = people[member_id]
        plan = book.plan(tuple(member_spans))
        branch = book.branches[final_branch_id]
        result = MemberYear(member_id, name, branch, plan.months, roster=roster, sums=sums)
        member_totals = totals.get(member_id, NO_ENTRIES)
        _score(result, plan, member_totals, book.current(final_branch_id), category, exempt)
        results[final_branch_id].members.append(result)
    for branch_year in results.values():
        _rank_and_grade(branch_year.members, branch_year.scheme)
        branch_year.members.sort(key=lambda m: (m.rank is None, m.rank or 0, m.name))
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
        .select_related("item", "recorded_by__member", "commendation_level", "reverses", "branch")
        .order_by("month", "seq")
    )


# --- the grades the rules suggest for rows of the standings (jifen.ledger.standings) ---------


def branch_schemes(branches: Iterable[Organisation], year: int) -> dict[int, Scheme | None]:
    """The scheme each branch is scored under in the year, with its grade scale (two queries)."""
    branches = list(branches)
    ancestors = {i for b in branches for i in b.ancestor_ids}
    schemes = list(schemes_for_year(list(ancestors), year).prefetch_related("grade_levels"))
    return {b.pk: pick_scheme(schemes, b) for b in branches}


def _steps(scheme: Scheme | None) -> list[GradeStep]:
    if scheme is None:
        return []
    if not hasattr(scheme, "grade_steps"):
        scheme.grade_steps = _grade_steps(scheme)
    return scheme.grade_steps


def standing_grade(row, scheme: Scheme | None) -> tuple[GradeStep | None, bool]:
    """The grade suggested for a standing's year score from its rank, how many share it and
    how many are ranked (as _rank_and_grade does for a computed branch), and whether the
    meeting must look at it."""
    if row.year_rank is None:
        return None, False
    return rules.suggest_grade(
        _steps(scheme), row.year_score, row.year_rank, row.year_tied, row.year_ranked, row.vetoed
    )


def grade_rows(rows, schemes: dict[int, Scheme | None]) -> None:
    """Give each row of a page its suggested grade (row.grade, row.grade_flagged)."""
    for row in rows:
        row.grade, row.grade_flagged = standing_grade(row, schemes.get(row.branch_id))


def suggested_grade_counts(rows, schemes: dict[int, Scheme | None]) -> dict[int, Counter]:
    """Suggested grades counted per branch ("" for members without one), from the rows grouped
    by what decides a grade: as many groups as distinct scores, not members."""
    groups = (
        rows.order_by()
        .values_list("branch_id", "year_score", "year_rank", "year_tied", "year_ranked", "vetoed")
        .annotate(count=Count("pk"))
    )
    counts = defaultdict(Counter)
    for branch_id, score, rank, tied, ranked, vetoed, count in groups:
        row = SimpleNamespace(
            year_score=score, year_rank=rank, year_tied=tied, year_ranked=ranked, vetoed=vetoed
        )
        step, _flagged = standing_grade(row, schemes.get(branch_id))
        counts[branch_id][step.name if step else ""] += count
    return counts
