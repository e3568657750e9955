"""The roster import and an export in a real browser, at phone and desktop size: a roster as an
office keeps it (a title row, 序号, a GBK CSV) is checked, its notices and problems shown by row
and column, imported; the export page says what Excel does to a CSV."""

import pytest
from playwright.sync_api import expect

from jifen.orgs.models import Member
from tests.browser.test_quarter import sign_in
from tests.exchange.helpers import ROSTER_HEADER, roster_row
from tests.exchange.office_files import csv_bytes
from tests.factories import valid_id_number

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def _no_horizontal_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("size", SIZES)
def test_a_secretary_imports_the_offices_csv_roster(page, world, screenshot, size):
    page.set_viewport_size(SIZES[size])
    header = ["序号", *ROSTER_HEADER, "备注"]
    rows = [
        [1, *roster_row("王五", valid_id_number(90001), 入党日期="2015年7月1日"), "新调入"],
        [2, *roster_row("赵六", valid_id_number(90002), 联系电话="abc")],
    ]
    sign_in(page, "admin", "/exchange/roster/import/")
    _no_horizontal_overflow(page)
    screenshot(f"exchange-import-{size}-zh")
    page.get_by_label("表格文件（.xlsx、.xls、.ods 或 .csv）").set_input_files(
        {"name": "名册.csv", "mimeType": "text/csv", "buffer": csv_bytes(header, rows, "gbk")}
    )
    page.get_by_role("button", name="检查文件").click()

    notices = page.get_by_role("status")
    expect(notices).to_contain_text("以下列不导入，已忽略：序号（A）、备注（N）。")
    problem = page.get_by_role("row").filter(has_text="联系电话")
    expect(problem).to_contain_text("“abc”不是电话号码")
    expect(problem.get_by_role("cell").first).to_have_text("3")
    _no_horizontal_overflow(page)
    screenshot(f"exchange-preview-{size}-zh")

    page.get_by_label("只导入没有错误的行，其余行不导入").check()
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_role("alert")).to_contain_text("新增 1 条")
    assert Member.objects.get(name="王五").join_date.isoformat() == "2015-07-01"
    assert not Member.objects.filter(name="赵六").exists()

    page.goto(f"/exchange/branches/{world.branch.pk}/roster/")
    expect(page.get_by_text("18 位身份证号会被当成数字并丢失最后几位")).to_be_visible()
    _no_horizontal_overflow(page)
    screenshot(f"exchange-export-{size}-zh")
