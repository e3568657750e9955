"""Many rows inserted by one statement executed for all of them, without a model instance
each: for the bulk paths where preparing ten thousand instances through the ORM costs more than
the database's work (a roster import's placements and audit events)."""

from collections.abc import Iterable

from django.db import connection, models


def insert_rows(model: type[models.Model], names: list[str], rows: Iterable[tuple]) -> int:
    """Insert `rows`, each the values of the fields `names` (attnames, as `branch_id`) in that
    order, converted for the database as the ORM converts them; returns how many."""
    fields = [model._meta.get_field(name) for name in names]
    prepared = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
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
