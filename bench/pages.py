"""Pages at two sizes: what a page costs for a 20-member branch and for a 2,000-member one.

Builds a database (the demo data, then the demo member's branch grown to 2,000 more members
with a year of entries, a month of declarations waiting for review and a notice listing them
all), serves it with gunicorn on a free loopback port (fixed settings: bench/pages_site.py,
DEBUG off, static files collected, 2 sync workers), and loads each page with ApacheBench on
loopback, bounded in requests and time. Prints requests/s of a bare Django view and of each
page, each page as a ratio to the bare view, its SQL query count, and at 2,000 members its cost
as a ratio to the demo size. Targets: public notice pages ≥ 0.50 of the bare view, member and
branch pages ≥ 0.25, and each page at 2,000 members within 1.3× of its demo-size cost.

Each reader sends the cookies a browser holds (session and CSRF), so a signed-in page is served
as the session's kept page (jifen/web/personal.py) after its first view; the rows marked "1st"
load the same pages rendered on every request (JIFEN_PERSONAL_PAGE_SECONDS=0), as a first view
or a view after a change is. They have no target and are printed beside the others.

SQLite in a temporary directory, as `make run` serves. The growth can be made smaller
(tests/test_benchmarks.py runs it so, to keep it working); the targets are for 2,000.

    .venv/bin/python bench/pages.py [--seconds 5] [--requests 20000] [--concurrency 8]
                                    [--members 2000]
"""

import argparse
import datetime
import logging
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.pages_site"
os.environ.pop("DATABASE_URL", None)
os.environ["JIFEN_VAR_DIR"] = tempfile.mkdtemp(prefix="jifen-bench-pages-")

AB = shutil.which("ab")
if AB is None:
    sys.exit(
        "bench/pages.py needs ApacheBench (`ab`, Debian package apache2-utils) to load the "
        "pages: apt-get install apache2-utils (scripts/system-deps.sh installs it)."
    )

import django  # noqa: E402

django.setup()
# The page counts of queries run in this process with the test client: their request lines
# (jifen/web/logs.py) are not figures. gunicorn's workers keep theirs, in a file.
logging.getLogger("jifen.request").disabled = True

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.archive import bulk_chains  # noqa: E402
from bench.roster import bulk_members  # noqa: E402

WORKERS = 2
PUBLIC, PERSONAL = 0.50, 0.25
GROWTH_TARGET = 1.3


def _demo():
    from jifen.cycle.selectors import public_notices
    from jifen.orgs.models import Member, Organisation

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    member = Member.objects.select_related("branch", "user").get(user__username="member")
    branch = member.branch
    notice = public_notices().filter(branch=branch).order_by("-opens_on").first()
    today = timezone.localdate()
    assert Organisation.objects.filter(pk=branch.pk).exists() and notice is not None
    return (
        branch,
        notice,
        [
            ("bare Django view", "/bench/bare/", None, None),
            # The same view for a signed-in reader (session, user, session limits): what any
            # signed-in page costs before its own work.
            ("bare, signed in", "/bench/bare/", "member", None),
            ("/notices/", "/notices/", None, PUBLIC),
            ("one notice", f"/notices/{notice.pk}/", None, PUBLIC),
            ("/portal/me/", "/portal/me/", "member", PERSONAL),
            ("year breakdown", f"/portal/me/scores/{today.year}/", "member", PERSONAL),
            ("review queue", f"/portal/branch/{branch.pk}/review/", "committee", PERSONAL),
            ("branch dashboard", f"/dashboards/{branch.pk}/", "secretary", PERSONAL),
        ],
    )


