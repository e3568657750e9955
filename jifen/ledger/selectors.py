"""Reads of the points archive that other apps share."""

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Sum
from django.db.models.functions import Cast, Coalesce, Round

from jifen.ledger.chain import normalise_code
from jifen.ledger.models import Anchor, Entry, Standing
from jifen.schemes.enums import ItemCategory


def entries_seen(member_ids, year: int) -> tuple[int, int]:
    """How many entries these members have for the year, and the newest one's id: the archive
    only grows, so any change since shows in one of the two."""
    seen = Entry.objects.filter(member_id__in=member_ids, year=year).aggregate(
        count=Count("pk"), last=Max("pk")
    )
    return seen["count"], seen["last"] or 0


def anchor_by_code(code: str) -> Anchor | None:
    """The anchor whose code was printed (spaces and case do not matter)."""
    return Anchor.objects.filter(digest=normalise_code(code)).first()


def _tenths(aggregate):
    # Points have one decimal place: integer tenths spare a Decimal conversion per row, which
    # at a whole organisation's size costs more than the query itself. Scaled after summing,
    # so that the database does no per-row arithmetic.
    return Coalesce(Cast(Round(aggregate * 10), IntegerField()), 0)


def _live(category: str) -> Q:
    # A correction and the entry it corrects cancel out. Tested only on the rare rows of the
    # category, so the subquery does not run for the bulk of the ledger.
    return Q(category=category, reverses__isnull=True) & ~Q(
        Exists(Entry.objects.filter(reverses=OuterRef("pk")))
    )


def month_sums(scope: Q, year: int):
    """Per member and month of the entries in `scope`, in tenths of a point: performance and
    deductions as summed (a correction cancels what it corrects), the highest live
    commendation, and the number of live vetoes. The year's computation and the standings
    both add up the archive with it."""
    return (
        Entry.objects.filter(scope, year=year)
        .order_by()  # no sort: the rows are summed again or go into a dict
        .values("member_id", "month")
        .annotate(
            performance=_tenths(Sum("points", filter=Q(category=ItemCategory.PERFORMANCE))),
            deductions=_tenths(Sum("points", filter=Q(category=ItemCategory.DEDUCTION))),
            commendation=_tenths(Max("points", filter=_live(ItemCategory.COMMENDATION))),
            vetoes=Count("pk", filter=_live(ItemCategory.VETO)),
        )
        .values_list("member_id", "month", "performance", "deductions", "commendation", "vetoes")
    )


# ---------------------------------------------------------------- standings (the read model)


def as_of(year: int, today) -> int | None:
    """The month whose standings show a year as it stands today: December for a past year,
    this month for this year, none for a year to come."""
    if year < today.year:
        return 12
    return today.month if year == today.year else None


def standing(member_id: int, year: int, month: int | None) -> Standing | None:
    """The member's standing at the end of the month (one indexed row)."""
    if month is None:
        return None
    return Standing.objects.filter(member_id=member_id, year=year, month=month).first()


def year_standings(member_id: int, year: int) -> dict[int, Standing]:
    """The member's twelve rows of the year, by month."""
    return {s.month: s for s in Standing.objects.filter(member_id=member_id, year=year)}
