"""The data migration that made a share of the ranking an exact fraction (schemes 0002)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jifen.schemes import services

pytestmark = pytest.mark.usefixtures("latest_migrations_afterwards")

DECIMAL_SHARES = [("schemes", "0001_initial")]
FRACTIONS = [("schemes", "0002_grade_share_as_fraction")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _shares(scheme):
    return {
        g.code: (g.rank_share, g.rank_boundary) for g in scheme.grade_levels.exclude(rank_rule="")
    }


@pytest.mark.django_db(transaction=True)
def test_decimal_shares_become_fractions_with_their_boundary(world):
    national = services.scheme_create_from_preset(
        actor=world.admin,
        organisation=world.branch,
        year=world.scheme.year,
        name="支部细则",
        grade_scale="national",
    )
    old = _migrate(DECIMAL_SHARES).get_model("schemes", "GradeLevel")
    try:
        levels = old.objects.filter(scheme_id=world.scheme.pk)
        assert sorted(levels.exclude(rank_rule="").values_list("rank_share", flat=True)) == [
            Decimal("0.100"),
            Decimal("0.333"),
        ]
        # Shares an admin typed: a rounded two thirds, a quarter, and one kept as written.
        levels.filter(code="good").update(rank_share=Decimal("0.667"))
        levels.filter(code="fairly_good").update(rank_rule="top", rank_share=Decimal("0.250"))
        levels.filter(code="average").update(rank_rule="top", rank_share=Decimal("0.123"))
    finally:
        _migrate(FRACTIONS)

    assert _shares(world.scheme) == {
        "good": (Fraction(2, 3), "by_rank"),
        "fairly_good": (Fraction(1, 4), "by_rank"),
        "average": (Fraction(123, 1000), "by_rank"),
        "poor": (Fraction(1, 10), "by_rank"),
    }
    assert _shares(national) == {"excellent": (Fraction(1, 3), "at_most")}
