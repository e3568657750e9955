"""Reads of the year's cycle that pages, the API, exports and reminders share.

Functions that take a branch return that branch's data only; callers first check that the
user may see the branch (jifen.orgs.rules). What anyone may read without logging in is
`public_notices` and `notice_rows`.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.activities import selectors as activities
from jifen.activities.enums import ActivityState
from jifen.activities.models import Activity
from jifen.cycle.dates import quarter_end, quarter_months, quarter_of
from jifen.cycle.enums import (
    ObjectionKind,
    ObjectionStatus,
    QuarterState,
    YearState,
)
from jifen.cycle.models import (
    MemberGrade,
    Notice,
    NoticeRow,
    Objection,
    Quarter,
    RegisterRow,
    ScoreCorrection,
    YearFiling,
    YearResult,
)
from jifen.declarations.enums import DeclarationStatus, VetoStatus
from jifen.declarations.models import Declaration, VetoProposal
from jifen.ledger import periods
from jifen.ledger.models import Anchor, Standing
from jifen.ledger.selectors import as_of
from jifen.notifications.todos import Todo
from jifen.notifications.todos import todo as _todo
from jifen.orgs.enums import MemberState, OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation, Role
from jifen.orgs.rules import BRANCH_WORK
from jifen.schemes.arithmetic import competition_ranks
from jifen.schemes.enums import RankRule
from jifen.schemes.models import Scheme
from jifen.schemes.selectors import current_scheme
from jifen.scoring.rules import GradeStep
from jifen.scoring.selectors import branch_year_results

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


def register_rows_now(quarter: Quarter) -> list[RegisterRow]:
    """The register's rows as the archive stands now, unsaved: one per member who belonged to
    the branch in at least one month of the quarter (what confirming the quarter copies)."""
    results = [
        result
        for result in branch_year_results(quarter.branch, quarter.year).members
        if set(result.months) & set(quarter.months)
    ]
    scores = {r.member_id: r.period_score(quarter.months) for r in results if not r.exempt}
    ranks = competition_ranks({pk: s for pk, s in scores.items() if s is not None})
    return [
        RegisterRow(
            quarter=quarter,
            member_id=result.member_id,
            month_scores=[
                str(result.months[m].score) if m in result.months and not result.exempt else None
                for m in quarter.months
            ],
            score=scores.get(result.member_id),
            rank=ranks.get(result.member_id),
            exempt_reason=result.exempt_reason,
        )
        for result in results
    ]


def register_preview(quarter: Quarter) -> list[RegisterRow]:
    """What the register of a quarter not yet confirmed would hold if it were confirmed now,
    in ranking order (the ranked first, then the rest by name), each row with its member.

    Read from the branch's standings at the quarter's end, or at this month's while the quarter
    runs (jifen.ledger.standings): what register_rows_now computes from the archive, which
    confirming copies, without computing the branch on every view of the page."""
    shown = as_of(quarter.year, timezone.localdate()) or 0
    months = [m for m in quarter.months if m <= shown]
    if not months:
        return []
    standings = Standing.objects.filter(
        branch=quarter.branch, year=quarter.year, month__in=months
    ).select_related("member")
    by_member: dict[int, dict[int, Standing]] = {}
    for standing in standings:
        by_member.setdefault(standing.member_id, {})[standing.month] = standing
    rows = []
    for member_rows in by_member.values():
        if all(member_rows[m].base is None for m in months):
            continue  # belonged to no scoring branch in the quarter's months so far
        end = member_rows[months[-1]]
        rows.append(
            RegisterRow(
                quarter=quarter,
                member=end.member,
                month_scores=[_month_score(member_rows.get(m)) for m in quarter.months],
                score=end.quarter_score,
                rank=end.quarter_rank,
                exempt_reason=end.exempt_text,
            )
        )
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.member.name))


def _month_score(standing: Standing | None) -> str | None:
    score = standing.month_score if standing else None
    return None if score is None else str(score)


def general_meetings(branch: Organisation, year: int | None = None) -> QuerySet[Activity]:
    """The branch's general meetings (activities of a kind that confirms quarters), newest
    first; cancelled ones left out."""
    meetings = (
        Activity.objects.filter(organisation=branch, kind__confirms_quarters=True)
        .exclude(state=ActivityState.CANCELLED)
        .select_related("kind")
    )
    return meetings.filter(year=year) if year else meetings


def confirming_meetings(
    branch: Organisation, year: int, number: int, now: datetime.datetime | None = None
) -> QuerySet[Activity]:
    """The general meetings that can confirm this quarter (jifen.cycle.services checks the
    same): begun by `now` on a day after the quarter ended, not planned for another quarter
    and not used for one; the meeting planned for this quarter first, then the earliest."""
    now = now or timezone.now()
    after = timezone.make_aware(
        datetime.datetime.combine(quarter_end(year, number), datetime.time.min)
    ) + datetime.timedelta(days=1)
    planned_here = Q(confirms_year=year, confirms_quarter=number)
    return (
        general_meetings(branch)
        .filter(starts_at__gte=after, starts_at__lte=now)
        .filter(Q(confirms_quarter__isnull=True) | planned_here)
        .exclude(pk__in=Quarter.objects.filter(meeting__isnull=False).values("meeting_id"))
        .annotate(planned=Case(When(planned_here, then=Value(0)), default=Value(1)))
        .order_by("planned", "starts_at", "pk")
    )


# ---------------------------------------------------------------- notices


def public_notices(
    today: datetime.date | None = None, *, replaced: bool = False
) -> QuerySet[Notice]:
    """Notices posted now or whose appeal period still runs: what the public page shows. A
    version replaced by a corrected one is left out unless `replaced` (its own page stays, to
    point to the correction)."""
    today = today or timezone.localdate()
    notices = Notice.objects.filter(opens_on__lte=today, appeals_close_on__gte=today)
    if not replaced:
        notices = notices.filter(replaced_by__isnull=True)
    return notices.select_related("branch", "quarter", "replaced_by")


def current_notice(quarter: Quarter) -> Notice | None:
    """The quarter's notice as it stands: the newest version, which nothing replaced."""
    return quarter.notices.filter(replaced_by__isnull=True).order_by("-version").first()


