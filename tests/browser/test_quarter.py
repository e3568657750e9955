"""A whole quarter in a real browser: declare → approve → meeting → confirm → notice →
objection → accepted correction → the public notice, seen without signing in."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jifen.cycle.models import Notice
from tests.conftest import YEAR

pytestmark = pytest.mark.browser

PASSWORD = "pw-Jifen-2026"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def on(monkeypatch, settings, tmp_path):
    """Sets today for the live server (same process) and keeps uploads in a temporary dir."""
    settings.MEDIA_ROOT = tmp_path / "media"

    def set_day(month, day):
        date = datetime.date(YEAR, month, day)
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date)

    return set_day


def sign_in(page, username, next_url):
    page.context.clear_cookies()
    page.goto(f"/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()


def member_declares(page, screenshot):
    sign_in(page, "member", "/portal/me/declare/")
    page.get_by_label("月份").select_option(f"{YEAR}-03")
    page.get_by_label("积分项目", exact=True).select_option(
        label="P01 撰写学习心得或理论文章 · 1–3 分 · 每月一次 · 全年最多 24 分 · 需要佐证材料"
    )
    page.get_by_label("分值", exact=True).fill("2")
    page.get_by_label("具体事项").fill("学习新修订的党章，撰写心得体会一篇")
    page.get_by_label("佐证材料").set_input_files(
        {"name": "心得体会.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    screenshot("portal-declare-zh")
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_role("alert")).to_contain_text("您的申报已提交审核。")
    expect(page.get_by_role("link", name="心得体会.pdf")).to_be_visible()


def committee_approves(page, world, screenshot):
    sign_in(page, "committee", f"/portal/branch/{world.branch.pk}/review/?period={YEAR}-03")
    row = page.get_by_role("row").filter(has_text="张三")
    row.get_by_role("button", name="通过").click()
    # htmx swaps the row in place: the page does not reload.
    expect(row).to_contain_text("已通过")
    screenshot("portal-review-zh")


def secretary_confirms_and_posts(page, world, on, screenshot):
    on(4, 3)
    quarters = f"/portal/branch/{world.branch.pk}/quarters/?year={YEAR}"
    sign_in(page, "secretary", quarters)
    # The general meeting is an activity: the quarter with none to confirm it leads to planning
    # one, the kind preset.
    expect(page.locator("#quarter-1")).to_contain_text("尚无季度结束后召开、可确认本季度的党员大会")
    page.locator("#quarter-1").get_by_role("link", name="安排支部党员大会").click()
    expect(page.get_by_label("类型")).to_have_value(
        str(world.scheme.activity_kinds.get(code="general_meeting").pk)
    )
    page.get_by_label("主题").fill("第一季度支部党员大会")
    page.get_by_label("开始时间").fill(f"{YEAR}-04-03T09:00")
    page.get_by_label("结束时间").fill(f"{YEAR}-04-03T11:00")
    page.get_by_label("确认的季度（支部党员大会）").select_option("1")
    page.get_by_role("button", name="安排活动").click()
    expect(page.get_by_role("alert")).to_contain_text("活动已安排")
    page.goto(quarters)
    # Confirming goes through a page that shows the register it will fill, the meeting chosen.
    page.locator("#quarter-1").get_by_role("link", name="确认本季度").click()
    expect(page.get_by_label("确认本季度的党员大会")).to_contain_text("第一季度支部党员大会")
    expect(page.get_by_role("cell", name="60.7")).to_be_visible()
    page.locator("#confirm-form").get_by_role("button", name="确认本季度").click()
    expect(page.get_by_role("alert")).to_contain_text("本季度已确认")
    page.locator("#quarter-1").get_by_role("link", name="积分登记表").click()
    expect(page.get_by_role("cell", name="60.7")).to_be_visible()
    screenshot("portal-register-zh")
    # The print button works from a script file (no onclick="…" under the CSP).
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed") is True
    on(4, 6)
    page.goto(f"/portal/branch/{world.branch.pk}/quarters/?year={YEAR}")
    page.locator("#quarter-1").get_by_role("link", name="发布公示").click()
    page.locator("#publish-form").get_by_role("button", name="发布公示").click()
    expect(page.locator("#quarter-1")).to_contain_text("公示中")
    screenshot("portal-quarters-zh")


def member_objects(page, screenshot):
    sign_in(page, "member", "/portal/me/")
    page.get_by_label("异议内容及理由").fill("3月在主题党日讲党课，未计分")
    page.get_by_role("button", name="提交异议").click()
    expect(page.get_by_role("alert")).to_contain_text("您的异议已提交")


def secretary_accepts_with_a_correction(page, world, screenshot):
    sign_in(page, "secretary", f"/portal/branch/{world.branch.pk}/objections/")
    card = page.locator("[id^=objection-]")
    card.get_by_label("答复").fill("经核实属实，补记讲党课3分")
    card.get_by_label("或新增：积分项目").select_option(label="P04 在主题党日或党课上发言、讲党课")
    card.get_by_label("分值").fill("3")
    card.get_by_label("月份").select_option("3")
    screenshot("portal-objection-answer-zh")
    card.get_by_role("button", name="采纳并更正").click()
    expect(page.get_by_role("alert")).to_contain_text("答复已记录。")
    expect(page.get_by_role("cell", name="经核实属实，补记讲党课3分")).to_be_visible()


def test_a_whole_quarter(page, screenshot, world, on):
    on(3, 20)
    member_declares(page, screenshot)
    on(4, 2)
    committee_approves(page, world, screenshot)
    secretary_confirms_and_posts(page, world, on, screenshot)
    on(4, 7)
    member_objects(page, screenshot)
    on(4, 8)
    secretary_accepts_with_a_correction(page, world, screenshot)

    sign_in(page, "member", f"/portal/me/scores/{YEAR}/")
    expect(page.get_by_text("= 65.0")).to_be_visible()  # March: 60 + 2 + 3
    page.goto("/portal/me/")
    expect(page.locator("#my-objections")).to_contain_text("已采纳")
    screenshot("portal-me-zh")
    page.set_viewport_size({"width": 375, "height": 740})
    expect(page.locator('[data-score="month"]')).to_be_visible()
    screenshot("portal-me-phone-zh")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.context.clear_cookies()
    page.goto("/notices/")
    first, current = Notice.objects.order_by("version")
    # The list names the notices; each notice's page lists its members, a page at a time.
    page.get_by_role("link", name="查看所列").click()
    expect(page.get_by_role("cell", name="张三")).to_be_visible()
    # The accepted correction posted the notice again (version 2): the list leads to that one,
    # with the corrected score; the first version keeps what the meeting confirmed.
    assert current.replaces == first and current.rows.get().score != first.rows.get().score
    expect(page.get_by_role("cell", name=str(current.rows.get().score))).to_be_visible()
    screenshot("portal-public-notice-zh")