def _grow(branch, notice, growth: int) -> int:
    """`growth` (2,000) more members in the branch with a year of entries (eight a month, as
    the issue's 192,790), this month's declarations waiting for review, and the notice listing
    them all."""
    from jifen.cycle.models import Notice, NoticeRow
    from jifen.declarations.enums import DeclarationStatus
    from jifen.declarations.models import Declaration
    from jifen.ledger import standings
    from jifen.ledger.models import Entry
    from jifen.schemes.selectors import current_scheme

    today = timezone.localdate()
    scheme = current_scheme(branch, today.year)
    items = [i for i in scheme.items.all() if i.category in ("performance", "deduction")]
    rng, now = random.Random(12), timezone.now()
    with transaction.atomic():
        members = bulk_members(branch, growth, 7)
    count = bulk_chains(
        Entry(
            member=member,
            branch=branch,
            year=today.year,
            month=month,
            item=(item := rng.choice(items)),
            category=item.category,
            points=(-1 if item.category == "deduction" else 1) * item.points_min,
            source="committee",
            reason="bench",
            recorded_at=now,
        )
        for member in members
        for month in range(1, today.month + 1)
        for _ in range(8)
    )
    declarable = [i for i in items if i.declarable]
    Declaration.objects.bulk_create(
        Declaration(
            member=member,
            branch=branch,
            year=today.year,
            month=today.month,
            item=rng.choice(declarable),
            points=Decimal(2),
            description="完成支部交办的任务",
            status=DeclarationStatus.SUBMITTED,
        )
        for member in members
    )
    NoticeRow.objects.bulk_create(
        NoticeRow(
            notice=notice,
            member_name=member.name,
            branch_name=branch.name,
            score=Decimal(600 + rng.randrange(300)).scaleb(-1),
        )
        for member in members
    )
    Notice.objects.get(pk=notice.pk).save()  # its rows changed
    standings.rebuild()
    return count


def _cookies() -> dict[str, dict[str, str]]:
    """Each reader's cookies as a browser holds them after its first page: the session and the
    CSRF cookie."""
    from django.contrib.auth import get_user_model

    cookies = {}
    for username in ("member", "committee", "secretary"):
        client = Client(SERVER_NAME="localhost")
        client.force_login(get_user_model().objects.get(username=username))
        assert client.get("/").status_code == 200
        cookies[username] = {name: morsel.value for name, morsel in client.cookies.items()}
    return cookies


def _queries(pages, cookies) -> dict[str, int]:
    """Each page's SQL query count, in this process with the test client (after a request
    that fills the caches), with the same session as the load."""
    counts = {}
    for label, url, user, _target in pages:
        client = Client(SERVER_NAME="localhost")
        if user:
            for name, value in cookies[user].items():
                client.cookies[name] = value
        first = client.get(url)
        assert first.status_code == 200, (url, first.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts[label] = len(captured)
    return counts


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(port: int, personal_seconds: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "JIFEN_PERSONAL_PAGE_SECONDS": str(personal_seconds),
    }
    # The request log (one JSON line a request) stays on, as in production, but in a file:
    # the benchmark prints figures only.
    log = open(Path(os.environ["JIFEN_VAR_DIR"]) / "gunicorn.log", "ab")  # noqa: SIM115
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "jifen.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--worker-class", "sync"),
            *("--log-level", "warning", "--chdir", str(ROOT)),
        ],
        env=env,
        stderr=log,
    )
    log.close()  # gunicorn holds its own copy
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not answer on loopback within 180 s; see {log.name}")


def _load(port, url, cookie, args, requests=None) -> float:
    """Requests per second that ApacheBench reaches, refusing a run with failed or non-2xx
    answers."""
    command = [AB, "-q", "-c", str(args.concurrency)]
    command += ["-n", str(requests)] if requests else ["-t", str(args.seconds)]
    if not requests:
        command += ["-n", str(args.requests)]  # after -t: the limit in requests as well
    if cookie:  # one Cookie line: gunicorn joins repeated ones with commas
        command += ["-C", "; ".join(f"{name}={value}" for name, value in cookie.items())]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{url}"], capture_output=True, text=True, check=True
    ).stdout
    bad = re.search(r"(Non-2xx responses|Failed requests):\s+([1-9]\d*)", output)
    if bad:
        raise SystemExit(f"{url}: {bad.group(1)} {bad.group(2)}\n{output}")
    return float(re.search(r"Requests per second:\s+([\d.]+)", output).group(1))


