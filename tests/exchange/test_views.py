"""The pages: the upload → preview → confirm walk, downloads, and refusals of outsiders on
every page that takes a POST (GET refusals are in tests/exchange/access.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from jifen.exchange.enums import UploadKind
from jifen.exchange.models import Job, Upload
from jifen.orgs.models import Member
from tests.exchange.helpers import ROSTER_HEADER, roster_row, sheets, xlsx
from tests.factories import MemberFactory, valid_id_number


def _file(content, name="名册.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_roster_template_has_chinese_headers_an_example_and_drop_downs(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("exchange:roster_template"))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True, max_row=2))
    assert list(rows[0]) == ROSTER_HEADER
    assert rows[1][0] == "张三" and rows[1][9] == "第一党支部"
    rules = {
        str(v.sqref).split(":")[0]: (v.type, v.formula1)
        for v in sheet.data_validations.dataValidation
    }
    assert rules["B2"] == ("list", '"男,女"')
    assert rules["D2"][0] == "date" and rules["G2"][0] == "date"
    assert rules["I2"] == ("list", '"在职,离退休,学生,流动党员"')


def test_the_template_imports_as_it_is(client, world):
    client.force_login(world.admin)
    template = client.get(reverse("exchange:roster_template")).content
    response = client.post(reverse("exchange:roster_upload"), {"file": _file(template)})
    preview = client.get(response["Location"])
    assert "新增" in preview.content.decode()


def test_upload_preview_and_confirm(client, world):
    client.force_login(world.admin)
    rows = [roster_row("王五", valid_id_number(90001)), roster_row("坏号", "123")]
    response = client.post(
        reverse("exchange:roster_upload"), {"file": _file(xlsx(ROSTER_HEADER, rows))}
    )
    upload = Upload.objects.get()
    assert response["Location"] == reverse("exchange:upload_preview", args=[upload.pk])
    page = client.get(response["Location"]).content.decode()
    assert "<td>3</td><td>错误</td><td>身份证号</td>" in page
    assert "<td>2</td><td>新增</td>" in page
    assert not Member.objects.filter(name="王五").exists()

    refused = client.post(response["Location"], {})
    assert "未导入任何数据" in refused.content.decode()
    assert not Member.objects.filter(name="王五").exists()

    done = client.post(response["Location"], {"keep_valid": "on"}, follow=True)
    assert "新增 1 条" in done.content.decode()
    assert Member.objects.filter(name="王五").exists()


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
    assert "这不是 Excel 工作簿" in response.content.decode()


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
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert sheets(response.content)["党员名册"][1][0] == "张三"


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
