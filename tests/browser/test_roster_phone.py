"""The admin's roster on a phone (390px): each member a card of named fields, as the review
queue's declarations are, rather than seven columns squeezed a character wide."""

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_each_member_is_a_card(page, world):
    page.set_viewport_size(PHONE)
    page.goto("/login/?next=/orgadmin/members/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("pw-Jifen-2026")
    page.get_by_role("main").get_by_role("button", name="登录").click()
    page.wait_for_url("**/orgadmin/members/")

    row = page.locator("#roster tbody tr").filter(has_text="张三")
    assert row.evaluate("row => getComputedStyle(row).display") == "block"
    branch = row.locator("td[data-label='党支部']")
    assert branch.evaluate("cell => getComputedStyle(cell, '::before').content") == '"党支部"'
    assert branch.inner_text().endswith("第一党支部")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