def notice_corrections(notice: Notice) -> QuerySet[ScoreCorrection]:
    """The score corrections posted by this version of a notice."""
    return notice.corrections.select_related("member", "objection")


def register_notes(quarter: Quarter) -> dict[int, list[ScoreCorrection]]:
    """The corrections of a quarter's register, by member, oldest first (the 备注)."""
    notes: dict[int, list[ScoreCorrection]] = {}
    for correction in quarter.corrections.select_related("objection").order_by("pk"):
        notes.setdefault(correction.member_id, []).append(correction)
    return notes


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
    return year_result.filings.select_related("anchor", "filed_by__member", "withdrawn_by__member")


def notices_open_to(member: Member, today: datetime.date) -> QuerySet[Notice]:
    """The member's branch's notices still open to an objection or an appeal that list the
    member (one query: the rows hold names only, so the register or the year's grades say)."""
    in_register = RegisterRow.objects.filter(
        quarter=OuterRef("quarter"), member=member, score__isnull=False
    )
    in_year = MemberGrade.objects.filter(
        year_result__branch=OuterRef("branch"),
        year_result__year=OuterRef("year"),
        member=member,
        score__isnull=False,
    )
    listed = Q(quarter__isnull=False, listed_quarter=True) | Q(
        quarter__isnull=True, listed_year=True
    )
    return (
        Notice.objects.filter(
            branch=member.branch_id,
            opens_on__lte=today,
            appeals_close_on__gte=today,
            replaced_by__isnull=True,
        )
        .annotate(listed_quarter=Exists(in_register), listed_year=Exists(in_year))
        .filter(listed)
        .select_related("quarter", "branch")
    )


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
        .select_related("member", "notice", "correction_entry__item")
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


