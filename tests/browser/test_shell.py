import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_visitor_switches_language_and_signs_in(page, screenshot, django_user_model):
    django_user_model.objects.create_user(username="zhangsan", password="correct horse 42")

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("欢迎使用党员积分管理系统")
    screenshot("home-anonymous-zh")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome to the party-member points system"
    )

    page.get_by_role("button", name="简体中文").click()
    page.get_by_role("link", name="登录以继续").click()
    page.get_by_label("用户名").fill("zhangsan")
    page.get_by_label("密码").fill("correct horse 42")
    screenshot("login-zh")
    page.get_by_role("main").get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("您好，zhangsan")
    screenshot("home-signed-in-zh")


def test_navbar_collapses_on_a_phone(page, screenshot):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    sign_in = page.get_by_role("navigation").get_by_role("link", name="登录")
    expect(sign_in).to_be_hidden()

    page.get_by_role("button", name="切换导航").click()
    expect(sign_in).to_be_visible()
    # Bootstrap adds "show" once the opening animation ends; a screenshot before that is blurred.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    screenshot("home-phone-menu-zh")
