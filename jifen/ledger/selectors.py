"""Reads of the points archive that other apps share."""

from django.db.models import Count, Max

from jifen.ledger.chain import normalise_code
from jifen.ledger.models import Anchor, Entry


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