def _member_todos(user, today: datetime.date) -> list[Todo]:
    """The months the member may still declare and has not: the scheme's window runs, the
    month is open (periods.declarable_months) and nothing of theirs is declared for it."""
    member = (
        Member.objects.filter(user=user, state=MemberState.ACTIVE).select_related("branch").first()
    )
    if member is None or member.exempt_reason:
        return []
    months = [
        m
        for m in periods.declarable_months(member.branch, today)
        if member.category not in m.scheme.exempt_categories
    ]
    declared = set(
        Declaration.objects.filter(member=member, year__in={m.year for m in months})
        .exclude(status=DeclarationStatus.WITHDRAWN)
        .values_list("year", "month")
    )
    todos = []
    for m in months:
        if (m.year, m.month) in declared:
            continue
        text = _("Declare your points for %(year)d-%(month)02d by %(due)s.") % {
            "year": m.year,
            "month": m.month,
            "due": m.closes,
        }
        url = f"{reverse('portal:declare')}?period={m.period}"
        todos.append(_todo(f"declare:{member.pk}:{m.year}-{m.month}", text, url, m.closes, today))
    return todos


@dataclass
class _Branch:
    """What the to-dos of one branch read, each once: its schemes by year and its declarations
    waiting for review by month (all of them, and those not the user's own)."""

    branch: Organisation
    waiting: dict[tuple[int, int], int]
    to_review: dict[tuple[int, int], int]
    schemes: dict[int, Scheme | None] = field(default_factory=dict)

    @classmethod
    def read(cls, branch: Organisation, user) -> "_Branch":
        rows = (
            Declaration.objects.filter(branch=branch, status=DeclarationStatus.SUBMITTED)
            .values_list("year", "month")
            .annotate(
                total=Count("pk"),
                others=Count("pk", filter=Q(member__user__isnull=True) | ~Q(member__user=user)),
            )
        )
        waiting, to_review = {}, {}
        for year, month, total, others in rows:
            waiting[year, month] = total
            if others:
                to_review[year, month] = others
        return cls(branch, waiting, to_review)

    def scheme(self, year: int) -> Scheme | None:
        if year not in self.schemes:
            self.schemes[year] = current_scheme(self.branch, year)
        return self.schemes[year]


def _review_todos(work: _Branch, today: datetime.date) -> list[Todo]:
    todos, branch = [], work.branch
    for (year, month), count in sorted(work.to_review.items()):
        scheme = work.scheme(year)
        due_year, due_month = _next_month(year, month)
        due = datetime.date(due_year, due_month, scheme.review_deadline_day) if scheme else None
        text = _(
            "%(branch)s: %(count)d declarations for %(year)d-%(month)02d wait for review "
            "(due %(due)s)."
        ) % {"branch": branch.name, "count": count, "year": year, "month": month, "due": due}
        # The to-do opens the queue at what waits: the decided rows are a tab away.
        url = f"{_branch_url('review', branch)}?period={year}-{month:02d}&state=pending"
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


def _ready_to_confirm(work: _Branch, year: int, number: int, today: datetime.date) -> bool:
    if quarter_end(year, number) >= today or work.scheme(year) is None:
        return False
    months = quarter_months(number)
    return not (
        any(work.waiting.get((year, month)) for month in months)
        or activities.unfinished(work.branch, year, months).exists()
        or activities.points_waiting(work.branch, year, months).exists()
    )


def _latest_notices(quarters: list[Quarter]) -> dict[int, Notice]:
    """Each quarter's latest notice, with whether an objection to it is still open."""
    notices = (
        Notice.objects.filter(quarter__in=quarters)
        .annotate(
            objections_open=Exists(
                Objection.objects.filter(notice=OuterRef("pk"), status=ObjectionStatus.OPEN)
            )
        )
        .order_by("opens_on")
    )
    return {notice.quarter_id: notice for notice in notices}


