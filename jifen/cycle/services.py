"""State changes of the year's cycle: meetings, quarters, notices, objections, the year's result
and grades, and reminders.

Each function runs in one transaction, checks the actor's role (jifen.orgs.rules) and the
object's state, writes the audit event and, where points change, the ledger entry. Deadlines
and periods come from the scoring scheme of the branch and year.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.activities import selectors as activities
from jifen.activities.enums import ActivityState
from jifen.activities.models import Activity
from jifen.audit.services import log_action
from jifen.cycle import selectors
from jifen.cycle.dates import nth_working_day, quarter_end, quarter_months, working_days_after
from jifen.cycle.enums import (
    HandlingMeasure,
    ObjectionKind,
    ObjectionStatus,
    QuarterState,
    YearState,
)
from jifen.cycle.models import (
    Admonition,
    MemberGrade,
    Notice,
    NoticeRow,
    Objection,
    Quarter,
    RegisterRow,
    ScoreCorrection,
    UnqualifiedHandling,
    YearFiling,
    YearResult,
)
from jifen.declarations.enums import DeclarationStatus, VetoStatus
from jifen.declarations.limits import check_points
from jifen.declarations.models import Declaration, VetoProposal
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.ledger import periods
from jifen.ledger import services as ledger
from jifen.ledger.enums import AnchorKind, Source, Stage
from jifen.ledger.models import Entry
from jifen.ledger.selectors import entries_seen
from jifen.notifications.services import (
    email_later,
    notify,
    notify_all,
    reminders_settle,
    site_language,
)
from jifen.orgs import rules
from jifen.orgs.models import Member, Organisation
from jifen.schemes.models import Item, Scheme
from jifen.schemes.selectors import current_scheme
from jifen.scoring.rules import rank_condition_met
from jifen.scoring.selectors import branch_year_results

# ---------------------------------------------------------------- shared checks


def _check_branch_work(actor, branch: Organisation) -> None:
    if not rules.can_work_in_branch(actor, branch):
        raise NotPermitted()


def _check_secretary(actor, branch: Organisation) -> None:
    if not rules.is_secretary(actor, branch):
        raise NotPermitted(_("Only the branch secretary may do this."))


def _scheme(branch: Organisation, year: int) -> Scheme:
    scheme = current_scheme(branch, year)
    if scheme is None:
        raise InvalidState(_("No scoring scheme applies to this branch for that year."))
    return scheme


def _check_quarter_number(quarter: int) -> None:
    if quarter not in (1, 2, 3, 4):
        raise DomainError(_("A quarter is numbered 1 to 4."))


def _quarter_for_update(branch: Organisation, year: int, number: int) -> Quarter:
    """The quarter's row, created when first needed and locked against a concurrent change."""
    _check_quarter_number(number)
    quarter, _created = Quarter.objects.get_or_create(branch=branch, year=year, number=number)
    return Quarter.objects.select_for_update().get(pk=quarter.pk)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# ---------------------------------------------------------------- general meetings


def _report_answers(meeting: Activity) -> int:
    """A general meeting hears every answer given before it and not yet reported (reading.md);
    a meeting closed late does not claim answers given after it was held."""
    held_on = timezone.localtime(meeting.starts_at).date()
    given = selectors.answers_to_report(meeting.organisation).filter(answered_at__date__lte=held_on)
    # reported_at is checked again as each row is updated: two meetings closed at once do
    # not both claim one answer.
    return Objection.objects.filter(pk__in=given.values("pk"), reported_at__isnull=True).update(
        reported_at=meeting
    )


def general_meeting_closed(sender, activity: Activity, **kwargs) -> None:
    """When a branch's general meeting is closed (its attendance final), the answers given to
    objections before it are marked as reported to it (connected in apps.py)."""
    if activity.kind.confirms_quarters and activity.organisation.is_branch:
        reported = _report_answers(activity)
        if reported:
            log_action(
                "cycle.answers.reported",
                actor=activity.closed_by,
                obj=activity,
                organisation=activity.organisation,
                answers_reported=reported,
            )


# ---------------------------------------------------------------- quarters


def _check_reviews_done(branch: Organisation, year: int, number: int) -> None:
    waiting = selectors.declarations_waiting(branch, year, number).count()
    if waiting:
        raise InvalidState(
            _("%(count)d declarations of this quarter still wait for review.") % {"count": waiting},
            code="reviews_pending",
        )
    months = quarter_months(number)
    open_activities = activities.unfinished(branch, year, months)
    if open_activities.exists():
        raise InvalidState(
            _("Activities of this quarter are not closed yet: %(titles)s.")
            % {"titles": "、".join(a.title for a in open_activities[:5])},
            code="activities_open",
        )
    points = activities.points_waiting(branch, year, months).count()
    if points:
        raise InvalidState(
            _("%(count)d points from activities of this quarter still wait for review.")
            % {"count": points},
            code="reviews_pending",
        )


