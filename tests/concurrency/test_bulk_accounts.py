"""Two admins open accounts for the same imported members at once: each member gets exactly
one account, and the two lists of passwords share no member."""

from django.contrib.auth import get_user_model

from jifen.audit.models import AuditEvent
from jifen.orgadmin import account_sheet
from jifen.orgadmin.models import OpenedAccountSheet
from jifen.orgs import services
from jifen.orgs.enums import RoleKind
from jifen.orgs.models import Member, Role
from tests.concurrency.parallel import run_parallel, same_work
from tests.factories import MemberFactory, UserFactory


def test_two_admins_at_once_open_one_account_per_member(world):
    members = [MemberFactory(branch=world.branch, name=f"导入{n}") for n in range(20)]
    second_admin = UserFactory()
    Role.objects.create(user=second_admin, organisation=world.branch, kind=RoleKind.ADMIN)
    users_before = get_user_model().objects.count()

    outcomes = run_parallel(
        [
            lambda: services.member_accounts_create(actor=world.admin, members=members),
            # The other way round: the locks are taken in one order whatever the caller's.
            lambda: services.member_accounts_create(actor=second_admin, members=members[::-1]),
        ]
    )

    assert [o.error for o in outcomes] == [None, None]
    issued = [account for o in outcomes for account in o.value[0]]
    assert sorted(a.member.pk for a in issued) == sorted(m.pk for m in members)
    assert get_user_model().objects.count() == users_before + len(members)
    for account in issued:
        member = Member.objects.select_related("user").get(pk=account.member.pk)
        assert member.user.username == account.username
        assert member.user.check_password(account.password)


def test_a_list_of_passwords_downloaded_twice_at_once_opens_once(world):
    """Two downloads of one sealed list at the same moment (a double click, two tabs): one
    gets the passwords, the other nothing, and one opening is recorded."""
    members = [MemberFactory(branch=world.branch, name=f"导入{n}") for n in range(3)]
    issued, _no_name = services.member_accounts_create(actor=world.admin, members=members)
    sealed = account_sheet.seal(world.admin, issued)

    outcomes = run_parallel(same_work(4, lambda _i: account_sheet.unseal(world.admin, sealed)))

    assert [o.error for o in outcomes] == [None] * 4
    opened = [o.value for o in outcomes if o.value is not None]
    assert len(opened) == 1 and len(opened[0]) == 3
    assert OpenedAccountSheet.objects.count() == 1
    assert AuditEvent.objects.filter(action="orgadmin.account_sheet.opened").count() == 1
