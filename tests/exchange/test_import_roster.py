"""Roster import: every row checked and shown before anything is written; all or nothing unless
the user asks for the clean rows only; re-importing the same file changes nothing."""

import datetime

import pytest
from django.test import override_settings

from jifen.audit.models import AuditEvent
from jifen.errors import NotPermitted
from jifen.exchange import services
from jifen.exchange.enums import UploadKind, UploadState
from jifen.exchange.importers import CREATED, UNCHANGED, UPDATED
from jifen.exchange.sheets import FileRefused
from jifen.ledger import standings
from jifen.orgs.models import Member
from jifen.orgs.selectors import member_by_id_number
from jifen.schemes import services as scheme_services
from tests.exchange.helpers import ROSTER_HEADER, roster_row, xlsx
from tests.factories import valid_id_number


def _upload(world, content, actor=None):
    return services.upload_create(
        actor=actor or world.admin, kind=UploadKind.ROSTER, filename="名册.xlsx", content=content
    )


def _errors(report):
    return {(row.number, column): message for row in report.rows for column, message in row.errors}


def test_clean_file_imports_every_row_through_member_create(world):
    rows = [roster_row("王五", valid_id_number(90001)), roster_row("赵六", valid_id_number(90002))]
    upload = _upload(world, xlsx(ROSTER_HEADER, rows))
    report = services.upload_import(actor=world.admin, upload=upload)
    assert report.count(CREATED) == 2
    wang = member_by_id_number(valid_id_number(90001))
    assert (wang.name, wang.branch, wang.gender, wang.category) == (
        "王五",
        world.branch,
        "male",
        "in_service",
    )
    assert wang.join_date == datetime.date(2015, 7, 1)
    assert wang.placements.get().start == wang.join_date
    assert AuditEvent.objects.filter(action="orgs.member.created").count() == 2
    upload.refresh_from_db()
    assert upload.state == UploadState.IMPORTED


def test_preview_lists_each_problem_with_row_and_column_and_writes_nothing(world):
    bad_id = valid_id_number(90003)[:-1] + ("0" if valid_id_number(90003)[-1] != "0" else "1")
    rows = [
        roster_row("王五", valid_id_number(90001)),
        roster_row("坏号", bad_id),
        roster_row("外支部", valid_id_number(90004), branch="不存在的支部"),
        roster_row("重复", valid_id_number(90001)),
        roster_row("坏日期", valid_id_number(90005), 入党日期="去年七月"),
        roster_row("", valid_id_number(90006)),
        roster_row("坏类别", valid_id_number(90007), 党员类别="外星"),
    ]
    report = services.upload_preview(
        actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, rows))
    )
    errors = _errors(report)
    assert "check digit" in errors[(3, "身份证号")] or "校验" in errors[(3, "身份证号")]
    assert errors[(4, "所在支部")] == "没有您有权管理的同名支部。"
    assert errors[(5, "身份证号")] == "与本文件第 2 行重复。"
    assert errors[(6, "入党日期")] == "“去年七月”不是日期，请按 2024-07-01 的格式填写。"
    assert errors[(7, "姓名")] == "此列为必填项。"
    assert "外星" in errors[(8, "党员类别")]
    assert report.outcomes == {2: CREATED}
    assert not Member.objects.filter(name__in=["王五", "坏号"]).exists()


def test_a_file_with_errors_imports_nothing(world):
    rows = [roster_row("王五", valid_id_number(90001)), roster_row("坏日期", "123")]
    upload = _upload(world, xlsx(ROSTER_HEADER, rows))
    with pytest.raises(services.ImportRefused) as refused:
        services.upload_import(actor=world.admin, upload=upload)
    assert "1" in str(refused.value.message)
    assert not Member.objects.filter(name="王五").exists()
    upload.refresh_from_db()
    assert upload.state == UploadState.PENDING


def test_only_the_valid_rows_when_the_user_asks(world):
    rows = [roster_row("王五", valid_id_number(90001)), roster_row("坏号", "123")]
    upload = _upload(world, xlsx(ROSTER_HEADER, rows))
    report = services.upload_import(actor=world.admin, upload=upload, keep_valid=True)
    assert report.count(CREATED) == 1
    assert Member.objects.filter(name="王五").exists()
    assert not Member.objects.filter(name="坏号").exists()


