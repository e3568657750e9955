"""Exports and imports at scale (a benchmark, not a test): prints

- the 《党员积分登记表》 of a quarter for a 1,000-member branch to Excel, in both layouts
  (target < 2 s);
- the same register as PDF for a 50-member branch (target <= 1.5 s), after the one-off
  loading of the exports module and WeasyPrint with it;
- a 10,000-row roster import: the checking preview and the import itself (target <= 5 s each);
- a 100,000-row roster import: run in the request, as small files are, against the requests
  that keep the file and queue its import for the worker (target < 1 s each), and the import
  in the worker.

It sets up its own data in a temporary SQLite database (JIFEN_VAR_DIR=<tmpdir>, then migrate).
The sizes can be made smaller (tests/test_benchmarks.py runs it so, to keep it working); the
targets are for the default sizes.

    .venv/bin/python bench/exports.py [--members 1000] [--rows 10000] [--large 100000]
"""

import argparse
import datetime
import importlib
import io
import os
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "jifen.settings"
os.environ.pop("DATABASE_URL", None)
os.environ["JIFEN_VAR_DIR"] = tempfile.mkdtemp(prefix="jifen-bench-")
# The requests timed below would each log a JSON line: not a figure.
os.environ["JIFEN_REQUEST_LOG"] = "0"

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bench.archive import bulk_chains  # noqa: E402
from bench.roster import bulk_members, id_number_base  # noqa: E402

YEAR = 2025


def _branch(root, parent, name):
    from jifen.orgs import services as orgs
    from jifen.orgs.enums import OrgKind

    return orgs.organisation_create(actor=root, name=name, kind=OrgKind.BRANCH, parent=parent)


def _setup():
    from jifen.orgs import services as orgs
    from jifen.orgs.enums import OrgKind, RoleKind
    from jifen.schemes import services as schemes

    root = get_user_model().objects.create_superuser("bench", password="bench-only")
    committee = orgs.organisation_create(
        actor=root, name="机关党委", kind=OrgKind.COMMITTEE, parent=None
    )
    schemes.scheme_create_from_preset(actor=root, organisation=committee, year=YEAR, name="细则")
    orgs.role_grant(actor=root, user=root, organisation=committee, kind=RoleKind.ADMIN)
    return root, committee


def _entries(root, branch, members):
    """Two performance entries a month per member over the first quarter."""
    from jifen.ledger.enums import Source
    from jifen.ledger.models import Entry
    from jifen.schemes.selectors import current_scheme

    item = current_scheme(branch, YEAR).items.get(code="P03")
    now = datetime.datetime.now(datetime.UTC)
    bulk_chains(
        Entry(
            member=member,
            branch=branch,
            year=YEAR,
            month=month,
            item=item,
            category=item.category,
            points=Decimal(2 + i % 3),
            source=Source.COMMITTEE,
            reason="基准",
            recorded_by=root,
            recorded_at=now,
        )
        for i, member in enumerate(members)
        for month in [1, 1, 2, 2, 3, 3]
    )


def _confirm(root, branch, members):
    """The general meeting is held (planned, attended, closed, its points approved), then
    confirms the first quarter, as the cycle's services have it."""
    from django.utils import timezone

    from jifen.activities import services as activities
    from jifen.activities.enums import Audience, ProposalStatus
    from jifen.activities.selectors import activity_kinds
    from jifen.cycle import services as cycle
    from jifen.orgs.enums import RoleKind
    from jifen.orgs.services import role_grant

    role_grant(actor=root, user=root, organisation=branch, kind=RoleKind.SECRETARY)
    starts = timezone.make_aware(datetime.datetime(YEAR, 4, 8, 9))
    plan = activities.Plan(
        kind=activity_kinds(branch, YEAR).get(code="general_meeting"),
        title="第一季度党员大会",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        audience=Audience.CHOSEN,
        member_ids=(members[0].pk,),
        confirms_quarter=1,
    )
    meeting = activities.activity_plan(actor=root, organisation=branch, plan=plan)
    activities.attendance_tick(
        actor=root, activity=meeting, member_ids=[members[0].pk], now=meeting.starts_at
    )
    activities.activity_close(actor=root, activity=meeting, now=meeting.ends_at)
    proposed = list(meeting.proposals.filter(status=ProposalStatus.PROPOSED))
    activities.proposals_decide(actor=root, proposals=proposed, approve=True)
    cycle.quarter_confirm(
        actor=root, branch=branch, year=YEAR, quarter=1, meeting=meeting, now=meeting.ends_at
    )


def _timed(label, target, function):
    """Time `function`; `target` reads "< 2" or "≤ 1.5" (seconds), or is None."""
    started = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - started
    goal = f"   (target {target} s)" if target else ""
    print(f"{label:<58} {elapsed:6.2f} s{goal}")
    return result


def _register(root, branch, fmt, layout):
    from jifen.exchange import exports

    params = {"branch": branch.pk, "year": YEAR, "quarter": 1, "format": fmt, "layout": layout}
    return exports.render(exports.build("register", root, params), fmt)[0]


