import datetime

import pytest

from jifen.cycle import selectors, services
from jifen.cycle.enums import QuarterState
from jifen.errors import InvalidState
from jifen.ledger.services import is_month_locked
from tests.conftest import YEAR
from tests.cycle.conftest import Q1_MEETING
from tests.factories import d


def test_a_quarter_goes_from_meeting_to_lock(world, cycle):
    cycle.declare_approved(month=2, points=4)
    quarter = cycle.confirm()
    assert quarter.state == QuarterState.CONFIRMED
    row = selectors.register_rows(quarter).get(member=world.member)
    assert row.month_scores == ["60.0", "64.0", "60.0"]
    assert row.score == d("61.3")
    assert row.rank == 1

    notice = services.notice_publish(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, today=Q1_MEETING
    )
    assert notice.closes_on == datetime.date(YEAR, 4, 14)
    assert [(r.member_name, r.score, r.rank) for r in selectors.notice_rows(notice)] == [
        ("张三", d("61.3"), 1)
    ]
    assert list(selectors.public_notices(today=notice.closes_on)) == [notice]

    with pytest.raises(InvalidState):
        services.quarter_lock(
            actor=world.secretary,
            branch=world.branch,
            year=YEAR,
            quarter=1,
            today=notice.closes_on,
        )
    locked = services.quarter_lock(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=1,
        today=datetime.date(YEAR, 4, 15),
    )
    assert locked.state == QuarterState.LOCKED
    assert all(is_month_locked(world.branch, YEAR, month) for month in (1, 2, 3))
