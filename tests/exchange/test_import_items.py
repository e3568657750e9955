"""Scheme items from a workbook: the same rules as the roster, through item_save."""

from decimal import Decimal

import pytest
from django.utils.translation import gettext as _

from jifen.errors import NotPermitted
from jifen.exchange import services
from jifen.exchange.enums import UploadKind
from jifen.exchange.importers import CREATED, UNCHANGED, UPDATED
from tests.exchange.helpers import xlsx

HEADER = [
    "编号",
    "项目名称",
    "类别",
    "分值（下限）",
    "分值（上限）",
    "频次",
    "年度上限",
    "需要佐证材料",
    "适用党员类别（空为全部）",
    "党员可申报",
]


def _row(code="P90", **overrides):
    row = {
        "编号": code,
        "项目名称": "参加义务献血",
        "类别": "履职分",
        "分值（下限）": 3,
        "分值（上限）": 3,
        "频次": "每年一次",
        "年度上限": 3,
        "需要佐证材料": "是",
        "适用党员类别（空为全部）": "在职、学生",
        "党员可申报": "是",
    }
    assert set(overrides) <= set(row), "unknown column in the test"
    row.update(overrides)
    return [row[h] for h in HEADER]


def _import(world, rows, *, keep_valid=False, actor=None):
    upload = services.upload_create(
        actor=actor or world.admin,
        kind=UploadKind.ITEMS,
        filename="细则.xlsx",
        content=xlsx(HEADER, rows),
        scheme=world.scheme,
    )
    return services.upload_import(actor=actor or world.admin, upload=upload, keep_valid=keep_valid)


def test_new_items_are_saved_with_every_column(world):
    report = _import(world, [_row()])
    assert report.count(CREATED) == 1
    item = world.item("P90")
    assert (item.name, item.category, item.frequency) == ("参加义务献血", "performance", "yearly")
    assert (item.points_min, item.points_max, item.annual_cap) == (
        Decimal(3),
        Decimal(3),
        Decimal(3),
    )
    assert item.evidence_required and item.declarable
    assert item.member_categories == ["in_service", "student"]


def test_reimport_is_unchanged_and_a_change_updates_the_item(world):
    _import(world, [_row()])
    assert _import(world, [_row()]).outcomes == {2: UNCHANGED}
    assert _import(world, [_row(**{"项目名称": "无偿献血"})]).outcomes == {2: UPDATED}
    assert world.item("P90").name == "无偿献血"


def test_the_rules_of_item_save_are_reported_per_row(world):
    rows = [
        _row("P91"),
        _row("P92", **{"分值（下限）": 5, "分值（上限）": 2}),
        _row("P93", 类别="坏"),
    ]
    with pytest.raises(services.ImportRefused) as refused:
        _import(world, rows)
    errors = {row.number: row.errors for row in refused.value.report.rows}
    assert errors[3] == [
        ("", str(_("Points run from a lower to a higher value, neither negative.")))
    ]
    assert errors[4][0][0] == "类别"
    assert not world.scheme.items.filter(code="P91").exists()


def test_finer_than_one_decimal_is_refused(world):
    with pytest.raises(services.ImportRefused) as refused:
        _import(world, [_row(**{"分值（下限）": 1.25, "分值（上限）": 2})])
    assert refused.value.report.rows[0].errors == [("分值（下限）", "分值最多保留一位小数。")]


def test_only_admins_of_the_schemes_organisation_import(world):
    with pytest.raises(NotPermitted):
        _import(world, [_row()], actor=world.secretary)
