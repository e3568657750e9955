"""Reads behind the public notices and the dashboards. Dashboards are set-based: a fixed number
of queries however many branches and members they cover."""

import datetime
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from jifen.cycle.models import MemberGrade, Notice
from jifen.cycle.selectors import public_notices
from jifen.declarations.enums import PENDING, DeclarationStatus
from jifen.declarations.models import Declaration
from jifen.ledger.periods import declaration_window
from jifen.orgs.enums import OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation
from jifen.orgs.rules import visible_organisations
from jifen.schemes.models import Scheme
from jifen.schemes.selectors import current_scheme
from jifen.scoring.rules import competition_ranks, round1
from jifen.scoring.selectors import MONTHS, BranchYear, MemberYear, branches_year_results

DECIDED = (DeclarationStatus.APPROVED, DeclarationStatus.ADJUSTED, DeclarationStatus.REJECTED)
PARENT_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)
# Lower bounds of the histogram's bins; the last bin is open-ended (scores reach 110).
SCORE_BINS = (0, 60, 70, 80, 90, 100)


# Public notices


def current_notices(today: datetime.date) -> QuerySet[Notice]:
    """The notices the public page shows, each with its rows (two queries in all)."""
    return public_notices(today).select_related("branch__parent").prefetch_related("rows")


def archived_notices(user) -> QuerySet[Notice]:
    """Every notice, past ones included, of the branches the user sees through a role and of
    their own branch as a member, newest first: the archive a reader browses. The public
    page shows a notice only while it runs (reading.md: 公示 for a period); later it stays
    readable to the people of the organisation, not to everyone."""
    if not user.is_authenticated:
        return Notice.objects.none()
    own = Member.objects.filter(user=user).values("branch_id")
    return (
        Notice.objects.filter(Q(branch__in=visible_organisations(user)) | Q(branch__in=own))
        .select_related("branch__parent", "quarter")
        .annotate(listed=Count("rows"))
        .order_by("-opens_on", "-pk")
    )


# Which dashboards a user may open


def dashboard_organisations(user) -> QuerySet[Organisation]:
    """Branches where the user holds any role (or reviews or administers above them), and the
    parent organisations they review or administer."""
    branches = visible_organisations(user).filter(kind=OrgKind.BRANCH)
    parents = visible_organisations(user, [RoleKind.REVIEWER, RoleKind.ADMIN]).filter(
        kind__in=PARENT_KINDS
    )
    return Organisation.objects.filter(Q(pk__in=branches) | Q(pk__in=parents)).order_by("path")


def branches_under(org: Organisation) -> list[Organisation]:
    if org.is_branch:
        return [org]
    return list(
        Organisation.objects.filter(
            path__startswith=org.path, kind=OrgKind.BRANCH, is_active=True
        ).order_by("path")
    )


# The dashboard


@dataclass(frozen=True)
class MonthProgress:
    month: int
    declared: int
    decided: int
    waiting: int
    declarations_close: datetime.date | None
    reviews_due: datetime.date | None
    overdue: bool


@dataclass
class BranchGrades:
    branch: Organisation
    recorded: bool  # True: grades of the branch's year result; False: suggested by the rules
    counts: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class GradeRow:
    branch: Organisation
    recorded: bool
    cells: list[int]  # one count per name of Dashboard.grade_names


@dataclass(frozen=True)
class RankRow:
    """A member in the ranking of the whole organisation shown: `rank` is across all its
    branches (ties share it), the member's rank in their own branch is `member.rank`."""

    rank: int | None
    member: MemberYear


@dataclass
class Dashboard:
    organisation: Organisation
    year: int
    scheme: Scheme | None
    results: list[BranchYear]
    histogram: list[tuple[str, int]]
    trend: list[tuple[int, Decimal | None]]
    ranking: list[RankRow]
    progress: list[MonthProgress]
    grade_names: list[str]
    grades: list[GradeRow]


def histogram(scores: list[Decimal]) -> list[tuple[str, int]]:
    bins = Counter(max(low for low in SCORE_BINS if score >= low) for score in scores)
    labels = [f"{low}–{high - 1}" for low, high in itertools.pairwise(SCORE_BINS)]
    labels.append(f"≥{SCORE_BINS[-1]}")
    return [(label, bins[low]) for label, low in zip(labels, SCORE_BINS, strict=True)]


