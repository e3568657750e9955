"""The page warns before a session ends for inactivity and offers to stay signed in; when the
server has ended it, the page goes to the sign-in page."""

import re
import time
from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

from jifen.web import sessions

pytestmark = pytest.mark.browser

PASSWORD = "Erste-Wahl-2026"


def _sign_in(page):
    page.goto("/login/")
    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("alice")


def _end_on_the_server(page):
    """What thirty minutes without activity would do, without waiting for them."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    session[sessions.SEEN] = int(time.time()) - 3600
    session.save()


@pytest.mark.parametrize("size", [(390, 844), (1366, 900)], ids=["phone", "desktop"])
def test_the_warning_comes_before_the_end_and_staying_keeps_the_session(
    page, screenshot, settings, django_user_model, size
):
    settings.JIFEN_SESSION_IDLE_MINUTES = 1
    settings.JIFEN_SESSION_WARNING_SECONDS = 57  # the page asks after three seconds
    django_user_model.objects.create_user(username="alice", password=PASSWORD)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    _sign_in(page)

    warning = page.get_by_role("alert").filter(has_text="保持登录")
    expect(warning).to_be_visible(timeout=15_000)
    expect(warning).to_contain_text(re.compile(r"0:[0-5]\d"))
    screenshot(f"session-warning-{size[0]}")

    warning.get_by_role("button", name="保持登录").click()
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=15_000)  # a minute's limit warns again soon

    _end_on_the_server(page)
    warning.get_by_role("button", name="保持登录").click()
    expect(page).to_have_url(re.compile(r"/login/\?next=%2F"), timeout=15_000)
    expect(page.get_by_role("main")).to_contain_text("退出")
