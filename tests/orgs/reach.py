"""Every user of the `world` fixture and every organisation, with a party group and the reaches
a page of one organisation must get right: a role held above the branch, and an account that
was switched off with its role still in place."""

from jifen.orgs.enums import OrgKind, RoleKind
from jifen.orgs.models import Role
from tests.factories import OrganisationFactory, UserFactory


def everyone_everywhere(world) -> tuple[list, list]:
    group = OrganisationFactory(name="第一党小组", kind=OrgKind.GROUP, parent=world.branch)
    above = UserFactory(username="general_committee")
    Role.objects.create(user=above, organisation=world.general, kind=RoleKind.COMMITTEE)
    switched_off = UserFactory(username="switched_off", is_active=False)
    Role.objects.create(user=switched_off, organisation=world.branch, kind=RoleKind.SECRETARY)
    users = [
        world.root,
        world.admin,
        world.reviewer,
        world.secretary,
        world.committee_member,
        world.member_user,
        world.outsider,
        above,
    ]
    orgs = [world.committee, world.general, world.branch, world.other_branch, group]
    return users, orgs


def allowed_as_listed(world, allows, listed) -> set[tuple[str, str]]:
    """Asserts that `allows(user, org)`, asked of one organisation, answers for every user and
    organisation what the list `listed(user)` says; returns (username, organisation name) of
    every pair allowed."""
    users, orgs = everyone_everywhere(world)
    allowed = set()
    for user in users:
        pks = set(listed(user).values_list("pk", flat=True))
        for org in orgs:
            assert allows(user, org) == (org.pk in pks), (user, org)
            if org.pk in pks:
                allowed.add((user.username, org.name))
    return allowed
