"""Helpers to walk a branch through the cycle; the personas come from tests/conftest.py."""

import datetime

import pytest

from jifen.cycle import services
from jifen.cycle.enums import MeetingKind
from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from tests.conftest import YEAR
from tests.factories import d

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

    def meeting(self, held_on=Q1_MEETING, *, actor=None, year=YEAR, quarter=1):
        world = self.world
        return services.meeting_record(
            actor=actor or world.secretary,
            branch=world.branch,
            held_on=held_on,
            kind=MeetingKind.GENERAL_MEETING,
            attendee_ids=[world.member.pk],
            minutes="审议第一季度积分",
            year=year,
            quarter=quarter,
            today=held_on,
        )

    def confirm(self, number=1, held_on=Q1_MEETING):
        return services.quarter_confirm(
            actor=self.world.secretary,
            branch=self.world.branch,
            year=YEAR,
            quarter=number,
            meeting=self.meeting(held_on, quarter=number),
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
