"""Reads for the portal pages, always from objects already scoped to the user by the views."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from jifen.cycle.enums import ObjectionKind, ObjectionStatus, YearState
from jifen.cycle.models import (
    Admonition,
    MemberGrade,
    Notice,
    Objection,
    Quarter,
    UnqualifiedHandling,
    YearFiling,
    YearResult,
)
from jifen.cycle.selectors import branch_notices, branch_quarters, notices_open_to
from jifen.declarations.enums import DeclarationStatus, VetoStatus
from jifen.declarations.models import Declaration, VetoProposal
from jifen.ledger import periods
from jifen.ledger.enums import Stage
from jifen.ledger.models import Entry, Period, Standing
from jifen.ledger.selectors import as_of, standing, year_standings
from jifen.orgs import rules as org_rules
from jifen.orgs.enums import MemberState, OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation, Placement
from jifen.schemes.arithmetic import round1
from jifen.schemes.enums import ItemCategory
from jifen.schemes.models import CommendationLevel, Item, Scheme
from jifen.schemes.selectors import current_scheme
from jifen.scoring.rules import GradeStep
from jifen.scoring.selectors import (
    branch_schemes,
    member_entries,
    standing_grade,
    suggested_grade_counts,
)


def quarter_months(month: int) -> list[int]:
    first = (month - 1) // 3 * 3 + 1
    return [first, first + 1, first + 2]


def recent_months(today: datetime.date, count: int = 3) -> list[tuple[int, int]]:
    """This month and the ones before it, newest first: the months a page lets you pick."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


# --- the member's own pages -------------------------------------------------------------


@dataclass(frozen=True)
class PeriodScore:
    score: Decimal | None
    rank: int | None
    ranked: int


@dataclass(frozen=True)
class Overview:
    member: Member
    year: int
    month: int
    standing: Standing | None  # the read model's row for this month (jifen.ledger.standings)
    grade: GradeStep | None  # suggested so far
    this_month: PeriodScore
    this_quarter: PeriodScore
    this_year: PeriodScore


def member_overview(member: Member, today: datetime.date) -> Overview:
    """The member's score this month, quarter and year with the rank among the branch's scored
    members (exempt members have none): one row of the standings."""
    row = standing(member.pk, today.year, today.month)
    periods = [
        PeriodScore(
            getattr(row, f"{kind}_score", None),
            getattr(row, f"{kind}_rank", None),
            getattr(row, f"{kind}_ranked", 0),
        )
        for kind in ("month", "quarter", "year")
    ]
    grade = standing_grade(row, current_scheme(member.branch, today.year))[0] if row else None
    return Overview(member, today.year, today.month, row, grade, *periods)


@dataclass(frozen=True)
class MonthExplanation:
    month: int
    score: object  # schemes.arithmetic.MonthScore, or None when the member did not belong
    entries: list


def member_explanation(
    member: Member, year: int, today: datetime.date
) -> tuple[Standing | None, list[MonthExplanation]]:
    """The year as it stands and every month's score with the archive lines behind it, newest
    first; months still to come this year are left out."""
    rows = year_standings(member.pk, year)
    by_month: dict[int, list] = {}
    for entry in member_entries(member, year):
        by_month.setdefault(entry.month, []).append(entry)
    months = set(by_month) | {m for m, row in rows.items() if row.base is not None}
    if year == today.year:
        months = {m for m in months if m <= today.month}
    return rows.get(as_of(year, today)), [
        MonthExplanation(m, rows[m].month_parts if m in rows else None, by_month.get(m, []))
        for m in sorted(months, reverse=True)
    ]


def member_declarations(member: Member) -> QuerySet[Declaration]:
    return (
        Declaration.objects.filter(member=member)
        .select_related("item", "commendation_level")
        .prefetch_related("files")
    )


def declarable_items(member: Member, schemes: list[Scheme]) -> QuerySet[Item]:
    """The items of the schemes (of the months on offer) a member of their category may
    declare, in the schemes' order."""
    items = Item.objects.filter(scheme__in=schemes, declarable=True)
    fitting = [item.pk for item in items if item.applies_to(member.category)]
    return Item.objects.filter(pk__in=fitting).order_by("-scheme__year", "order", "code")


def commendation_levels(schemes: list[Scheme]) -> QuerySet[CommendationLevel]:
    return CommendationLevel.objects.filter(scheme__in=schemes).order_by("-scheme__year", "order")


# --- the branch's pages -----------------------------------------------------------------


def work_branches(user) -> QuerySet[Organisation]:
    """Branches where the user sits on the committee or is the secretary."""
    return org_rules.visible_organisations(user, org_rules.BRANCH_WORK).filter(kind=OrgKind.BRANCH)


def is_work_branch(user, org: Organisation) -> bool:
    """Whether `org` is one of work_branches(user), asked of one organisation."""
    return org.is_branch and org_rules.can_see_organisation(user, org, org_rules.BRANCH_WORK)


