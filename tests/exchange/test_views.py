"""The pages: the upload → preview → confirm walk, downloads, and refusals of outsiders on
every page that takes a POST (GET refusals are in tests/exchange/access.py)."""

import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jifen.exchange.enums import UploadKind
from jifen.exchange.models import Job, Upload
from jifen.orgs.models import Member
from tests.exchange.helpers import ROSTER_HEADER, roster_row, tables, xlsx
from tests.factories import MemberFactory, valid_id_number


def _file(content, name="名册.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_roster_template_has_chinese_headers_drop_downs_and_its_example_apart(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("exchange:roster_template"))
    assert response["Content-Disposition"].startswith('attachment; filename="roster-template.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    sheet, instructions = book.worksheets
    # The sheet to fill in holds its header and nothing else: no example can become a member.
    filled = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert filled == [tuple(ROSTER_HEADER)]
    examples = {row[0]: row[3] for row in instructions.iter_rows(min_row=5, values_only=True)}
    assert examples["姓名"] == "张三" and examples["所在支部"] == "第一党支部"
    rules = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert (rules["B2"].type, rules["B2"].formula1) == ("list", '"男,女"')
    assert rules["D2"].type == "date" and rules["G2"].type == "date"
    assert (rules["I2"].type, rules["I2"].formula1) == ("list", '"在职,离退休,学生,流动党员"')
    assert (rules["E2"].type, rules["E2"].formula1) == ("textLength", "18")
    # Checks that block a wrong entry, and say in Chinese what is expected.
    assert all(rule.showErrorMessage and rule.errorStyle == "stop" for rule in rules.values())
    assert rules["B2"].error == "请从以下选项中选择：男、女。"
    assert rules["D2"].error == "请填写日期，如 2020-07-01 或 2020/7/1。"
    assert rules["E2"].error == "身份证号为 18 位：17 位数字，最后一位是数字或 X。"
    assert sheet["E2"].number_format == "@" and sheet["L2"].number_format == "@"


def test_the_template_imports_as_it_is_with_nothing_to_import(client, world):
    client.force_login(world.admin)
    template = client.get(reverse("exchange:roster_template")).content
    response = client.post(reverse("exchange:roster_upload"), {"file": _file(template)})
    page = client.get(response["Location"]).content.decode()
    assert "共读取 0 行" in page and "新增" not in page


def test_upload_preview_and_confirm(client, world):
    client.force_login(world.admin)
    rows = [roster_row("王五", valid_id_number(90001)), roster_row("坏号", "123")]
    response = client.post(
        reverse("exchange:roster_upload"), {"file": _file(xlsx(ROSTER_HEADER, rows))}
    )
    upload = Upload.objects.get()
    assert response["Location"] == reverse("exchange:upload_preview", args=[upload.pk])
    page = client.get(response["Location"]).content.decode()
    assert (
        '<td>3</td><td class="text-nowrap">错误</td><td class="text-nowrap">身份证号</td>' in page
    )
    assert '<td>2</td><td class="text-nowrap">新增</td>' in page
    assert not Member.objects.filter(name="王五").exists()

    refused = client.post(response["Location"], {})
    assert "未导入任何数据" in refused.content.decode()
    assert not Member.objects.filter(name="王五").exists()

    done = client.post(response["Location"], {"keep_valid": "on"}, follow=True)
    assert "新增 1 条" in done.content.decode()
    # Imported members have no account yet: the admin lands where they are opened at once.
    assert done.redirect_chain[-1][0] == reverse("orgadmin:accounts_create")
    assert "王五" in done.content.decode()
    assert Member.objects.filter(name="王五").exists()


def test_the_preview_shows_what_is_left_aside_and_rows_as_the_sheet_numbers_them(client, world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    sheet.append(["第一党支部党员名册"])
    sheet.append(["序号", *ROSTER_HEADER, "备注"])
    sheet.append([1, *roster_row("王五", valid_id_number(90001)), "新调入"])
    sheet.append([2, *roster_row("赵六", valid_id_number(90002), 联系电话="abc")])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(world.admin)
    response = client.post(reverse("exchange:roster_upload"), {"file": _file(buffer.getvalue())})
    page = client.get(response["Location"]).content.decode()
    assert "请注意" in page and "表头位于工作表“名册”的第 2 行。" in page
    assert "以下列不导入，已忽略：序号（A）、备注（N）。" in page
    assert '<td>3</td><td class="text-nowrap">新增</td>' in page
    assert (
        '<td>4</td><td class="text-nowrap">错误</td><td class="text-nowrap">联系电话</td>' in page
    )


def test_the_upload_page_takes_every_kind_of_spreadsheet(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("exchange:roster_upload")).content.decode()
    assert (
        'accept=".xlsx,.xls,.ods,.csv"' in page and "表格文件（.xlsx、.xls、.ods 或 .csv）" in page
    )


@override_settings(JIFEN_MAX_UPLOAD_MB=1)
def test_a_file_over_the_limit_is_refused_in_the_form(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("exchange:roster_upload"), {"file": _file(b"PK" + b"\0" * (2 * 1024 * 1024))}
    )
    assert "文件超过 1 MB" in response.content.decode()
    assert not Upload.objects.exists()


def test_a_broken_file_is_shown_as_such(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("exchange:roster_upload"),
        {"file": _file(b"not a workbook", "old.xlsx")},
        follow=True,
    )
    assert "无法识别的表格文件" in response.content.decode()


def test_outsiders_cannot_upload_or_confirm(client, world):
    upload = Upload.objects.create(
        kind=UploadKind.ROSTER,
        filename="名册.xlsx",
        content=xlsx(ROSTER_HEADER, [roster_row()]),
        created_by=world.admin,
    )
    client.force_login(world.outsider)
    content = xlsx(ROSTER_HEADER, [roster_row()])
    assert (
        client.post(reverse("exchange:roster_upload"), {"file": _file(content)}).status_code == 403
    )
    items = reverse("exchange:items_upload", args=[world.scheme.pk])
    assert client.post(items, {"file": _file(content)}).status_code == 404
    preview = reverse("exchange:upload_preview", args=[upload.pk])
    assert client.post(preview, {"keep_valid": "on"}).status_code == 404
    assert not Member.objects.filter(name="王五").exists()


def test_anonymous_posts_go_to_the_login_page(client, world):
    response = client.post(
        reverse("exchange:branch_export", args=[world.branch.pk, "roster"]), {"format": "xlsx"}
    )
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("exchange:branch_export", lambda w: [w.branch.pk, "roster"]),
        ("exchange:branch_export", lambda w: [w.branch.pk, "year_report"]),
        ("exchange:member_export", lambda w: [w.member.pk, "ledger"]),
        ("exchange:member_export", lambda w: [w.member.pk, "register"]),
    ],
)
def test_outsiders_cannot_export(client, world, url_name, args):
    client.force_login(world.outsider)
    response = client.post(reverse(url_name, args=args(world)), {"format": "xlsx", "year": 2026})
    assert response.status_code == 404
    assert not Job.objects.exists()


def test_a_small_export_downloads_at_once(client, world):
    client.force_login(world.secretary)
    url = reverse("exchange:branch_export", args=[world.branch.pk, "roster"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = response["Content-Disposition"]
    stamp = timezone.localdate().isoformat()
    assert f'filename="roster-branch-{world.branch.pk}-{stamp}.xlsx"' in disposition
    assert f"filename*=UTF-8''{quote('第一党支部党员名册')}%20{stamp}.xlsx" in disposition
    assert tables(response.content)["党员名册"][1][0] == "张三"


def test_an_export_refused_by_the_domain_shows_why(client, world):
    client.force_login(world.secretary)
    url = reverse("exchange:branch_export", args=[world.branch.pk, "register"])
    response = client.post(
        url, {"format": "pdf", "year": 2026, "quarter": 1, "layout": "per_member"}
    )
    assert "党员大会尚未确认" in response.content.decode()


def test_an_unknown_export_is_not_found(client, world):
    client.force_login(world.secretary)
    assert (
        client.get(reverse("exchange:member_export", args=[world.member.pk, "roster"])).status_code
        == 404
    )
    assert (
        client.get(reverse("exchange:branch_export", args=[world.branch.pk, "nothing"])).status_code
        == 404
    )


def test_pages_link_to_the_exports(client, world):
    client.force_login(world.secretary)
    index = client.get(reverse("exchange:index")).content.decode()
    assert reverse("exchange:branch_exports", args=[world.branch.pk]) in index
    assert reverse("exchange:branch_exports", args=[world.other_branch.pk]) not in index
    branch = client.get(reverse("exchange:branch_exports", args=[world.branch.pk])).content.decode()
    assert reverse("exchange:branch_export", args=[world.branch.pk, "notice"]) in branch
    assert reverse("exchange:member_export", args=[world.member.pk, "register"]) in branch


def test_a_member_exports_their_own_archive_and_nobody_elses(client, world):
    """The one-click form of the member's year breakdown posts what the export page takes; a
    member without a role reaches no other member's archive and no branch document."""
    colleague = MemberFactory(name="王五", branch=world.branch)
    client.force_login(world.member_user)
    page = client.get(reverse("portal:my_scores", args=[2026])).content.decode()
    own = reverse("exchange:member_export", args=[world.member.pk, "ledger"])
    assert f'action="{own}"' in page
    fields = {"year": 2026, "month": 0, "category": "", "format": "xlsx"}
    response = client.post(own, fields)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    other = reverse("exchange:member_export", args=[colleague.pk, "ledger"])
    assert client.post(other, fields).status_code == 404
    roster = reverse("exchange:branch_export", args=[world.branch.pk, "roster"])
    assert client.post(roster, {"format": "xlsx"}).status_code == 404
    assert client.get(reverse("exchange:branch_exports", args=[world.branch.pk])).status_code == 404


def test_the_csv_choice_warns_what_excel_does_to_id_numbers(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("exchange:branch_export", args=[world.branch.pk, "roster"]))
    html = page.content.decode()
    assert 'aria-describedby="id_format_helptext"' in html
    assert "18 位身份证号会被当成数字并丢失最后几位" in html