def test_reimporting_the_same_file_changes_nothing(world):
    content = xlsx(ROSTER_HEADER, [roster_row("王五", valid_id_number(90001))])
    services.upload_import(actor=world.admin, upload=_upload(world, content))
    events = AuditEvent.objects.filter(action__startswith="orgs.member").count()
    report = services.upload_import(actor=world.admin, upload=_upload(world, content))
    assert report.outcomes == {2: UNCHANGED}
    assert AuditEvent.objects.filter(action__startswith="orgs.member").count() == events


def test_a_changed_row_is_updated_through_member_update(world):
    services.upload_import(
        actor=world.admin,
        upload=_upload(world, xlsx(ROSTER_HEADER, [roster_row("王五", valid_id_number(90001))])),
    )
    changed = roster_row(
        "王五", valid_id_number(90001), 联系电话="13900139000", 党员身份="预备党员"
    )
    report = services.upload_import(
        actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, [changed]))
    )
    assert report.outcomes == {2: UPDATED}
    member = member_by_id_number(valid_id_number(90001))
    assert (member.phone, member.party_status) == ("13900139000", "probationary")
    event = AuditEvent.objects.filter(action="orgs.member.updated").get()
    assert event.data["fields"] == ["party_status", "phone"]


def test_a_file_that_changes_many_members_ranks_their_branch_once(world, monkeypatch):
    """Each changed category reaches the standings (member_update's signal); the import brings
    them up to date together at its end, ranking the branch once, as a rebuild would have it."""
    scheme_services.scheme_update(
        actor=world.root, scheme=world.scheme, exempt_categories=["retired"]
    )
    rows = [roster_row(f"党员{n}", valid_id_number(90010 + n)) for n in range(4)]
    services.upload_import(actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, rows)))
    ranked = []
    real = standings._rerank
    monkeypatch.setattr(standings, "_rerank", lambda *args: ranked.append(args[0]) or real(*args))
    changed = [
        roster_row(f"党员{n}", valid_id_number(90010 + n), 党员类别="离退休") for n in range(4)
    ]
    report = services.upload_import(
        actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, changed))
    )
    assert report.count(UPDATED) == 4
    assert ranked == [world.branch.pk]
    assert standings.differences() == []


def test_a_known_member_of_another_branch_is_not_moved(world):
    row = roster_row("李四", world.outsider_member.id_number, branch="第一党支部")
    report = services.upload_preview(
        actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, [row]))
    )
    assert "第二党支部" in _errors(report)[(2, "所在支部")]


def test_a_branch_the_importer_may_not_manage_is_refused(world):
    # The secretary of 第二党支部 is no admin: no roster import at all.
    with pytest.raises(NotPermitted):
        _upload(world, xlsx(ROSTER_HEADER, [roster_row()]), actor=world.outsider)


def test_rows_for_a_branch_outside_the_admins_tree_are_refused(world):
    from jifen.orgs.enums import OrgKind
    from tests.factories import OrganisationFactory

    OrganisationFactory(name="外单位支部", kind=OrgKind.BRANCH)
    rows = [
        roster_row("王五", valid_id_number(90001)),
        roster_row("外人", valid_id_number(90002), branch="外单位支部"),
    ]
    upload = _upload(world, xlsx(ROSTER_HEADER, rows))
    with pytest.raises(services.ImportRefused) as refused:
        services.upload_import(actor=world.admin, upload=upload)
    assert _errors(refused.value.report)[(3, "所在支部")] == "没有您有权管理的同名支部。"
    assert not Member.objects.filter(name__in=["王五", "外人"]).exists()


# A carriage return cannot survive the XML of a workbook; tests/exchange/test_cells.py has it.
# Text, as a cell formatted as text or a CSV file holds it: a real formula is read as its value.
@pytest.mark.parametrize("cell", ["=1+1", "+86138", "-2", "@SUM(A1)", "\t=1+1"])
def test_text_that_a_spreadsheet_would_run_is_refused_in_free_text(world, cell):
    rows = [roster_row("王五", valid_id_number(90001), 党内职务=cell)]
    report = services.upload_preview(
        actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, rows, text=True))
    )
    assert "公式" in _errors(report)[(2, "党内职务")]


def test_duplicate_rows_are_reported_not_imported_twice(world):
    row = roster_row("王五", valid_id_number(90001))
    upload = _upload(world, xlsx(ROSTER_HEADER, [row, row]))
    report = services.upload_import(actor=world.admin, upload=upload, keep_valid=True)
    assert report.count(CREATED) == 1
    assert _errors(report)[(3, "身份证号")] == "与本文件第 2 行重复。"
    assert Member.objects.filter(name="王五").count() == 1