def review_orgs(user) -> QuerySet[Organisation]:
    """Parent organisations (党总支/党委) where the user reviews for the branches below."""
    return org_rules.visible_organisations(user, [RoleKind.REVIEWER]).exclude(
        kind__in=[OrgKind.BRANCH, OrgKind.GROUP]
    )


# The review queue's filters by state: what the committee still decides, and what it decided.
# A commendation the branch approved waits at the parent organisation (forwarded): for the
# branch it counts as approved.
REVIEW_STATES = {
    "pending": (DeclarationStatus.SUBMITTED,),
    "approved": (DeclarationStatus.APPROVED, DeclarationStatus.FORWARDED),
    "adjusted": (DeclarationStatus.ADJUSTED,),
    "rejected": (DeclarationStatus.REJECTED,),
}


def month_declarations(
    branch: Organisation, year: int, month: int, item: Item | None = None
) -> QuerySet[Declaration]:
    """The month's declarations of the branch (withdrawn ones left out), of one item if given."""
    declarations = Declaration.objects.filter(branch=branch, year=year, month=month).exclude(
        status=DeclarationStatus.WITHDRAWN
    )
    return declarations.filter(item=item) if item else declarations


def review_queue(
    branch: Organisation, year: int, month: int, *, state: str = "", item: Item | None = None
) -> QuerySet[Declaration]:
    """The month's declarations to review: those still waiting first, then the decided ones,
    each by the member's name; `state` (a key of REVIEW_STATES) and `item` narrow it."""
    declarations = month_declarations(branch, year, month, item)
    if state in REVIEW_STATES:
        declarations = declarations.filter(status__in=REVIEW_STATES[state])
    waiting_first = Case(
        When(status=DeclarationStatus.SUBMITTED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        declarations.select_related("member", "item", "commendation_level")
        .prefetch_related("files")
        .order_by(waiting_first, "member__name", "submitted_at", "pk")
    )


def review_counts(
    branch: Organisation, year: int, month: int, item: Item | None = None
) -> dict[str, int]:
    """How many of the month's declarations are in each state of REVIEW_STATES, and in all
    ("all"): one aggregate query."""
    counts = {
        state: Count("pk", filter=Q(status__in=statuses))
        for state, statuses in REVIEW_STATES.items()
    }
    return month_declarations(branch, year, month, item).aggregate(all=Count("pk"), **counts)


def review_items(branch: Organisation, year: int, month: int) -> QuerySet[Item]:
    """The items declared in the month: what the queue can be narrowed to."""
    declared = month_declarations(branch, year, month).values("item_id")
    return Item.objects.filter(pk__in=declared).order_by("order", "code")


def branch_roster(branch: Organisation) -> QuerySet[Member]:
    """The branch's active members (党员名册), as its roster export lists them."""
    return (
        Member.objects.filter(branch=branch, state=MemberState.ACTIVE)
        .select_related("user")
        .order_by("name", "pk")
    )


def branch_members(branch: Organisation, year: int, month: int) -> QuerySet[Member]:
    """Members who belonged to the branch in the month."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    placed = Placement.objects.filter(branch=branch, start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gte=first)
    )
    return Member.objects.filter(pk__in=placed.values("member_id")).order_by("name")


def not_declared(branch: Organisation, year: int, month: int) -> QuerySet[Member]:
    declared = Declaration.objects.filter(branch=branch, year=year, month=month).exclude(
        status=DeclarationStatus.WITHDRAWN
    )
    return (
        branch_members(branch, year, month)
        .filter(state=MemberState.ACTIVE)
        .exclude(pk__in=declared.values("member_id"))
    )


def committee_items(branch: Organisation, year: int, categories) -> QuerySet[Item]:
    scheme = current_scheme(branch, year)
    return scheme.items.filter(category__in=categories) if scheme else Item.objects.none()


def branch_vetoes(branch: Organisation, year: int) -> QuerySet[VetoProposal]:
    return VetoProposal.objects.filter(branch=branch, year=year).select_related("member", "item")


def locked_months(branch: Organisation, year: int) -> set[int]:
    return {
        month
        for month, stage in periods.stages(branch, year).items()
        if stage in (Stage.LOCKED, Stage.FILED)
    }


# --- the parent organisation's pages ----------------------------------------------------


def branches_under(org: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        path__startswith=org.path, kind=OrgKind.BRANCH, is_active=True
    )


def forwarded_commendations(org: Organisation) -> QuerySet[Declaration]:
    return (
        Declaration.objects.filter(
            branch__in=branches_under(org), status=DeclarationStatus.FORWARDED
        )
        .select_related("member", "branch", "item", "commendation_level")
        .prefetch_related("files")
    )


def proposed_vetoes(org: Organisation) -> QuerySet[VetoProposal]:
    return VetoProposal.objects.filter(
        branch__in=branches_under(org), status=VetoStatus.PROPOSED
    ).select_related("member", "branch", "item")


@dataclass(frozen=True)
class BranchRow:
    branch: Organisation
    members: int
    scored: int
    average: Decimal | None
    grades: dict[str, int]
    pending: int
    locked: int
    year_result: YearResult | None


def branches_side_by_side(org: Organisation, year: int) -> list[BranchRow]:
    """Each branch below the organisation as its standings stand: a fixed number of queries,
    the counting done by the database."""
    branches = list(branches_under(org))
    rows = Standing.objects.filter(
        branch__in=branches, year=year, month=as_of(year, timezone.localdate()) or 0
    )
    totals = {
        r["branch_id"]: r
        for r in rows.order_by()
        .values("branch_id")
        .annotate(
            members=Count("pk"),
            scored=Count("year_rank"),
            total=Sum("year_score", filter=Q(year_rank__isnull=False)),
        )
    }
    grades = suggested_grade_counts(rows, branch_schemes(branches, year))
    pending = dict(
        Declaration.objects.filter(
            branch__in=branches, year=year, status=DeclarationStatus.SUBMITTED
        )
        .values_list("branch_id")
        .annotate(n=Count("pk"))
    )
    locks = dict(
        Period.objects.locked()
        .filter(branch__in=branches, year=year)
        .values_list("branch_id")
        .annotate(n=Count("pk"))
    )
    years = year_states(org, year)
    rows = []
    for branch in branches:
        found = totals.get(branch.pk, {"members": 0, "scored": 0, "total": None})
        average = round1(found["total"] / found["scored"]) if found["scored"] else None
        rows.append(
            BranchRow(
                branch=branch,
                members=found["members"],
                scored=found["scored"],
                average=average,
                grades={name: n for name, n in grades[branch.pk].items() if name},
                pending=pending.get(branch.pk, 0),
                locked=locks.get(branch.pk, 0),
                year_result=years.get(branch.pk),
            )
        )
    return rows


# --- the year's cycle -------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterRow:
    quarter: Quarter
    notice: Notice | None


def quarter_rows(branch: Organisation, year: int) -> list[QuarterRow]:
    notices = {n.quarter_id: n for n in branch_notices(branch, year).order_by("opens_on")}
    return [QuarterRow(q, notices.get(q.pk)) for q in branch_quarters(branch, year)]


def correctable(objection: Objection) -> tuple[QuerySet[Entry], QuerySet[Item]]:
    """What an accepted objection may correct: the member's live entries of the notice's
    months, or a new entry for an item of the branch's scheme."""
    notice = objection.notice
    entries = Entry.objects.filter(
        member=objection.member,
        year=notice.year,
        month__in=notice.months,
        reverses__isnull=True,
        reversal__isnull=True,
    ).select_related("item")
    scheme = current_scheme(notice.branch, notice.year)
    items = scheme.items.exclude(category=ItemCategory.VETO) if scheme else Item.objects.none()
    return entries, items


def grade_levels(branch: Organisation, year: int) -> list:
    scheme = current_scheme(branch, year)
    return list(scheme.grade_levels.all()) if scheme else []


def admonitions(branch: Organisation, year: int) -> QuerySet[Admonition]:
    return Admonition.objects.filter(member__branch=branch, year=year).select_related("member")


def handlings(result: YearResult | None) -> QuerySet[UnqualifiedHandling]:
    if result is None:
        return UnqualifiedHandling.objects.none()
    return UnqualifiedHandling.objects.filter(member_grade__year_result=result)


# --- the member's side of the cycle -----------------------------------------------------


def member_notices(member: Member, today: datetime.date) -> QuerySet[Notice]:
    """The branch's notices still open to an objection or an appeal that list the member."""
    return notices_open_to(member, today)


def final_grade(member: Member, year: int) -> MemberGrade | None:
    return (
        MemberGrade.objects.filter(member=member, year_result__year=year)
        .exclude(final_grade_code="")
        .first()
    )


# --- the parent organisation's side -----------------------------------------------------


def submitted_years(org: Organisation) -> QuerySet[YearResult]:
    return YearResult.objects.filter(
        branch__in=branches_under(org), state=YearState.SUBMITTED
    ).select_related("branch")


def filed_years(org: Organisation, year: int) -> QuerySet[YearResult]:
    """Years filed for the branches below: this year's and last year's (filed early in the
    next), each with its standing filing, which the reviewer may withdraw."""
    return (
        YearResult.objects.filter(
            branch__in=branches_under(org), state=YearState.FILED, year__gte=year - 1
        )
        .select_related("branch")
        .prefetch_related(
            Prefetch(
                "filings",
                queryset=YearFiling.objects.filter(withdrawn_at__isnull=True).select_related(
                    "anchor"
                ),
                to_attr="standing",
            )
        )
        .order_by("-year", "branch__path")
    )


def open_appeals(org: Organisation) -> QuerySet[Objection]:
    return Objection.objects.filter(
        notice__branch__in=branches_under(org),
        kind=ObjectionKind.APPEAL,
        status=ObjectionStatus.OPEN,
    ).select_related("member", "notice__branch", "notice__quarter")


def year_states(org: Organisation, year: int) -> dict[int, YearResult]:
    results = YearResult.objects.filter(branch__in=branches_under(org), year=year)
    return {r.branch_id: r for r in results}
