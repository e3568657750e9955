"""Whether a change may still touch a branch's month, and if not, why: the one place that says.

A month closes in stages (reading.md, the year's cycle): open → confirmed by the general
meeting → locked after its quarter's notice → filed with the year by the parent organisation.
Each source of points may write up to a stage and no further; declarations are also bound to
the scheme's window. Every writer asks here, under a share lock of the month's row, and every
closing takes the same rows exclusively, so that a check cannot be overtaken by a closing.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from jifen.errors import InvalidState
from jifen.ledger.enums import Source, Stage
from jifen.ledger.models import Period
from jifen.schemes.models import Scheme
from jifen.schemes.selectors import current_scheme

ORDER = [Stage.OPEN, Stage.CONFIRMED, Stage.LOCKED, Stage.FILED]

# The last stage at which each source may still write. After the meeting only an objection's
# answer changes the quarter; after the lock only the parent organisation's own decisions
# (appeals, commendations it approves, vetoes it confirms) — a commendation or veto counts for
# the year, not for a posted month; after filing nothing does.
LAST_STAGE = {
    Source.DECLARATION: Stage.OPEN,
    Source.COMMITTEE: Stage.OPEN,
    Source.MEETING: Stage.OPEN,
    Source.ACTIVITY: Stage.OPEN,
    Source.OBJECTION: Stage.CONFIRMED,
    Source.APPEAL: Stage.LOCKED,
    Source.COMMENDATION: Stage.LOCKED,
    Source.VETO: Stage.LOCKED,
}


def _rows(branch_id: int, year: int, months, *, lock: str) -> dict[int, Period]:
    months = sorted(set(months))
    found = _select(branch_id, year, months, lock)
    if len(found) < len(months):
        # A branch's year gets its twelve rows on first use; a concurrent maker of the same
        # rows is no conflict.
        Period.objects.bulk_create(
            [Period(branch_id=branch_id, year=year, month=m) for m in range(1, 13)],
            ignore_conflicts=True,
        )
        found = _select(branch_id, year, months, lock)
    return found


def _select(branch_id: int, year: int, months: list[int], lock: str) -> dict[int, Period]:
    rows = Period.objects.filter(branch_id=branch_id, year=year, month__in=months)
    if lock == "update":
        rows = rows.select_for_update()
    elif connection.vendor == "postgresql":
        # FOR SHARE: writers do not wait for each other, only for a closing. SQLite needs no
        # row lock: its transactions begin IMMEDIATE and so run one writer at a time.
        rows = Period.objects.raw(
            f"SELECT * FROM {Period._meta.db_table} WHERE branch_id = %s AND year = %s "
            "AND month = ANY(%s) ORDER BY month FOR SHARE",
            [branch_id, year, months],
        )
    return {row.month: row for row in rows}


def hold(branch, year: int, months) -> dict[int, Period]:
    """The months' rows, held in share mode until the transaction ends: a writer's lock."""
    return _rows(branch.pk, year, months, lock="share")


def take(branch, year: int, months) -> dict[int, Period]:
    """The months' rows, held exclusively until the transaction ends: a closing's lock."""
    return _rows(branch.pk, year, months, lock="update")


def refusal(period: Period, source: str) -> InvalidState | None:
    """Why `source` may not write to this month now, or None when it may."""
    if ORDER.index(period.stage) <= ORDER.index(LAST_STAGE[source]):
        return None
    if period.stage == Stage.FILED:
        return InvalidState(
            _(
                "The parent organisation has filed this year's results: nothing changes them "
                "unless it withdraws the filing."
            ),
            code="year_filed",
        )
    if period.stage == Stage.LOCKED:
        return InvalidState(
            _(
                "This month is locked: only the parent organisation's decisions (appeals, "
                "commendations, vetoes) can change it."
            ),
            code="month_locked",
        )
    return InvalidState(
        _(
            "The general meeting has already confirmed this quarter: its scores now change "
            "only through an objection."
        ),
        code="quarter_confirmed",
    )


def check(branch, year: int, month: int, source: str) -> Period:
    """Hold the month and raise the reason when `source` may not write to it."""
    period = hold(branch, year, [month])[month]
    if (error := refusal(period, source)) is not None:
        raise error
    return period


def declaration_window(
    scheme: Scheme, year: int, month: int
) -> tuple[datetime.date, datetime.date]:
    """Declarations for a month open on its 1st and close on the scheme's day of the next month."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime.date(year, month, 1), datetime.date(
        next_year, next_month, scheme.declaration_deadline_day
    )


def check_declaring(branch, scheme: Scheme, year: int, month: int, today: datetime.date) -> None:
    """A member's declaration: the month open and its window running."""
    check(branch, year, month, Source.DECLARATION)
    opens, closes = declaration_window(scheme, year, month)
    if not opens <= today <= closes:
        raise InvalidState(
            _("Declarations for %(year)s-%(month)02d are open from %(opens)s to %(closes)s.")
            % {"year": year, "month": month, "opens": opens, "closes": closes},
            code="month_closed",
        )


def stages(branch, year: int) -> dict[int, str]:
    """Each month's stage, for pages (no lock): months never touched are open."""
    saved = dict(Period.objects.filter(branch=branch, year=year).values_list("month", "stage"))
    return {month: saved.get(month, Stage.OPEN) for month in range(1, 13)}


@dataclass(frozen=True)
class OpenMonth:
    """A month a member may declare for today, under its year's scheme, until `closes`."""

    year: int
    month: int
    scheme: Scheme
    closes: datetime.date

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def declarable_months(branch, today: datetime.date) -> list[OpenMonth]:
    """The months a member of the branch may declare for today, newest first: the scheme's
    window runs (this month, and the last one until the scheme's day) and the month is still
    open, neither confirmed nor locked. What check_declaring would accept, read without a lock."""
    open_months = []
    for year, month in ((today.year, today.month), _month_before(today.year, today.month)):
        scheme = current_scheme(branch, year)
        if scheme is None:
            continue
        opens, closes = declaration_window(scheme, year, month)
        if opens <= today <= closes and stages(branch, year)[month] == Stage.OPEN:
            open_months.append(OpenMonth(year, month, scheme, closes))
    return open_months
