import datetime

from jifen.activities.models import Activity
from jifen.cycle import selectors
from jifen.cycle.demo import build_cycle_demo
from jifen.cycle.enums import ObjectionKind, ObjectionStatus, QuarterState
from jifen.cycle.models import Objection
from jifen.declarations import services as declarations
from jifen.ledger.enums import Source
from tests.conftest import YEAR
from tests.factories import MemberFactory, UserFactory, d

NOVEMBER = datetime.date(YEAR, 11, 24)


def test_the_demo_walks_three_quarters_once(world):
    MemberFactory(name="王五", branch=world.branch, user=UserFactory(username="wangwu"))
    declarations.committee_record(
        actor=world.secretary,
        member=world.member,
        year=YEAR,
        month=5,
        item=world.item("D01"),
        points=d(2),
        reason="无故缺席",
    )
    build_cycle_demo(world.branch, YEAR, world.secretary, world.reviewer, today=NOVEMBER)

    states = [q.state for q in selectors.branch_quarters(world.branch, YEAR)]
    assert states == [
        QuarterState.LOCKED,
        QuarterState.LOCKED,
        QuarterState.ON_NOTICE,
        QuarterState.OPEN,
    ]
    # The last notice is posted "today", so the public page has an open one.
    assert selectors.public_notices(today=NOVEMBER).count() == 1
    objection = Objection.objects.get(kind=ObjectionKind.OBJECTION)
    assert objection.status == ObjectionStatus.ACCEPTED
    assert objection.correction_entry.source == Source.OBJECTION
    appeal = Objection.objects.get(kind=ObjectionKind.APPEAL)
    assert (appeal.status, appeal.answered_by) == (ObjectionStatus.REJECTED, world.reviewer)

    build_cycle_demo(world.branch, YEAR, world.secretary, world.reviewer, today=NOVEMBER)
    assert Activity.objects.filter(kind__confirms_quarters=True).count() == 3
    assert Objection.objects.count() == 2


def test_the_demo_stops_at_quarters_not_yet_due(world):
    build_cycle_demo(
        world.branch, YEAR, world.secretary, world.reviewer, today=datetime.date(YEAR, 5, 4)
    )
    states = [q.state for q in selectors.branch_quarters(world.branch, YEAR)]
    assert states == [QuarterState.LOCKED] + [QuarterState.OPEN] * 3
    assert not Objection.objects.exists()
