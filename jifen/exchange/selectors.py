"""Reads behind the exports. Callers pass objects they have already scoped to the user.

The register, the notice and the year report are read from the cycle's snapshots (what the
general meeting confirmed, what was posted, what was computed and filed), never recomputed, so
that a printed form matches the record."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.cycle import selectors as cycle
from jifen.cycle.enums import QuarterState
from jifen.cycle.models import Admonition, MemberGrade, Notice, Quarter, YearResult
from jifen.errors import InvalidState
from jifen.exchange import conf
from jifen.exchange.enums import JobState
from jifen.exchange.models import Job, Worker
from jifen.ledger.models import Anchor, Entry
from jifen.orgs.enums import MemberState
from jifen.orgs.models import Member, Organisation


@dataclass(frozen=True)
class Period:
    """A quarter (1–4) of a year, or the whole year (quarter 0)."""

    year: int
    quarter: int

    @property
    def quarters(self) -> range:
        return range(self.quarter, self.quarter + 1) if self.quarter else range(1, 5)

    @property
    def months(self) -> range:
        first = self.quarters[0] * 3 - 2
        return range(first, self.quarters[-1] * 3 + 1)

    @property
    def label(self) -> str:
        if self.quarter:
            return _("Q%(quarter)d %(year)d") % {"quarter": self.quarter, "year": self.year}
        return _("Year %(year)d") % {"year": self.year}


@dataclass
class RegisterLine:
    """A member's line of the 《党员积分登记表》 over a period: monthly and quarterly scores as
    confirmed by the meetings, and for the year the computed year score and rank."""

    member: Member
    months: dict[int, Decimal | None] = field(default_factory=dict)
    quarters: dict[int, tuple[Decimal | None, int | None]] = field(default_factory=dict)
    score: Decimal | None = None
    rank: int | None = None
    exempt_reason: str = ""
    # The 备注 of scores corrected after the notice (accepted objections and appeals).
    notes: list[str] = field(default_factory=list)


@dataclass
class Register:
    period: Period
    lines: list[RegisterLine]
    meeting_date: datetime.date | None
    # (what it anchors, the anchor): each confirmed quarter's, and the year's filing.
    anchors: list[tuple[str, Anchor]] = field(default_factory=list)


def roster_members(branch: Organisation) -> QuerySet[Member]:
    return (
        Member.objects.filter(branch=branch, state=MemberState.ACTIVE)
        .select_related("branch")
        .order_by("name", "pk")
    )


def ledger_entries(*, member, branch, year: int, month=None, category=None) -> QuerySet[Entry]:
    entries = Entry.objects.filter(year=year)
    entries = entries.filter(member=member) if member else entries.filter(branch=branch)
    if month:
        entries = entries.filter(month=int(month))
    if category:
        entries = entries.filter(category=category)
    return entries.select_related("member", "item", "recorded_by__member").order_by(
        "member__name", "member_id", "month", "seq"
    )


def _confirmed_quarters(branch: Organisation, period: Period) -> list[Quarter]:
    quarters = list(
        Quarter.objects.filter(branch=branch, year=period.year, number__in=period.quarters)
        .exclude(state=QuarterState.OPEN)
        .select_related("meeting", "anchor")
        .order_by("number")
    )
    if not quarters:
        raise InvalidState(
            _(
                "The general meeting has not confirmed this period yet; the register is filled "
                "when it does."
            ),
            code="not_confirmed",
        )
    return quarters


def register(branch: Organisation, period: Period) -> Register:
    quarters = _confirmed_quarters(branch, period)
    lines: dict[int, RegisterLine] = {}
    for quarter in quarters:
        notes = cycle.register_notes(quarter)
        for row in cycle.register_rows(quarter):
            line = lines.setdefault(row.member_id, RegisterLine(row.member))
            for month, score in zip(quarter.months, row.month_scores, strict=False):
                line.months[month] = Decimal(score) if score is not None else None
            line.quarters[quarter.number] = (row.score, row.rank)
            line.exempt_reason = row.exempt_reason
            line.notes.extend(c.note for c in notes.get(row.member_id, []))
            line.score, line.rank = row.score, row.rank
    if not period.quarter:
        _year_scores(branch, period.year, lines)
    ordered = sorted(lines.values(), key=lambda ln: (ln.rank is None, ln.rank or 0, ln.member.name))
    meeting = quarters[-1].meeting if period.quarter else None
    anchors = _anchors(branch, period, quarters)
    held_on = timezone.localtime(meeting.starts_at).date() if meeting else None
    return Register(period, ordered, held_on, anchors)


def _anchors(branch, period: Period, quarters: list[Quarter]) -> list[tuple[str, Anchor]]:
    """The anchors printed on the register: each quarter's, and for the year its filing's."""
    anchors = [(_("Quarter %(n)d") % {"n": q.number}, q.anchor) for q in quarters if q.anchor]
    filing = None if period.quarter else cycle.standing_filing(branch, period.year)
    if filing is not None:
        anchors.append((_("Filing of the year"), filing.anchor))
    return anchors


def _year_scores(branch: Organisation, year: int, lines: dict[int, RegisterLine]) -> None:
    """The year's line holds the computed year score; before the computation it stays empty."""
    grades = {}
    result = cycle.year_result_for(branch, year)
    if result is not None:
        grades = {g.member_id: g for g in cycle.member_grades(result)}
    for member_id, line in lines.items():
        grade = grades.get(member_id)
        line.score, line.rank = (grade.score, grade.rank) if grade else (None, None)


def published_notice(branch: Organisation, period: Period) -> Notice:
    # The version posted last: a corrected notice replaces the one before.
    notices = cycle.branch_notices(branch, period.year).filter(replaced_by__isnull=True)
    notice = (
        notices.filter(quarter__number=period.quarter)
        if period.quarter
        else notices.filter(quarter__isnull=True)
    ).first()
    if notice is None:
        raise InvalidState(_("No notice has been posted for this period."), code="no_notice")
    return notice


def year_report(branch: Organisation, year: int) -> tuple[YearResult, list[MemberGrade], dict]:
    """The computed year with its grades and the admonitions recorded for it, by member."""
    result = cycle.year_result_for(branch, year)
    if result is None:
        raise InvalidState(_("Compute the year's results first."), code="year_not_computed")
    grades = list(cycle.member_grades(result))
    admonitions = Admonition.objects.filter(year=year, member__in=[g.member_id for g in grades])
    return result, grades, {a.member_id: a for a in admonitions}


@dataclass(frozen=True)
class Waiting:
    """Why a queued job has not started: no worker runs, or `ahead` jobs come first."""

    worker_running: bool
    ahead: int


def job_waiting(job: Job) -> Waiting | None:
    """For a job queued longer than a worker takes to pick one up, why it waits; None while it
    may simply not have been picked up yet, and for a job that started."""
    now = timezone.now()
    pickup = datetime.timedelta(seconds=conf.job_pickup_seconds())
    if job.state != JobState.QUEUED or job.created_at > now - pickup:
        return None
    silent = now - datetime.timedelta(seconds=conf.worker_silent_seconds())
    ahead = Job.objects.filter(
        state__in=(JobState.QUEUED, JobState.RUNNING), created_at__lt=job.created_at
    ).count()
    return Waiting(Worker.objects.filter(seen_at__gte=silent).exists(), ahead)
