"""Frequency and annual caps hold when many requests for one member arrive at once."""

import datetime
from decimal import Decimal

from jifen.declarations import services
from jifen.declarations.enums import PENDING, Decision, DeclarationStatus
from jifen.declarations.models import Declaration
from jifen.errors import LimitExceeded
from jifen.ledger.models import Entry
from tests.api.conftest import token_client
from tests.concurrency.parallel import run_parallel, same_work
from tests.conftest import YEAR

MARCH_20 = datetime.date(YEAR, 3, 20)


def test_forty_simultaneous_deductions_once_a_month_write_one_entry(world):
    clients = [token_client(world.secretary), token_client(world.committee_member)]
    body = {
        "member": world.member.pk,
        "year": YEAR,
        "month": 3,
        "item": world.item("D03").pk,  # 未按时交纳党费: 3 points, once a month
        "points": "3.0",
        "reason": "三月未交党费",
    }

    outcomes = run_parallel(
        same_work(40, lambda i: clients[i % 2].post("/api/v1/entries/", body, format="json"))
    )

    statuses = sorted(o.value.status_code for o in outcomes)
    assert statuses == [201] + [409] * 39
    entries = Entry.objects.filter(member=world.member, item__code="D03")
    assert list(entries.values_list("points", flat=True)) == [Decimal("-3.0")]


def _submit(world, code, points):
    return services.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item(code),
        points=Decimal(points),
        description="主动承担支部工作",
        today=MARCH_20,
    )


def test_fifty_simultaneous_declarations_once_a_month_leave_one_pending(world):
    # P07 按时参加组织生活并主动承担工作: 5–20 points, once a month.
    outcomes = run_parallel(same_work(50, lambda i: _submit(world, "P07", 5)))

    assert sum(o.error is None for o in outcomes) == 1
    assert all(isinstance(o.error, LimitExceeded) for o in outcomes if o.error)
    pending = Declaration.objects.filter(member=world.member, status__in=PENDING)
    assert pending.count() == 1
    for declaration in pending:
        services.declaration_review(
            actor=world.secretary, declaration=declaration, decision=Decision.APPROVE
        )
    assert [e.points for e in Entry.objects.filter(member=world.member)] == [Decimal("5.0")]


def test_simultaneous_declarations_stay_under_the_annual_cap(world):
    # P01 撰写学习心得: 1–3 points, once a month, at most 24 a year: twelve months of 3 would be
    # 36; declared at once for every month of the year, at most 8 months fit.
    def submit(month):
        return services.declaration_submit(
            actor=world.member_user,
            member=world.member,
            year=YEAR,
            month=month,
            item=world.item("P01"),
            points=Decimal(3),
            description="学习心得",
            evidence="心得.pdf",
            today=datetime.date(YEAR, month, 20),
        )

    outcomes = run_parallel(same_work(12, lambda i: submit(i + 1)))

    assert sum(o.error is None for o in outcomes) == 8
    assert all(isinstance(o.error, LimitExceeded) for o in outcomes if o.error)
    total = sum(d.points for d in Declaration.objects.filter(member=world.member))
    assert total == Decimal(24)


def test_approval_checks_the_limits_again(world):
    """Two declarations pending for one once-a-month item (as races left them before the
    limits were locked): approving both in parallel writes one entry and refuses the other."""
    first = _submit(world, "P07", 5)
    second = Declaration.objects.create(
        member=world.member,
        branch=world.branch,
        year=YEAR,
        month=3,
        item=first.item,
        points=Decimal(5),
        description="重复申报",
    )

    outcomes = run_parallel(
        [
            lambda d=d: services.declaration_review(
                actor=world.secretary, declaration=d, decision=Decision.APPROVE
            )
            for d in (first, second)
        ]
    )

    assert sorted(type(o.error).__name__ for o in outcomes) == ["LimitExceeded", "NoneType"]
    assert [e.points for e in Entry.objects.filter(member=world.member)] == [Decimal("5.0")]
    statuses = sorted(Declaration.objects.values_list("status", flat=True))
    assert statuses == sorted([DeclarationStatus.APPROVED, DeclarationStatus.SUBMITTED])
