"""Every spreadsheet the app exports can be read again with nothing changed: the roster (in
each format, and after LibreOffice saved it again) and the templates import through the upload
services with every row unchanged; the ledger, the 登记表 and the year report, which nothing
imports, read back cell for cell under their title. (PDF files are for printing only.)"""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jifen.exchange import exports, services
from jifen.exchange.enums import Format, Layout, UploadKind
from jifen.exchange.importers import UNCHANGED
from tests.conftest import YEAR
from tests.exchange import libreoffice
from tests.exchange.helpers import compute_year, confirm_quarter, give
from tests.factories import MemberFactory


@pytest.fixture
def roster(world):
    """A branch of three with everything a roster row holds, and a confirmed quarter."""
    world.member.birth_date = datetime.date(1990, 3, 1)
    world.member.phone, world.member.party_post = "13812345678", "组织委员（兼）"
    world.member.save(update_fields=["birth_date", "phone", "party_post"])
    MemberFactory(name="王五", branch=world.branch, gender="female", education="硕士研究生")
    MemberFactory(name="Wang Wu", branch=world.branch, phone="010-62345678转12")
    give(world, world.member, 1, "P03", 5)
    give(world, world.member, 2, "D01", 2)
    confirm_quarter(world, 1)
    return world


def _export(world, name, fmt, **params):
    params = {"branch": world.branch.pk, "year": YEAR, "format": fmt, **params}
    source = exports.build(name, world.admin, params)
    expected = [(sheet.header, list(sheet.rows)) for sheet in source.sheets()]
    content, _type, filename = exports.render(exports.build(name, world.admin, params), fmt)
    return content, filename, expected


def _reimport(world, content, filename):
    upload = services.upload_create(
        actor=world.admin, kind=UploadKind.ROSTER, filename=filename, content=content
    )
    return services.upload_import(actor=world.admin, upload=upload)


@pytest.mark.parametrize("fmt", [Format.XLSX, Format.CSV])
def test_the_roster_export_imports_again_unchanged(roster, fmt):
    content, filename, [(_header, rows)] = _export(roster, "roster", fmt)
    report = _reimport(roster, content, filename)
    assert len(rows) == 3
    assert set(report.outcomes.values()) == {UNCHANGED} and len(report.outcomes) == 3
    assert report.bad_rows == []


def test_the_roster_saved_again_by_libreoffice_imports_unchanged(roster, tmp_path):
    content, _filename, _expected = _export(roster, "roster", Format.XLSX)
    for target in ("xls", "ods", "xlsx"):
        saved = libreoffice.convert(tmp_path, {"roster.xlsx": content}, target)["roster.xlsx"]
        report = _reimport(roster, saved, f"roster.{target}")
        assert list(report.outcomes.values()) == [UNCHANGED] * 3, (target, report.rows)


def test_the_templates_import_with_nothing_to_do_and_no_error(client, world):
    client.force_login(world.admin)
    for url, kind, scheme in (
        (reverse("exchange:roster_template"), UploadKind.ROSTER, None),
        (
            reverse("exchange:items_template", args=[world.scheme.pk]),
            UploadKind.ITEMS,
            world.scheme,
        ),
    ):
        upload = services.upload_create(
            actor=world.admin,
            kind=kind,
            filename="template.xlsx",
            content=client.get(url).content,
            scheme=scheme,
        )
        report = services.upload_import(actor=world.admin, upload=upload)
        assert (report.rows, report.notices) == ([], [])


# What nothing imports reads back cell for cell: the same reader (calamine) finds every sheet's
# header under its title and the rows below it as they were written.
@pytest.mark.parametrize(
    ("name", "fmt", "params"),
    [
        ("ledger", Format.XLSX, {}),
        ("ledger", Format.CSV, {}),
        ("register", Format.XLSX, {"quarter": 1, "layout": Layout.PER_MEMBER}),
        ("register", Format.XLSX, {"quarter": 1, "layout": Layout.BRANCH_TABLE}),
        ("year_report", Format.XLSX, {}),
    ],
)
def test_every_other_export_reads_back_unchanged(roster, name, fmt, params):
    if name == "year_report":
        compute_year(roster)
    content, _filename, expected = _export(roster, name, fmt, **params)
    assert _read_back(content, fmt, expected) == [
        (header, [[_plain(value, fmt) for value in row] for row in rows])
        for header, rows in expected
    ]


def _read_back(content: bytes, fmt: str, expected) -> list:
    if fmt == Format.CSV:
        import csv

        lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        return [(lines[0], lines[1:])]
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    tables = []
    for index, (header, rows) in enumerate(expected):
        cells = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        start = cells.index(header) + 1
        tables.append((header, [_trimmed(row) for row in cells[start : start + len(rows)]]))
    return tables


def _trimmed(row: list) -> list:
    return [None if value == "" else value for value in row]


def _plain(value, fmt):
    """A value as the file holds it: text in a CSV; in a workbook numbers as floats."""
    if fmt == Format.CSV:
        return "" if value is None else str(value)
    if value == "":
        return None
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return float(value)
    return value
