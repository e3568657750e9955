"""The main pages under the Content-Security-Policy: each loads without a single violation
(the page fixture fails the test on any that chromium reports in the console)."""

import pytest
from playwright.sync_api import expect

from jifen.exchange.enums import JobState
from jifen.exchange.models import Job
from tests.conftest import YEAR

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("pw-Jifen-2026")
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{username}")


def visit(page, path):
    response = page.goto(path)
    assert response.status == 200, path
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", ["/", "/login/", "/notices/"])
def test_public_pages(page, world, path):
    visit(page, path)


def test_swagger_ui_renders_under_the_policy(page, world):
    visit(page, "/api/docs/")
    expect(page.locator(".swagger-ui .title")).to_contain_text("jifen API")
    expect(page.get_by_text("/api/v1/tokens/").first).to_be_visible()


def test_redoc_renders_and_its_cdn_logo_stays_refused(page, world, csp_violations):
    visit(page, "/api/redoc/")
    expect(page.locator("h1").first).to_contain_text("jifen API")

    # Redoc's bundle always asks for its "by Redocly" logo from a CDN: the policy refuses it.
    assert len(csp_violations) == 1
    assert "https://cdn.redoc.ly/" in csp_violations.pop()


def test_secretary_pages(page, world):
    sign_in(page, "secretary")
    visit(page, f"/dashboards/{world.branch.pk}/?year={YEAR}")
    # The charts are drawn by a script file; hovering shows ECharts' HTML tooltip.
    page.locator('[data-chart="trend"] canvas').hover()
    for path in (
        "/portal/",
        f"/portal/branch/{world.branch.pk}/review/",
        f"/portal/branch/{world.branch.pk}/quarters/?year={YEAR}",
        "/notifications/",
    ):
        visit(page, path)


def test_administrator_pages(page, world):
    sign_in(page, "admin")
    for path in ("/orgadmin/", f"/orgadmin/members/?branch={world.branch.pk}"):
        visit(page, path)


def test_a_running_jobs_progress_bar(page, world):
    job = Job.objects.create(
        export="roster",
        params={"branch": world.branch.pk, "format": "csv"},
        state=JobState.RUNNING,
        done_rows=40,
        total_rows=100,
        created_by=world.admin,
    )
    sign_in(page, "admin")
    visit(page, f"/exchange/jobs/{job.pk}/")
    expect(page.locator("progress")).to_have_attribute("value", "40")


def test_django_admin(page, world):
    sign_in(page, "root")
    for path in ("/admin/", f"/admin/auth/user/{world.member_user.pk}/change/"):
        visit(page, path)
