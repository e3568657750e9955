"""Opening accounts for a whole import in a real browser, at phone and desktop size: from the
roster to the one-time passwords, and their list downloaded once."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.test_exchange import SIZES, _no_horizontal_overflow
from tests.browser.test_quarter import sign_in
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", SIZES)
def test_an_admin_opens_the_imported_members_accounts(page, world, screenshot, size):
    for n in range(3):
        MemberFactory(branch=world.branch, name=f"导入党员{n}", staff_number=f"2026{n:04d}")
    page.set_viewport_size(SIZES[size])
    sign_in(page, "admin", "/orgadmin/members/")

    page.get_by_role("link", name="为未开通账号的党员开通账号").click()
    _no_horizontal_overflow(page)
    page.get_by_role("button", name="为 3 名党员开通账号").click()

    table = page.locator("#issued-accounts")
    expect(table.get_by_role("row")).to_have_count(4)
    expect(table).to_contain_text("20260001")
    _no_horizontal_overflow(page)
    screenshot(f"orgadmin-accounts-issued-{size}-zh")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载清单（Excel，仅一次）").click()
    rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes())).active.values)
    assert [row[2] for row in rows[1:]] == ["20260000", "20260001", "20260002"]
