"""Reads of the year's cycle that pages, the API, exports and reminders share.

Functions that take a branch return that branch's data only; callers first check that the
user may see the branch (jifen.orgs.rules). What anyone may read without logging in is
`public_notices` and `notice_rows`.
"""

import datetime
from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.activities import selectors as activities
from jifen.activities.enums import ActivityState
from jifen.activities.models import Activity
from jifen.cycle.dates import quarter_end, quarter_months, quarter_of
from jifen.cycle.enums import ObjectionKind, ObjectionStatus, QuarterState, YearState
from jifen.cycle.models import (
    MemberGrade,
    Notice,
    NoticeRow,
    Objection,
    Quarter,
    RegisterRow,
    YearFiling,
    YearResult,
)
from jifen.declarations.enums import DeclarationStatus, VetoStatus
from jifen.declarations.models import Declaration, VetoProposal
from jifen.ledger.models import Anchor
from jifen.notifications.todos import Todo
from jifen.notifications.todos import todo as _todo
from jifen.orgs.enums import MemberState, OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation, Role
from jifen.orgs.rules import BRANCH_WORK
from jifen.schemes.enums import RankRule
from jifen.schemes.models import Scheme
from jifen.schemes.selectors import current_scheme
from jifen.scoring.rules import GradeStep

# ---------------------------------------------------------------- quarters and meetings


def quarter_for(branch: Organisation, year: int, number: int) -> Quarter:
    """The quarter's row, or an unsaved open one when nothing has happened to it yet."""
    return Quarter.objects.filter(branch=branch, year=year, number=number).first() or Quarter(
        branch=branch, year=year, number=number
    )


def month_confirmed(branch: Organisation, year: int, month: int) -> bool:
    """Whether the general meeting has confirmed the quarter of this month: from then on its
    scores change only through an objection or appeal."""
    return (
        Quarter.objects.filter(branch=branch, year=year, number=quarter_of(month))
        .exclude(state=QuarterState.OPEN)
        .exists()
    )


def branch_quarters(branch: Organisation, year: int) -> list[Quarter]:
    saved = {q.number: q for q in Quarter.objects.filter(branch=branch, year=year)}
    return [saved.get(n) or Quarter(branch=branch, year=year, number=n) for n in range(1, 5)]


def declarations_waiting(branch: Organisation, year: int, number: int) -> QuerySet[Declaration]:
    """Declarations of the quarter's months not yet reviewed: they hold up its confirmation."""
    return Declaration.objects.filter(
        branch=branch,
        year=year,
        month__in=quarter_months(number),
        status=DeclarationStatus.SUBMITTED,
    )


def register_rows(quarter: Quarter) -> QuerySet[RegisterRow]:
    """The 《党员积分登记表》 of a confirmed quarter, in ranking order."""
    return quarter.register_rows.select_related("member")


def general_meetings(branch: Organisation, year: int | None = None) -> QuerySet[Activity]:
    """The branch's general meetings (activities of a kind that confirms quarters), newest
    first; cancelled ones left out."""
    meetings = (
        Activity.objects.filter(organisation=branch, kind__confirms_quarters=True)
        .exclude(state=ActivityState.CANCELLED)
        .select_related("kind")
    )
    return meetings.filter(year=year) if year else meetings


# ---------------------------------------------------------------- notices


def public_notices(today: datetime.date | None = None) -> QuerySet[Notice]:
    """Notices posted now or whose appeal period still runs: what the public page shows."""
    today = today or timezone.localdate()
    return Notice.objects.filter(opens_on__lte=today, appeals_close_on__gte=today).select_related(
        "branch", "quarter"
    )


def notice_rows(notice: Notice) -> QuerySet[NoticeRow]:
    return notice.rows.all()


def branch_notices(branch: Organisation, year: int | None = None) -> QuerySet[Notice]:
    notices = Notice.objects.filter(branch=branch).select_related("quarter")
    return notices.filter(year=year) if year else notices


def notice_anchor(notice: Notice) -> Anchor | None:
    """The anchor of the archive a notice's figures come from: the register the meeting
    confirmed, or for the year the standing filing (none before the year is filed)."""
    if notice.quarter_id:
        return notice.quarter.anchor
    filing = standing_filing(notice.branch, notice.year)
    return filing.anchor if filing else None