def _quarter_todo(work: _Branch, quarter: Quarter, meeting, notice, today) -> Todo | None:
    """The next step of one quarter, when the secretary can take it now."""
    branch, year, number = work.branch, quarter.year, quarter.number
    name = {"branch": branch.name, "year": year, "quarter": number}
    task, url = f"{branch.pk}:{year}-Q{number}", _branch_url("quarters", branch)
    url = f"{url}?year={year}"
    if quarter.state == QuarterState.OPEN and _ready_to_confirm(work, year, number, today):
        if meeting is None:
            text = _("%(branch)s: %(year)d Q%(quarter)d is ready for the general meeting.")
            return _todo(f"meeting:{task}", text % name, url, None, today)
        text = _("%(branch)s: confirm %(year)d Q%(quarter)d with the general meeting of %(day)s.")
        return _todo(
            f"confirm:{task}",
            text % (name | {"day": timezone.localdate(meeting.starts_at)}),
            url,
            None,
            today,
        )
    if quarter.state == QuarterState.CONFIRMED:
        text = _("%(branch)s: post the public notice of %(year)d Q%(quarter)d.")
        return _todo(f"publish:{task}", text % name, url, None, today)
    if (
        quarter.state == QuarterState.ON_NOTICE
        and notice is not None
        and notice.closes_on < today
        and not notice.objections_open
    ):
        text = _("%(branch)s: the notice of %(year)d Q%(quarter)d is over; lock it.")
        return _todo(f"lock:{task}", text % name, url, None, today)
    return None


def _planned_meetings(branch: Organisation, years) -> dict[tuple[int, int], Activity]:
    """The general meetings planned to confirm each quarter of these years and held after it
    ended, by (year, quarter): the earliest of each."""
    meetings = general_meetings(branch).filter(
        confirms_year__in=years, confirms_quarter__isnull=False
    )
    found = {}
    for meeting in meetings.order_by("-starts_at"):
        day = timezone.localdate(meeting.starts_at)
        if day > quarter_end(meeting.confirms_year, meeting.confirms_quarter):
            found[meeting.confirms_year, meeting.confirms_quarter] = meeting
    return found


def _quarter_todos(work: _Branch, today: datetime.date) -> list[Todo]:
    """Quarters of this year and the last that the secretary can move on now, and the years
    whose four quarters are locked and whose results still go to the parent organisation."""
    years = (today.year - 1, today.year)
    saved = {
        (q.year, q.number): q for q in Quarter.objects.filter(branch=work.branch, year__in=years)
    }
    quarters = [
        saved.get((year, n)) or Quarter(branch=work.branch, year=year, number=n)
        for year in years
        for n in range(1, 5)
    ]
    meetings = _planned_meetings(work.branch, years)
    notices = _latest_notices([q for q in quarters if q.pk])
    todos = [
        _quarter_todo(work, q, meetings.get((q.year, q.number)), notices.get(q.pk), today)
        for q in quarters
    ]
    return [todo for todo in todos if todo] + _year_todos(work.branch, saved, years)


def _year_todos(branch: Organisation, quarters: dict, years) -> list[Todo]:
    done = (YearState.SUBMITTED, YearState.FILED, YearState.RETURNED)
    results = {r.year: r for r in YearResult.objects.filter(branch=branch, year__in=years)}
    todos = []
    for year in years:
        locked = all(
            (q := quarters.get((year, n))) and q.state == QuarterState.LOCKED for n in range(1, 5)
        )
        result = results.get(year)
        if locked and (result is None or result.state not in done):
            text = _(
                "%(branch)s: all four quarters of %(year)d are locked; compute the year "
                "and submit it to the parent organisation."
            )
            todos.append(
                Todo(
                    f"year:{branch.pk}:{year}",
                    text % {"branch": branch.name, "year": year},
                    _branch_url("year", branch, year),
                )
            )
    return todos


