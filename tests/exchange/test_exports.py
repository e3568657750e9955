"""Every export opened as a user would: the workbook with openpyxl, the PDF's text with pypdf."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from jifen.cycle import services as cycle
from jifen.cycle.models import MemberGrade, Quarter, YearFiling
from jifen.errors import InvalidState, NotPermitted
from jifen.exchange import exports
from jifen.exchange.enums import Format, Layout
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from tests.conftest import YEAR
from tests.cycle.conftest import FILING_DAY, Cycle, build_year, compute, finalise_all
from tests.exchange.helpers import compute_year, confirm_quarter, give, pdf_text, sheets, tables
from tests.factories import MemberFactory


def _export(name, actor, fmt=Format.XLSX, **params):
    source = exports.build(name, actor, {"format": fmt, "year": YEAR, **params})
    content, _content_type, filename = exports.render(source, fmt)
    return content, filename


def test_roster_shows_personal_data_to_admins_only(world):
    world.member.phone = "13812345678"
    world.member.save(update_fields=["phone"])
    full, filename = _export("roster", world.admin, branch=world.branch.pk)
    masked, _ = _export("roster", world.secretary, branch=world.branch.pk)
    full_row, masked_row = tables(full)["党员名册"][1], tables(masked)["党员名册"][1]
    assert full_row[0] == "张三" and full_row[4] == world.member.id_number
    assert full_row[11] == "13812345678"
    assert masked_row[4] == world.member.id_number_masked and "*" in masked_row[4]
    assert masked_row[11] == "138****5678"
    assert filename.startswith("第一党支部党员名册") and filename.endswith(".xlsx")


def test_an_admins_roster_export_imports_again_unchanged(world):
    from jifen.exchange import services
    from jifen.exchange.enums import UploadKind
    from jifen.exchange.importers import UNCHANGED

    content, _ = _export("roster", world.admin, branch=world.branch.pk)
    assert tables(content)["党员名册"][0][:3] == ("姓名", "性别", "民族")
    upload = services.upload_create(
        actor=world.admin, kind=UploadKind.ROSTER, filename="名册.xlsx", content=content
    )
    assert services.upload_import(actor=world.admin, upload=upload).outcomes == {4: UNCHANGED}


def test_text_that_a_spreadsheet_would_run_is_neutralised(world):
    world.member.party_post = '=HYPERLINK("http://x")'
    world.member.save(update_fields=["party_post"])
    workbook, _ = _export("roster", world.admin, branch=world.branch.pk)
    assert tables(workbook)["党员名册"][1][10] == '\'=HYPERLINK("http://x")'
    text, _ = _export("roster", world.admin, Format.CSV, branch=world.branch.pk)
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[1][10].startswith("'=")


def test_ledger_of_a_branch_filtered_by_month_and_category(world):
    give(world, world.member, 1, "P03", 4)
    give(world, world.member, 2, "P03", 5)
    give(world, world.member, 2, "D01", 2)
    content, _ = _export(
        "ledger", world.secretary, branch=world.branch.pk, month=2, category="deduction"
    )
    rows = tables(content)["积分档案"]
    assert rows[0][:6] == ("党员", "月份", "编号", "积分项目", "类别", "分值")
    assert [(r[0], r[1], r[2], r[5]) for r in rows[1:]] == [("张三", 2, "D01", -2)]


def test_a_member_exports_their_own_ledger_as_csv(world):
    give(world, world.member, 3, "P03", 4)
    content, _ = _export("ledger", world.member_user, Format.CSV, member=world.member.pk)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["张三", "3", "P03"] and rows[1][5] == "4.0"


def test_outsiders_cannot_build_an_export(world):
    with pytest.raises(NotPermitted):
        exports.build("roster", world.outsider, {"branch": world.branch.pk, "format": "xlsx"})
    with pytest.raises(NotPermitted):
        exports.build("ledger", world.outsider, {"member": world.member.pk, "format": "xlsx"})


def test_a_format_the_export_does_not_offer_is_refused(world):
    from jifen.errors import DomainError

    with pytest.raises(DomainError):
        exports.build("notice", world.secretary, {"branch": world.branch.pk, "format": "csv"})


@pytest.fixture
def confirmed(world):
    second = MemberFactory(name="王五", branch=world.branch)
    give(world, world.member, 1, "P03", 5)  # 65 in January
    give(world, second, 2, "D01", 2)  # 58 in February
    confirm_quarter(world, 1)
    return second


def test_register_one_sheet_per_member(world, confirmed):
    content, _ = _export("register", world.secretary, branch=world.branch.pk, quarter=1)
    assert list(sheets(content)) == ["张三", "王五"]
    title = sheets(content)["张三"][:2]
    assert title == [
        ("党员积分登记表（第一党支部，2026年第1季度）", None, None),
        ("张三 · 第一党支部 · 2026年第1季度", None, None),
    ]
    book = tables(content)
    zhang = book["张三"]
    assert zhang[0] == ("期间", "得分", "排名")
    assert zhang[1] == ("1月", 65, None)
    assert zhang[4] == ("第1季度", pytest.approx(61.7), 1)
    assert book["王五"][2] == ("2月", 58, None)
    anchor = Quarter.objects.get(number=1).anchor
    assert zhang[-1] == (f"存证码（第1季度）：{anchor.code}", None, None)


def test_register_one_table_for_the_branch(world, confirmed):
    content, _ = _export(
        "register", world.secretary, branch=world.branch.pk, quarter=1, layout=Layout.BRANCH_TABLE
    )
    table = tables(content)["第一党支部"]
    assert table[0] == ("姓名", "1月", "2月", "3月", "得分", "排名", "备注")
    assert table[1][:6] == ("张三", 65, 60, 60, pytest.approx(61.7), 1)
    assert table[2][0] == "王五" and table[2][5] == 2
    assert table[-1][0].endswith(Quarter.objects.get(number=1).anchor.code)


def test_register_is_read_from_what_the_meeting_confirmed(world, confirmed):
    # An objection's correction, recorded after the meeting: not in the register it confirmed.
    ledger.append_entry(
        actor=world.secretary,
        member=world.member,
        year=YEAR,
        month=1,
        item=world.item("P03"),
        points=Decimal(3),
        source=Source.OBJECTION,
        reason="异议成立",
    )
    content, _ = _export("register", world.secretary, member=world.member.pk, quarter=1)
    assert tables(content)["张三"][1] == ("1月", 65, None)


def test_register_notes_a_score_corrected_after_the_notice(world):
    # Q1 posted on 8 April; 张三's objection the next day is accepted with 2 more points.
    notice = Cycle(world).publish()
    during = datetime.date(YEAR, 4, 9)
    objection = cycle.objection_submit(
        actor=world.member_user, notice=notice, text="三月的志愿服务未计分", today=during
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
    day = objection.score_corrections.get().corrected_on.isoformat()
    note = f"经异议更正：原 60.0 分，现 60.7 分（{day}）"

    table, _ = _export(
        "register", world.secretary, branch=world.branch.pk, quarter=1, layout=Layout.BRANCH_TABLE
    )
    per_member, _ = _export("register", world.secretary, member=world.member.pk, quarter=1)
    pdf, _ = _export(
        "register",
        world.secretary,
        Format.PDF,
        branch=world.branch.pk,
        quarter=1,
        layout=Layout.BRANCH_TABLE,
    )

    assert tables(table)["第一党支部"][1][4:] == (pytest.approx(60.7), 1, note)
    assert ("备注", note, None) in tables(per_member)["张三"]
    # The PDF's narrow 备注 column wraps the note.
    assert note.replace(" ", "") in pdf_text(pdf).replace("\n", "").replace(" ", "")


def test_register_of_an_unconfirmed_quarter_is_refused(world):
    with pytest.raises(InvalidState, match="党员大会尚未确认"):
        _export("register", world.secretary, branch=world.branch.pk, quarter=2)


def test_register_pdf_is_a4_with_chinese_text_and_signature_lines(world, confirmed):
    from pypdf import PdfReader

    content, filename = _export(
        "register", world.secretary, Format.PDF, branch=world.branch.pk, quarter=1
    )
    text = pdf_text(content)
    assert "党员积分登记表" in text and "张三" in text and "王五" in text
    assert "61.7" in text and "65.0" in text
    assert "支部书记（签字）" in text and "支部党员大会日期: 2026年4月8日" in text
    assert Quarter.objects.get(number=1).anchor.code in text
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 2  # one page per member
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points
    fonts = reader.pages[0]["/Resources"]["/Font"].values()
    assert any("Noto-Sans-CJK" in font.get_object()["/BaseFont"] for font in fonts)
    assert filename.endswith(".pdf")


def test_notice_pdf_shows_only_name_branch_score_and_rank(world, confirmed):
    import datetime

    cycle.notice_publish(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=1,
        today=datetime.date(YEAR, 4, 9),
    )
    content, _ = _export("notice", world.secretary, Format.PDF, branch=world.branch.pk, quarter=1)
    text = pdf_text(content)
    assert "第一党支部2026年第1季度党员积分公示" in text
    assert "张三" in text and "61.7" in text and "2026-04-09" in text
    assert world.member.id_number not in text


def test_notice_before_posting_is_refused(world):
    with pytest.raises(InvalidState, match="尚未发布公示"):
        _export("notice", world.secretary, Format.PDF, branch=world.branch.pk, quarter=1)


def test_year_report_in_excel_and_pdf(world, confirmed):
    result = compute_year(world)
    grades = {g.member.name: g for g in MemberGrade.objects.filter(year_result=result)}
    content, _ = _export("year_report", world.reviewer, branch=world.branch.pk)
    assert sheets(content)["第一党支部"][1][0] == str(result.get_state_display())
    rows = tables(content)["第一党支部"]
    header = rows[0]
    assert header[:4] == ("排名", "姓名", "年度得分", "建议等次")
    by_name = {row[1]: row for row in rows[1:3]}
    zhang = by_name["张三"]
    assert zhang[0] == grades["张三"].rank and zhang[2] == pytest.approx(
        float(grades["张三"].score)
    )
    assert zhang[3] == grades["张三"].suggested_grade_name
    pdf = pdf_text(_export("year_report", world.reviewer, Format.PDF, branch=world.branch.pk)[0])
    assert "第一党支部 2026年度党员积分报告" in pdf and "张三" in pdf
    assert str(grades["张三"].score) in pdf


def test_year_report_before_the_computation_is_refused(world):
    with pytest.raises(InvalidState):
        _export("year_report", world.reviewer, branch=world.branch.pk)


@pytest.mark.parametrize("fmt", [Format.XLSX, Format.CSV])
def test_control_characters_of_an_approved_declaration_are_dropped(client, world, fmt):
    from jifen.declarations import services as declarations
    from jifen.declarations.enums import Decision

    declaration = declarations.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("P02"),
        points=Decimal(2),
        description="参加\x01社区\x1b[31m志愿服务\r\n=第二行",
        evidence="证明.pdf",
        today=datetime.date(YEAR, 3, 20),
    )
    declarations.declaration_review(
        actor=world.committee_member, declaration=declaration, decision=Decision.APPROVE
    )
    client.force_login(world.secretary)
    url = reverse("exchange:branch_export", args=[world.branch.pk, "ledger"])
    response = client.post(url, {"year": YEAR, "month": 3, "format": fmt})
    assert response.status_code == 200
    if fmt == Format.XLSX:
        reason = tables(response.content)["积分档案"][1][7]
    else:
        reason = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1][7]
    assert reason == "参加社区[31m志愿服务\n=第二行"


def test_the_year_register_prints_each_quarters_anchor_and_the_filings(world):
    build_year(world, Cycle(world))
    result = compute(world)
    finalise_all(world, result)
    cycle.year_submit(actor=world.secretary, year_result=result)
    cycle.year_review(actor=world.reviewer, year_result=result, approve=True, today=FILING_DAY)

    content, _ = _export(
        "register", world.secretary, branch=world.branch.pk, quarter=0, layout=Layout.BRANCH_TABLE
    )

    footer = [row[0] for row in tables(content)["第一党支部"][-5:]]
    codes = [q.anchor.code for q in Quarter.objects.order_by("number")]
    assert footer == [
        *(f"存证码（第{n}季度）：{code}" for n, code in enumerate(codes, start=1)),
        f"存证码（年度备案）：{YearFiling.objects.get().anchor.code}",
    ]


def test_the_ledger_names_who_recorded_each_entry_not_their_account(world):
    MemberFactory(name="李书记", branch=world.branch, user=world.secretary)
    give(world, world.member, 3, "P03", 4)
    world.admin.first_name = "管理员"
    world.admin.save(update_fields=["first_name"])
    ledger.append_entry(
        actor=world.admin,
        member=world.member,
        year=YEAR,
        month=4,
        item=world.item("P03"),
        points=Decimal(2),
        source=Source.COMMITTEE,
        reason="测试记录",
    )
    content, _ = _export("ledger", world.member_user, member=world.member.pk)
    header, *rows = tables(content)["积分档案"]
    recorder = header.index("记录人")
    assert [row[recorder] for row in rows] == ["李书记", "管理员"]
