"""The only writers of the points archive. Callers (declaration reviews, committee records,
appeal decisions…) check who may act; these check what the archive itself requires: that the
month still takes this source (jifen/ledger/periods.py), a reason, and the keyed chain."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.audit.services import log_action
from jifen.errors import DomainError, InvalidState
from jifen.ledger import keys, periods, standings
from jifen.ledger.chain import GENESIS, anchor_digest, entry_digest, head_mac
from jifen.ledger.enums import Stage
from jifen.ledger.models import Anchor, ChainHead, Entry, Period
from jifen.orgs.models import Member, Organisation
from jifen.schemes.enums import ItemCategory
from jifen.schemes.models import CommendationLevel, Item, Scheme


def _signed(category: str, points: Decimal) -> Decimal:
    if category == ItemCategory.DEDUCTION:
        return -abs(points)
    if category in (ItemCategory.BASE, ItemCategory.VETO):
        return Decimal(0)
    return abs(points)


def lock_member(member: Member) -> Member:
    """Lock the member's row: every rule that counts what a member already has (limits, one
    open objection, one waiting veto) and every append to their chain waits here in turn."""
    return Member.objects.select_for_update().get(pk=member.pk)


def _link(entry: Entry) -> None:
    """Number and sign the entry after the member's last one, and move the chain's head."""
    head = ChainHead.objects.select_for_update().filter(member_id=entry.member_id).first()
    entry.seq, previous = (head.seq + 1, head.digest) if head else (1, GENESIS)
    entry.key_id, key = keys.current()
    entry.digest = entry_digest(entry, previous, key)
    entry.save(force_insert=True)
    moved = {
        "seq": entry.seq,
        "digest": entry.digest,
        "mac": head_mac(entry.member_id, entry.seq, entry.digest, key),
        "key_id": entry.key_id,
    }
    if head is None:
        ChainHead.objects.create(member_id=entry.member_id, **moved)
    else:
        ChainHead.objects.filter(member_id=entry.member_id).update(**moved)


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
    periods.check(branch, year, month, source)
    lock_member(member)
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
    _link(entry)
    standings.touch(member.pk, year)
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
    periods.check(entry.branch, entry.year, entry.month, source)
    lock_member(entry.member)
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


# The stage a closing moves a month from, for each stage it moves it to.
_CLOSINGS = {
    Stage.CONFIRMED: Stage.OPEN,
    Stage.LOCKED: Stage.CONFIRMED,
    Stage.FILED: Stage.LOCKED,
}


def _check_stage(held: dict[int, Period], expected: str) -> None:
    wrong = sorted(month for month, period in held.items() if period.stage != expected)
    if wrong:
        raise InvalidState(
            _("Month %(months)s is not at the stage this step needs (%(stage)s).")
            % {"months": ", ".join(map(str, wrong)), "stage": Stage(expected).label},
            code="wrong_stage",
        )


@transaction.atomic
def periods_close(
    *,
    actor,
    branch: Organisation,
    year: int,
    held: dict[int, Period],
    stage: str,
    scheme: Scheme | None = None,
) -> None:
    """Move months a caller holds exclusively (periods.take) one stage on: confirmed by the
    general meeting, locked after the notice (recording the scheme, which freezes it), filed
    with the year."""
    _check_stage(held, _CLOSINGS[stage])
    if stage == Stage.LOCKED and scheme is None:
        raise InvalidState(_("No scoring scheme applies to this branch for that year."))
    _move(actor, branch, year, held, stage, scheme)


@transaction.atomic
def periods_reopen_filed(*, actor, branch: Organisation, year: int, held: dict[int, Period]):
    """The filing is withdrawn: the months go back to locked, where the parent organisation's
    decisions may change them again."""
    _check_stage(held, Stage.FILED)
    _move(actor, branch, year, held, Stage.LOCKED, None)


def _move(actor, branch, year, held, stage, scheme) -> None:
    months = sorted(held)
    fields = {"stage": stage, "changed_at": timezone.now()}
    if scheme is not None:
        fields["scheme"] = scheme
    Period.objects.filter(pk__in=[p.pk for p in held.values()]).update(**fields)
    log_action(
        "ledger.periods.moved",
        actor=actor,
        obj=next(iter(held.values())),
        organisation=branch,
        year=year,
        months=months,
        stage=stage,
        scheme=scheme,
    )


@transaction.atomic
def anchor_record(
    *, actor, branch: Organisation, year: int, quarter: int | None, kind: str, member_ids
) -> Anchor:
    """Anchor the chain heads of these members (a branch's register or year result) as they
    stand now. Members without entries are named with seq 0."""
    member_ids = sorted(set(member_ids))
    heads = {
        member_id: (seq, digest)
        for member_id, seq, digest in ChainHead.objects.filter(
            member_id__in=member_ids
        ).values_list("member_id", "seq", "digest")
    }
    anchor = Anchor(
        branch=branch,
        year=year,
        quarter=quarter,
        kind=kind,
        heads=[[pk, *heads.get(pk, (0, GENESIS))] for pk in member_ids],
        entries=sum(seq for seq, _digest in heads.values()),
        created_at=timezone.now(),
        created_by=actor,
    )
    anchor.key_id, key = keys.current()
    anchor.digest = anchor_digest(anchor, key)
    anchor.save(force_insert=True)
    log_action(
        "ledger.anchor.recorded",
        actor=actor,
        obj=anchor,
        organisation=branch,
        year=year,
        quarter=quarter,
        kind=kind,
        digest=anchor.digest,
    )
    return anchor
