"""Every page of jifen passes axe-core, for every role, at phone and desktop size.

The demonstration data gives every page something to show; each role signs in and follows
the links it can reach from its start pages (one page per view, see accessibility.route_key),
so pages added later are checked without being listed here. Django's admin (/admin/, the
superuser's) is left out: its pages are Django's own. The axe results of the run, every impact,
are written to test-artifacts/accessibility.json."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from jifen import demo
from jifen.exchange import services as exchange
from jifen.exchange.enums import JobState, UploadKind
from jifen.exchange.models import Job
from jifen.orgs.models import Organisation
from tests.browser.accessibility import DESKTOP, check_both, crawl, report
from tests.exchange.helpers import ROSTER_HEADER, roster_row, xlsx

pytestmark = pytest.mark.browser

# The demo's year runs up to this day: three quarters posted, an objection and an appeal.
TODAY = datetime.date(2026, 10, 20)
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "accessibility.json"
SIGNED_IN = ["/", "/portal/", "/dashboards/", "/notifications/", "/exchange/"]
ROLES = {
    "anonymous": ["/", "/login/", "/notices/", "/api/docs/"],
    "member": SIGNED_IN,
    "committee": SIGNED_IN,
    "secretary": SIGNED_IN,
    "reviewer": SIGNED_IN,
    "admin": SIGNED_IN,
}


@pytest.fixture
def demo_world(transactional_db, monkeypatch):
    """The demo as `make run` loads it, seen on the day it was built for; plus what the demo
    leaves out: an uploaded roster waiting for confirmation and a running export."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    call_command("load_demo", today=TODAY, stdout=io.StringIO())
    admin = get_user_model().objects.get(username="admin")
    branch = Organisation.objects.get(name="后勤第一党支部")
    rows = [roster_row(branch=branch.name), roster_row(name="", branch="无此支部")]
    upload = exchange.upload_create(
        actor=admin, kind=UploadKind.ROSTER, filename="名册.xlsx", content=xlsx(ROSTER_HEADER, rows)
    )
    Job.objects.create(
        export="roster",
        params={"branch": branch.pk, "format": "csv"},
        state=JobState.RUNNING,
        done_rows=40,
        total_rows=100,
        created_by=admin,
    )
    return {"admin": [f"/exchange/uploads/{upload.pk}/"]}


def sign_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo.PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def walk(browser, origin, role, start_paths, checked):
    """The pages `role` reaches, each checked at both sizes unless a page of the same shape was
    already checked; returns the paths, axe's findings and any CSP refusal."""
    context = browser.new_context(base_url=origin, locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and refused.append(f"{page.url}: {message.text}")
        ),
    )
    if role != "anonymous":
        sign_in(page, role)
    paths, violations = [], []
    for path, new in crawl(page, start_paths, checked):
        paths.append(path)
        if new:
            violations += check_both(page, role=role, path=path)
    context.close()
    return paths, violations, refused


def test_every_page_for_every_role_passes_axe(browser, live_server, demo_world):
    pages, violations, refused, checked = {}, [], [], set()
    for role, start_paths in ROLES.items():
        paths, found, refusals = walk(
            browser, live_server.url, role, start_paths + demo_world.get(role, []), checked
        )
        pages[role] = paths
        violations += found
        refused += refusals

    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(
        json.dumps(
            {"pages": pages, "checked": len(checked), "violations": [vars(v) for v in violations]},
            ensure_ascii=False,
            indent=1,
        )
    )
    assert all(pages.values()), pages
    assert not refused, refused
    blocking = [v for v in violations if v.blocking]
    assert not blocking, "axe-core found:\n" + report(blocking)
