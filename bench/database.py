"""The benchmarks' throw-away database: a test database (SQLite in a temporary directory, or on
the PostgreSQL server of DATABASE_URL), made quietly and dropped afterwards."""

import contextlib
import io
import tempfile


@contextlib.contextmanager
def throwaway_database():
    from django.db import connection

    if connection.vendor == "sqlite":
        tmp = tempfile.mkdtemp(prefix="jifen-bench-")
        connection.settings_dict["TEST"]["NAME"] = f"{tmp}/bench.sqlite3"
    # Django runs createcachetable after the migrations, which already made the throttle's
    # table, and it says so on standard output whatever the verbosity: not a benchmark figure.
    with contextlib.redirect_stdout(io.StringIO()):
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
