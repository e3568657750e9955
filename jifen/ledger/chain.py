"""The hash chain of a member's entries: each digest covers the entry and its predecessor's."""

import datetime
import hashlib
import json

from jifen.ledger.models import Entry

GENESIS = "0" * 64


def entry_digest(entry: Entry, previous: str) -> str:
    recorded_at = entry.recorded_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    payload = [
        previous,
        entry.seq,
        entry.member_id,
        entry.branch_id,
        entry.year,
        entry.month,
        entry.item_id,
        entry.category,
        f"{entry.points:.1f}",
        entry.commendation_level_id,
        entry.source,
        entry.reason,
        entry.evidence,
        entry.reverses_id,
        entry.recorded_by_id,
        recorded_at,
    ]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def first_broken_entry(entries) -> Entry | None:
    """Walk entries ordered by member and seq; return the first whose digest does not match."""
    member_id, previous, expected_seq = None, GENESIS, 1
    for entry in entries:
        if entry.member_id != member_id:
            member_id, previous, expected_seq = entry.member_id, GENESIS, 1
        if entry.seq != expected_seq or entry_digest(entry, previous) != entry.digest:
            return entry
        previous, expected_seq = entry.digest, expected_seq + 1
    return None