def _check_confirming_meeting(
    meeting: Activity, branch: Organisation, year: int, number: int, now
) -> None:
    """The meeting is one that can confirm this quarter (selectors.confirming_meetings offers
    the same); each refusal names what is wrong with the meeting chosen."""
    if (
        meeting.organisation_id != branch.pk
        or not meeting.kind.confirms_quarters
        or meeting.state == ActivityState.CANCELLED
    ):
        raise DomainError(
            _("A quarter is confirmed by a general meeting of its own branch."),
            code="wrong_meeting",
        )
    held_on = timezone.localtime(meeting.starts_at).date()
    names = {"day": held_on, "year": year, "quarter": number}
    used = Quarter.objects.filter(meeting=meeting).exclude(branch=branch, year=year, number=number)
    if (other := used.first()) is not None:
        raise DomainError(
            _("The general meeting of %(day)s already confirmed %(used_year)d Q%(used)d.")
            % (names | {"used_year": other.year, "used": other.number}),
            code="meeting_used",
        )
    if meeting.starts_at > now:
        raise DomainError(
            _("The general meeting confirms the quarter once it has begun (%(start)s).")
            % {"start": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")},
            code="meeting_not_held",
        )
    end = quarter_end(year, number)
    if held_on <= end:
        raise DomainError(
            _(
                "The general meeting of %(day)s was held before %(year)d Q%(quarter)d ended "
                "(%(end)s): the quarter is confirmed by a general meeting held after its end."
            )
            % (names | {"end": end}),
            code="meeting_too_early",
        )
    planned = (meeting.confirms_year, meeting.confirms_quarter)
    if meeting.confirms_quarter is not None and planned != (year, number):
        raise DomainError(
            _(
                "The general meeting of %(day)s is planned to confirm %(planned_year)d "
                "Q%(planned)d, not %(year)d Q%(quarter)d."
            )
            % (names | {"planned_year": planned[0], "planned": planned[1]}),
            code="meeting_for_another_quarter",
        )


@transaction.atomic
def quarter_confirm(
    *,
    actor,
    branch: Organisation,
    year: int,
    quarter: int,
    meeting: Activity,
    now: datetime.datetime | None = None,
) -> Quarter:
    """The general meeting confirms the quarter; the 《党员积分登记表》 rows are filled from the
    archive as it stands now."""
    _check_secretary(actor, branch)
    row = _quarter_for_update(branch, year, quarter)
    # The meeting is locked too: two quarters confirmed at once cannot both take it.
    locked = Activity.objects.select_for_update(of=("self",)).select_related("kind")
    meeting = locked.get(pk=meeting.pk)
    if row.state != QuarterState.OPEN:
        raise InvalidState(_("This quarter has already been confirmed."), code="already_confirmed")
    _check_confirming_meeting(meeting, branch, year, quarter, now or timezone.now())
    # Taken before the reviews are counted: no declaration or record of these months can be
    # written between the count and the register.
    held = periods.take(branch, year, row.months)
    _check_reviews_done(branch, year, quarter)
    ledger.periods_close(actor=actor, branch=branch, year=year, held=held, stage=Stage.CONFIRMED)
    rows = selectors.register_rows_now(row)
    RegisterRow.objects.bulk_create(rows)
    row.anchor = ledger.anchor_record(
        actor=actor,
        branch=branch,
        year=year,
        quarter=quarter,
        kind=AnchorKind.QUARTER_CONFIRMED,
        member_ids=[r.member_id for r in rows],
    )
    row.state, row.meeting = QuarterState.CONFIRMED, meeting
    row.confirmed_by, row.confirmed_at = actor, timezone.now()
    row.save(update_fields=["state", "meeting", "confirmed_by", "confirmed_at", "anchor"])
    log_action(
        "cycle.quarter.confirmed",
        actor=actor,
        obj=row,
        organisation=branch,
        year=year,
        quarter=quarter,
        meeting=meeting,
    )
    return row


@transaction.atomic
def quarter_lock(
    *, actor, branch: Organisation, year: int, quarter: int, today: datetime.date | None = None
) -> Quarter:
    """After the notice has closed with no objection open, lock the quarter's three months:
    from then on only an appeal decision changes them, as a new entry."""
    _check_secretary(actor, branch)
    row = _quarter_for_update(branch, year, quarter)
    if row.state == QuarterState.LOCKED:
        raise InvalidState(_("This quarter is already locked."), code="quarter_locked")
    notice = selectors.current_notice(row)
    if row.state != QuarterState.ON_NOTICE or notice is None:
        raise InvalidState(_("The quarter's results must be posted first."), code="not_on_notice")
    if _today(today) <= notice.closes_on:
        raise InvalidState(
            _("The notice runs until %(day)s.") % {"day": notice.closes_on}, code="notice_open"
        )
    held = periods.take(branch, year, row.months)
    # Objections to every version of the quarter's notice count, not only to the current one.
    if Objection.objects.filter(notice__quarter=row, status=ObjectionStatus.OPEN).exists():
        raise InvalidState(
            _("An objection to this quarter is still waiting for an answer."),
            code="objection_open",
        )
    ledger.periods_close(
        actor=actor,
        branch=branch,
        year=year,
        held=held,
        stage=Stage.LOCKED,
        scheme=current_scheme(branch, year),
    )
    row.state, row.locked_by, row.locked_at = QuarterState.LOCKED, actor, timezone.now()
    row.save(update_fields=["state", "locked_by", "locked_at"])
    log_action(
        "cycle.quarter.locked",
        actor=actor,
        obj=row,
        organisation=branch,
        year=year,
        quarter=quarter,
    )
    return row


# ---------------------------------------------------------------- notices


# Exempt members have no score: they are left off the public page, whose reason may be personal.
def _quarter_notice_rows(quarter: Quarter):
    rows = quarter.register_rows.filter(score__isnull=False).select_related("member")
    return [(row.member.name, row.score, row.rank) for row in rows]


def _year_notice_rows(branch: Organisation, year: int):
    result = YearResult.objects.filter(branch=branch, year=year).first()
    if result is None:
        raise InvalidState(_("Compute the year's results first."), code="year_not_computed")
    grades = result.grades.filter(score__isnull=False).select_related("member")
    return [(g.member.name, g.score, g.rank) for g in grades]


def _notice_source(branch: Organisation, year: int, quarter: int | None):
    """The quarter row (None for a year notice) and the rows to post."""
    if quarter is None:
        # The year's result row serialises two posts of the year notice; the partial unique
        # index one_year_notice_version_per_branch says it in the database too.
        YearResult.objects.select_for_update().filter(branch=branch, year=year).first()
        if Notice.objects.filter(branch=branch, year=year, quarter__isnull=True).exists():
            raise InvalidState(_("The year's results are already posted."), code="already_posted")
        return None, _year_notice_rows(branch, year)
    row = _quarter_for_update(branch, year, quarter)
    if row.state != QuarterState.CONFIRMED:
        raise InvalidState(
            _("Only a confirmed quarter not yet posted can be posted."), code="not_confirmed"
        )
    return row, _quarter_notice_rows(row)


def _tell_listed(notice: Notice) -> None:
    """The members listed in a notice learn it is posted and until when they may object."""
    if notice.quarter_id:
        listed = notice.quarter.register_rows.filter(score__isnull=False)
    else:
        listed = MemberGrade.objects.filter(
            year_result__branch=notice.branch, year_result__year=notice.year, score__isnull=False
        )
    users = get_user_model().objects.filter(
        pk__in=listed.filter(member__user__isnull=False).values("member__user_id")
    )
    with site_language():
        text = _("%(notice)s is posted: object to your result until %(closes)s if it is wrong.")
        text = text % {"notice": notice, "closes": notice.closes_on}
    url = f"{reverse('portal:me')}#notice-{notice.pk}"
    notify_all(users, key=f"notice:{notice.pk}", text=text, url=url)


@transaction.atomic
def notice_publish(
    *,
    actor,
    branch: Organisation,
    year: int,
    quarter: int | None,
    today: datetime.date | None = None,
) -> Notice:
    """Post a confirmed quarter's results (quarter=None: the year's) for the scheme's number of
    working days; only name, branch, score and rank are copied to the public rows."""
    _check_secretary(actor, branch)
    scheme = _scheme(branch, year)
    quarter_row, rows = _notice_source(branch, year, quarter)
    opens_on = _today(today)
    closes_on = nth_working_day(opens_on, scheme.notice_working_days)
    notice = Notice.objects.create(
        branch=branch,
        year=year,
        quarter=quarter_row,
        opens_on=opens_on,
        closes_on=closes_on,
        appeals_close_on=closes_on + datetime.timedelta(days=scheme.appeal_days),
        published_by=actor,
    )
    NoticeRow.objects.bulk_create(
        NoticeRow(notice=notice, member_name=name, branch_name=branch.name, score=s, rank=r)
        for name, s, r in rows
    )
    if quarter_row is not None:
        quarter_row.state = QuarterState.ON_NOTICE
        quarter_row.save(update_fields=["state"])
    _tell_listed(notice)
    log_action(
        "cycle.notice.published",
        actor=actor,
        obj=notice,
        organisation=branch,
        year=year,
        quarter=quarter,
        closes_on=closes_on.isoformat(),
    )
    return notice


# ---------------------------------------------------------------- objections and appeals


def _objector(actor, notice: Notice) -> Member:
    member = Member.objects.filter(user=actor).first() if actor.is_authenticated else None
    if member is None or not selectors.listed_in_notice(member, notice):
        raise NotPermitted(
            _("Only a member listed in this notice may object to it, about themself."),
            code="not_listed",
        )
    return member


def _objection_kind(notice: Notice, today: datetime.date) -> str:
    if notice.opens_on <= today <= notice.closes_on:
        return ObjectionKind.OBJECTION
    if notice.closes_on < today <= notice.appeals_close_on:
        return ObjectionKind.APPEAL
    raise InvalidState(
        _("Objections are taken from %(opens)s to %(closes)s and appeals until %(appeals)s.")
        % {
            "opens": notice.opens_on,
            "closes": notice.closes_on,
            "appeals": notice.appeals_close_on,
        },
        code="objection_period_over",
    )


@transaction.atomic
def objection_submit(
    *, actor, notice: Notice, text: str, today: datetime.date | None = None
) -> Objection:
    """A member objects to their own line of a notice: to the branch while it is posted
    (异议), to the parent organisation during the appeal period after it (申诉)."""
    member = _objector(actor, notice)
    today = _today(today)
    kind = _objection_kind(notice, today)
    if not text.strip():
        raise DomainError(_("Say what you object to and why."), code="text_required")
    _check_current(notice)
    _check_not_filed(notice)
    member = ledger.lock_member(member)
    # The partial unique index one_open_objection_per_member_notice says it in the database.
    if Objection.objects.filter(member=member, notice=notice, status=ObjectionStatus.OPEN).exists():
        raise InvalidState(
            _("Your earlier objection to this notice is still waiting for an answer."),
            code="already_submitted",
        )
    scheme = _scheme(notice.branch, notice.year)
    objection = Objection.objects.create(
        member=member,
        notice=notice,
        kind=kind,
        text=text,
        answer_due=working_days_after(today, scheme.answer_working_days),
    )
    log_action(
        "cycle.objection.submitted",
        actor=actor,
        obj=objection,
        organisation=notice.branch,
        kind=kind,
        answer_due=objection.answer_due.isoformat(),
    )
    return objection


def _check_current(notice: Notice) -> None:
    """An objection is to the notice as posted now, not to a version a correction replaced.
    The quarter's row is taken first, as a correction that posts a new version takes it, so
    that no new version comes between this check and the objection."""
    if notice.quarter_id is None:
        return
    Quarter.objects.select_for_update().get(pk=notice.quarter_id)
    newer = Notice.objects.filter(replaces=notice).first()
    if newer is not None:
        raise InvalidState(
            _(
                "This notice was replaced by version %(version)s after a correction: "
                "object to that version."
            )
            % {"version": newer.version},
            code="notice_replaced",
        )


def _check_not_filed(notice: Notice) -> None:
    """After the parent organisation has filed the year, nothing may be objected to."""
    held = periods.hold(notice.branch, notice.year, notice.months)
    filed = next((p for p in held.values() if p.stage == Stage.FILED), None)
    if filed is not None:
        raise periods.refusal(filed, Source.APPEAL)


def _check_answerer(actor, objection: Objection) -> None:
    branch = objection.notice.branch
    if objection.kind == ObjectionKind.APPEAL:
        allowed = rules.can_review_for(actor, branch)
    else:
        allowed = rules.can_work_in_branch(actor, branch)
    if not allowed:
        raise NotPermitted()
    if objection.member.user_id == actor.pk:
        raise NotPermitted(_("Nobody answers their own objection."), code="own_objection")


def _correction(actor, objection: Objection, item, points, month, reverse, reason) -> Entry:
    """The correcting ledger entry of an accepted objection: a reversal of the named entry or
    a new entry for the item, points and month given."""
    source = Source.APPEAL if objection.kind == ObjectionKind.APPEAL else Source.OBJECTION
    if reverse is not None:
        if reverse.member_id != objection.member_id or reverse.year != objection.notice.year:
            raise DomainError(_("The entry to correct is not the objecting member's for the year."))
        return ledger.reverse_entry(actor=actor, entry=reverse, reason=reason, source=source)
    if item is None or points is None or month not in objection.notice.months:
        raise DomainError(
            _("Name the entry to reverse, or the item, points and month of the notice to add."),
            code="correction_required",
        )
    _check_correction_item(objection, item, Decimal(points))
    return ledger.append_entry(
        actor=actor,
        member=objection.member,
        year=objection.notice.year,
        month=month,
        item=item,
        points=Decimal(points),
        source=source,
        reason=reason,
        branch=objection.notice.branch,
    )


def _check_correction_item(objection: Objection, item: Item, points: Decimal) -> None:
    scheme = item.scheme
    if scheme.year != objection.notice.year or (
        scheme.organisation_id not in objection.notice.branch.ancestor_ids
    ):
        raise DomainError(_("This item is not in the branch's scoring scheme for the year."))
    check_points(item, points)


def _tell_objector(objection: Objection) -> None:
    with site_language():
        values = {"kind": objection.get_kind_display(), "notice": objection.notice}
        values["answer"] = objection.answer
        if objection.status == ObjectionStatus.ACCEPTED:
            text = _("Your %(kind)s about %(notice)s was accepted: %(answer)s")
        else:
            text = _("Your %(kind)s about %(notice)s was not accepted: %(answer)s")
        text = text % values
    notify(
        objection.member.user,
        key=f"objection:{objection.pk}:{objection.status}",
        text=text,
        url=f"{reverse('portal:me')}#my-objections",
    )


@transaction.atomic
def objection_answer(
    *,
    actor,
    objection: Objection,
    accept: bool,
    answer: str,
    item: Item | None = None,
    points: Decimal | None = None,
    month: int | None = None,
    reverse_entry: Entry | None = None,
) -> Objection:
    """Answer an objection (the branch committee) or an appeal (the parent organisation's
    reviewer). Accepting it records the correcting ledger entry; a locked month accepts only
    an appeal's correction. When the correction changes a score of a quarter already posted,
    the quarter's notice is posted again as a new version (`_notice_reissue`)."""
    _check_answerer(actor, objection)
    # The quarter's row first: two answers about one quarter re-post its notice in turn, each
    # from the register the other left.
    quarter = (
        Quarter.objects.select_for_update().get(pk=objection.notice.quarter_id)
        if objection.notice.quarter_id
        else None
    )
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise InvalidState(_("This objection has already been answered."), code="already_answered")
    if not answer.strip():
        raise DomainError(_("Write the answer."), code="answer_required")
    if accept:
        objection.correction_entry = _correction(
            actor, objection, item, points, month, reverse_entry, answer
        )
    objection.status = ObjectionStatus.ACCEPTED if accept else ObjectionStatus.REJECTED
    objection.answer, objection.answered_by, objection.answered_at = answer, actor, timezone.now()
    objection.save(
        update_fields=["status", "answer", "answered_by", "answered_at", "correction_entry"]
    )
    if accept and quarter is not None:
        _notice_reissue(actor, quarter, objection)
    _tell_objector(objection)
    log_action(
        "cycle.objection.answered",
        actor=actor,
        obj=objection,
        organisation=objection.notice.branch,
        accept=accept,
        entry=objection.correction_entry,
    )
    return objection


def _register_update(quarter: Quarter) -> list[tuple[RegisterRow, object]]:
    """Bring the quarter's register rows up to the archive as it stands now; return the rows
    whose score changed with their score before. Ranks move with the scores."""
    fresh = {row.member_id: row for row in selectors.register_rows_now(quarter)}
    changed = []
    for row in quarter.register_rows.select_for_update(of=("self",)).order_by("pk"):
        new = fresh.get(row.member_id)
        if new is None:
            continue
        before = row.score
        if (new.score, new.rank, new.month_scores) == (row.score, row.rank, row.month_scores):
            continue
        row.score, row.rank, row.month_scores = new.score, new.rank, new.month_scores
        row.save(update_fields=["score", "rank", "month_scores"])
        if new.score != before:
            changed.append((row, before))
    return changed


def _next_version(actor, current: Notice, rows) -> Notice:
    """Post `current` again as its next version, with the same dates and these rows (name,
    score, rank); the version it replaces stays as it was posted."""
    notice = Notice.objects.create(
        branch=current.branch,
        year=current.year,
        quarter=current.quarter,
        opens_on=current.opens_on,
        closes_on=current.closes_on,
        appeals_close_on=current.appeals_close_on,
        published_by=actor,
        version=current.version + 1,
        replaces=current,
    )
    NoticeRow.objects.bulk_create(
        NoticeRow(notice=notice, member_name=name, branch_name=current.branch.name, score=s, rank=r)
        for name, s, r in rows
    )
    return notice


def _notice_reissue(actor, quarter: Quarter, objection: Objection) -> Notice | None:
    """After an accepted objection or appeal, post the quarter's notice again with the
    corrected scores, as a new version replacing the current one (which stays as it was), and
    note each changed score on the register. The caller holds the quarter's row."""
    current = selectors.current_notice(quarter)
    if current is None:
        return None
    changed = _register_update(quarter)
    if not changed:
        return None
    notice = _next_version(actor, current, _quarter_notice_rows(quarter))
    today = timezone.localdate()
    ScoreCorrection.objects.bulk_create(
        ScoreCorrection(
            quarter=quarter,
            member_id=row.member_id,
            objection=objection,
            old_score=before,
            new_score=row.score,
            corrected_on=today,
            notice=notice,
        )
        for row, before in changed
    )
    log_action(
        "cycle.notice.reissued",
        actor=actor,
        obj=notice,
        organisation=quarter.branch,
        year=quarter.year,
        quarter=quarter.number,
        version=notice.version,
        replaces=current,
        objection=objection,
        corrected=[
            {"member": row.member_id, "before": str(before), "after": str(row.score)}
            for row, before in changed
        ],
    )
    return notice


# ---------------------------------------------------------------- the year


def _kept_decision(previous: MemberGrade | None, suggested: str, exempt: bool) -> dict:
    """A decided grade survives a recomputation while it still stands: it equals the new
    suggestion or carries its written reason."""
    if previous is None or exempt or not previous.final_grade_code:
        return {}
    if previous.final_grade_code != suggested and not previous.reason.strip():
        return {}
    return {
        "final_grade_code": previous.final_grade_code,
        "final_grade_name": previous.final_grade_name,
        "reason": previous.reason,
    }


def _grade_row(year_result: YearResult, result, top, bottom, count, kept) -> MemberGrade:
    rank = result.rank
    suggested = result.grade.code if result.grade else ""
    bottom_ranked = bool(rank and bottom and rank_condition_met(bottom, rank, result.tied, count))
    return MemberGrade(
        year_result=year_result,
        member_id=result.member_id,
        score=result.score,
        rank=rank,
        suggested_grade_code=suggested,
        suggested_grade_name=result.grade.name if result.grade else "",
        flagged=result.grade_flagged,
        **_kept_decision(kept.get(result.member_id), suggested, result.exempt),
        # The bottom of the ranking is never eligible for awards (reading.md), even in a
        # branch so small that one member fills both shares.
        award_candidate=bool(
            rank
            and top
            and not result.vetoed
            and not bottom_ranked
            and rank_condition_met(top, rank, result.tied, count)
        ),
        bottom_ranked=bottom_ranked,
        vetoed=result.vetoed,
        exempt_reason=result.exempt_reason,
    )


def _fill_grades(year_result: YearResult) -> None:
    """Snapshot the computation; a final grade already decided for a member is kept."""
    kept = {g.member_id: g for g in year_result.grades.all()}
    year_result.grades.all().delete()
    computed = branch_year_results(year_result.branch, year_result.year)
    top, bottom = selectors.rank_levels(computed.scheme)
    count = sum(1 for m in computed.members if m.rank is not None)
    MemberGrade.objects.bulk_create(
        _grade_row(year_result, result, top, bottom, count, kept) for result in computed.members
    )


@transaction.atomic
def year_compute(*, actor, branch: Organisation, year: int) -> YearResult:
    """Compute (or, while computed or returned, recompute) the year's scores, ranks and
    suggested grades after the fourth quarter is locked, noting what of the archive they were
    computed from."""
    _check_secretary(actor, branch)
    if not Quarter.objects.filter(
        branch=branch, year=year, number=4, state=QuarterState.LOCKED
    ).exists():
        raise InvalidState(
            _("The year is computed after the fourth quarter is locked."), code="q4_not_locked"
        )
    result, created = YearResult.objects.select_for_update().get_or_create(
        branch=branch,
        year=year,
        defaults={"computed_by": actor, "computed_at": timezone.now()},
    )
    if result.state not in (YearState.COMPUTED, YearState.RETURNED):
        raise InvalidState(
            _("The year's results have been submitted and cannot be recomputed."),
            code="year_submitted",
        )
    # No decision may land in the branch's year between the computation and what it notes.
    periods.take(branch, year, range(1, 13))
    _fill_grades(result)
    result.entries_seen, result.last_entry_seen = _entries_seen(result)
    result.computed_by, result.computed_at = actor, timezone.now()
    result.save(update_fields=["computed_by", "computed_at", "entries_seen", "last_entry_seen"])
    log_action(
        "cycle.year.computed",
        actor=actor,
        obj=result,
        organisation=branch,
        year=year,
        recomputed=not created,
        entries=result.entries_seen,
    )
    _year_notice_reissue(actor, result)
    return result


def _year_notice_reissue(actor, result: YearResult) -> Notice | None:
    """When the year is computed again after its notice was posted (an accepted objection or
    appeal corrected a score) and a posted line changed, the year's notice is posted again as a
    new version replacing the current one, which stays as it was: what the public reads is
    what the branch submits. The caller holds the year's result row, as posting does."""
    current = (
        Notice.objects.filter(branch=result.branch, year=result.year, quarter__isnull=True)
        .filter(replaced_by__isnull=True)
        .first()
    )
    if current is None:
        return None
    rows = _year_notice_rows(result.branch, result.year)
    posted = current.rows.values_list("member_name", "score", "rank")
    if sorted(rows) == sorted(posted):
        return None
    notice = _next_version(actor, current, rows)
    log_action(
        "cycle.notice.reissued",
        actor=actor,
        obj=notice,
        organisation=result.branch,
        year=result.year,
        quarter=None,
        version=notice.version,
        replaces=current,
    )
    return notice


def _entries_seen(year_result: YearResult) -> tuple[int, int]:
    members = year_result.grades.values_list("member_id", flat=True)
    return entries_seen(list(members), year_result.year)


def _check_still_current(year_result: YearResult) -> None:
    """The archive has not changed since the year was computed (an appeal, a commendation or a
    veto decided since would make the computed scores wrong)."""
    if _entries_seen(year_result) != (year_result.entries_seen, year_result.last_entry_seen):
        raise InvalidState(
            _(
                "The points archive has changed since the year was computed (a decision was "
                "recorded since): compute the year again."
            ),
            code="year_outdated",
        )


def _year_for_update(year_result: YearResult) -> YearResult:
    """The year's result row, locked: grades, submission and review of one year wait here in
    turn, each seeing the state the one before left."""
    return (
        YearResult.objects.select_for_update(of=("self",))
        .select_related("branch")
        .get(pk=year_result.pk)
    )


def _check_year_editable(actor, year_result: YearResult) -> None:
    _check_secretary(actor, year_result.branch)
    if year_result.state not in (YearState.COMPUTED, YearState.RETURNED):
        raise InvalidState(
            _("The year's results have been submitted; they can no longer be changed."),
            code="year_submitted",
        )


@transaction.atomic
def grade_finalise(*, actor, member_grade: MemberGrade, grade_code: str, reason: str = ""):
    """Record the grade the meeting decided; one that differs from the suggestion needs a
    written reason."""
    year_result = _year_for_update(member_grade.year_result)
    _check_year_editable(actor, year_result)
    member_grade = MemberGrade.objects.select_for_update().get(pk=member_grade.pk)
    if member_grade.exempt_reason:
        raise InvalidState(_("An exempt member gets no grade."), code="exempt")
    scheme = _scheme(year_result.branch, year_result.year)
    level = scheme.grade_levels.filter(code=grade_code).first()
    if level is None:
        raise DomainError(_("This grade is not in the scheme's scale."), code="unknown_grade")
    if grade_code != member_grade.suggested_grade_code and not reason.strip():
        raise DomainError(
            _("A grade that differs from the suggestion needs a written reason."),
            code="reason_required",
        )
    member_grade.final_grade_code, member_grade.final_grade_name = level.code, level.name
    member_grade.reason = reason
    member_grade.save(update_fields=["final_grade_code", "final_grade_name", "reason"])
    log_action(
        "cycle.grade.finalised",
        actor=actor,
        obj=member_grade,
        organisation=year_result.branch,
        member=member_grade.member,
        grade=grade_code,
        suggested=member_grade.suggested_grade_code,
        reason=reason,
    )
    return member_grade


@transaction.atomic
def year_submit(*, actor, year_result: YearResult) -> YearResult:
    """Send the year's results to the parent organisation once every graded member has a final
    grade and nothing has been recorded since they were computed."""
    year_result = _year_for_update(year_result)
    _check_year_editable(actor, year_result)
    missing = year_result.grades.filter(exempt_reason="", final_grade_code="").count()
    if missing:
        raise InvalidState(
            _("%(count)d members still have no final grade.") % {"count": missing},
            code="grades_missing",
        )
    _check_still_current(year_result)
    year_result.state = YearState.SUBMITTED
    year_result.submitted_by, year_result.submitted_at = actor, timezone.now()
    year_result.save(update_fields=["state", "submitted_by", "submitted_at"])
    log_action(
        "cycle.year.submitted",
        actor=actor,
        obj=year_result,
        organisation=year_result.branch,
        year=year_result.year,
    )
    return year_result


def _check_nothing_waits(year_result: YearResult, today: datetime.date) -> None:
    """A year is filed only when nothing can still change it: no objection or appeal waiting
    for its answer, no appeal period still running, no commendation or veto still waiting for
    the parent organisation."""
    branch, year = year_result.branch, year_result.year
    if Objection.objects.filter(
        notice__branch=branch, notice__year=year, status=ObjectionStatus.OPEN
    ).exists():
        raise InvalidState(
            _("An objection or appeal about this year still waits for its answer."),
            code="objection_open",
        )
    last_day = (
        Notice.objects.filter(branch=branch, year=year, appeals_close_on__gte=today)
        .order_by("-appeals_close_on")
        .values_list("appeals_close_on", flat=True)
        .first()
    )
    if last_day is not None:
        raise InvalidState(
            _("Members may still appeal against this year's notices until %(day)s.")
            % {"day": last_day},
            code="appeals_open",
        )
    waiting = (
        Declaration.objects.filter(
            branch=branch, year=year, status=DeclarationStatus.FORWARDED
        ).count()
        + VetoProposal.objects.filter(branch=branch, year=year, status=VetoStatus.PROPOSED).count()
    )
    if waiting:
        raise InvalidState(
            _("%(count)d commendations or vetoes of this year still wait for your decision.")
            % {"count": waiting},
            code="decisions_waiting",
        )


@transaction.atomic
def year_review(
    *,
    actor,
    year_result: YearResult,
    approve: bool,
    reason: str = "",
    today: datetime.date | None = None,
) -> YearResult:
    """The parent organisation files the year's results (审核备案; final) or returns them with
    the reason. Filing closes every month of the branch's year and anchors the archive."""
    if not rules.can_review_for(actor, year_result.branch):
        raise NotPermitted()
    year_result = _year_for_update(year_result)
    if year_result.state != YearState.SUBMITTED:
        raise InvalidState(_("Only submitted year results can be reviewed."), code="not_submitted")
    if not approve and not reason.strip():
        raise DomainError(_("Give the reason for returning the results."), code="reason_required")
    if approve:
        _file(actor, year_result, _today(today))
    year_result.state = YearState.FILED if approve else YearState.RETURNED
    year_result.reviewed_by, year_result.reviewed_at = actor, timezone.now()
    year_result.review_reason = reason
    year_result.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_reason"])
    _tell_submitter(year_result)
    log_action(
        "cycle.year.reviewed",
        actor=actor,
        obj=year_result,
        organisation=year_result.branch,
        approve=approve,
        reason=reason,
    )
    return year_result


def _tell_submitter(year_result: YearResult, *, withdrawn: bool = False) -> None:
    """Whoever submitted the year learns the parent organisation's decision on it."""
    values = {"branch": year_result.branch.name, "year": year_result.year}
    values["reason"] = year_result.review_reason
    with site_language():
        if withdrawn:
            text = _(
                "The parent organisation withdrew its filing of the %(year)d results of "
                "%(branch)s: %(reason)s"
            )
        elif year_result.state == YearState.FILED:
            text = _("The parent organisation filed the %(year)d results of %(branch)s.")
        else:
            text = _(
                "The parent organisation returned the %(year)d results of %(branch)s: %(reason)s"
            )
        text = text % values
    decision = "withdrawn" if withdrawn else year_result.state
    notify(
        year_result.submitted_by,
        key=f"year:{year_result.pk}:{decision}:{year_result.reviewed_at:%Y%m%d%H%M%S%f}",
        text=text,
        url=reverse("portal:year", args=[year_result.branch_id, year_result.year]),
    )


def _file(actor, year_result: YearResult, today: datetime.date) -> YearFiling:
    branch, year = year_result.branch, year_result.year
    held = periods.take(branch, year, range(1, 13))
    _check_nothing_waits(year_result, today)
    _check_still_current(year_result)
    ledger.periods_close(actor=actor, branch=branch, year=year, held=held, stage=Stage.FILED)
    anchor = ledger.anchor_record(
        actor=actor,
        branch=branch,
        year=year,
        quarter=None,
        kind=AnchorKind.YEAR_FILED,
        member_ids=year_result.grades.values_list("member_id", flat=True),
    )
    return YearFiling.objects.create(
        year_result=year_result, filed_by=actor, filed_at=timezone.now(), anchor=anchor
    )


@transaction.atomic
def year_filing_withdraw(*, actor, year_result: YearResult, reason: str) -> YearResult:
    """The parent organisation withdraws its filing of a year found wrong, with the written
    reason. The year goes back to the branch (returned): its months take the parent's decisions
    again, and it is computed, submitted and filed anew. The withdrawn filing stays on record."""
    if not rules.can_review_for(actor, year_result.branch):
        raise NotPermitted()
    year_result = _year_for_update(year_result)
    if year_result.state != YearState.FILED:
        raise InvalidState(_("Only a filed year can have its filing withdrawn."), code="not_filed")
    if not reason.strip():
        raise DomainError(_("Give the reason for withdrawing the filing."), code="reason_required")
    branch, year = year_result.branch, year_result.year
    held = periods.take(branch, year, range(1, 13))
    ledger.periods_reopen_filed(actor=actor, branch=branch, year=year, held=held)
    now = timezone.now()
    for filing in YearFiling.objects.filter(year_result=year_result, withdrawn_at__isnull=True):
        filing.withdrawn_by, filing.withdrawn_at, filing.withdrawal_reason = actor, now, reason
        filing.save(update_fields=["withdrawn_by", "withdrawn_at", "withdrawal_reason"])
    year_result.state, year_result.review_reason = YearState.RETURNED, reason
    year_result.reviewed_by, year_result.reviewed_at = actor, now
    year_result.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_reason"])
    _tell_submitter(year_result, withdrawn=True)
    log_action(
        "cycle.year.filing_withdrawn",
        actor=actor,
        obj=year_result,
        organisation=branch,
        year=year,
        reason=reason,
    )
    return year_result


# ---------------------------------------------------------------- what follows from a grade


@transaction.atomic
def admonition_record(
    *,
    actor,
    member: Member,
    year: int,
    talked_on: datetime.date,
    deadline: datetime.date,
    notes: str,
) -> Admonition:
    """诫勉谈话 with a member at the bottom of the year's ranking."""
    _check_secretary(actor, member.branch)
    member = ledger.lock_member(member)
    grade = MemberGrade.objects.filter(
        member=member, year_result__year=year, year_result__branch=member.branch
    ).first()
    if grade is None or not grade.bottom_ranked:
        raise InvalidState(
            _("Admonition talks are held with members at the bottom of the year's ranking."),
            code="not_bottom_ranked",
        )
    if deadline <= talked_on:
        raise DomainError(_("The deadline to improve comes after the talk."))
    if not notes.strip():
        raise DomainError(_("Write down what was said."), code="notes_required")
    if Admonition.objects.filter(member=member, year=year).exists():
        raise InvalidState(
            _("The talk for this year is already recorded."), code="already_recorded"
        )
    admonition = Admonition.objects.create(
        member=member,
        year=year,
        talked_on=talked_on,
        deadline=deadline,
        notes=notes,
        recorded_by=actor,
    )
    log_action(
        "cycle.admonition.recorded",
        actor=actor,
        obj=admonition,
        organisation=member.branch,
        member=member,
        deadline=deadline.isoformat(),
    )
    return admonition


@transaction.atomic
def admonition_follow_up(
    *, actor, admonition: Admonition, followed_up_on: datetime.date, outcome: str
) -> Admonition:
    _check_secretary(actor, admonition.member.branch)
    admonition = Admonition.objects.select_for_update().get(pk=admonition.pk)
    if admonition.followed_up_on is not None:
        raise InvalidState(_("The follow-up is already recorded."), code="already_recorded")
    if followed_up_on < admonition.talked_on:
        raise DomainError(_("The follow-up comes after the talk."))
    if not outcome.strip():
        raise DomainError(_("Write down the outcome."), code="outcome_required")
    admonition.followed_up_on, admonition.outcome = followed_up_on, outcome
    admonition.followed_up_by = actor
    admonition.save(update_fields=["followed_up_on", "outcome", "followed_up_by"])
    log_action(
        "cycle.admonition.followed_up",
        actor=actor,
        obj=admonition,
        organisation=admonition.member.branch,
        followed_up_on=followed_up_on.isoformat(),
    )
    return admonition


@transaction.atomic
def unqualified_handling_record(
    *, actor, member_grade: MemberGrade, measure: str, decided_on: datetime.date, notes: str
) -> UnqualifiedHandling:
    """组织处置 of a member whose final grade is the scheme's unqualified grade."""
    year_result = member_grade.year_result
    _check_secretary(actor, year_result.branch)
    member_grade = MemberGrade.objects.select_for_update().get(pk=member_grade.pk)
    scheme = _scheme(year_result.branch, year_result.year)
    if not scheme.grade_levels.filter(
        code=member_grade.final_grade_code, is_unqualified=True
    ).exists():
        raise InvalidState(
            _("Handling is recorded for members whose final grade is unqualified."),
            code="not_unqualified",
        )
    if measure not in HandlingMeasure.values:
        raise DomainError(_("Choose the measure taken."))
    if not notes.strip():
        raise DomainError(_("Write down how the case was decided."), code="notes_required")
    if UnqualifiedHandling.objects.filter(member_grade=member_grade).exists():
        raise InvalidState(_("The handling is already recorded."), code="already_recorded")
    handling = UnqualifiedHandling.objects.create(
        member_grade=member_grade,
        measure=measure,
        decided_on=decided_on,
        notes=notes,
        recorded_by=actor,
    )
    log_action(
        "cycle.unqualified.handled",
        actor=actor,
        obj=handling,
        organisation=year_result.branch,
        member=member_grade.member,
        measure=measure,
    )
    return handling


# ---------------------------------------------------------------- reminders


@transaction.atomic
def reminders_send(*, today: datetime.date | None = None) -> int:
    """Turn everyone's open tasks into notifications, each once per stage of its deadline (by
    its key), settle the reminders of tasks since done, and email the new ones to users with
    an address after the transaction commits. Returns how many were made."""
    today = _today(today)
    made = 0
    for user in selectors.users_to_remind():
        todos = selectors.todo_for(user, today)
        fresh = [todo for todo in todos if _remind(user, todo)]
        reminders_settle(user=user, open_tasks={todo.task for todo in todos})
        made += len(fresh)
        email_later(user, [todo.text for todo in fresh])
    return made


def _remind(user, todo) -> bool:
    return notify(user, key=todo.key, text=todo.text, url=todo.url, task=todo.task)