def _report_todo(branch: Organisation) -> list[Todo]:
    """Answers given to objections and appeals are reported at the next general meeting."""
    answers = list(answers_to_report(branch).values_list("pk", flat=True))
    text = _(
        "%(branch)s: %(count)d answers to objections or appeals are to be reported at the "
        "next general meeting."
    ) % {"branch": branch.name, "count": len(answers)}
    url = _branch_url("objections", branch)
    return [Todo(f"report:{branch.pk}:{max(answers)}", text, url)] if answers else []


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
        work = _Branch.read(branch, user)
        todos += _review_todos(work, today)
        todos += _branch_objection_todos(branch, today)
        if branch.pk in secretary_of:
            todos += _quarter_todos(work, today)
            todos += _returned_year_todos(branch) + _report_todo(branch)
    return todos


def _count_todo(task: str, text: str, count: int, url: str) -> list[Todo]:
    # The task carries the newest waiting object, so a new arrival is reminded once more.
    return [Todo(task, text % {"count": count}, url)] if count else []


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


def _scheme_todos(user, today: datetime.date) -> list[Todo]:
    """A scheme for this year wherever the user administers, and in December for the next."""
    years = (today.year, today.year + 1) if today.month == 12 else (today.year,)
    orgs = Organisation.objects.filter(roles__user=user, roles__kind=RoleKind.ADMIN).distinct()
    url = reverse("orgadmin:schemes")
    todos = []
    for org in orgs:
        for year in years:
            if current_scheme(org, year) is not None:
                continue
            values = {"org": org.name, "year": year}
            if year > today.year:
                due = datetime.date(today.year, 12, 31)
                text = _("%(org)s: set up the %(year)d scoring scheme before the year begins.")
            else:
                due = None
                text = _("%(org)s: no scoring scheme applies in %(year)d yet; set one up.")
            text %= values
            todos.append(_todo(f"scheme:{org.pk}:{year}", text, url, due, today))
    return todos


def _people_todos(user) -> list[Todo]:
    """Branches without a secretary, and active members who cannot sign in to declare."""
    branches = _role_branches(user, [RoleKind.ADMIN])
    unled = list(
        branches.exclude(roles__kind=RoleKind.SECRETARY)
        .order_by("path")
        .values_list("name", flat=True)
    )
    no_account = list(
        Member.objects.filter(
            branch__in=branches, state=MemberState.ACTIVE, user__isnull=True
        ).values_list("pk", flat=True)
    )
    todos = []
    if unled:
        names = "、".join(unled[:3]) + ("…" if len(unled) > 3 else "")
        text = _("%(count)d branches have no secretary: %(names)s.") % {
            "count": len(unled),
            "names": names,
        }
        todos.append(Todo(f"secretary:{user.pk}:{len(unled)}", text, reverse("orgadmin:index")))
    if no_account:
        text = _("%(count)d active members have no account to sign in with.") % {
            "count": len(no_account)
        }
        task = f"accounts:{user.pk}:{max(no_account)}"
        todos.append(Todo(task, text, reverse("orgadmin:members")))
    return todos


def _admin_todos(user, today: datetime.date) -> list[Todo]:
    return _scheme_todos(user, today) + _people_todos(user)


def todo_for(user, today: datetime.date | None = None) -> list[Todo]:
    """What the user has to do now: as a member, as committee or secretary of branches, as
    reviewer of a parent organisation and as organisation admin, the activities' tasks included
    (attend or ask for leave, leave to decide, activities to close, their points to review).
    Overdue tasks come first, then by deadline."""
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return []
    todos = (
        _member_todos(user, today)
        + _branch_todos(user, today)
        + _reviewer_todos(user, today)
        + _admin_todos(user, today)
        + activities.todos_for(user, today)
    )
    return sorted(todos, key=lambda t: (not t.overdue, t.due is None, t.due or today))
