"""Helpers to walk a branch through the cycle; the personas come from tests/conftest.py."""

import datetime

import pytest

from jifen.cycle import selectors, services
from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from tests.activities.helpers import at, hold
from tests.conftest import YEAR
from tests.factories import MemberFactory, d

# 2026-04-08 is a Wednesday: the Q1 meeting, notice and answers fall on known weekdays.
Q1_MEETING = datetime.date(YEAR, 4, 8)


class Cycle:
    def __init__(self, world):
        self.world = world

    def declare_approved(self, month, points=2, code="P03"):
        """A declaration made in time for `month` and approved by the secretary."""
        world = self.world
        declaration = declarations.declaration_submit(
            actor=world.member_user,
            member=world.member,
            year=YEAR,
            month=month,
            item=world.item(code),
            points=d(points),
            description="完成支部交办的任务",
            today=datetime.date(YEAR, month, 20),
        )
        return declarations.declaration_review(
            actor=world.secretary, declaration=declaration, decision=Decision.APPROVE
        )

    def meeting(self, held_on=Q1_MEETING, *, quarter=1):
        """The general meeting held on that day, closed and its points approved."""
        return hold(self.world, held_on, quarter=quarter)

    def confirm(self, number=1, held_on=Q1_MEETING):
        return services.quarter_confirm(
            actor=self.world.secretary,
            branch=self.world.branch,
            year=YEAR,
            quarter=number,
            meeting=self.meeting(held_on, quarter=number),
            now=at(held_on, 12),
        )

    def publish(self, number=1, today=Q1_MEETING):
        self.confirm(number, held_on=today)
        return services.notice_publish(
            actor=self.world.secretary,
            branch=self.world.branch,
            year=YEAR,
            quarter=number,
            today=today,
        )

    def lock(self, number=1, today=Q1_MEETING):
        notice = self.publish(number, today)
        return services.quarter_lock(
            actor=self.world.secretary,
            branch=self.world.branch,
            year=YEAR,
            quarter=number,
            today=notice.closes_on + datetime.timedelta(days=1),
        )


@pytest.fixture
def cycle(world) -> Cycle:
    return Cycle(world)


# The general meetings after each quarter (all on working days).
MEETINGS = {
    1: datetime.date(YEAR, 4, 8),
    2: datetime.date(YEAR, 7, 8),
    3: datetime.date(YEAR, 10, 8),
    4: datetime.date(YEAR + 1, 1, 8),
}


@pytest.fixture
def year_world(world, cycle):
    return build_year(world, cycle)


def build_year(world, cycle):
    """张三 declared 4 points, 王五 was docked 2, 赵六 has neither; all four quarters locked."""
    docked = MemberFactory(name="王五", branch=world.branch)
    MemberFactory(name="赵六", branch=world.branch)
    cycle.declare_approved(month=2, points=4)
    declarations.committee_record(
        actor=world.secretary,
        member=docked,
        year=YEAR,
        month=5,
        item=world.item("D01"),
        points=d(2),
        reason="无故缺席",
    )
    for number, held_on in MEETINGS.items():
        cycle.lock(number, today=held_on)
    return world


def compute(world):
    return services.year_compute(actor=world.secretary, branch=world.branch, year=YEAR)


def finalise_all(world, result):
    for grade in selectors.member_grades(result):
        services.grade_finalise(
            actor=world.secretary, member_grade=grade, grade_code=grade.suggested_grade_code
        )


def post_year_notice(world):
    return services.notice_publish(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=None,
        today=datetime.date(YEAR + 1, 1, 12),
    )


def appeal_accepted(world, notice):
    """张三 appeals the year notice and the parent organisation adds 2 points in December."""
    appeal = services.objection_submit(
        actor=world.member_user,
        notice=notice,
        text="十二月漏记",
        today=notice.closes_on + datetime.timedelta(days=1),
    )
    services.objection_answer(
        actor=world.reviewer,
        objection=appeal,
        accept=True,
        answer="补记",
        item=world.item("P03"),
        points=d(2),
        month=12,
    )


def propose_veto(world, member, month=12):
    return declarations.veto_propose(
        actor=world.secretary,
        member=member,
        year=YEAR,
        month=month,
        item=world.item("V01"),
        reason="违反廉洁纪律，受到党内警告处分",
        evidence="处分决定.pdf",
    )


# A day when every appeal period of the year's notices has ended: the parent may file.
FILING_DAY = datetime.date(YEAR + 1, 3, 2)