def _measure(pages, args, *, rendered: bool = False) -> dict[str, tuple[float, int]]:
    """Each page's requests/s and query count; `rendered`: with signed-in pages rendered on
    every request (JIFEN_PERSONAL_PAGE_SECONDS=0), as a session's first view of a page is."""
    seconds = 0 if rendered else settings.JIFEN_PERSONAL_PAGE_SECONDS
    cookies = _cookies()
    with override_settings(JIFEN_PERSONAL_PAGE_SECONDS=seconds):
        queries = _queries(pages, cookies)
    port = _free_port()
    server = _gunicorn(port, seconds)
    try:
        results = {}
        for label, url, user, _target in pages:
            cookie = cookies.get(user)
            _load(port, url, cookie, args, requests=50)  # warm: workers, caches
            results[label] = (_load(port, url, cookie, args), queries[label])
        return results
    finally:
        server.terminate()  # the workers finish first: on a loaded machine, a while
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _first_views(pages) -> list:
    """The signed-in pages again, rendered: a session's first view of each (no target)."""
    return [(f"{label}, 1st", url, user, None) for label, url, user, t in pages if t == PERSONAL]


def _both(pages, args) -> dict[str, tuple[float, int]]:
    """Every page as served, and the signed-in pages rendered on every request."""
    served = _measure(pages, args)
    first = _measure([pages[0], *_first_views(pages)], args, rendered=True)
    return served | {label: first[label] for label, *_rest in _first_views(pages)}


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _report(pages, demo, big, growth: int) -> None:
    bare_demo, bare_big = demo[pages[0][0]][0], big[pages[0][0]][0]
    print(
        f"{'page':<22} {'demo req/s':>10} {'÷ bare':>7} {'SQL':>4}   "
        f"{f'{growth:,} req/s':>11} {'÷ bare':>7} {'SQL':>4}   {'cost ×':>6}   targets"
    )
    for label, _url, _user, target in pages:
        (small_rps, small_sql), (big_rps, big_sql) = demo[label], big[label]
        small_ratio, big_ratio, cost = (
            small_rps / bare_demo,
            big_rps / bare_big,
            small_rps / big_rps,
        )
        verdict = ""
        if target is not None:
            reach = min(small_ratio, big_ratio) >= target
            verdict = (
                f"≥ {target:.2f} of bare: {_verdict(reach)}; "
                f"≤ {GROWTH_TARGET}× at {growth:,}: {_verdict(cost <= GROWTH_TARGET)}"
            )
        print(
            f"{label:<22} {small_rps:>10,.0f} {small_ratio:>7.2f} {small_sql:>4}   "
            f"{big_rps:>11,.0f} {big_ratio:>7.2f} {big_sql:>4}   {cost:>6.2f}   {verdict}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="load per page (at most)")
    parser.add_argument("--requests", type=int, default=20000, help="load per page (at most)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--members", type=int, default=2000, help="the branch grows by")
    args = parser.parse_args()
    started = time.perf_counter()
    branch, notice, pages = _demo()
    print(f"database: SQLite in {os.environ['JIFEN_VAR_DIR']}; demo data loaded")
    demo = _both(pages, args)
    grown = time.perf_counter()
    entries = _grow(branch, notice, args.members)
    print(
        f"grown: {branch.name} + {args.members:,} members, {entries:,} entries, standings rebuilt "
        f"({time.perf_counter() - grown:.0f} s)"
    )
    big = _both(pages, args)
    print(
        f"gunicorn {WORKERS} sync workers; ab -c {args.concurrency}, at most {args.seconds} s "
        f"and {args.requests:,} requests per page; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    _report([*pages, *_first_views(pages)], demo, big, args.members)
    print(f"({time.perf_counter() - started:.0f} s in all, {datetime.date.today()})")


if __name__ == "__main__":
    main()