def test_a_failure_inside_the_service_rolls_the_whole_import_back(world, monkeypatch):
    from jifen.errors import RowsRefused
    from jifen.orgs import services as org_services

    real = org_services.member_bulk_create

    def refuse_zhao(*, actor, rows):
        refused = {i: "拒绝" for i, row in enumerate(rows) if row["name"] == "赵六"}
        if refused:
            raise RowsRefused(refused)
        return real(actor=actor, rows=rows)

    monkeypatch.setattr(org_services, "member_bulk_create", refuse_zhao)
    rows = [roster_row("王五", valid_id_number(90001)), roster_row("赵六", valid_id_number(90002))]
    with pytest.raises(services.ImportRefused) as refused:
        services.upload_import(actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, rows)))
    assert refused.value.report.rows[1].errors == [("", "拒绝")]
    assert refused.value.report.outcomes == {2: CREATED}
    assert not Member.objects.filter(name="王五").exists()


def test_a_row_the_bulk_service_refuses_is_named_and_the_others_kept(world, monkeypatch):
    from jifen.orgs import services as org_services

    # A member added while the file was checked: the service's own uniqueness check finds it.
    def preload_nothing(importer, rows):
        pass

    rows = [
        roster_row("王五", valid_id_number(90001)),
        roster_row("赵六", world.member.id_number),
        roster_row("钱七", valid_id_number(90003)),
    ]
    upload = _upload(world, xlsx(ROSTER_HEADER, rows))
    calls = []
    real = org_services.member_bulk_create
    monkeypatch.setattr(
        org_services,
        "member_bulk_create",
        lambda **kwargs: calls.append(len(kwargs["rows"])) or real(**kwargs),
    )
    monkeypatch.setattr("jifen.exchange.importers.RosterImporter.preload", preload_nothing)
    report = services.upload_import(actor=world.admin, upload=upload, keep_valid=True)
    assert report.outcomes == {2: CREATED, 4: CREATED}
    ((column, message),) = _errors_of(report, 3)
    assert column == "" and world.member.id_number_masked in message
    assert world.member.id_number not in message
    assert calls == [3, 2]
    assert set(Member.objects.filter(name__in=["王五", "钱七"]).values_list("name", flat=True)) == {
        "王五",
        "钱七",
    }


def _errors_of(report, number):
    return next(row.errors for row in report.rows if row.number == number)


def test_new_rows_are_created_in_one_call_and_audited(world, monkeypatch):
    from jifen.orgs import services as org_services

    monkeypatch.setattr(org_services, "member_create", pytest.fail)
    rows = [roster_row(f"党员{n}", valid_id_number(90010 + n)) for n in range(5)]
    report = services.upload_import(
        actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, rows))
    )
    assert report.count(CREATED) == 5
    events = AuditEvent.objects.filter(action="orgs.member.created")
    assert sorted(e.data["name"] for e in events) == [f"党员{n}" for n in range(5)]
    assert {e.organisation_id for e in events} == {world.branch.pk}


def test_only_the_uploader_confirms(world):
    upload = _upload(world, xlsx(ROSTER_HEADER, [roster_row()]))
    with pytest.raises(NotPermitted):
        services.upload_import(actor=world.root, upload=upload)


def test_a_missing_required_column_refuses_the_file_naming_it(world):
    header = [h for h in ROSTER_HEADER if h not in ("身份证号", "所在支部")]
    upload = _upload(world, xlsx(header, [roster_row()[: len(header)]]))
    with pytest.raises(FileRefused) as refused:
        services.upload_preview(actor=world.admin, upload=upload)
    assert refused.value.message == (
        "缺少必填列：身份证号、所在支部（表头在第 1 行，工作表“Sheet”）。"
    )


def test_unknown_and_repeated_columns_are_left_aside_with_a_notice(world):
    header = ["序号", *ROSTER_HEADER, "备注", "工号", "手机"]
    row = [1, *roster_row("王五", valid_id_number(90001)), "调入", "A-17", "13900139000"]
    report = services.upload_import(actor=world.admin, upload=_upload(world, xlsx(header, [row])))
    assert report.notices == [
        "以下列不导入，已忽略：序号（A）、备注（N）、工号（O）。",
        "以下列与前面的列重复，已忽略：手机（P）。",
    ]
    assert Member.objects.get(name="王五").phone == "13800138000"


