"""A member's first directory sign-ins, arriving at once, make one account."""

from django.contrib.auth import get_user_model

from jifen.audit.models import AuditEvent
from jifen.orgs import services
from tests.concurrency.parallel import run_parallel, same_work
from tests.factories import MemberFactory


def test_ten_simultaneous_first_sign_ins_make_one_account(world):
    member = MemberFactory(branch=world.branch, staff_number="T3001")

    outcomes = run_parallel(
        same_work(10, lambda i: services.directory_account(member=member, username="t3001"))
    )

    assert [o.error for o in outcomes] == [None] * 10
    account = get_user_model().objects.get(username="t3001")
    assert {o.value.pk for o in outcomes} == {account.pk}
    member.refresh_from_db()
    assert member.user == account
    assert AuditEvent.objects.filter(action="orgs.account.from_directory").count() == 1
