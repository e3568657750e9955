import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jifen.cycle import services as cycle
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from tests.conftest import YEAR
from tests.cycle.conftest import Cycle
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


def test_a_corrected_notice_points_to_its_new_version_at_phone_width(
    page, screenshot, world, monkeypatch
):
    during = datetime.date(YEAR, 4, 9)
    notice = Cycle(world).publish()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: during)
    objection = cycle.objection_submit(
        actor=world.member_user, notice=notice, text="三月未计分", today=during
    )
    cycle.objection_answer(
        actor=world.secretary,
        objection=objection,
        accept=True,
        answer="经核实，补记积分",
        item=world.item("P02"),
        points=Decimal(2),
        month=3,
    )
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"/notices/{notice.pk}/")
    page.get_by_role("link", name="查看更正后的公示").click()

    expect(page.get_by_text("第2版").first).to_be_visible()
    expect(page.get_by_role("cell", name="60.7")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("public-notice-corrected-phone-zh")