def standing_filing(branch: Organisation, year: int) -> YearFiling | None:
    return (
        YearFiling.objects.filter(
            year_result__branch=branch, year_result__year=year, withdrawn_at__isnull=True
        )
        .select_related("anchor")
        .first()
    )


def year_filings(year_result: YearResult) -> QuerySet[YearFiling]:
    """Every filing of the year, withdrawn ones included, oldest first."""
    return year_result.filings.select_related("anchor", "filed_by", "withdrawn_by")


def listed_in_notice(member: Member, notice: Notice) -> bool:
    """Whether the notice posted this member's result (rows hold names only, so ask the
    register or the year's grades it was copied from)."""
    if notice.quarter_id:
        return notice.quarter.register_rows.filter(member=member, score__isnull=False).exists()
    return MemberGrade.objects.filter(
        year_result__branch=notice.branch,
        year_result__year=notice.year,
        member=member,
        score__isnull=False,
    ).exists()


# ---------------------------------------------------------------- objections


def open_objections(branch: Organisation) -> QuerySet[Objection]:
    """Objections and appeals about the branch's notices still waiting for an answer."""
    return Objection.objects.filter(
        notice__branch=branch, status=ObjectionStatus.OPEN
    ).select_related("member", "notice")


def answers_to_report(branch: Organisation) -> QuerySet[Objection]:
    """Answered objections and appeals not yet reported to a general meeting of the branch."""
    return (
        Objection.objects.filter(notice__branch=branch, reported_at__isnull=True)
        .exclude(status=ObjectionStatus.OPEN)
        .select_related("member", "notice", "correction_entry")
    )


def member_objections(member: Member) -> QuerySet[Objection]:
    return Objection.objects.filter(member=member).select_related("notice", "correction_entry")


def appeals_for_reviewer(user) -> QuerySet[Objection]:
    """Open appeals about branches below the organisations where the user is a reviewer."""
    return Objection.objects.filter(
        kind=ObjectionKind.APPEAL,
        status=ObjectionStatus.OPEN,
        notice__branch__in=reviewed_branches(user),
    ).select_related("member", "notice__branch")


# ---------------------------------------------------------------- the year


def year_result_for(branch: Organisation, year: int) -> YearResult | None:
    return YearResult.objects.filter(branch=branch, year=year).first()


def member_grades(year_result: YearResult) -> QuerySet[MemberGrade]:
    return year_result.grades.select_related("member")


def award_candidates(year_result: YearResult) -> QuerySet[MemberGrade]:
    return member_grades(year_result).filter(award_candidate=True)


def bottom_ranked(year_result: YearResult) -> QuerySet[MemberGrade]:
    return member_grades(year_result).filter(bottom_ranked=True)


def rank_levels(scheme: Scheme | None) -> tuple[GradeStep | None, GradeStep | None]:
    """The scheme's grade steps with a top-share and a bottom-share rank rule (awards and
    admonition talks follow them)."""
    levels = list(scheme.grade_levels.all()) if scheme else []
    top = next((GradeStep.of(g) for g in levels if g.rank_rule == RankRule.TOP), None)
    bottom = next((GradeStep.of(g) for g in levels if g.rank_rule == RankRule.BOTTOM), None)
    return top, bottom


# ---------------------------------------------------------------- whose branches


def _role_branches(user, kinds, *, below_only: bool = False) -> QuerySet[Organisation]:
    """Branches reached by the user's own roles. Unlike rules.visible_organisations this gives
    superusers nothing extra: reminders go to the people who hold the work."""
    paths = list(
        Role.objects.filter(user=user, kind__in=kinds).values_list("organisation__path", flat=True)
    )
    query = Q(pk__in=[])
    for path in paths:
        query |= (
            Q(path__startswith=path) & ~Q(path=path) if below_only else Q(path__startswith=path)
        )
    return Organisation.objects.filter(query, kind=OrgKind.BRANCH, is_active=True)


