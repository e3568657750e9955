"""The benchmarks still run: each at a small size, as `make bench` would at full size, so that a
change elsewhere cannot leave them broken until the next time someone measures. The figures at
these sizes mean nothing and are not looked at; only that every step ran and printed its line.

Each runs on SQLite in its own temporary directory, whatever database the suite is given: the
benchmarks make and drop their own test database, which on PostgreSQL would be the suite's."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bench(tmp_path):
    """Runs a benchmark; its temporary files (the database, gunicorn's log) go under tmp_path."""

    def run(script: str, *args: str, **env: str) -> str:
        return _bench(script, args, {"TMPDIR": str(tmp_path), **env})

    return run


def _bench(script: str, args, env: dict) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    finished = subprocess.run(
        [sys.executable, f"bench/{script}", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished.stdout


def test_year_close(bench):
    out = bench("year_close.py", "--members", "60", "120", "--rounds", "1")
    assert "scores differing from the SQL by more than 0.1: 0" in out
    assert "120 members: year computation" in out


def test_integrity(bench):
    out = bench("integrity.py", "--members", "80", "--writes", "20")
    assert "committee record" in out and "verify_ledger" in out


def test_exports(bench):
    # The large import goes to the worker above this many rows, as 100,000 do at full size.
    out = bench(
        "exports.py",
        "--members",
        "20",
        "--rows",
        "50",
        "--large",
        "100",
        JIFEN_IMPORT_BACKGROUND_ROWS="50",
    )
    assert "0 rows with errors, 50 created" in out
    assert "done, 100 created" in out


@pytest.mark.servers
def test_pages(bench):
    out = bench("pages.py", "--members", "30", "--seconds", "1", "--requests", "30")
    assert "grown: " in out and "+ 30 members" in out
    assert "branch dashboard, 1st" in out
