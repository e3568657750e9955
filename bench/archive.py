"""Entries for the benchmarks, chained and signed as ledger.services.append_entry would, but
written in bulk: a million appends one by one would time the setup rather than what is
measured. On PostgreSQL the rows are streamed with COPY (psycopg), on SQLite inserted with
executemany, without a model instance per row: a province's ten million entries build in
minutes."""

import datetime
from types import SimpleNamespace

from django.db import connection

# The columns written, in order; every entry given must have these attributes (an Entry, or
# a lighter object from `entry`).
FIELDS = [
    "member_id",
    "branch_id",
    "year",
    "month",
    "item_id",
    "category",
    "points",
    "commendation_level_id",
    "source",
    "reason",
    "evidence",
    "reverses_id",
    "recorded_by_id",
    "recorded_at",
    "seq",
    "digest",
    "key_id",
]
BATCH = 20000


def entry(**fields) -> SimpleNamespace:
    """An entry's fields without the cost of a model instance."""
    defaults = {"commendation_level_id": None, "evidence": "", "reverses_id": None}
    return SimpleNamespace(**{**defaults, **fields})


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def _skip_key_checks(cursor) -> None:
    """The rows are valid by construction: checking each one's five foreign keys as it is
    copied would time the checks rather than the year close. Only a superuser may skip them
    (replication role, for this transaction); anyone else copies with the checks."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


def _write(table: str, columns: list[str], rows) -> int:
    """Insert tuples into the table: COPY on PostgreSQL (lines written in large blocks, which
    is many times faster than a row at a time), executemany in batches elsewhere."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _skip_key_checks(cursor)
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                block = []
                for row in rows:
                    block.append("\t".join(map(_text, row)))
                    if len(block) >= BATCH:
                        copy.write("\n".join(block) + "\n")
                        count, block = count + len(block), []
                if block:
                    copy.write("\n".join(block) + "\n")
            return count + len(block)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
        return count + len(batch)


def bulk_chains(entries) -> int:
    """Chain and sign new entries (each member's in order, each member's chain new), insert
    them and their chain heads; returns how many were inserted."""
    from jifen.ledger import keys
    from jifen.ledger.chain import GENESIS, entry_digest, head_mac
    from jifen.ledger.models import ChainHead, Entry

    key_id, key = keys.current()
    heads: dict[int, tuple[int, str]] = {}
    adapt = connection.ops.adapt_datetimefield_value
    moments: dict = {}

    def rows():
        for e in entries:
            seq, previous = heads.get(e.member_id, (0, GENESIS))
            e.seq, e.key_id = seq + 1, key_id
            e.digest = entry_digest(e, previous, key)
            heads[e.member_id] = (e.seq, e.digest)
            row = [getattr(e, name) for name in FIELDS]
            if connection.vendor != "postgresql":  # the adapters the ORM would apply
                when = row[13]
                row[13] = moments.get(when) or moments.setdefault(when, adapt(when))
                row[6] = str(row[6])
            yield row

    column = {f.attname: f.column for f in Entry._meta.concrete_fields}
    columns = [column[name] for name in FIELDS]
    total = _write(Entry._meta.db_table, columns, rows())
    _write(
        ChainHead._meta.db_table,
        ["member_id", "seq", "digest", "mac", "key_id"],
        (
            (member_id, seq, digest, head_mac(member_id, seq, digest, key), key_id)
            for member_id, (seq, digest) in heads.items()
        ),
    )
    return total
