import datetime

import pytest

from jifen.audit.models import AuditEvent
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.orgs import rules, services
from jifen.orgs.enums import OrgKind, RoleKind
from tests.factories import UserFactory, valid_id_number

NEW_MEMBER = {
    "name": "王五",
    "gender": "female",
    "id_number": valid_id_number(999),
    "join_date": datetime.date(2020, 7, 1),
}


def _wrong_check_digit():
    number = valid_id_number(999)
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_admin_adds_a_member_with_a_placement(world):
    member = services.member_create(actor=world.admin, branch=world.branch, **NEW_MEMBER)
    assert member.placements.get().start == datetime.date(2020, 7, 1)
    assert member.id_number_masked.startswith("1101") and "*" in member.id_number_masked
    event = AuditEvent.objects.get(action="orgs.member.created")
    assert NEW_MEMBER["id_number"] not in str(event.data)


def test_bad_id_number_is_refused_with_the_field_named(world):
    with pytest.raises(DomainError) as error:
        services.member_create(
            actor=world.admin,
            branch=world.branch,
            **{**NEW_MEMBER, "id_number": _wrong_check_digit()},
        )
    assert error.value.code == "invalid_member"


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"birth_date": datetime.date(1800, 1, 1)}, "出生日期"),
        ({"birth_date": datetime.date(1991, 3, 1)}, "出生日期"),
        ({"join_date": datetime.date(2999, 1, 1)}, "入党日期"),
        ({"join_date": datetime.date(1, 1, 1)}, "入党日期"),
        ({"join_date": datetime.date(2000, 7, 1)}, "入党日期"),
    ],
)
def test_implausible_dates_keep_a_member_out(world, fields, field_name):
    with pytest.raises(DomainError) as error:
        services.member_create(actor=world.admin, branch=world.branch, **{**NEW_MEMBER, **fields})
    assert error.value.code == "invalid_member"
    assert str(error.value.message).startswith(field_name)


def test_one_spelling_of_each_id_number_and_phone_is_stored(world):
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in NEW_MEMBER["id_number"])
    member = services.member_create(
        actor=world.admin,
        branch=world.branch,
        **{**NEW_MEMBER, "id_number": full_width, "phone": "+86 139 0013 9000"},
    )
    member.refresh_from_db()
    assert (member.id_number, member.phone) == (NEW_MEMBER["id_number"], "13900139000")
    # The same person again, typed in ASCII: the same number, refused as a duplicate.
    with pytest.raises(DomainError, match="身份证号"):
        services.member_create(actor=world.admin, branch=world.branch, **NEW_MEMBER)


@pytest.mark.parametrize("phone", ["abc", "12345"])
def test_an_implausible_phone_keeps_a_member_out(world, phone):
    with pytest.raises(DomainError) as error:
        services.member_create(
            actor=world.admin, branch=world.branch, **{**NEW_MEMBER, "phone": phone}
        )
    assert str(error.value.message).startswith(f"电话: “{phone}”不是电话号码")
    with pytest.raises(DomainError, match="不是电话号码"):
        services.member_update(actor=world.admin, member=world.member, phone=phone)


def test_an_edit_is_checked_by_the_same_rule(world):
    with pytest.raises(DomainError, match="十八"):
        services.member_update(
            actor=world.admin, member=world.member, join_date=datetime.date(2007, 7, 1)
        )
    world.member.refresh_from_db()
    assert world.member.join_date == datetime.date(2015, 7, 1)


def test_only_admins_of_the_tree_change_the_roster(world):
    for actor in (world.secretary, world.outsider, world.member_user, world.reviewer):
        with pytest.raises(NotPermitted):
            services.member_create(actor=actor, branch=world.branch, **NEW_MEMBER)


def test_members_belong_to_branches(world):
    with pytest.raises(DomainError):
        services.member_create(actor=world.admin, branch=world.general, **NEW_MEMBER)


def test_transfer_closes_the_old_placement(world):
    services.member_transfer(
        actor=world.admin,
        member=world.member,
        to_branch=world.other_branch,
        on=datetime.date(2026, 5, 1),
    )
    old, new = world.member.placements.order_by("start")
    assert (old.branch, old.end) == (world.branch, datetime.date(2026, 4, 30))
    assert (new.branch, new.end) == (world.other_branch, None)
    with pytest.raises(InvalidState):
        services.member_transfer(
            actor=world.admin,
            member=world.member,
            to_branch=world.other_branch,
            on=datetime.date(2026, 6, 1),
        )


def test_organisation_tree_rules(world):
    group = services.organisation_create(
        actor=world.admin, name="第一党小组", kind=OrgKind.GROUP, parent=world.branch
    )
    assert group.path == f"{world.branch.path}{group.pk}/"
    with pytest.raises(DomainError):
        services.organisation_create(actor=world.admin, name="x", kind=OrgKind.BRANCH, parent=group)
    with pytest.raises(NotPermitted):
        services.organisation_create(
            actor=world.outsider, name="x", kind=OrgKind.GROUP, parent=world.branch
        )


def test_roles_reach_their_subtree_only(world):
    assert rules.can_review_for(world.reviewer, world.branch)
    assert not rules.can_review_for(world.secretary, world.branch)
    assert rules.can_work_in_branch(world.committee_member, world.branch)
    assert not rules.can_work_in_branch(world.outsider, world.branch)
    assert set(rules.visible_organisations(world.secretary)) == {world.branch}
    assert set(rules.visible_members(world.outsider)) == {world.outsider_member}
    assert set(rules.visible_members(world.member_user)) == {world.member}
    assert world.member in rules.visible_members(world.reviewer)


def test_role_grant_is_audited_and_admin_only(world):
    user = UserFactory()
    services.role_grant(
        actor=world.admin, user=user, organisation=world.branch, kind=RoleKind.COMMITTEE
    )
    assert rules.can_work_in_branch(user, world.branch)
    with pytest.raises(NotPermitted):
        services.role_grant(
            actor=world.secretary, user=user, organisation=world.branch, kind=RoleKind.SECRETARY
        )
