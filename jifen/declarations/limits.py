"""Frequency and annual caps of scheme items, counted over the archive and pending declarations.

An item is identified by its code within its organisation's catalogue, so that a new scheme
version does not reset what was already used this year.
"""

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from jifen import formats as fmt
from jifen.declarations.enums import PENDING
from jifen.declarations.models import Declaration
from jifen.errors import DomainError, LimitExceeded
from jifen.ledger.models import Entry
from jifen.orgs.models import Member
from jifen.schemes.enums import Frequency
from jifen.schemes.models import Item


def check_points(item: Item, points: Decimal) -> None:
    """The points must lie in the item's range: one value for an item of fixed points."""
    if item.points_min <= points <= item.points_max:
        return
    values = {
        "item": item.name,
        "low": fmt.points(item.points_min),
        "high": fmt.points(item.points_max),
    }
    if item.fixed_points:
        message = _("“%(item)s” gives %(low)s points.") % values
    else:
        message = _("“%(item)s” gives between %(low)s and %(high)s points.") % values
    raise DomainError(message, code="points_out_of_range")


def period_months(frequency: str, month: int) -> list[int] | None:
    if frequency == Frequency.MONTHLY:
        return [month]
    if frequency == Frequency.QUARTERLY:
        first = (month - 1) // 3 * 3 + 1
        return [first, first + 1, first + 2]
    if frequency == Frequency.YEARLY:
        return list(range(1, 13))
    return None


def _same_item(member: Member, item: Item, year: int) -> dict:
    return {
        "member": member,
        "year": year,
        "item__code": item.code,
        "item__scheme__organisation_id": item.scheme.organisation_id,
    }


def check_item_limits(
    *,
    member: Member,
    item: Item,
    year: int,
    month: int,
    points: Decimal,
    count_pending: bool = True,
    pending_elsewhere: list[tuple[int, Decimal]] = (),
) -> None:
    """Raise LimitExceeded when one more use of `item` would break its frequency or annual cap.

    The caller holds the member's row (ledger.services.lock_member), so that what is counted
    here cannot grow before the caller writes. A new declaration or record counts the pending
    declarations too; the decision on one (`count_pending=False`) counts what the archive
    holds, this declaration being the one more use. `pending_elsewhere` are other uses still
    waiting for a decision, as (month, points): an activity's proposed points."""
    live = Entry.objects.filter(
        reverses__isnull=True, reversal__isnull=True, **_same_item(member, item, year)
    )
    pending = Declaration.objects.filter(status__in=PENDING, **_same_item(member, item, year))
    if not count_pending:
        pending = pending.none()
    months = period_months(item.frequency, month)
    if months and (
        live.filter(month__in=months).exists()
        or pending.filter(month__in=months).exists()
        or any(used_month in months for used_month, _points in pending_elsewhere)
    ):
        raise LimitExceeded(
            _(
                "“%(item)s” counts at most: %(frequency)s. It has already been recorded or "
                "declared for this period."
            )
            % {"item": item.name, "frequency": item.get_frequency_display()},
            code="frequency_exceeded",
        )
    if item.annual_cap is None:
        return
    used = abs(live.aggregate(total=Sum("points"))["total"] or 0)
    used += pending.aggregate(total=Sum("points"))["total"] or 0
    used += sum((abs(points) for _month, points in pending_elsewhere), Decimal(0))
    if used + points > item.annual_cap:
        raise LimitExceeded(
            _(
                "“%(item)s” is capped at %(cap)s points a year; %(used)s are already used or "
                "declared, so at most %(left)s more can be given."
            )
            % {
                "item": item.name,
                "cap": fmt.points(item.annual_cap),
                "used": fmt.points(used),
                "left": fmt.points(max(item.annual_cap - used, 0)),
            },
            code="annual_cap_exceeded",
        )
