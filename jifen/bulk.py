"""Many rows inserted without the ORM's preparation of every value: for the bulk paths where,
for ten thousand rows, it costs more than the database's work (the audit events of a roster
import)."""

from collections.abc import Iterable

from django.db import connection, models


def insert_rows(
    model: type[models.Model], names: list[str], rows: Iterable[tuple], shared: dict | None = None
) -> int:
    """Insert `rows`, each the values of the fields `names` (attnames, as `branch_id`) in that
    order, and the values of `shared` in every row; each converted for the database as the ORM
    converts it, a shared value once. Returns how many rows."""
    shared = shared or {}
    own = [model._meta.get_field(name) for name in names]
    fields = own + [model._meta.get_field(name) for name in shared]
    same = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields[len(own) :], shared.values(), strict=True)
    ]
    prepared = [
        [field.get_db_prep_save(value, connection) for field, value in zip(own, row, strict=True)]
        + same
        for row in rows
    ]
    if prepared:
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, prepared)
    return len(prepared)