def worked_branches(user) -> QuerySet[Organisation]:
    return _role_branches(user, BRANCH_WORK)


def reviewed_branches(user) -> QuerySet[Organisation]:
    return _role_branches(user, [RoleKind.REVIEWER], below_only=True)


def users_to_remind():
    """Active users who hold a role or are linked to an active member."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(roles__isnull=False) | Q(member__state=MemberState.ACTIVE))
        .distinct()
        .order_by("pk")
    )


# ---------------------------------------------------------------- what to do


def _branch_url(name: str, branch: Organisation, *args) -> str:
    return reverse(f"portal:{name}", args=[branch.pk, *args])


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous_month(today: datetime.date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def _member_todos(user, today: datetime.date) -> list[Todo]:
    member = Member.objects.filter(user=user, state=MemberState.ACTIVE).first()
    if member is None:
        return []
    year, month = _previous_month(today)
    scheme = current_scheme(member.branch, year)
    if scheme is None or today.day > scheme.declaration_deadline_day:
        return []
    due = today.replace(day=scheme.declaration_deadline_day)
    text = _("Declare your points for %(year)d-%(month)02d by %(due)s.") % {
        "year": year,
        "month": month,
        "due": due,
    }
    url = reverse("portal:declare")
    return [_todo(f"declare:{member.pk}:{year}-{month}", text, url, due, today)]


def _review_todos(user, branch: Organisation, today: datetime.date) -> list[Todo]:
    waiting = Counter(
        Declaration.objects.filter(branch=branch, status=DeclarationStatus.SUBMITTED)
        .exclude(member__user=user)
        .values_list("year", "month")
    )
    todos = []
    for (year, month), count in sorted(waiting.items()):
        scheme = current_scheme(branch, year)
        due_year, due_month = _next_month(year, month)
        due = datetime.date(due_year, due_month, scheme.review_deadline_day) if scheme else None
        text = _(
            "%(branch)s: %(count)d declarations for %(year)d-%(month)02d wait for review "
            "(due %(due)s)."
        ) % {"branch": branch.name, "count": count, "year": year, "month": month, "due": due}
        url = _branch_url("review", branch)
        todos.append(_todo(f"review:{branch.pk}:{year}-{month}", text, url, due, today))
    return todos


def _objection_todo(objection: Objection, url: str, today: datetime.date) -> Todo:
    text = _("%(branch)s: %(kind)s of %(member)s to answer by %(due)s.") % {
        "branch": objection.notice.branch.name,
        "kind": objection.get_kind_display(),
        "member": objection.member.name,
        "due": objection.answer_due,
    }
    return _todo(f"objection:{objection.pk}", text, url, objection.answer_due, today)


def _branch_objection_todos(branch: Organisation, today: datetime.date) -> list[Todo]:
    waiting = open_objections(branch).filter(kind=ObjectionKind.OBJECTION)
    url = _branch_url("objections", branch)
    return [_objection_todo(objection, url, today) for objection in waiting]


def _ready_to_confirm(branch: Organisation, year: int, number: int, today) -> bool:
    if quarter_end(year, number) >= today or current_scheme(branch, year) is None:
        return False
    months = quarter_months(number)
    return not (
        declarations_waiting(branch, year, number).exists()
        or activities.unfinished(branch, year, months).exists()
        or activities.points_waiting(branch, year, months).exists()
    )


def _ready_to_lock(quarter: Quarter, today: datetime.date) -> bool:
    notice = quarter.notices.order_by("-opens_on").first()
    return (
        notice is not None
        and notice.closes_on < today
        and not notice.objections.filter(status=ObjectionStatus.OPEN).exists()
    )


def _quarter_todos(branch: Organisation, today: datetime.date) -> list[Todo]:
    """Quarters of this year and the last that the secretary can move on now."""
    todos, url = [], _branch_url("quarters", branch)
    for year in (today.year - 1, today.year):
        for quarter in branch_quarters(branch, year):
            name = {"branch": branch.name, "year": year, "quarter": quarter.number}
            key = f"{branch.pk}:{year}-Q{quarter.number}"
            if quarter.state == QuarterState.OPEN and _ready_to_confirm(
                branch, year, quarter.number, today
            ):
                text = _("%(branch)s: %(year)d Q%(quarter)d is ready for the general meeting.")
                todos.append(_todo(f"confirm:{key}", text % name, url, None, today))
            elif quarter.state == QuarterState.ON_NOTICE and _ready_to_lock(quarter, today):
                text = _("%(branch)s: the notice of %(year)d Q%(quarter)d is over; lock it.")
                todos.append(_todo(f"lock:{key}", text % name, url, None, today))
    return todos


def _returned_year_todos(branch: Organisation) -> list[Todo]:
    returned = YearResult.objects.filter(branch=branch, state=YearState.RETURNED)
    return [
        Todo(
            f"year-returned:{result.pk}:{result.reviewed_at:%Y%m%d%H%M%S}",
            _("%(branch)s: the %(year)d results were returned: %(reason)s")
            % {"branch": branch.name, "year": result.year, "reason": result.review_reason},
            _branch_url("year", branch, result.year),
        )
        for result in returned
    ]


def _branch_todos(user, today: datetime.date) -> list[Todo]:
    todos = []
    secretary_of = set(_role_branches(user, [RoleKind.SECRETARY]).values_list("pk", flat=True))
    for branch in worked_branches(user):
        todos += _review_todos(user, branch, today)
        todos += _branch_objection_todos(branch, today)
        if branch.pk in secretary_of:
            todos += _quarter_todos(branch, today) + _returned_year_todos(branch)
    return todos


def _count_todo(key: str, text: str, count: int, url: str) -> list[Todo]:
    # The key carries the newest waiting object, so a new arrival is reminded once more.
    return [Todo(key, text % {"count": count}, url)] if count else []


def _desk_todos(org: Organisation, today: datetime.date) -> list[Todo]:
    """What waits at one parent organisation's desk (党总支/党委) from the branches below it."""
    branches = Organisation.objects.filter(
        path__startswith=org.path, kind=OrgKind.BRANCH, is_active=True
    ).exclude(pk=org.pk)
    forwarded = Declaration.objects.filter(
        branch__in=branches, status=DeclarationStatus.FORWARDED
    ).values_list("pk", flat=True)
    vetoes = VetoProposal.objects.filter(
        branch__in=branches, status=VetoStatus.PROPOSED
    ).values_list("pk", flat=True)
    submitted = YearResult.objects.filter(
        branch__in=branches, state=YearState.SUBMITTED
    ).values_list("pk", flat=True)
    appeals = Objection.objects.filter(
        kind=ObjectionKind.APPEAL, status=ObjectionStatus.OPEN, notice__branch__in=branches
    ).select_related("member", "notice__branch")
    url = reverse("portal:parent", args=[org.pk])
    return (
        _count_todo(
            f"commendations:{org.pk}:{max(forwarded, default=0)}",
            _("%(count)d commendations wait for your review."),
            len(forwarded),
            url,
        )
        + _count_todo(
            f"vetoes:{org.pk}:{max(vetoes, default=0)}",
            _("%(count)d veto proposals wait for your decision."),
            len(vetoes),
            url,
        )
        + _count_todo(
            f"years:{org.pk}:{max(submitted, default=0)}",
            _("%(count)d branches submitted their year results for review."),
            len(submitted),
            url,
        )
        + [_objection_todo(appeal, url, today) for appeal in appeals]
    )


def _reviewer_todos(user, today: datetime.date) -> list[Todo]:
    desks = Organisation.objects.filter(roles__user=user, roles__kind=RoleKind.REVIEWER)
    return [todo for org in desks.distinct() for todo in _desk_todos(org, today)]


def todo_for(user, today: datetime.date | None = None) -> list[Todo]:
    """What the user has to do now: as a member, as committee or secretary of branches, and
    as reviewer of a parent organisation, the activities' tasks included (attend or ask for
    leave, leave to decide, activities to close, their points to review). Overdue tasks are
    marked."""
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return []
    return (
        _member_todos(user, today)
        + _branch_todos(user, today)
        + _reviewer_todos(user, today)
        + activities.todos_for(user, today)
    )
