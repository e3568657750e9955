"""The roster import with the files a branch office really has (issue 17), each imported through
the services the upload page calls (upload_create, upload_preview, upload_import), asserting
what is imported and the message shown."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jifen.exchange import services
from jifen.exchange.enums import UploadKind
from jifen.exchange.importers import CREATED, EXAMPLE_ID_NUMBER, UNCHANGED
from jifen.exchange.sheets import FileRefused
from jifen.orgs.models import Member
from jifen.orgs.selectors import member_by_id_number
from tests.exchange import libreoffice
from tests.exchange.helpers import ROSTER_HEADER, roster_row, xlsx
from tests.exchange.office_files import EXPECTED, csv_bytes, made_by_python, two_members
from tests.factories import valid_id_number


def _upload(world, content, filename):
    return services.upload_create(
        actor=world.admin, kind=UploadKind.ROSTER, filename=filename, content=content
    )


def _import(world, content, filename="名册.xlsx"):
    """The import as the page confirms it, keeping the good rows."""
    return services.upload_import(
        actor=world.admin, upload=_upload(world, content, filename), keep_valid=True
    )


def _preview(world, content, filename="名册.xlsx"):
    return services.upload_preview(actor=world.admin, upload=_upload(world, content, filename))


def _errors(report):
    return {(row.number, column): message for row in report.rows for column, message in row.errors}


def _imported(names):
    members = Member.objects.filter(name__in=names)
    return {
        m.name: {key: getattr(m, key) for key in EXPECTED["王五"]} for m in members.order_by("name")
    }


@pytest.fixture(scope="module")
def libreoffice_files(tmp_path_factory):
    """The openpyxl roster saved by LibreOffice as Excel 97, OpenDocument and its own .xlsx."""
    workdir = tmp_path_factory.mktemp("libreoffice")
    source = {"roster.xlsx": made_by_python()["openpyxl.xlsx"]}
    return {
        f"libreoffice.{target}": libreoffice.convert(workdir, source, target)["roster.xlsx"]
        for target in ("xls", "ods", "xlsx")
    }


KINDS = [
    *made_by_python(),
    "libreoffice.xls",
    "libreoffice.ods",
    "libreoffice.xlsx",
]


# Row 4: .xlsx, .xls, .ods and CSV in each encoding Chinese Excel writes, one reader each.
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_file_imports_the_same_members(world, request, kind):
    files = made_by_python()
    if kind.startswith("libreoffice"):
        files = request.getfixturevalue("libreoffice_files")
    report = _import(world, files[kind], filename=kind)
    assert (report.count(CREATED), report.bad_rows, report.notices) == (2, [], [])
    assert _imported(EXPECTED) == EXPECTED


# Row 1: the template's example row never becomes a member.
def test_the_templates_old_example_row_is_skipped_with_a_notice(world):
    example = roster_row("张三", EXAMPLE_ID_NUMBER, 出生日期=datetime.date(1980, 1, 1))
    report = _import(world, xlsx(ROSTER_HEADER, [example, *two_members()]))
    assert report.notices == ["第 2 行是模板中的示例（张三），未导入。"]
    assert report.outcomes == {3: CREATED, 4: CREATED}
    assert member_by_id_number(EXAMPLE_ID_NUMBER) is None


def test_the_template_filled_in_imports_its_rows_and_no_example(client, world):
    client.force_login(world.admin)
    book = load_workbook(io.BytesIO(client.get(reverse("exchange:roster_template")).content))
    for number, row in enumerate(two_members(), start=2):  # typed below the header
        for column, value in enumerate(row, start=1):
            book.worksheets[0].cell(row=number, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    report = _import(world, buffer.getvalue())
    assert (report.count(CREATED), report.bad_rows, report.notices) == (2, [], [])
    assert _imported(EXPECTED) == EXPECTED
    assert Member.objects.filter(name="张三").count() == 1


# Row 2: every cell normalised before it is checked and matched.
def test_full_width_digits_and_invisible_characters_do_not_make_a_second_member(world):
    known = world.member.id_number
    full_width = "".join(chr(ord(d) + 0xFEE0) if d.isdigit() else d for d in known)
    row = roster_row(
        "\u200b张\u3000三",
        full_width,
        出生日期=world.member.birth_date,
        入党日期=world.member.join_date,
        党员身份="正式党员",
        党员类别="在职",
        民族=world.member.ethnicity,
        学历=world.member.education,
        联系电话="",
    )
    row[1] = world.member.get_gender_display()
    report = _import(world, xlsx(ROSTER_HEADER, [row]))
    assert report.outcomes == {2: UNCHANGED}, report.rows[0].errors
    assert Member.objects.filter(name="张三").count() == 1


def test_a_new_member_typed_with_full_width_digits_is_stored_in_ascii(world):
    number = valid_id_number(90001)
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in number[:3]) + number[3:]
    phone = "１３９ ００１３ ９０００"
    report = _import(world, xlsx(ROSTER_HEADER, [roster_row("王　五", full_width, 联系电话=phone)]))
    assert report.count(CREATED) == 1
    member = member_by_id_number(number)
    assert (member.name, member.phone) == ("王五", "13900139000")
    again = _import(world, xlsx(ROSTER_HEADER, [roster_row("王五", number, 联系电话=phone)]))
    assert again.outcomes == {2: UNCHANGED}


# Row 3: an ID number stored as a number says what happened and how to fix it.
@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (1.101011990030100e17, "1.10101E+17"),  # a number cell: its last digits rounded away
        ("1.10101E+17", "1.10101E+17"),  # the app's CSV opened and saved by Excel
    ],
)
def test_an_id_number_stored_as_a_number_is_explained(world, cell, shown):
    row = roster_row("王五", 联系电话="")
    row[4] = cell
    report = _preview(world, xlsx(ROSTER_HEADER, [row]))
    assert _errors(report) == {
        (2, "身份证号"): (
            f"身份证号被存成了数字（{shown}）：表格软件只保留数字的 15 位有效数字，"
            "最后几位已经丢失。请把该列设为“文本”格式后重新输入完整号码，或把数据复制到导入模板中。"
        )
    }


def test_an_id_number_whose_last_digits_became_000_gets_a_hint(world):
    number = valid_id_number(90001)[:15] + "000"
    content = csv_bytes(ROSTER_HEADER, [roster_row("王五", number)], "gbk")
    message = _errors(_preview(world, content, "名册.csv"))[(2, "身份证号")]
    assert message.startswith("身份证号校验位不正确")
    assert "号码以 000 结尾：多半是表格软件把它存成了数字" in message


# Row 5: ordinary layouts: a title, a blank row, 序号, a hidden 备注, an instructions sheet.
def test_an_ordinary_office_layout_is_read_with_notices(world):
    book = Workbook()
    book.active.title = "填写说明"
    book.active.append(["请按表头填写，姓名、身份证号必填。"])
    sheet = book.create_sheet("党员名册")
    sheet.append(["第一党支部党员名册（2026年）"])
    sheet.append([])
    sheet.append(["序号", *ROSTER_HEADER, "备注"])
    sheet.column_dimensions["N"].hidden = True
    for number, row in enumerate(two_members(), start=1):
        sheet.append([number, *row, "调入"])
    sheet.append([3, *roster_row("钱七", valid_id_number(90003), 联系电话="abc")])
    for number in range(4, 20):  # numbered in advance, nobody yet
        sheet.append([number])
    buffer = io.BytesIO()
    book.save(buffer)

    report = _import(world, buffer.getvalue())

    assert report.notices == [
        "表头位于工作表“党员名册”的第 3 行。",
        "以下列不导入，已忽略：序号（A）、备注（N）。",
    ]
    assert report.outcomes == {4: CREATED, 5: CREATED}
    assert _errors(report) == {
        (6, "联系电话"): "“abc”不是电话号码：请填写 11 位手机号（如 13800138000）"
        "或带区号的固定电话（如 010-62345678）。"
    }
    assert _imported(EXPECTED) == EXPECTED


def test_a_missing_required_column_is_named_and_nothing_is_imported(world):
    header = ["序号", *(h for h in ROSTER_HEADER if h != "入党日期")]
    rows = [
        [1, *(v for h, v in zip(ROSTER_HEADER, row, strict=True) if h != "入党日期")]
        for row in two_members()
    ]
    with pytest.raises(FileRefused) as refused:
        _preview(world, csv_bytes(header, rows, "utf-8-sig"), "名册.csv")
    assert refused.value.message == "缺少必填列：入党日期（表头在第 1 行）。"


def test_headers_people_write_are_understood(world):
    header = [
        "姓  名",
        "性别*",
        "身份证号码",
        "入党时间",
        "党员身份",
        "党员类别",
        "所在党支部",
        "手机号码",
    ]
    row = [
        "王五",
        "男",
        valid_id_number(90001),
        "2015.7.1",
        "正式党员",
        "在职",
        "第一党支部",
        "+86 138 0013 8000",
    ]
    report = _import(world, csv_bytes(header, [row], "gb18030"), "名册.csv")
    assert (report.count(CREATED), report.bad_rows, report.notices) == (1, [], [])
    assert Member.objects.get(name="王五").phone == "13800138000"


# Row 6: the dates people type.
@pytest.mark.parametrize(
    "typed",
    [
        "2015/7/1",
        "2015年7月1日",
        "2015.07.01",
        "2015-7-1",
        "2015 年 7 月 1 日",
        "20150701",
        42186,
        "42186",
        datetime.datetime(2015, 7, 1, 0, 0),
    ],
)
def test_dates_as_people_type_them(world, typed):
    report = _import(world, xlsx(ROSTER_HEADER, [roster_row(入党日期=typed)], text=True))
    assert report.count(CREATED) == 1, report.rows[0].errors
    assert Member.objects.get(name="王五").join_date == datetime.date(2015, 7, 1)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("7/1/2015", "“7/1/2015”含义不明（日和月可能颠倒），请按年-月-日填写，如 2020-07-01。"),
        ("2015-2-30", "“2015-2-30”不是存在的日期，请核对。"),
        ("2015年7月", "“2015年7月”缺少日，请填写完整日期，如 2020-07-01。"),
        ("去年七月", "“去年七月”不是日期，请按 2024-07-01 的格式填写。"),
        (0.5, "“0.5”不是日期，请按 2024-07-01 的格式填写。"),
    ],
)
def test_ambiguous_or_impossible_dates_are_refused_by_row_and_column(world, typed, message):
    rows = [roster_row("王五", valid_id_number(90001)), roster_row("赵六", valid_id_number(90002))]
    rows[1][6] = typed
    report = _import(world, xlsx(ROSTER_HEADER, rows, text=True))
    assert _errors(report) == {(3, "入党日期"): message}
    assert report.outcomes == {2: CREATED}


# Issue 13 point 10: the phone.
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        (13800138000, "13800138000"),
        ("(010)62345678", "010-62345678"),
        ("0571-8888 1234 转 123", "0571-88881234转123"),
        ("021 6888 8888 ext. 45", "021-68888888转45"),
        ("８８８８１２３４", "88881234"),
        ("", ""),
    ],
)
def test_phones_as_people_write_them_are_normalised(world, typed, stored):
    report = _import(world, xlsx(ROSTER_HEADER, [roster_row(联系电话=typed)]))
    assert report.count(CREATED) == 1, report.rows[0].errors
    assert Member.objects.get(name="王五").phone == stored


@pytest.mark.parametrize("typed", ["abc", "12345", "1380013800", "010-1234", "13800138000转1"])
def test_an_implausible_phone_is_refused_by_row_and_column(world, typed):
    report = _preview(world, xlsx(ROSTER_HEADER, [roster_row(联系电话=typed)]))
    assert list(_errors(report)) == [(2, "联系电话")]
    assert f"“{typed}”不是电话号码" in _errors(report)[(2, "联系电话")]


# Row 7: LibreOffice (as Excel and WPS) honours the template's checks: they block a wrong entry
# and say why, in Chinese.
def test_libreoffice_keeps_the_templates_checks_with_their_messages(client, world, tmp_path):
    import zipfile

    client.force_login(world.admin)
    template = client.get(reverse("exchange:roster_template")).content
    ods = libreoffice.convert(tmp_path, {"template.xlsx": template}, "ods")["template.xlsx"]
    content = zipfile.ZipFile(io.BytesIO(ods)).read("content.xml").decode()
    assert content.count('table:display="true"') >= 6
    assert 'table:message-type="stop"' in content
    assert "请从以下选项中选择：男、女。" in content
    assert "身份证号为 18 位：17 位数字，最后一位是数字或 X。" in content
    assert "请填写日期，如 2020-07-01 或 2020/7/1。" in content
