"""The only writers of the points archive. Callers (declaration reviews, committee records,
appeal decisions…) check who may act; these check what the archive itself requires."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.audit.services import log_action
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.ledger.chain import GENESIS, entry_digest
from jifen.ledger.enums import Source
from jifen.ledger.models import Entry, MonthLock
from jifen.orgs import rules
from jifen.orgs.models import Member, Organisation
from jifen.schemes.enums import ItemCategory
from jifen.schemes.models import CommendationLevel, Item
from jifen.schemes.selectors import current_scheme

# Only an appeal decision may change a month after it is locked (reading.md: the year's cycle).
_SOURCES_AFTER_LOCK = {Source.APPEAL}


def is_month_locked(branch: Organisation, year: int, month: int) -> bool:
    return MonthLock.objects.filter(branch=branch, year=year, month=month).exists()


def _signed(category: str, points: Decimal) -> Decimal:
    if category == ItemCategory.DEDUCTION:
        return -abs(points)
    if category in (ItemCategory.BASE, ItemCategory.VETO):
        return Decimal(0)
    return abs(points)


def _next_link(member: Member) -> tuple[int, str]:
    # Locking the member row serialises appends to one member's chain.
    Member.objects.select_for_update().filter(pk=member.pk).first()
    last = Entry.objects.filter(member=member).order_by("-seq").values("seq", "digest").first()
    return (last["seq"] + 1, last["digest"]) if last else (1, GENESIS)


@transaction.atomic
def append_entry(
    *,
    actor,
    member: Member,
    year: int,
    month: int,
    item: Item,
    points: Decimal,
    source: str,
    reason: str,
    evidence: str = "",
    commendation_level: CommendationLevel | None = None,
    reverses: Entry | None = None,
    branch: Organisation | None = None,
) -> Entry:
    """Append one entry to the member's chain. `points` is a magnitude for new entries; its sign
    follows the item's category (deductions negative)."""
    branch = branch or member.branch
    if not reason.strip():
        raise DomainError(_("Every change to a score needs a reason."))
    if source not in _SOURCES_AFTER_LOCK and is_month_locked(branch, year, month):
        raise InvalidState(
            _("This month is locked; only an appeal decision can change it."), code="month_locked"
        )
    signed = -reverses.points if reverses else _signed(item.category, points)
    entry = Entry(
        member=member,
        branch=branch,
        year=year,
        month=month,
        item=item,
        category=item.category,
        points=signed,
        commendation_level=commendation_level,
        source=source,
        reason=reason,
        evidence=evidence,
        reverses=reverses,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    entry.seq, previous = _next_link(member)
    entry.digest = entry_digest(entry, previous)
    entry.save()
    log_action(
        "ledger.entry.appended",
        actor=actor,
        obj=entry,
        organisation=branch,
        member=member,
        points=str(signed),
        source=source,
        reason=reason,
    )
    return entry


@transaction.atomic
def reverse_entry(*, actor, entry: Entry, reason: str, source: str) -> Entry:
    """Cancel an entry by appending its negation; the original stays in the archive."""
    if entry.reverses_id:
        raise InvalidState(_("A correction cannot itself be reversed; record a new entry."))
    if Entry.objects.filter(reverses=entry).exists():
        raise InvalidState(_("This entry has already been corrected."))
    return append_entry(
        actor=actor,
        member=entry.member,
        year=entry.year,
        month=entry.month,
        item=entry.item,
        points=entry.points,
        source=source,
        reason=reason,
        evidence=entry.evidence,
        commendation_level=entry.commendation_level,
        reverses=entry,
        branch=entry.branch,
    )


@transaction.atomic
def month_lock(*, actor, branch: Organisation, year: int, month: int) -> MonthLock:
    """Lock a month of a branch under the scheme in force; that scheme version is then frozen."""
    if not rules.is_secretary(actor, branch):
        raise NotPermitted()
    if is_month_locked(branch, year, month):
        raise InvalidState(_("This month is already locked."))
    scheme = current_scheme(branch, year)
    if scheme is None:
        raise InvalidState(_("No scoring scheme applies to this branch for that year."))
    lock = MonthLock.objects.create(
        branch=branch, year=year, month=month, scheme=scheme, locked_by=actor
    )
    log_action(
        "ledger.month.locked",
        actor=actor,
        obj=lock,
        organisation=branch,
        year=year,
        month=month,
        scheme=scheme,
    )
    return lock
