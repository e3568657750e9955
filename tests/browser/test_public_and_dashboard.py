from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from tests.conftest import YEAR
from tests.insight.access import posted_notice

pytestmark = pytest.mark.browser


def test_visitor_reads_the_public_notices_without_signing_in(page, screenshot, world):
    posted_notice(world)

    page.goto("/notices/")

    expect(page.get_by_role("heading", level=1)).to_have_text("公示")
    screenshot("public-notices-zh")
    page.get_by_role("link", name="查看所列").click()
    expect(page.get_by_role("cell", name="张三")).to_be_visible()
    screenshot("public-notice-zh")


def test_secretary_sees_the_dashboard_charts_drawn(page, screenshot, world):
    ledger.append_entry(
        actor=world.secretary,
        member=world.member,
        year=YEAR,
        month=1,
        item=world.item("P07"),
        points=Decimal(10),
        source=Source.COMMITTEE,
        reason="测试",
    )
    page.goto(f"/login/?next=/dashboards/{world.branch.pk}/?year={YEAR}")
    page.get_by_label("用户名").fill("secretary")
    page.get_by_label("密码").fill("pw-Jifen-2026")
    page.get_by_role("main").get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("第一党支部")
    # ECharts draws into a canvas inside each chart's box once the script has run.
    expect(page.locator('[data-chart="histogram"] canvas')).to_have_count(1)
    expect(page.locator('[data-chart="trend"] canvas')).to_have_count(1)
    expect(page.get_by_role("cell", name="张三")).to_be_visible()
    screenshot("dashboard-branch-zh")

    page.set_viewport_size({"width": 375, "height": 740})
    screenshot("dashboard-branch-phone-zh")
