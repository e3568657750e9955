"""Database triggers that keep the audit log and the access records as evidence beneath the
ORM: no row is ever changed, and no row younger than the legal retention floor (180 days,
services.RETENTION_FLOOR_DAYS) is deleted, whoever sends the SQL. Only purge_audit_log's
deletion of older rows passes.

As with the ledger's triggers (jifen/ledger/triggers.py), a migration that rebuilds one of these
tables on SQLite drops its triggers and must install them again.
"""

from jifen.audit.services import RETENTION_FLOOR_DAYS

EVIDENCE_TABLES = ("audit_auditevent", "audit_accessrecord")

_PG_FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION jifen_evidence_no_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'jifen: % is evidence; UPDATE refused', TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql
""",
    f"""
CREATE OR REPLACE FUNCTION jifen_evidence_retained() RETURNS trigger AS $$
BEGIN
    IF OLD.at > now() - interval '{RETENTION_FLOOR_DAYS} days' THEN
        RAISE EXCEPTION 'jifen: % keeps rows {RETENTION_FLOOR_DAYS} days; DELETE refused',
            TG_TABLE_NAME;
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql
""",
]


def _statements(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}",
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION jifen_evidence_no_update()",
            f"DROP TRIGGER IF EXISTS {table}_retained ON {table}",
            f"CREATE TRIGGER {table}_retained BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION jifen_evidence_retained()",
        ]
    # SQLite keeps Django's datetimes as UTC text ("2026-05-01 08:00:00.123456"), which sorts
    # as the time does against datetime('now', …).
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'jifen: {table} is evidence; UPDATE refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_retained BEFORE DELETE ON {table} "
        f"WHEN OLD.at > datetime('now', '-{RETENTION_FLOOR_DAYS} days') "
        f"BEGIN SELECT RAISE(ABORT, 'jifen: {table} keeps rows {RETENTION_FLOOR_DAYS} days; "
        "DELETE refused'); END",
    ]


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for function in _PG_FUNCTIONS:
                cursor.execute(function)
        for table in EVIDENCE_TABLES:
            for statement in _statements(connection.vendor, table):
                cursor.execute(statement)


def remove(connection) -> None:
    """Only for tests that must empty the tables between runs, and for migrations that have to
    rewrite a table; never in the application."""
    with connection.cursor() as cursor:
        for table in EVIDENCE_TABLES:
            for name in (f"{table}_no_update", f"{table}_retained"):
                on = f" ON {table}" if connection.vendor == "postgresql" else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")


def installed(connection) -> set[str]:
    """Names of the evidence triggers present now."""
    return trigger_names(connection, EVIDENCE_TABLES)


def trigger_names(connection, tables) -> set[str]:
    """Names of the triggers on `tables` present now (the ledger's tables use it too)."""
    tables = list(tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN "
                "(SELECT oid FROM pg_class WHERE relname = ANY(%s))",
                [tables],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
                tables,
            )
        return {row[0] for row in cursor.fetchall()}
