"""The review queue on a phone (390px): each declaration a card of stacked fields, nothing wider
than the screen, a decision still swaps its card in place; and one tick chooses every waiting
declaration of the page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jifen.declarations import services as declarations
from jifen.declarations.enums import DeclarationStatus
from tests.conftest import YEAR
from tests.factories import MemberFactory, UserFactory, d

pytestmark = pytest.mark.browser

PASSWORD = "pw-Jifen-2026"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def queue(world, monkeypatch):
    day = datetime.date(YEAR, 4, 2)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    members = [world.member] + [
        MemberFactory(name=name, branch=world.branch, user=UserFactory(username=f"q{n}"))
        for n, name in enumerate(["王五", "赵六"])
    ]
    return [
        declarations.declaration_submit(
            actor=member.user,
            member=member,
            year=YEAR,
            month=3,
            item=world.item("P03"),
            points=d(4),
            description=f"{member.name}完成了支部交办的一项较长的工作任务，记录在案",
            today=datetime.date(YEAR, 3, 20),
        )
        for member in members
    ]


def _sign_in(page, next_url):
    page.goto(f"/login/?next={next_url}")
    page.get_by_label("用户名").fill("committee")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_url}")


def test_on_a_phone_each_declaration_is_a_card(page, world, queue):
    page.set_viewport_size(PHONE)
    _sign_in(page, f"/portal/branch/{world.branch.pk}/review/?period={YEAR}-03")
    first = page.locator(f"#declaration-{queue[0].pk}")

    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    first.get_by_role("button", name="通过").click()
    expect(first).to_contain_text("已通过")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_one_tick_chooses_every_waiting_declaration(page, world, queue):
    _sign_in(page, f"/portal/branch/{world.branch.pk}/review/?period={YEAR}-03")

    page.get_by_label("全选本页待审核的申报").check()
    page.get_by_role("button", name="审核所选").click()

    expect(page.get_by_role("alert").first).to_contain_text("审核结果已记录")
    statuses = {x.status for x in type(queue[0]).objects.all()}
    assert statuses == {DeclarationStatus.APPROVED}