def test_english_headers_are_understood(world):
    header = [
        "Name",
        "Gender",
        "ID number",
        "Date joined the party",
        "Party status",
        "Member category",
        "Branch",
    ]
    row = [
        "Wang Wu",
        "Male",
        valid_id_number(90001),
        "2015-07-01",
        "Full member",
        "Retired",
        "第一党支部",
    ]
    report = services.upload_import(actor=world.admin, upload=_upload(world, xlsx(header, [row])))
    assert report.count(CREATED) == 1
    assert Member.objects.get(name="Wang Wu").category == "retired"


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "x.xlsx", "文件是空的。"),
        # An .xls (OLE) header with nothing behind it.
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "x.xls", "无法读取该工作簿"),
        (b"PK\x03\x04 broken zip", "x.xlsx", "无法识别的表格文件"),
        (b"name,id\n", "x.xlsx", "无法识别的表格文件"),
        (b"%PDF-1.7\n...", "x.csv", "无法识别的表格文件"),
        (b"\x7fELF\x02\x01\x01\0\0\0", "x.csv", "无法识别的表格文件"),
        (b"name,id\nWang,1\n", "x.csv", "找不到表头"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(world, content, filename, message):
    with pytest.raises(FileRefused) as refused:
        services.upload_preview(actor=world.admin, upload=_upload_raw(world, content, filename))
    assert message in str(refused.value.message)


def _upload_raw(world, content, filename="x.xlsx"):
    # The size check refuses an empty file at upload already; the model row is what a file
    # kept from an earlier, larger limit would look like.
    from jifen.exchange.models import Upload

    return Upload.objects.create(
        kind=UploadKind.ROSTER, filename=filename, content=content, created_by=world.admin
    )


def test_an_empty_upload_is_refused_at_once(world):
    with pytest.raises(FileRefused, match="文件是空的"):
        _upload(world, b"")


def test_a_workbook_without_rows_has_no_header(world):
    with pytest.raises(FileRefused, match="表头"):
        services.upload_preview(actor=world.admin, upload=_upload(world, xlsx([], [])))


@override_settings(JIFEN_MAX_UPLOAD_MB=10)
def test_a_20_mb_file_is_refused_before_parsing(world, monkeypatch):
    from jifen.exchange import sheets

    monkeypatch.setattr(sheets, "_workbook", pytest.fail)
    with pytest.raises(FileRefused, match="10 MB"):
        _upload(world, b"PK" + b"\0" * (20 * 1024 * 1024))


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        # A workbook holds no date before 1900: such a date is text.
        ({"出生日期": "1800-01-01"}, "出生日期", "出生日期应在 1900-01-01"),
        ({"出生日期": "0001-01-01"}, "出生日期", "出生日期应在 1900-01-01"),
        ({"出生日期": datetime.date(1990, 5, 1)}, "出生日期", "与身份证号中的出生日期"),
        ({"入党日期": datetime.date(2999, 1, 1)}, "入党日期", "不能晚于今天"),
        ({"入党日期": "0001-01-01"}, "入党日期", "1921-07-01"),
        ({"入党日期": datetime.date(1920, 1, 1)}, "入党日期", "1921-07-01"),
        ({"入党日期": datetime.date(1989, 7, 1)}, "入党日期", "年满十八岁"),
        ({"入党日期": datetime.date(2008, 2, 29)}, "入党日期", "2008-03-01"),
    ],
)
def test_implausible_dates_are_named_by_row_and_column(world, cells, column, message):
    rows = [
        roster_row("王五", valid_id_number(90001)),
        roster_row("赵六", valid_id_number(90002), **cells),
    ]
    report = services.upload_preview(
        actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, rows))
    )
    ((where, problem),) = _errors(report).items()
    assert where == (3, column) and message in problem
    assert report.outcomes == {2: CREATED}


def test_without_a_birth_date_the_id_numbers_date_counts(world):
    from jifen.orgs.validators import id_number_check_code

    born_1880 = "440524188001010014"
    young = "110101201001010" + "01"
    young += id_number_check_code(young)
    rows = [
        roster_row("老人", born_1880, 出生日期=None),
        roster_row("少年", young, 出生日期=None),
    ]
    errors = _errors(
        services.upload_preview(actor=world.admin, upload=_upload(world, xlsx(ROSTER_HEADER, rows)))
    )
    assert "1900-01-01" in errors[(2, "身份证号")]
    assert "2028-01-01" in errors[(3, "入党日期")]
