"""What a copy of the database gives away: neither the SQLite file nor a PostgreSQL dump holds
any of the demo's ID numbers or phones in clear. And the migration that brought encryption
encrypts rows written before it (and, going back, decrypts them)."""

import datetime
import shutil
import subprocess
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from jifen.orgs.models import Member
from jifen.orgs.selectors import member_by_id_number
from tests.factories import valid_id_number
from tests.migrations import migrate_to, migrate_to_latest

TODAY = datetime.date(2026, 11, 24)


def _database_bytes() -> bytes:
    """The database as a copy of it would hold it: the SQLite file with its write-ahead log,
    or what pg_dump writes."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = Path(settings["NAME"])
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    assert shutil.which("pg_dump"), "pg_dump is needed (Debian: postgresql-client)"
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--dbname", settings["NAME"]],
        env={
            "PGHOST": settings["HOST"] or "",
            "PGPORT": str(settings["PORT"] or ""),
            "PGUSER": settings["USER"] or "",
            "PGPASSWORD": settings["PASSWORD"] or "",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        check=True,
    )
    return dump.stdout


def test_no_demo_id_number_or_phone_is_in_the_database_in_clear(transactional_db):
    call_command("load_demo", today=TODAY, stdout=StringIO())
    members = list(Member.objects.all())
    secrets = {m.id_number for m in members} | {m.phone for m in members}
    assert len(members) > 20 and all(secrets)

    content = _database_bytes()

    found = sorted(s for s in secrets if s.encode() in content)
    assert not found, f"in clear in the database: {found}"
    # The scan reads what it should: the demo's names are there, in clear.
    assert "张三".encode() in content


def _raw():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, birth_date FROM orgs_member")
        return cursor.fetchone()


def test_the_migration_encrypts_existing_rows_and_going_back_decrypts_them(
    transactional_db, latest_migrations_afterwards
):
    number = valid_id_number(5)
    before = migrate_to(("orgs", "0001_initial"))
    branch = before.get_model("orgs", "Organisation").objects.create(
        name="支部", kind="branch", path="1/"
    )
    before.get_model("orgs", "Member").objects.create(
        name="王五",
        gender="male",
        id_number=number,
        phone="13900000005",
        birth_date=datetime.date(1990, 3, 1),
        join_date=datetime.date(2015, 7, 1),
        branch_id=branch.pk,
    )

    migrate_to_latest()

    assert number not in str(_raw()) and "13900000005" not in str(_raw())
    member = member_by_id_number(number)
    assert (member.phone, member.birth_date) == ("13900000005", datetime.date(1990, 3, 1))

    migrate_to(("orgs", "0001_initial"))
    assert _raw()[:2] == (number, "13900000005")
