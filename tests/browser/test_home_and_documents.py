"""Issue 13 in a real browser, at phone and desktop size: each role's home with its tasks, the
declaration form keeping a chosen file through an error, the documents where the work happens,
a job no worker picks up, and the dashboard's axis from 0. Every page reached must fit the
screen's width and log no error in the console (a missing file included)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jifen.declarations import services as declarations
from jifen.exchange.models import Job
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from tests.conftest import YEAR
from tests.cycle.conftest import Cycle
from tests.factories import d

pytestmark = pytest.mark.browser

PASSWORD = "pw-Jifen-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
APRIL_2 = datetime.date(YEAR, 4, 2)


@pytest.fixture
def on_april_2(monkeypatch, settings, tmp_path):
    """Today for the live server (same process), and uploads in a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: APRIL_2)


@pytest.fixture
def console_errors(page):
    """Errors chromium logs: a script's, or a file the page asked for and did not get."""
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def check(page, console_errors, screenshot):
    """Looks at the page as it is: fits the width, no error logged; then a screenshot."""

    def look(name):
        page.wait_for_load_state("networkidle")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{name}: the page is wider than the screen {width}"
        assert not console_errors, f"{name}: {console_errors}"
        screenshot(name)

    return look


def sign_in(page, username, next_url="/"):
    page.context.clear_cookies()
    page.goto(f"/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()


def _march_declaration(world):
    return declarations.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("P03"),
        points=d(2),
        description="完成支部交办的任务",
        today=datetime.date(YEAR, 3, 20),
    )


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_each_role_finds_its_tasks_at_home(page, world, on_april_2, check, size):
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    declaration = _march_declaration(world)
    declarations.declaration_review(
        actor=world.committee_member, declaration=declaration, decision="reject", reason="重复申报"
    )
    _march_declaration(world)

    sign_in(page, "member")
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，张三")
    todos = page.locator("#todos")
    expect(todos).to_contain_text("申报 2026-04 的积分")
    expect(todos).not_to_contain_text("2026-03")  # declared already
    expect(page.locator("#news")).to_contain_text("未通过：重复申报")
    check(f"home-member-{size}")

    sign_in(page, "committee")
    expect(page.locator("#todos")).to_contain_text("第一党支部：2026-03 有 1 条申报待审核")
    check(f"home-committee-{size}")

    sign_in(page, "secretary")
    expect(page.locator(f"#card-branch-{world.branch.pk}")).to_contain_text("书记")
    page.locator("#todos").get_by_role("link").filter(has_text="待审核").click()
    expect(page).to_have_url(
        f"/portal/branch/{world.branch.pk}/review/?period=2026-03&state=pending"
    )
    page.goto("/")
    check(f"home-secretary-{size}")

    sign_in(page, "reviewer")
    expect(page.locator(f"#card-desk-{world.general.pk}")).to_be_visible()
    check(f"home-reviewer-{size}")

    sign_in(page, "admin")
    expect(page.locator("#card-admin")).to_be_visible()
    check(f"home-admin-{size}")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_chosen_file_survives_a_wrong_value(page, world, on_april_2, check, size):
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    sign_in(page, "member")
    # From login to declaring: the home's task leads to the form with its month chosen.
    page.locator("#todos").get_by_role("link").filter(has_text="2026-03").click()
    expect(page.get_by_label("月份")).to_have_value("2026-03")
    page.get_by_label("积分项目", exact=True).select_option(
        label="P01 撰写学习心得或理论文章 · 1–3 分 · 每月一次 · 全年最多 24 分 · 需要佐证材料"
    )
    page.get_by_label("分值", exact=True).fill("9")
    page.get_by_label("具体事项").fill("学习新修订的党章，撰写心得体会一篇")
    page.get_by_label("佐证材料").set_input_files(
        {"name": "心得体会.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="提交审核").click()

    # The refusal stands beside the field it is about.
    expect(page.locator("#id_points_error")).to_contain_text("分值在 1 到 3 分之间")
    kept = page.get_by_label("心得体会.pdf")
    expect(kept).to_be_checked()
    check(f"declare-error-keeps-the-file-{size}")

    page.get_by_label("分值", exact=True).fill("2")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("alert")).to_contain_text("您的申报已提交审核。")
    expect(page.get_by_role("link", name="心得体会.pdf")).to_be_visible()
    check(f"declare-done-{size}")


def _download(page, button):
    with page.expect_download() as download:
        button.click()
    return download.value.suggested_filename


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_documents_are_where_the_work_happens(page, world, on_april_2, check, size):
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    Cycle(world).confirm(1, held_on=APRIL_2)

    sign_in(page, "secretary", f"/portal/branch/{world.branch.pk}/quarters/2026/1/register/")
    documents = page.locator("#register-documents")
    assert _download(page, documents.get_by_role("button", name="Excel")).endswith(".xlsx")
    assert _download(page, documents.get_by_role("button", name="PDF")).endswith(".pdf")
    check(f"register-documents-{size}")
    page.goto(f"/portal/branch/{world.branch.pk}/members/")
    roster = page.locator("#roster-documents")
    assert _download(page, roster.get_by_role("button", name="导出（Excel）")).endswith(".xlsx")
    check(f"branch-roster-{size}")

    sign_in(page, "member", f"/portal/me/scores/{YEAR}/")
    mine = page.locator("#my-documents")
    assert _download(page, mine.get_by_role("button", name="Excel")).endswith(".xlsx")
    check(f"my-scores-documents-{size}")

    sign_in(page, "admin", "/orgadmin/members/")
    expect(page.get_by_role("link", name="导入党员名册")).to_be_visible()
    page.get_by_label("所在支部").select_option(str(world.branch.pk))
    expect(page.locator("#roster-export").get_by_role("button")).to_contain_text("第一党支部")
    check(f"admin-roster-documents-{size}")


def test_a_job_no_worker_picks_up_says_so(page, world, settings, check):
    settings.JIFEN_JOB_PICKUP_SECONDS = 0
    job = Job.objects.create(
        export="roster", params={"branch": world.branch.pk, "format": "csv"}, created_by=world.admin
    )
    sign_in(page, "admin", f"/exchange/jobs/{job.pk}/")
    expect(page.locator("#no-worker")).to_contain_text("后台进程没有运行")
    expect(page.locator("#no-worker")).to_contain_text("manage.py run_worker")
    page.set_viewport_size(PHONE)
    check("job-no-worker-phone")


def test_the_general_branch_dashboard_ranks_once_and_charts_from_zero(page, world, check):
    for member, points in ((world.member, 20), (world.outsider_member, 10)):
        ledger.append_entry(
            actor=world.secretary,
            member=member,
            year=YEAR,
            month=1,
            item=world.item("P07"),
            points=d(points),
            source=Source.COMMITTEE,
            reason="测试",
        )
    sign_in(page, "reviewer", f"/dashboards/{world.general.pk}/?year={YEAR}")
    expect(page.locator("#ranking")).to_contain_text("后勤党总支内排名")
    first_ranks = page.locator("#ranking tbody tr td:first-child").all_inner_texts()
    assert first_ranks == ["1", "2"]
    # A locator wait, not wait_for_function: an expression predicate is eval'ed in the page
    # when it has to poll, and the page's CSP (script-src 'self') refuses that.
    page.locator("[data-chart=trend] canvas").wait_for(state="attached")
    low = page.evaluate(
        "echarts.getInstanceByDom(document.querySelector('[data-chart=trend]'))"
        ".getModel().getComponent('yAxis').axis.scale.getExtent()[0]"
    )
    assert low == 0
    check("dashboard-general-branch")
