"""Accounts opened at once for the members who have none (after a roster import)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from jifen.accounts import services as accounts
from jifen.audit.models import AuditEvent
from jifen.errors import NotPermitted
from jifen.orgs import services
from jifen.orgs.enums import MemberState, RoleKind
from jifen.orgs.models import Member, Role
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _imported(world, count=3):
    return [MemberFactory(branch=world.branch, name=f"导入{n}") for n in range(count)]


def test_each_member_without_an_account_gets_one_with_a_one_time_password(world):
    members = _imported(world)
    members[0].staff_number = "20260001"
    members[0].save(update_fields=["staff_number"])

    issued, no_name = services.member_accounts_create(actor=world.admin, members=members)

    assert no_name == []
    assert [a.username for a in issued] == ["20260001", f"m{members[1].pk}", f"m{members[2].pk}"]
    for account in issued:
        member = Member.objects.get(pk=account.member.pk)
        assert member.user.username == account.username
        assert member.user.check_password(account.password)
        # The rules as for a new user of that name (the password is now in its history).
        validate_password(account.password, get_user_model()(username=account.username))
        assert accounts.change_required(member.user) == accounts.ONE_TIME
    assert len({a.password for a in issued}) == 3


def test_members_with_an_account_or_gone_are_skipped_and_a_second_run_opens_none(world):
    members = _imported(world, 2)
    gone = MemberFactory(branch=world.branch, state=MemberState.LEFT)
    first, _ = services.member_accounts_create(
        actor=world.admin, members=[*members, gone, world.member]
    )
    users = get_user_model().objects.count()

    again, _ = services.member_accounts_create(actor=world.admin, members=[*members, world.member])

    assert [a.member for a in first] == members
    assert again == [] and get_user_model().objects.count() == users
    assert Member.objects.get(pk=gone.pk).user is None


def test_a_taken_user_name_falls_back_and_both_taken_leaves_the_member_out(world):
    first, second = _imported(world, 2)
    first.staff_number = "taken"
    first.save(update_fields=["staff_number"])
    UserFactory(username="taken")
    UserFactory(username=f"m{second.pk}")

    issued, no_name = services.member_accounts_create(actor=world.admin, members=[first, second])

    assert [(a.member, a.username) for a in issued] == [(first, f"m{first.pk}")]
    assert no_name == [second] and Member.objects.get(pk=second.pk).user is None


def test_the_audit_names_the_accounts_and_never_a_password(world):
    issued, _ = services.member_accounts_create(actor=world.admin, members=_imported(world))

    event = AuditEvent.objects.get(action="orgs.accounts.bulk_created")
    assert event.data["accounts"] == {str(a.member.pk): a.username for a in issued}
    everything = json.dumps(list(AuditEvent.objects.values_list("data", flat=True)))
    assert not any(account.password in everything for account in issued)


@pytest.mark.parametrize("who", ["outsider", "secretary", "other_branch_admin"])
def test_only_an_admin_of_the_members_branch_opens_their_accounts(world, who):
    if who == "other_branch_admin":
        actor = UserFactory()
        Role.objects.create(user=actor, organisation=world.other_branch, kind=RoleKind.ADMIN)
    else:
        actor = getattr(world, who)
    members = _imported(world, 2)

    with pytest.raises(NotPermitted):
        services.member_accounts_create(actor=actor, members=members)
    assert not Member.objects.filter(pk__in=[m.pk for m in members], user__isnull=False).exists()
