"""Entries for the benchmarks, chained and signed as ledger.services.append_entry would, but
inserted in bulk: a million appends one by one would time the setup rather than what is
measured."""


def bulk_chains(entries) -> int:
    """Chain and sign new entries (each member's in order, each member's chain new), insert
    them and their chain heads; returns how many were inserted."""
    from jifen.ledger import keys
    from jifen.ledger.chain import GENESIS, entry_digest, head_mac
    from jifen.ledger.models import ChainHead, Entry

    key_id, key = keys.current()
    last: dict[int, Entry] = {}
    batch, total = [], 0
    for entry in entries:
        previous = last.get(entry.member_id)
        entry.seq = previous.seq + 1 if previous else 1
        entry.key_id = key_id
        entry.digest = entry_digest(entry, previous.digest if previous else GENESIS, key)
        last[entry.member_id] = entry
        batch.append(entry)
        if len(batch) >= 20000:
            total += len(Entry.objects.bulk_create(batch))
            batch = []
    total += len(Entry.objects.bulk_create(batch))
    ChainHead.objects.bulk_create(
        [
            ChainHead(
                member_id=e.member_id,
                seq=e.seq,
                digest=e.digest,
                mac=head_mac(e.member_id, e.seq, e.digest, key),
                key_id=key_id,
            )
            for e in last.values()
        ],
        batch_size=5000,
    )
    return total
