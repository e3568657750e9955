"""The register that the quarter's confirmation page previews is read from the standings: the
same rows that confirming would copy from the archive (register_rows_now), through a generated
year, on days within a quarter and after it."""

import datetime

import pytest
from django.utils import timezone

from jifen.cycle.selectors import quarter_for, register_preview, register_rows_now
from jifen.orgs.models import Member
from tests.conftest import YEAR
from tests.ledger.helpers import exempt_member, generated_year

DAYS = [
    datetime.date(YEAR, 2, 10),
    datetime.date(YEAR, 4, 2),
    datetime.date(YEAR, 6, 20),  # after the transfer
    datetime.date(YEAR, 10, 1),
    datetime.date(YEAR + 1, 1, 10),
]


def _values(row):
    return (row.member_id, row.month_scores, row.score, row.rank, row.exempt_reason)


def _computed(quarter):
    rows = register_rows_now(quarter)
    names = dict(
        Member.objects.filter(pk__in=[r.member_id for r in rows]).values_list("pk", "name")
    )
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, names[r.member_id]))
    return [_values(row) for row in rows]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_preview_is_what_confirming_would_copy(
    world, monkeypatch, day, django_assert_num_queries
):
    generated_year(world)
    exempt_member(world)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    month_shown = day.month if day.year == YEAR else 12
    compared = 0
    for branch in (world.branch, world.other_branch):
        for number in range(1, 5):
            quarter = quarter_for(branch, YEAR, number)
            begun = quarter.months[0] <= month_shown
            # One query for the quarter's standings, none for a quarter still to come.
            with django_assert_num_queries(1 if begun else 0):
                preview = register_preview(quarter)
            assert [_values(row) for row in preview] == _computed(quarter), (branch, number)
            compared += len(preview)
    # In each quarter begun, every member of the two branches: the twelve generated, the
    # exempt one, and the world's 张三 and 李四.
    assert compared == 15 * ((month_shown + 2) // 3)