def monthly_trend(members: list[MemberYear], last_month: int) -> list[tuple[int, Decimal | None]]:
    """Average monthly score of the scored members, month by month up to `last_month`."""
    trend = []
    for month in range(1, last_month + 1):
        scores = [m.months[month].score for m in members if not m.exempt and month in m.months]
        average = round1(sum(scores) / len(scores)) if scores else None
        trend.append((month, average))
    return trend


def _ordered(results: list[BranchYear]) -> list[MemberYear]:
    """Ranked members first, by score; the exempt and those without a score after them."""
    members = [m for result in results for m in result.members]
    return sorted(members, key=lambda m: (m.score is None, -(m.score or 0), m.name))


def _ranking(members: list[MemberYear]) -> list[RankRow]:
    """One ranking across the branches, of the members each branch ranks: a general branch's
    ranking never interleaves its branches' own ranks (1, 2, 1, 2, 3…)."""
    ranks = competition_ranks({m.member_id: m.score for m in members if m.rank is not None})
    return [RankRow(ranks.get(m.member_id), m) for m in members]


def _review_due(scheme: Scheme, year: int, month: int) -> datetime.date:
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime.date(next_year, next_month, scheme.review_deadline_day)


def declaration_progress(
    branches: list[Organisation], year: int, scheme: Scheme | None, today: datetime.date
) -> list[MonthProgress]:
    """Declared, decided and waiting declarations per month (one grouped query), against the
    scheme's deadlines."""
    rows = (
        Declaration.objects.filter(branch__in=branches, year=year)
        .exclude(status=DeclarationStatus.WITHDRAWN)
        .values("month")
        .annotate(
            declared=Count("pk"),
            decided=Count("pk", filter=Q(status__in=DECIDED)),
            waiting=Count("pk", filter=Q(status__in=PENDING)),
        )
    )
    counts = {row["month"]: row for row in rows}
    progress = []
    for month in MONTHS:
        row = counts.get(month, {"declared": 0, "decided": 0, "waiting": 0})
        closes = declaration_window(scheme, year, month)[1] if scheme else None
        due = _review_due(scheme, year, month) if scheme else None
        overdue = bool(row["waiting"]) and due is not None and today > due
        progress.append(
            MonthProgress(
                month, row["declared"], row["decided"], row["waiting"], closes, due, overdue
            )
        )
    return progress


def _recorded_grades(branches: list[Organisation], year: int) -> dict[int, Counter]:
    """Grades of the branches' year results (final where decided, else suggested), grouped."""
    rows = (
        MemberGrade.objects.filter(year_result__branch__in=branches, year_result__year=year)
        .values_list("year_result__branch_id", "final_grade_name", "suggested_grade_name")
        .annotate(count=Count("pk"))
    )
    counts = defaultdict(Counter)
    for branch_id, final, suggested, count in rows:
        counts[branch_id][final or suggested] += count
    return counts


def grades_per_branch(results: list[BranchYear], year: int) -> list[BranchGrades]:
    recorded = _recorded_grades([r.branch for r in results], year)
    grades = []
    for result in results:
        if result.branch.pk in recorded:
            grades.append(BranchGrades(result.branch, True, recorded[result.branch.pk]))
            continue
        counts = Counter(m.grade.name if m.grade else "" for m in result.members)
        grades.append(BranchGrades(result.branch, False, counts))
    return grades


def _grade_names(scheme: Scheme | None, grades: list[BranchGrades]) -> list[str]:
    """The scheme's grades in order, then any other name met (older scales), then '' for
    members without a grade (exempt, or no score)."""
    names = [level.name for level in scheme.grade_levels.all()] if scheme else []
    seen = {name for g in grades for name in g.counts}
    names += sorted(seen - set(names) - {""})
    return [*names, ""] if "" in seen else names


def dashboard(org: Organisation, year: int, today: datetime.date) -> Dashboard:
    branches = branches_under(org)
    results = list(branches_year_results(branches, year).values())
    scheme = current_scheme(org, year)
    members = _ordered(results)
    # The running month is still being declared and reviewed: the trend stops before it.
    last_month = 12 if year < today.year else (today.month - 1 if year == today.year else 0)
    grades = grades_per_branch(results, year)
    names = _grade_names(scheme, grades)
    return Dashboard(
        organisation=org,
        year=year,
        scheme=scheme,
        results=results,
        histogram=histogram([m.score for m in members if m.score is not None]),
        trend=monthly_trend(members, last_month),
        ranking=_ranking(members),
        progress=declaration_progress(branches, year, scheme, today),
        grade_names=names,
        grades=[GradeRow(g.branch, g.recorded, [g.counts[n] for n in names]) for g in grades],
    )
