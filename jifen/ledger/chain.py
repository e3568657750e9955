"""The keyed chain of a member's entries, its head, and the anchors over a branch's heads.

Each digest is an HMAC (SHA-256, or SM3 where the key says so) under a key kept outside the
database (jifen/ledger/keys.py): whoever can only write to the database can neither forge an
entry nor re-chain the entries after one they changed.
"""

import datetime
import hmac
import json

from jifen.ledger.keys import LedgerKey
from jifen.ledger.models import Anchor, Entry

GENESIS = "0" * 64


def _mac(key: LedgerKey, payload: list) -> str:
    message = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key.secret, message, key.hash_name).hexdigest()


def _instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def entry_digest(entry: Entry, previous: str, key: LedgerKey) -> str:
    return _mac(
        key,
        [
            "entry",
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
            _instant(entry.recorded_at),
            entry.key_id,
        ],
    )


def head_mac(member_id: int, seq: int, digest: str, key: LedgerKey) -> str:
    return _mac(key, ["head", member_id, seq, digest])


def anchor_digest(anchor: Anchor, key: LedgerKey) -> str:
    return _mac(
        key,
        [
            "anchor",
            anchor.kind,
            anchor.branch_id,
            anchor.year,
            anchor.quarter,
            anchor.entries,
            _instant(anchor.created_at),
            anchor.heads,
            anchor.key_id,
        ],
    )


def normalise_code(code: str) -> str:
    """A printed anchor code as typed back: spaces, dashes and case do not matter."""
    return "".join(ch for ch in code.lower() if ch in "0123456789abcdef")