def _roster_file(branch_names, count, prefix):
    """A roster of `count` new members; each prefix gives other ID numbers."""
    from jifen.orgs.validators import id_number_check_code

    book = Workbook(write_only=True)
    sheet = book.create_sheet("名册")
    sheet.append(
        ["姓名", "性别", "身份证号", "入党日期", "党员身份", "党员类别", "所在支部", "联系电话"]
    )
    for n in range(count):
        first17 = id_number_base(prefix, n, "19850101")
        sheet.append(
            [
                f"新党员{n}",
                "女",
                first17 + id_number_check_code(first17),
                datetime.date(2010, 7, 1),
                "正式党员",
                "在职",
                branch_names[n % len(branch_names)],
                f"139{n:08d}",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000, help="the Excel register's branch")
    parser.add_argument("--rows", type=int, default=10_000, help="the roster import")
    parser.add_argument("--large", type=int, default=100_000, help="the large roster import")
    args = parser.parse_args()
    # WeasyPrint comes with the exports module (jifen/exchange/pdf.py): a worker or app server
    # loads it once, when it starts.
    _timed(
        "exports module loaded, WeasyPrint with it (once a process)",
        None,
        lambda: importlib.import_module("jifen.exchange.exports"),
    )
    from jifen.exchange import services
    from jifen.exchange.enums import Format, Layout, UploadKind
    from jifen.exchange.importers import CREATED

    call_command("migrate", verbosity=0)
    root, committee = _setup()
    big, small = _branch(root, committee, "第一党支部"), _branch(root, committee, "第二党支部")
    for branch, count, prefix in ((big, args.members, 1), (small, 50, 2)):
        members = bulk_members(branch, count, prefix)
        _entries(root, branch, members)
        _confirm(root, branch, members)
    print(f"database: {os.environ['JIFEN_VAR_DIR']}")
    _timed(
        f"register, {args.members:,} members → Excel, one sheet per member",
        "< 2",
        lambda: _register(root, big, Format.XLSX, Layout.PER_MEMBER),
    )
    _timed(
        f"register, {args.members:,} members → Excel, one table for the branch",
        "< 2",
        lambda: _register(root, big, Format.XLSX, Layout.BRANCH_TABLE),
    )
    pdf = _timed(
        "register, 50 members → PDF (one A4 page each)",
        "≤ 1.5",
        lambda: _register(root, small, Format.PDF, Layout.PER_MEMBER),
    )
    # The first PDF of a process also sets up Django's template engine and the fonts; every
    # PDF after it costs this:
    _timed(
        "the same PDF again, in the same process",
        "≤ 1.5",
        lambda: _register(root, small, Format.PDF, Layout.PER_MEMBER),
    )
    print(f"{'':<58} {len(pdf) // 1024} KiB")

    names = [f"第{n}党支部" for n in range(10)]
    content = _roster_file(names, args.rows, 10)
    for name in names:
        _branch(root, committee, name)
    upload = services.upload_create(
        actor=root, kind=UploadKind.ROSTER, filename="名册.xlsx", content=content
    )
    preview = _timed(
        f"roster, {args.rows:,} rows: preview (read and checked, nothing written)",
        "≤ 5",
        lambda: services.upload_preview(actor=root, upload=upload),
    )
    report = _timed(
        f"roster, {args.rows:,} rows: import",
        "≤ 5",
        lambda: services.upload_import(actor=root, upload=upload),
    )
    print(f"{'':<58} {len(preview.bad_rows)} rows with errors, {report.count(CREATED)} created")
    _large_import(root, names, args.large)


def _large_import(root, names, count):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from jifen.exchange import services
    from jifen.exchange.enums import JobKind, UploadKind
    from jifen.exchange.importers import CREATED
    from jifen.exchange.models import Job

    upload = services.upload_create(
        actor=root,
        kind=UploadKind.ROSTER,
        filename="名册.xlsx",
        content=_roster_file(names, count, 11),
    )
    report = _timed(
        f"roster, {count:,} rows: import in the request (before)",
        None,
        lambda: services.upload_import(actor=root, upload=upload),
    )
    print(f"{'':<58} {report.count(CREATED)} created")
    # The same walk as a browser's, through the pages; another file, so that rows are new.
    # WhiteNoise warns that collectstatic has not run: no static file is served here.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    content = _roster_file(names, count, 12)
    client = Client(SERVER_NAME="localhost")
    client.force_login(root)
    kept = _timed(
        f"roster, {count:,} rows: request that keeps the file",
        "< 1",
        lambda: client.post(
            reverse("exchange:roster_upload"), {"file": SimpleUploadedFile("名册.xlsx", content)}
        ),
    )
    preview = kept["Location"]
    _timed(
        f"roster, {count:,} rows: its page (nothing checked yet)",
        "< 1",
        lambda: client.get(preview),
    )
    _timed(
        f"roster, {count:,} rows: request that queues the import",
        "< 1",
        lambda: client.post(preview, {}),
    )
    job = Job.objects.get(kind=JobKind.IMPORT)
    _timed(
        f"roster, {count:,} rows: the import in the worker",
        None,
        lambda: services.job_run(job_id=str(job.pk)),
    )
    job.refresh_from_db()
    print(f"{'':<58} {job.state}, {job.report['created']} created")


if __name__ == "__main__":
    main()
