"""An activity in real browsers: the secretary plans it and shows the check-in code; a member
at phone size opens the code's link in a second browser and is checked in; the secretary closes
the activity and approves its points; the member's year breakdown shows the attendance entry.
Then a member asks for leave from the next activity and the secretary grants it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_quarter import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def sign_in(page, username, next_url):
    page.context.clear_cookies()
    page.goto(f"/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def secretary_plans(page, world, title, start, screenshot, name):
    page.goto(f"/portal/activities/org/{world.branch.pk}/")
    page.get_by_role("link", name="安排活动").click()
    page.get_by_label("类型").select_option(label="主题党日")
    page.get_by_label("主题").fill(title)
    page.get_by_label("开始时间").fill(_local(start))
    page.get_by_label("结束时间").fill(_local(start + datetime.timedelta(hours=2)))
    page.get_by_label("应到人员").select_option(label="指定名单")
    # One tick selects every member (issue 13: fifteen ticks for fifteen members), and each
    # name stays on one line beside its box.
    page.get_by_label("全选").check()
    expect(page.get_by_label("张三")).to_be_checked()
    label = page.locator("label", has_text="张三").bounding_box()
    assert label["width"] > label["height"]
    screenshot(name)
    page.get_by_role("button", name="安排活动").click()
    expect(page.get_by_role("alert")).to_contain_text("活动已安排")


def test_check_in_by_phone_then_points_after_the_committees_approval(
    page, browser, live_server, world, screenshot
):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "secretary", f"/portal/activities/org/{world.branch.pk}/")
    start = timezone.now() - datetime.timedelta(minutes=5)
    secretary_plans(page, world, "学习交流会", start, screenshot, "activity-plan-desktop-zh")
    page.get_by_role("link", name="显示签到码").click()
    qr = page.locator("[data-link]")
    expect(qr.locator("svg")).to_be_visible()
    expect(page.locator("[data-digits]")).to_have_text(re.compile(r"^\d{6}$"))
    link = qr.get_attribute("data-link")
    screenshot("activity-code-desktop-zh")

    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    member = phone.new_page()
    try:
        # Not signed in yet: the link leads to the sign-in page and back, still valid.
        member.goto(link)
        member.get_by_label("用户名").fill("member")
        member.get_by_label("密码").fill(PASSWORD)
        member.get_by_role("main").get_by_role("button", name="登录").click()
        expect(member.locator("#checked-in")).to_contain_text("签到“学习交流会”")
        _no_sideways_scroll(member)
        member.screenshot(path=SCREENSHOTS / "activity-checked-in-phone-zh.png", full_page=True)
        # The same link again: once only.
        member.goto(link)
        expect(member.get_by_role("alert")).to_contain_text("张三 已签到。")
    finally:
        phone.close()

    # The code page polls: the count shows the member.
    expect(page.locator("#checked-in-count")).to_contain_text("已签到 1 / 1", timeout=15000)
    page.get_by_role("link", name="返回活动").click()
    expect(page.locator("#member-" + str(world.member.pk))).to_contain_text("手机签到")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束活动").click()
    expect(page.get_by_role("alert")).to_contain_text("活动已结束")
    screenshot("activity-closed-desktop-zh")

    today = timezone.localdate()
    page.goto(f"/portal/branch/{world.branch.pk}/review/activities/?period={today:%Y-%m}")
    card = page.locator("[id^=points-]")
    expect(card).to_contain_text("张三")
    card.get_by_role("button", name="审核所选").click()
    expect(page.get_by_role("alert")).to_contain_text("已审核 1 条积分。")
    screenshot("activity-points-desktop-zh")

    page.set_viewport_size(PHONE)
    sign_in(page, "member", f"/portal/me/scores/{today.year}/")
    expect(page.get_by_text("出席：主题党日“学习交流会”")).to_be_visible()
    _no_sideways_scroll(page)
    screenshot("activity-entry-in-breakdown-phone-zh")


def test_a_member_asks_for_leave_and_the_secretary_grants_it(page, world, screenshot):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "secretary", f"/portal/activities/org/{world.branch.pk}/")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    secretary_plans(page, world, "下周党课", tomorrow, screenshot, "activity-plan-2-desktop-zh")
    activity_url = page.url

    page.set_viewport_size(PHONE)
    sign_in(page, "member", "/portal/me/activities/")
    page.get_by_role("link", name="主题党日 · 下周党课").click()
    page.get_by_label("理由").fill("出差在外")
    page.get_by_role("button", name="请假").click()
    expect(page.get_by_role("alert")).to_contain_text("请假申请已提交书记审批")
    expect(page.locator("#my-attendance")).to_contain_text("待审批")
    _no_sideways_scroll(page)
    screenshot("activity-leave-phone-zh")

    page.set_viewport_size(DESKTOP)
    sign_in(page, "secretary", activity_url)
    card = page.locator("[id^=leave-]")
    card.get_by_label("审核结果").select_option(label="准假")
    card.get_by_role("button", name="审批").click()
    expect(page.get_by_role("alert")).to_contain_text("张三 的请假申请已审批。")
    expect(page.locator(f"#member-{world.member.pk}")).to_contain_text("已准假")
    screenshot("activity-leave-granted-desktop-zh")
