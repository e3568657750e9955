"""What integrity costs: the locked, keyed write path and the archive's verification.

Prints, in one run on a throw-away test database (SQLite by default, PostgreSQL when
DATABASE_URL is set):
- a committee record through the services (month held, member locked, limits counted, keyed
  chain, head, audit) against a bare INSERT of the same row, per write, and their ratio;
- the same records by 1 and by 4 writers at once for different members of one branch and
  month: the month is held in share mode, so writers should not queue behind each other
  (PostgreSQL; SQLite runs one writer at a time by design);
- verify_ledger over the whole archive against reading the same rows without checking them.

    .venv/bin/python bench/integrity.py [--members 2000] [--per-month 4] [--writes 400]
"""

import argparse
import os
import sys
import threading
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jifen.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.archive import bulk_chains  # noqa: E402
from bench.database import throwaway_database  # noqa: E402
from bench.roster import bulk_members  # noqa: E402

YEAR = 2025
WRITERS = 4


def _setup(members: int, per_month: int):
    from jifen.ledger.models import Entry
    from jifen.orgs import services as orgs
    from jifen.orgs.enums import OrgKind, RoleKind
    from jifen.schemes import services as schemes

    root = get_user_model().objects.create_superuser("bench", password="bench-only")
    committee = orgs.organisation_create(
        actor=root, name="党委", kind=OrgKind.COMMITTEE, parent=None
    )
    branch = orgs.organisation_create(
        actor=root, name="第一支部", kind=OrgKind.BRANCH, parent=committee
    )
    scheme = schemes.scheme_create_from_preset(
        actor=root, organisation=committee, year=YEAR, name="细则"
    )
    orgs.role_grant(actor=root, user=root, organisation=branch, kind=RoleKind.SECRETARY)
    people = bulk_members(branch, members, 1)
    item = scheme.items.get(code="P03")
    now = timezone.now()
    count = bulk_chains(
        Entry(
            member=m,
            branch=branch,
            year=YEAR,
            month=month,
            item=item,
            category=item.category,
            points=Decimal(2),
            source="committee",
            reason="bench",
            recorded_by=root,
            recorded_at=now,
        )
        for m in people
        for month in range(1, 12)
        for _ in range(per_month)
    )
    return root, scheme, people, count


def _record(root, scheme, member):
    from jifen.declarations import services

    services.committee_record(
        actor=root,
        member=member,
        year=YEAR,
        month=12,
        item=scheme.items.get(code="D05"),
        points=Decimal(1),
        reason="工作失误",
        evidence="通报.pdf",
    )


def _bare_insert(root, scheme, member):
    from jifen.ledger.models import Entry

    with transaction.atomic():
        Entry.objects.bulk_create(
            [
                Entry(
                    member=member,
                    branch=member.branch,
                    year=YEAR + 1,
                    month=1,
                    item=scheme.items.get(code="D05"),
                    category="deduction",
                    points=Decimal(-1),
                    source="committee",
                    reason="bare",
                    recorded_by=root,
                    recorded_at=timezone.now(),
                    seq=10_000,
                    digest="0" * 64,
                    key_id="bench",
                )
            ]
        )


def _drop_bare_rows() -> None:
    """The bare rows are no part of the archive (no chain, no key): out with them, past the
    triggers, before the archive is verified."""
    from jifen.ledger import triggers
    from jifen.ledger.models import Entry

    triggers.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Entry._meta.db_table} WHERE key_id = 'bench'")
    triggers.install(connection)


def _per_write(function, root, scheme, members) -> float:
    start = time.perf_counter()
    for member in members:
        function(root, scheme, member)
    return (time.perf_counter() - start) / len(members)


def _in_parallel(root, scheme, members, writers: int) -> float:
    """Writes per second with `writers` threads, each on its own connection and members."""
    shares = [members[i::writers] for i in range(writers)]
    barrier = threading.Barrier(writers)

    def work(share):
        barrier.wait()
        for member in share:
            _record(root, scheme, member)
        connections.close_all()

    threads = [threading.Thread(target=work, args=(share,)) for share in shares]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(members) / (time.perf_counter() - start)


def _read_only() -> float:
    from jifen.ledger.models import Entry

    start = time.perf_counter()
    rows = Entry.objects.order_by("member_id", "seq").iterator(chunk_size=5000)
    for _ in rows:
        pass
    return time.perf_counter() - start


def run(members: int, per_month: int, writes: int) -> None:
    with transaction.atomic():
        root, scheme, people, count = _setup(members, per_month)
    print(f"database: {connection.vendor}; {members} members, {count} entries")
    service = _per_write(_record, root, scheme, people[:writes])
    bare = _per_write(_bare_insert, root, scheme, people[writes : 2 * writes])
    _drop_bare_rows()
    print(
        f"committee record {service * 1000:.2f} ms per write; bare INSERT "
        f"{bare * 1000:.2f} ms; ratio {service / bare:.1f}"
    )
    one = _in_parallel(root, scheme, people[2 * writes : 3 * writes], 1)
    many = _in_parallel(root, scheme, people[3 * writes : 4 * writes], WRITERS)
    print(
        f"one branch-month: 1 writer {one:.0f} writes/s, {WRITERS} writers {many:.0f} "
        f"writes/s; ratio {many / one:.2f}"
    )
    start = time.perf_counter()
    call_command("verify_ledger", stdout=StringIO())
    verified = time.perf_counter() - start
    read = _read_only()
    print(
        f"verify_ledger {verified:.1f} s ({count / verified:,.0f} entries/s); reading the rows "
        f"alone {read:.1f} s; ratio {verified / read:.1f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--per-month", type=int, default=4)
    parser.add_argument("--writes", type=int, default=400)
    args = parser.parse_args()
    if args.members < 4 * args.writes:
        parser.error("--members must be at least four times --writes")
    with throwaway_database():
        run(args.members, args.per_month, args.writes)


if __name__ == "__main__":
    main()
