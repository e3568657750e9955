"""Reads behind the public notices and the dashboards. Dashboards are set-based: a fixed number
of queries however many branches and members they cover."""

import datetime
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When, Window
from django.db.models.functions import Rank

from jifen.activities.selectors import (
    BranchAttendance,
    MemberTally,
    attendance,
    member_attendance,
)
from jifen.cycle.models import MemberGrade, Notice
from jifen.cycle.selectors import public_notices
from jifen.declarations.enums import PENDING, DeclarationStatus
from jifen.declarations.models import Declaration
from jifen.ledger.models import RankingMonth, Standing
from jifen.ledger.periods import declaration_window
from jifen.ledger.selectors import as_of
from jifen.orgs.enums import OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation
from jifen.orgs.rules import can_see_organisation, visible_organisations
from jifen.schemes.arithmetic import round1
from jifen.schemes.models import Scheme
from jifen.schemes.selectors import current_scheme
from jifen.scoring.selectors import MONTHS, branch_schemes, suggested_grade_counts

DECIDED = (DeclarationStatus.APPROVED, DeclarationStatus.ADJUSTED, DeclarationStatus.REJECTED)
PARENT_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH)
# Lower bounds of the histogram's bins; the last bin is open-ended (scores reach 110).
SCORE_BINS = (0, 60, 70, 80, 90, 100)


# Public notices


def current_notices(today: datetime.date, *, replaced: bool = False) -> QuerySet[Notice]:
    """The notices the public pages show, newest first, with what their headings name (with
    `replaced`, the versions a correction replaced too)."""
    return (
        public_notices(today, replaced=replaced)
        .select_related("branch__parent", "quarter__anchor")
        .order_by("-opens_on", "branch__name", "pk")
    )


def notices_listed(today: datetime.date) -> QuerySet[Notice]:
    """The public list: each notice with the number of members it lists, not the rows."""
    return current_notices(today).annotate(listed=Count("rows"))


def notices_changed(today: datetime.date) -> datetime.datetime | None:
    """When a notice of the public list last changed."""
    return public_notices(today, replaced=True).aggregate(changed=Max("changed_at"))["changed"]


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
        .select_related("branch__parent", "quarter", "replaced_by")
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


def can_see_dashboard(user, org: Organisation) -> bool:
    """Whether `org` is one of dashboard_organisations(user), asked of one organisation."""
    if org.is_branch:
        return can_see_organisation(user, org)
    return org.kind in PARENT_KINDS and can_see_organisation(
        user, org, [RoleKind.REVIEWER, RoleKind.ADMIN]
    )


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


@dataclass
class Dashboard:
    organisation: Organisation
    year: int
    scheme: Scheme | None
    histogram: list[tuple[str, int]]
    trend: list[tuple[int, Decimal | None]]
    ranking: QuerySet[Standing]  # paginated by the view; graded with `grade_rows`
    schemes: dict[int, Scheme | None]  # each branch's, with its grade scale
    progress: list[MonthProgress]
    grade_names: list[str]
    grades: list[GradeRow]
    # Organisational life: per branch (activities held, attendance, requirements behind) and,
    # on a branch's dashboard, per member.
    attendance: list[BranchAttendance] = field(default_factory=list)
    member_attendance: list[MemberTally] = field(default_factory=list)


def _standings(branches: list[Organisation], year: int, month: int | None) -> QuerySet[Standing]:
    """The branches' members as they stand at the end of the month (none for a year to come)."""
    if month is None:
        return Standing.objects.none()
    return Standing.objects.filter(branch__in=branches, year=year, month=month)


def histogram(rows: QuerySet[Standing]) -> list[tuple[str, int]]:
    """Year scores in bins, counted by the database in one query."""
    bounds = [*SCORE_BINS, None]
    counts = rows.aggregate(
        **{
            str(low): Count(
                "pk",
                filter=Q(year_score__gte=low) & (Q(year_score__lt=high) if high else Q()),
            )
            for low, high in itertools.pairwise(bounds)
        }
    )
    labels = [f"{low}–{high - 1}" for low, high in itertools.pairwise(SCORE_BINS)]
    labels.append(f"≥{SCORE_BINS[-1]}")
    return [(label, counts[str(low)]) for label, low in zip(labels, SCORE_BINS, strict=True)]


