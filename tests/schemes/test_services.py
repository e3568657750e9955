from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError, transaction

from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.schemes import services
from jifen.schemes.enums import Frequency, ItemCategory
from jifen.schemes.selectors import current_scheme
from tests.conftest import YEAR
from tests.scoring.helpers import give

ITEM = {
    "code": "P99",
    "name": "义务献血",
    "category": ItemCategory.PERFORMANCE,
    "points_min": Decimal(5),
    "points_max": Decimal(5),
    "frequency": Frequency.YEARLY,
}


def test_preset_makes_a_full_catalogue(world):
    categories = set(world.scheme.items.values_list("category", flat=True))
    assert categories == set(ItemCategory.values)
    assert [g.name for g in world.scheme.grade_levels.all()] == [
        "好",
        "较好",
        "一般",
        "差",
        "不合格",
    ]


def test_branches_inherit_the_nearest_scheme(world):
    assert current_scheme(world.branch, YEAR) == world.scheme
    own = services.scheme_create_from_preset(
        actor=world.admin,
        organisation=world.branch,
        year=YEAR,
        name="支部细则",
        grade_scale="national",
    )
    assert current_scheme(world.branch, YEAR) == own
    assert current_scheme(world.other_branch, YEAR) == world.scheme
    assert current_scheme(world.branch, YEAR + 1) is None


def test_items_are_validated(world):
    item = services.item_save(actor=world.admin, scheme=world.scheme, **ITEM)
    assert item.pk
    bad = [
        {**ITEM, "code": "P98", "points_min": Decimal(6)},  # from above to
        {**ITEM, "code": "B99", "category": ItemCategory.BASE},  # base carries no points
        {**ITEM, "code": "P97", "annual_cap": Decimal(2)},  # cap below one use
        ITEM,  # duplicate code
    ]
    for fields in bad:
        with pytest.raises(DomainError):
            services.item_save(actor=world.admin, scheme=world.scheme, **fields)


def test_only_admins_edit_schemes(world):
    for actor in (world.secretary, world.reviewer, world.outsider):
        with pytest.raises(NotPermitted):
            services.scheme_update(actor=actor, scheme=world.scheme, base_points=Decimal(50))


def test_an_item_in_use_cannot_be_removed(world):
    give(world, world.member, 1, "P07", 10)
    with pytest.raises(InvalidState):
        services.item_remove(actor=world.admin, item=world.item("P07"))
    services.item_remove(actor=world.admin, item=world.item("P06"))


@pytest.mark.parametrize(
    ("share", "code"),
    [
        (None, "rank_share_range"),
        (Fraction(0), "rank_share_range"),
        (Fraction(4, 3), "rank_share_range"),
        (Fraction(1, 1001), "rank_share_denominator"),
    ],
)
def test_a_rank_condition_needs_a_share_that_fits(world, share, code):
    level = world.scheme.grade_levels.get(code="good")
    with pytest.raises(DomainError) as error:
        services.grade_level_update(
            actor=world.admin,
            level=level,
            name="好",
            min_score=Decimal(90),
            rank_rule="top",
            rank_share=share,
            rank_boundary="by_rank",
            rank_mode="required",
        )
    assert error.value.code == code


def test_the_database_keeps_a_share_with_its_rule(world):
    level = world.scheme.grade_levels.get(code="good")
    level.rank_share_denominator = None
    with pytest.raises(IntegrityError), transaction.atomic():
        level.save()
    level = world.scheme.grade_levels.get(code="average")
    level.rank_share = Fraction(1, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        level.save()
