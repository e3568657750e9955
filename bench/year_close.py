"""Year close at scale: 10,000 members × 12 months (about 1M ledger entries).

Times the year computation (jifen.scoring.selectors.branches_year_results for every branch of
the organisation) and, over the same rows, one hand-written SQL aggregate that does only the
arithmetic; prints both and their ratio (target ≤ 2). SQLite by default; PostgreSQL when
DATABASE_URL is set. Runs in a throw-away test database.

    .venv/bin/python bench/year_close.py [--members 10000] [--per-month 8]
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

from bench.archive import bulk_chains  # noqa: E402
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
    """Entries as the services would write them, chained, but inserted in bulk for speed."""
    from jifen.ledger.models import Entry

    rng = random.Random(1)
    items = [i for i in scheme.items.all() if i.category in ("performance", "deduction")]
    now = timezone.now()

    def rows():
        for member in members:
            for month in range(1, 13):
                for _ in range(per_month):
                    item = rng.choice(items)
                    sign = -1 if item.category == "deduction" else 1
                    yield Entry(
                        member=member,
                        branch=member.branch,
                        year=YEAR,
                        month=month,
                        item=item,
                        category=item.category,
                        points=sign * item.points_min,
                        source="committee",
                        reason="bench",
                        recorded_by=root,
                        recorded_at=now,
                    )

    return bulk_chains(rows())


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


def run(members: int, per_month: int) -> None:
    from jifen.scoring.selectors import branches_year_results

    with transaction.atomic():
        root, branches, scheme = _tree(members)
        people = [
            m for b, branch in enumerate(branches) for m in bulk_members(branch, BRANCH_SIZE, b)
        ]
    gen_time, count = _timed(lambda: _entries(people, scheme, root, per_month))
    print(
        f"database: {connection.vendor}; {len(people)} members, {count} entries "
        f"(generated in {gen_time:.1f} s)"
    )
    with connection.cursor() as cursor:  # statistics, as a maintained database has them
        cursor.execute("ANALYZE")
    orm_times, sql_times = [], []
    for _ in range(ROUNDS):  # best of several rounds: the first also warms the caches
        orm_time, results = _timed(lambda: branches_year_results(branches, YEAR))
        sql_time, rows = _timed(_run_hand_written_sql)
        orm_times.append(orm_time)
        sql_times.append(sql_time)
    print(
        f"year computation {min(orm_times):.2f} s; hand-written SQL {min(sql_times):.2f} s; "
        f"ratio {min(orm_times) / min(sql_times):.2f} (best of {ROUNDS} rounds each)"
    )
    scored = {m.member_id: m.score for r in results.values() for m in r.members}
    raw = {member_id: Decimal(str(score)).quantize(Decimal("0.1")) for member_id, score in rows}
    mismatches = sum(1 for pk, score in scored.items() if abs(score - raw[pk]) > Decimal("0.1"))
    print(
        f"members scored: {len(scored)}; "
        f"scores differing from the SQL by more than 0.1: {mismatches}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10000)
    parser.add_argument("--per-month", type=int, default=8)
    args = parser.parse_args()
    with throwaway_database():
        run(args.members, args.per_month)


if __name__ == "__main__":
    main()