def monthly_trend(
    branches: list[Organisation], year: int, last_month: int
) -> list[tuple[int, Decimal | None]]:
    """Average monthly score of the scored members, month by month up to `last_month`, from
    the months' sums the standings keep (one row per branch and month)."""
    sums = defaultdict(lambda: [Decimal(0), 0])
    for row in RankingMonth.objects.filter(branch__in=branches, year=year, month__lte=last_month):
        sums[row.month][0] += row.total
        sums[row.month][1] += row.scored
    return [
        (m, round1(sums[m][0] / sums[m][1]) if sums[m][1] else None)
        for m in range(1, last_month + 1)
    ]


def ranking(rows: QuerySet[Standing], *, across_branches: bool) -> QuerySet[Standing]:
    """Ranked members first, by score; the exempt and those without a score after them.
    Across several branches, `overall_rank` ranks the members of every branch shown in one
    ranking (ties share it), so that a general branch's ranking never interleaves its
    branches' own ranks (1, 2, 1, 2, 3…); the database computes it over all the rows before the
    page is cut. Members their branch does not rank (exempt) come after the ranked ones and
    their `overall_rank` is not shown. One branch's ranking is the rank the standings keep:
    computing it again over a 2,000-member branch cost five times the rest of the query."""
    if across_branches:
        unranked = Case(When(year_rank__isnull=True, then=Value(1)), default=Value(0))
        rows = rows.annotate(
            overall_rank=Window(Rank(), order_by=[unranked.asc(), F("year_score").desc()])
        )
    return rows.select_related("member", "branch").order_by(
        F("year_score").desc(nulls_last=True), "member__name", "member_id"
    )


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


def grades_per_branch(
    branches: list[Organisation], rows: QuerySet[Standing], schemes, year: int
) -> list[BranchGrades]:
    recorded = _recorded_grades(branches, year)
    suggested = suggested_grade_counts(rows, schemes)
    return [
        BranchGrades(branch, True, recorded[branch.pk])
        if branch.pk in recorded
        else BranchGrades(branch, False, suggested[branch.pk])
        for branch in branches
    ]


def _grade_names(scheme: Scheme | None, grades: list[BranchGrades]) -> list[str]:
    """The scheme's grades in order, then any other name met (older scales), then '' for
    members without a grade (exempt, or no score)."""
    names = [level.name for level in scheme.grade_levels.all()] if scheme else []
    seen = {name for g in grades for name in g.counts}
    names += sorted(seen - set(names) - {""})
    return [*names, ""] if "" in seen else names


def dashboard(org: Organisation, year: int, today: datetime.date) -> Dashboard:
    """The dashboard from the standings: a fixed number of queries, aggregates done by the
    database; the ranking is a queryset for the view to paginate."""
    branches = branches_under(org)
    rows = _standings(branches, year, as_of(year, today))
    schemes = branch_schemes(branches, year)
    scheme = current_scheme(org, year)
    # The running month is still being declared and reviewed: the trend stops before it.
    last_month = 12 if year < today.year else (today.month - 1 if year == today.year else 0)
    grades = grades_per_branch(branches, rows, schemes, year)
    names = _grade_names(scheme, grades)
    attending = attendance(branches, year, today)
    return Dashboard(
        organisation=org,
        year=year,
        scheme=scheme,
        histogram=histogram(rows.filter(year_score__isnull=False)),
        trend=monthly_trend(branches, year, last_month),
        ranking=ranking(rows, across_branches=not org.is_branch),
        schemes=schemes,
        progress=declaration_progress(branches, year, scheme, today),
        grade_names=names,
        grades=[GradeRow(g.branch, g.recorded, [g.counts[n] for n in names]) for g in grades],
        attendance=attending,
        member_attendance=member_attendance(org, year) if org.is_branch else [],
    )
