"""Writers of one branch-month at once keep the standings exact: each re-ranks the branch
after the one before it committed (the branch's ranking row is their lock)."""

from decimal import Decimal

from django.core.management import call_command

from jifen.declarations import services
from jifen.ledger import standings
from jifen.ledger.models import Entry, Standing
from tests.concurrency.parallel import run_parallel, same_work
from tests.conftest import YEAR
from tests.factories import MemberFactory
from tests.ledger.test_standings import VALUES

WRITERS = 8


def _snapshot():
    return list(Standing.objects.order_by("member_id", "year", "month").values_list(*VALUES))


def test_parallel_writers_to_one_branch_month_leave_the_standings_as_a_rebuild_would(world):
    members = [MemberFactory(branch=world.branch) for _ in range(WRITERS)]

    def record(n):
        for points in (n % 5 + 1, 2):
            services.committee_record(
                actor=world.secretary,
                member=members[n],
                year=YEAR,
                month=4,
                item=world.item("P03"),
                points=Decimal(points if points >= 2 else 2),
                reason="完成交办任务",
            )

    outcomes = run_parallel(same_work(WRITERS, record))

    assert [o.error for o in outcomes] == [None] * WRITERS
    assert Entry.objects.filter(member__in=members).count() == 2 * WRITERS
    assert standings.differences() == []
    kept = _snapshot()
    call_command("rebuild_standings", stdout=None)
    assert _snapshot() == kept
    april = Standing.objects.filter(member__in=members, year=YEAR, month=4)
    assert {s.month_ranked for s in april} == {WRITERS + 1}  # with world.member
