import pytest

from jifen.orgs.enums import RoleKind
from jifen.orgs.rules import BRANCH_WORK, can_see_organisation, visible_organisations
from tests.orgs.reach import allowed_as_listed, everyone_everywhere

KINDS = [tuple(RoleKind), BRANCH_WORK, (RoleKind.REVIEWER, RoleKind.ADMIN), (RoleKind.ADMIN,)]


@pytest.mark.parametrize("kinds", KINDS, ids=lambda kinds: "+".join(kinds))
def test_one_organisation_is_seen_as_the_list_of_visible_ones_says(world, kinds):
    allowed = allowed_as_listed(
        world,
        lambda user, org: can_see_organisation(user, org, kinds),
        lambda user: visible_organisations(user, kinds),
    )
    assert ("root", "第一党小组") in allowed
    assert ("outsider", "第一党支部") not in allowed


def test_a_role_reaches_down_not_up_nor_sideways(world):
    assert can_see_organisation(world.secretary, world.branch, BRANCH_WORK)
    assert not can_see_organisation(world.secretary, world.general, BRANCH_WORK)
    assert not can_see_organisation(world.secretary, world.other_branch, BRANCH_WORK)
    assert can_see_organisation(world.reviewer, world.other_branch, [RoleKind.REVIEWER])
    assert not can_see_organisation(world.reviewer, world.branch, [RoleKind.SECRETARY])


def test_a_switched_off_account_reaches_nothing_though_its_role_remains(world):
    everyone_everywhere(world)
    switched_off = type(world.root).objects.get(username="switched_off")
    assert not can_see_organisation(switched_off, world.branch)


def test_no_kinds_reach_nothing(world):
    assert not can_see_organisation(world.secretary, world.branch, [])
