"""Checking the points archive against its own marks: every chain link, every head, every anchor.

Each broken thing is named (member, entry number, anchor), so that whoever reads the report
knows what was changed, added or removed behind the application's back.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jifen.ledger import keys
from jifen.ledger.chain import GENESIS, anchor_digest, entry_digest, head_mac
from jifen.ledger.models import Anchor, ChainHead, Entry
from jifen.orgs.models import Member


@dataclass
class Report:
    entries: int = 0
    chains: int = 0
    heads: int = 0
    anchors: int = 0
    problems: list[tuple[int | None, str]] = field(default_factory=list)  # (member id, text)
    walked: set[int] = field(default_factory=set)  # members whose chain has entries
    digests: set[str] = field(default_factory=set)  # keyed digests met (hmac-sha256, hmac-sm3)

    def add(self, member_id: int | None, text: str) -> None:
        self.problems.append((member_id, text))


def _numbers(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first}–#{last}"


class _Chain:
    """One member's chain as it is walked, entry by entry in seq order."""

    def __init__(self, member_id: int, report: Report):
        self.member_id, self.report = member_id, report
        self.previous, self.expected, self.last = GENESIS, 1, 0
        self.bad_from: int | None = None

    def take(self, entry: Entry) -> None:
        if entry.seq > self.expected:
            self._close_bad_run()
            self.report.add(
                self.member_id,
                _("entries %(numbers)s are missing from the middle of the chain.")
                % {"numbers": _numbers(self.expected, entry.seq - 1)},
            )
        key = _key(self.report, entry.key_id)
        if key is None:
            self._close_bad_run()
            self.report.add(
                self.member_id,
                _(
                    "entry #%(seq)d (id %(id)d) is signed with a key this server does not hold "
                    "(key id %(key)s)."
                )
                % {"seq": entry.seq, "id": entry.pk, "key": entry.key_id or "—"},
            )
        elif entry_digest(entry, self.previous, key) != entry.digest:
            self.bad_from = self.bad_from or entry.seq
        else:
            self._close_bad_run()
        self.previous, self.expected, self.last = entry.digest, entry.seq + 1, entry.seq

    def _close_bad_run(self) -> None:
        if self.bad_from is None:
            return
        self.report.add(
            self.member_id,
            _("entries %(numbers)s do not match their digests: changed or forged.")
            % {"numbers": _numbers(self.bad_from, self.expected - 1)},
        )
        self.bad_from = None

    def finish(self, head: ChainHead | None) -> None:
        self._close_bad_run()
        if head is None:
            self.report.add(
                self.member_id,
                _(
                    "the chain has entries up to #%(last)d but no head: it was written behind "
                    "the application's back."
                )
                % {"last": self.last},
            )
            return
        _check_head(self.report, head)
        if head.seq > self.last:
            self.report.add(
                self.member_id,
                _(
                    "the chain ends at #%(last)d but its head records #%(head)d: entries "
                    "%(numbers)s are missing from its end."
                )
                % {
                    "last": self.last,
                    "head": head.seq,
                    "numbers": _numbers(self.last + 1, head.seq),
                },
            )
        elif head.seq < self.last:
            self.report.add(
                self.member_id,
                _(
                    "entries %(numbers)s come after the head (#%(head)d): they were added behind "
                    "the application's back."
                )
                % {"numbers": _numbers(head.seq + 1, self.last), "head": head.seq},
            )
        elif head.digest != self.previous:
            self.report.add(
                self.member_id,
                _("the last entry #%(last)d is not the one its head records.")
                % {"last": self.last},
            )


def _key(report: Report, identifier: str) -> keys.LedgerKey | None:
    key = keys.by_id(identifier)
    if key is not None:
        report.digests.add(key.digest)
    return key


def _check_head(report: Report, head: ChainHead) -> None:
    key = _key(report, head.key_id)
    if key is None or head_mac(head.member_id, head.seq, head.digest, key) != head.mac:
        report.add(head.member_id, _("the chain's head does not match its mark: it was forged."))


def _anchor_label(anchor: Anchor) -> str:
    period = f" Q{anchor.quarter}" if anchor.quarter else ""
    return _("anchor %(code)s… (%(branch)s %(year)s%(period)s, %(kind)s, %(day)s)") % {
        "code": anchor.digest[:8],
        "branch": anchor.branch.name,
        "year": anchor.year,
        "period": period,
        "kind": anchor.get_kind_display(),
        "day": anchor.created_at.date().isoformat(),
    }


def _check_anchor(report: Report, anchor: Anchor, found: dict[tuple[int, int], str]) -> None:
    label = _anchor_label(anchor)
    key = _key(report, anchor.key_id)
    if key is None or anchor_digest(anchor, key) != anchor.digest:
        report.add(
            None, _("%(anchor)s does not match its code: it was changed.") % {"anchor": label}
        )
        return
    for member_id, seq, digest in anchor.heads:
        if seq == 0:
            continue
        actual = found.get((member_id, seq))
        if actual is None:
            report.add(
                member_id,
                _("entry #%(seq)d, which %(anchor)s names, is missing.")
                % {"seq": seq, "anchor": label},
            )
        elif actual != digest:
            report.add(
                member_id,
                _("entry #%(seq)d is not the one %(anchor)s names.")
                % {"seq": seq, "anchor": label},
            )


def verify(*, anchors=None, member_ids=None) -> Report:
    """Walk every chain (or those of `member_ids`), its head and every anchor (or `anchors`)."""
    report = Report()
    anchors = list((Anchor.objects.all() if anchors is None else anchors).select_related("branch"))
    wanted = {(m, s) for a in anchors for m, s, _d in a.heads if s}
    heads = ChainHead.objects.all()
    entries = Entry.objects.order_by("member_id", "seq")
    if member_ids is not None:
        heads, entries = (
            heads.filter(member_id__in=member_ids),
            entries.filter(member_id__in=member_ids),
        )
    heads = {head.member_id: head for head in heads}
    report.heads = len(heads)
    found = _walk(report, entries, heads, wanted)
    for member_id in sorted(set(heads) - report.walked):
        _check_head(report, heads[member_id])
        report.add(
            member_id,
            _("its head records %(count)d entries but none is left: the whole chain is missing.")
            % {"count": heads[member_id].seq},
        )
    report.anchors = len(anchors)
    for anchor in anchors:
        _check_anchor(report, anchor, found)
    return report


def _walk(report: Report, entries, heads: dict, wanted: set) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    chain: _Chain | None = None
    iterator = entries.iterator(chunk_size=5000)
    try:
        for entry in iterator:
            if chain is None or entry.member_id != chain.member_id:
                if chain is not None:
                    chain.finish(heads.get(chain.member_id))
                chain = _Chain(entry.member_id, report)
                report.walked.add(entry.member_id)
            chain.take(entry)
            report.entries += 1
            if (entry.member_id, entry.seq) in wanted:
                found[(entry.member_id, entry.seq)] = entry.digest
    finally:
        # Close PostgreSQL's server-side cursor now, inside the transaction that opened it.
        iterator.close()
    if chain is not None:
        chain.finish(heads.get(chain.member_id))
    report.chains = len(report.walked)
    return found


def member_names(report: Report) -> dict[int, str]:
    ids = {member_id for member_id, _text in report.problems if member_id is not None}
    return dict(Member.objects.filter(pk__in=ids).values_list("pk", "name"))
