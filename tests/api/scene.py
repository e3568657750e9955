"""A branch in the middle of its year, on 3 April 2026 (a Friday): one declaration of April
waiting for the committee, a commendation forwarded to the parent organisation, a deduction,
a veto proposal, the first quarter confirmed by a general meeting and on notice, an objection
to it, a computed year result and a notification. Built through the domain functions."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from jifen.api import services as api_services
from jifen.cycle import services as cycle
from jifen.cycle.models import MemberGrade, YearResult
from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from jifen.notifications.models import Notification
from tests.conftest import YEAR

TODAY = datetime.date(YEAR, 4, 3)


@dataclass
class Scene:
    submitted: object
    forwarded: object
    entry: object
    veto: object
    meeting: object
    notice: object
    objection: object
    year_result: object
    grade: object
    notification: object
    member_token: object


def _declare(world, item, month, **fields):
    return declarations.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=month,
        item=world.item(item),
        description="说明",
        today=TODAY,
        **fields,
    )


def build_scene(world) -> Scene:
    forwarded = _declare(
        world, "C01", 3, points=None, evidence="证书.pdf", commendation_level=world.level("school")
    )
    declarations.declaration_review(
        actor=world.secretary, declaration=forwarded, decision=Decision.APPROVE
    )
    entry = declarations.committee_record(
        actor=world.secretary,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("D01"),
        points=Decimal(2),
        reason="缺席支部大会",
    )
    meeting = cycle.meeting_record(
        actor=world.secretary,
        branch=world.branch,
        held_on=TODAY,
        kind="general_meeting",
        attendee_ids=[world.member.pk],
        year=YEAR,
        quarter=1,
        today=TODAY,
    )
    cycle.quarter_confirm(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, meeting=meeting
    )
    notice = cycle.notice_publish(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=1, today=TODAY
    )
    year_result = YearResult.objects.create(
        branch=world.branch, year=YEAR, computed_by=world.secretary, computed_at=timezone.now()
    )
    token, _key = api_services.token_create(actor=world.member_user, name="平板")
    return Scene(
        submitted=_declare(world, "P03", 4, points=Decimal(3)),
        forwarded=forwarded,
        entry=entry,
        veto=declarations.veto_propose(
            actor=world.secretary,
            member=world.member,
            year=YEAR,
            month=3,
            item=world.item("V01"),
            reason="违纪事实",
            evidence="处分决定书",
        ),
        meeting=meeting,
        notice=notice,
        objection=cycle.objection_submit(
            actor=world.member_user, notice=notice, text="分数有误", today=TODAY
        ),
        year_result=year_result,
        grade=MemberGrade.objects.create(
            year_result=year_result,
            member=world.member,
            score=Decimal(91),
            rank=1,
            suggested_grade_code="good",
            suggested_grade_name="好",
        ),
        notification=Notification.objects.create(
            user=world.member_user, text="请申报三月积分", key="declare-2026-03"
        ),
        member_token=token,
    )
