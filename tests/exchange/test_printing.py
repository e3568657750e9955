"""Exported workbooks print as the PDFs do (issue 17 row 8, issue 13 point 10): a title, column
widths, text and date formats, borders, the header on every page, A4 fitted to its width, and
for the 登记表 its signature lines; LibreOffice prints them on A4 with nothing cut off."""

import io

import pytest
from openpyxl import load_workbook

from jifen.exchange import exports
from jifen.exchange.enums import Format, Layout
from tests.conftest import YEAR
from tests.exchange import libreoffice
from tests.exchange.helpers import confirm_quarter, give, pdf_text
from tests.factories import MemberFactory


def _workbook(world, name, actor=None, **params):
    params = {"branch": world.branch.pk, "year": YEAR, "format": Format.XLSX, **params}
    content, _type, _name = exports.render(
        exports.build(name, actor or world.admin, params), "xlsx"
    )
    return content, load_workbook(io.BytesIO(content))


@pytest.fixture
def confirmed(world):
    world.member.phone = "13812345678"
    world.member.save(update_fields=["phone"])
    MemberFactory(name="欧阳王五", branch=world.branch)
    give(world, world.member, 1, "P03", 5)
    confirm_quarter(world, 1)
    return world


def test_the_roster_prints_on_a4_landscape_with_title_widths_and_formats(confirmed):
    _content, book = _workbook(confirmed, "roster")
    sheet = book["党员名册"]
    assert sheet["A1"].value == "第一党支部党员名册" and sheet["A1"].font.b
    assert "A1:L1" in {str(cells) for cells in sheet.merged_cells.ranges}
    header = [cell.value for cell in sheet[3]]
    assert header[:5] == ["姓名", "性别", "民族", "出生日期", "身份证号"]
    assert all(cell.font.b and cell.border.left.style == "thin" for cell in sheet[3])
    assert sheet.print_title_rows == "$3:$3" and sheet.freeze_panes == "A4"
    id_cell, joined = sheet["E4"], sheet["G4"]
    assert id_cell.value == confirmed.member.id_number and id_cell.number_format == "@"
    assert joined.number_format == "yyyy-mm-dd" and joined.border.bottom.style == "thin"
    # Wide enough for an 18-digit number and a date, in width units of the default font.
    assert sheet.column_dimensions["E"].width >= 20 and sheet.column_dimensions["G"].width >= 12
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_area == "'党员名册'!$A$1:$L$5"
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_the_register_per_member_is_the_printable_form_with_signature_lines(confirmed):
    _content, book = _workbook(
        confirmed, "register", confirmed.secretary, quarter=1, layout=Layout.PER_MEMBER
    )
    sheet = book["张三"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "党员积分登记表（第一党支部，2026年第1季度）"
    assert rows[1][0] == "张三 · 第一党支部 · 2026年第1季度"
    assert rows[3] == ["期间", "得分", "排名"]
    quarter = next(row for row in sheet.iter_rows() if row[0].value == "第1季度")
    assert quarter[1].number_format == "0.0" and quarter[2].number_format == "0"
    signatures = next(row for row in rows if row[0] and str(row[0]).startswith("支部书记"))
    assert signatures[0] == "支部书记（签字）：________________"
    assert signatures[1] == "支部党员大会日期：2026年4月8日"
    assert sheet.page_setup.orientation == "portrait" and sheet.page_setup.paperSize == 9
    assert sheet.print_area == f"'张三'!$A$1:$C${sheet.max_row}"
    # Narrow tables are widened to span the page, as the PDF's do.
    width = sum(sheet.column_dimensions[c].width for c in "ABC")
    assert 85 <= width <= 95


def test_names_differing_only_in_case_get_sheets_of_their_own(confirmed):
    """Excel takes "Li" and "li" for one sheet name: each member keeps a sheet, and each
    sheet's print area names that sheet."""
    MemberFactory(name="Li", branch=confirmed.branch)
    MemberFactory(name="li", branch=confirmed.branch)
    confirm_quarter(confirmed, 2)
    _content, book = _workbook(
        confirmed, "register", confirmed.secretary, quarter=2, layout=Layout.PER_MEMBER
    )
    names = [name for name in book.sheetnames if name.lower().startswith("li")]
    assert sorted(names) == ["Li", "li_2"] or sorted(names) == ["Li_2", "li"]
    for name in names:
        assert book[name].print_area.startswith(f"'{name}'!")


def test_the_year_table_of_the_branch_prints_landscape(confirmed):
    _content, book = _workbook(
        confirmed, "register", confirmed.secretary, quarter=0, layout=Layout.BRANCH_TABLE
    )
    sheet = book["第一党支部"]
    assert sheet.page_setup.orientation == "landscape"
    assert [cell.value for cell in sheet[3]][:3] == ["姓名", "1月", "2月"]
    assert sheet.freeze_panes == "A4"


def test_libreoffice_prints_them_on_a4_with_nothing_cut_off(confirmed, tmp_path):
    from pypdf import PdfReader

    roster, _book = _workbook(confirmed, "roster")
    register, _book = _workbook(
        confirmed, "register", confirmed.secretary, quarter=1, layout=Layout.BRANCH_TABLE
    )
    printed = libreoffice.convert(
        tmp_path, {"roster.xlsx": roster, "register.xlsx": register}, "pdf"
    )
    roster_pdf = PdfReader(io.BytesIO(printed["roster.xlsx"]))
    assert len(roster_pdf.pages) == 1
    box = roster_pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = pdf_text(printed["roster.xlsx"])
    # A column too narrow prints ### for a date and cuts an ID number off.
    assert "###" not in text
    assert confirmed.member.id_number in text and "2015-07-01" in text
    assert "第一党支部党员名册" in text and "第 1 页，共 1 页" in text
    register_text = pdf_text(printed["register.xlsx"])
    assert "支部书记（签字）" in register_text and "2026年4月8日" in register_text
