"""Year close at scale: 10,000 members × 12 months (about 1M ledger entries), or more.

Times the year computation (jifen.scoring.selectors.branches_year_results for every branch of
the organisation) and, over the same rows, one hand-written SQL aggregate that does only the
arithmetic; prints both and their ratio (target ≤ 2). SQLite by default; PostgreSQL when
DATABASE_URL is set. Runs in a throw-away test database.

With several sizes (--members 10000 100000) each gets its own database in turn, and the run
ends with the time per 1,000 members at each size: the same time means linear growth.
Entries are streamed with COPY on PostgreSQL (bench/archive.py): 100,000 members (9.6M
entries) build in minutes.

    .venv/bin/python bench/year_close.py [--members 10000 [100000]] [--per-month 8] [--rounds 5]
"""

import argparse
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jifen.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.archive import bulk_chains, entry  # noqa: E402
from bench.database import throwaway_database  # noqa: E402
from bench.roster import bulk_members  # noqa: E402

YEAR = 2025
BRANCH_SIZE = 100
ROUNDS = 5


def _tree(members: int):
    from jifen.orgs import services as orgs
    from jifen.orgs.enums import OrgKind
    from jifen.schemes import services as schemes

    root = get_user_model().objects.create_superuser("bench", password="bench-only")
    committee = orgs.organisation_create(
        actor=root, name="党委", kind=OrgKind.COMMITTEE, parent=None
    )
    general = orgs.organisation_create(
        actor=root, name="党总支", kind=OrgKind.GENERAL_BRANCH, parent=committee
    )
    branches = [
        orgs.organisation_create(actor=root, name=f"第{n}支部", kind=OrgKind.BRANCH, parent=general)
        for n in range(members // BRANCH_SIZE)
    ]
    scheme = schemes.scheme_create_from_preset(
        actor=root, organisation=committee, year=YEAR, name="细则"
    )
    return root, branches, scheme


def _entries(members, scheme, root, per_month: int) -> int:
    """Entries as the services would write them, chained, but written in bulk for speed."""
    rng = random.Random(1)
    items = [i for i in scheme.items.all() if i.category in ("performance", "deduction")]
    signed = [
        (i.pk, i.category, -i.points_min if i.category == "deduction" else i.points_min)
        for i in items
    ]
    now = timezone.now()
    return bulk_chains(
        entry(
            member_id=member_id,
            branch_id=branch_id,
            year=YEAR,
            month=month,
            item_id=item_id,
            category=category,
            points=points,
            source="committee",
            reason="bench",
            recorded_by_id=root.pk,
            recorded_at=now,
        )
        for member_id, branch_id in members
        for month in range(1, 13)
        for item_id, category, points in (rng.choice(signed) for _ in range(per_month))
    )


def _hand_written_sql() -> str:
    """The same arithmetic (base + capped performance + deductions, floored, over 12 months)
    in one statement, as a DBA would write it."""
    least, greatest = ("MIN", "MAX") if connection.vendor == "sqlite" else ("LEAST", "GREATEST")
    return f"""
        SELECT member_id, (SUM(score) + 60 * (12 - COUNT(*))) / 12.0 AS year_score
        FROM (
            SELECT member_id, month,
                   {greatest}(60 + {least}(SUM(CASE WHEN category = 'performance'
                                                   THEN points ELSE 0 END), 35)
                                 + SUM(CASE WHEN category = 'deduction' THEN points ELSE 0 END),
                              0) AS score
            FROM ledger_entry WHERE year = %s
            GROUP BY member_id, month
        ) AS months
        GROUP BY member_id
    """


def _run_hand_written_sql():
    with connection.cursor() as cursor:
        cursor.execute(_hand_written_sql(), [YEAR])
        return cursor.fetchall()


def _timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def run(members: int, per_month: int, rounds: int) -> tuple[float, float]:
    """Generate the organisation and time the year computation against the SQL; returns the
    best time of each."""
    from jifen.scoring.selectors import branches_year_results

    with transaction.atomic():
        root, branches, scheme = _tree(members)
        people = [
            (m.pk, m.branch_id)
            for b, branch in enumerate(branches)
            for m in bulk_members(branch, BRANCH_SIZE, 1, first=b * BRANCH_SIZE)
        ]
    with transaction.atomic():
        gen_time, count = _timed(lambda: _entries(people, scheme, root, per_month))
    print(
        f"database: {connection.vendor}; {len(people):,} members, {count:,} entries "
        f"(generated in {gen_time:.0f} s)"
    )
    with connection.cursor() as cursor:  # statistics, as a maintained database has them
        cursor.execute("ANALYZE")
    orm_times, sql_times = [], []
    for _ in range(rounds):  # best of several rounds: the first also warms the caches
        orm_time, results = _timed(lambda: branches_year_results(branches, YEAR))
        sql_time, rows = _timed(_run_hand_written_sql)
        orm_times.append(orm_time)
        sql_times.append(sql_time)
    orm, sql = min(orm_times), min(sql_times)
    print(
        f"year computation {orm:.2f} s; hand-written SQL {sql:.2f} s; "
        f"ratio {orm / sql:.2f} (best of {rounds} rounds each)"
    )
    scored = {m.member_id: m.score for r in results.values() for m in r.members}
    raw = {member_id: Decimal(str(score)).quantize(Decimal("0.1")) for member_id, score in rows}
    mismatches = sum(1 for pk, score in scored.items() if abs(score - raw[pk]) > Decimal("0.1"))
    print(
        f"members scored: {len(scored):,}; "
        f"scores differing from the SQL by more than 0.1: {mismatches}"
    )
    return orm, sql


def _in_test_database(members: int, per_month: int, rounds: int) -> tuple[float, float]:
    with throwaway_database():
        return run(members, per_month, rounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--members", type=int, nargs="+", default=[10000], help="one or more sizes, in turn"
    )
    parser.add_argument("--per-month", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    timings = {n: _in_test_database(n, args.per_month, args.rounds) for n in args.members}
    if len(timings) > 1:
        # Linear growth keeps the time per 1,000 members the same from one size to the next.
        smallest = min(timings)
        for n, (orm, sql) in sorted(timings.items()):
            print(
                f"{n:>9,} members: year computation {orm / n * 1000:.3f} s per 1,000 members "
                f"(× {orm / timings[smallest][0] / (n / smallest):.2f} of linear from "
                f"{smallest:,}); SQL {sql / n * 1000:.3f} s per 1,000; ratio {orm / sql:.2f}"
            )


if __name__ == "__main__":
    main()
