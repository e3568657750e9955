"""Decisions on one declaration, proposal or notice hold when requests arrive at once: one
wins, the others are refused with a message, and the rows say so."""

import datetime
from decimal import Decimal

from jifen.cycle import services as cycle_services
from jifen.cycle.enums import ObjectionStatus
from jifen.cycle.models import Objection
from jifen.declarations import services
from jifen.declarations.enums import DeclarationStatus, VetoStatus
from jifen.declarations.models import Declaration, VetoProposal
from jifen.errors import InvalidState
from jifen.ledger.models import Entry
from tests.api.conftest import token_client
from tests.concurrency.parallel import run_parallel, same_work
from tests.conftest import YEAR
from tests.cycle.conftest import Cycle

MARCH_20 = datetime.date(YEAR, 3, 20)


def _declare(world, n):
    return services.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("P03"),  # 完成党组织交办的任务: 2–5 points, no limit
        points=Decimal(2),
        description=f"第{n}项任务",
        today=MARCH_20,
    )


def test_withdrawing_while_the_secretary_approves_ends_one_way_only(world):
    """Twenty declarations, each withdrawn by the member and approved by the secretary at the
    same moment through the API: each ends withdrawn without an entry, or approved with one."""
    declarations = [_declare(world, n) for n in range(20)]
    member, secretary = token_client(world.member_user), token_client(world.secretary)
    work = []
    for declaration in declarations:
        work.append(lambda d=declaration: member.post(f"/api/v1/declarations/{d.pk}/withdraw/"))
        work.append(
            lambda d=declaration: secretary.post(
                f"/api/v1/review/declarations/{d.pk}/decide/", {"decision": "approve"}
            )
        )

    outcomes = run_parallel(work)

    codes = [o.value.status_code for o in outcomes]
    for withdraw, approve in zip(codes[::2], codes[1::2], strict=True):
        # The loser is refused: already decided (409), or gone from the review queue (404).
        assert (withdraw, approve) in ((200, 404), (200, 409), (409, 200))
    rows = Declaration.objects.values_list("status", "entry_id")
    for status, entry_id in rows:
        assert (status, entry_id is None) in (
            (DeclarationStatus.WITHDRAWN, True),
            (DeclarationStatus.APPROVED, False),
        )
    approved = sum(status == DeclarationStatus.APPROVED for status, _entry in rows)
    assert Entry.objects.filter(member=world.member).count() == approved
    assert approved == codes[1::2].count(200)


def test_thirty_simultaneous_veto_proposals_leave_one_waiting(world):
    proposers = [world.secretary, world.committee_member]

    def propose(i):
        return services.veto_propose(
            actor=proposers[i % 2],
            member=world.member,
            year=YEAR,
            month=3,
            item=world.item("V01"),
            reason="违反廉洁纪律，受到党内警告处分",
            evidence="处分决定.pdf",
        )

    outcomes = run_parallel(same_work(30, propose))

    assert sum(o.error is None for o in outcomes) == 1
    assert all(isinstance(o.error, InvalidState) for o in outcomes if o.error)
    assert VetoProposal.objects.filter(status=VetoStatus.PROPOSED).count() == 1


def test_thirty_simultaneous_objections_by_one_member_leave_one_open(world):
    cycle = Cycle(world)
    cycle.declare_approved(month=3)
    notice = cycle.publish()

    def object_(i):
        return cycle_services.objection_submit(
            actor=world.member_user,
            notice=notice,
            text=f"第{i}次：三月未计分",
            today=notice.opens_on,
        )

    outcomes = run_parallel(same_work(30, object_))

    assert sum(o.error is None for o in outcomes) == 1
    assert all(isinstance(o.error, InvalidState) for o in outcomes if o.error)
    assert Objection.objects.filter(status=ObjectionStatus.OPEN).count() == 1
