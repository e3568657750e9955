"""Database triggers that keep the archive append-only beneath the ORM: UPDATE and DELETE of
entries and anchors are refused by the database itself, whoever sends them.

On SQLite a migration that rebuilds one of these tables drops its triggers with it: such a
migration must install them again (tests/ledger/test_triggers.py checks they are there).
"""

from jifen.audit.triggers import trigger_names

APPEND_ONLY_TABLES = ("ledger_entry", "ledger_anchor")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION jifen_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'jifen: % is append-only; % refused', TG_TABLE_NAME, TG_OP;
END
$$ LANGUAGE plpgsql
"""


def _statements(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION jifen_append_only()",
        ]
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'jifen: {table} is append-only; {op} refused'); END"
        for op in ("UPDATE", "DELETE")
    ]


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
        for table in APPEND_ONLY_TABLES:
            for statement in _statements(connection.vendor, table):
                cursor.execute(statement)


def remove(connection) -> None:
    """Only for tests that must empty the tables between runs, and for migrations that have to
    rewrite a table; never in the application."""
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            else:
                for op in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


def installed(connection) -> set[str]:
    """Names of the append-only triggers present now."""
    return trigger_names(connection, APPEND_ONLY_TABLES)
