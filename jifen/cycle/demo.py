"""Walks a demo branch through three quarters so that every page of the cycle has content.

Called by the load_demo command after organisations, members and declarations exist. The
texts are demo content (what a secretary would type), so they are written in Chinese.
"""

import datetime

from django.utils import timezone

from jifen.activities.demo import hold_general_meeting
from jifen.cycle import selectors, services
from jifen.cycle.dates import nth_working_day, quarter_end
from jifen.cycle.models import Notice, Quarter
from jifen.orgs.models import Organisation
from jifen.schemes.enums import Frequency, ItemCategory
from jifen.schemes.selectors import current_scheme


def build_cycle_demo(
    branch: Organisation, year: int, secretary, reviewer, *, today: datetime.date | None = None
) -> None:
    """Q1–Q3 meetings, confirmed and posted; Q1–Q2 locked; an objection to Q3 accepted by the
    branch and an appeal about Q2 answered by the reviewer. Does nothing if the branch's cycle
    for the year has already begun, and stops at the first quarter that cannot go on yet
    (its meeting would lie after `today`, or declarations still wait for review)."""
    if Quarter.objects.filter(branch=branch, year=year).exists():
        return
    today = today or timezone.localdate()
    notices = {}
    for number in (1, 2, 3):
        notice = _post_quarter(branch, year, number, secretary, today)
        if notice is None:
            break
        notices[number] = notice
    for number in (1, 2):
        if number in notices:
            _lock(branch, year, number, secretary, notices[number])
    if 3 in notices:
        _objection(notices[3], secretary)
    if 2 in notices and 3 in notices:
        _appeal(notices[2], reviewer)


def _post_quarter(branch, year, number, secretary, today) -> Notice | None:
    held_on = nth_working_day(quarter_end(year, number) + datetime.timedelta(days=8), 1)
    if held_on > today or selectors.declarations_waiting(branch, year, number).exists():
        return None
    meeting = hold_general_meeting(branch, year, number, secretary, held_on, today)
    services.quarter_confirm(
        actor=secretary,
        branch=branch,
        year=year,
        quarter=number,
        meeting=meeting,
        now=meeting.ends_at,
    )
    # The last quarter is posted today so that the public page has a notice that is open.
    posted_on = today if number == 3 else held_on
    return services.notice_publish(
        actor=secretary, branch=branch, year=year, quarter=number, today=posted_on
    )


def _lock(branch, year, number, secretary, notice: Notice) -> None:
    services.quarter_lock(
        actor=secretary,
        branch=branch,
        year=year,
        quarter=number,
        today=notice.closes_on + datetime.timedelta(days=1),
    )


def _objector(notice: Notice, *exclude_users):
    rows = selectors.register_rows(notice.quarter).filter(
        member__user__isnull=False, score__isnull=False
    )
    row = rows.exclude(member__user__in=[u for u in exclude_users if u]).first()
    return row.member if row else None


def _objection(notice: Notice, secretary) -> None:
    member = _objector(notice, secretary)
    scheme = current_scheme(notice.branch, notice.year)
    item = scheme.items.filter(
        category=ItemCategory.PERFORMANCE, frequency=Frequency.UNLIMITED
    ).first()
    if member is None or item is None:
        return
    objection = services.objection_submit(
        actor=member.user,
        notice=notice,
        text="9月份参加社区志愿服务的积分未计入，请核实。",
        today=notice.opens_on,
    )
    services.objection_answer(
        actor=secretary,
        objection=objection,
        accept=True,
        answer="经核实情况属实，补记相应积分。",
        item=item,
        points=item.points_min,
        month=notice.months[-1],
    )


def _appeal(notice: Notice, reviewer) -> None:
    member = _objector(notice, reviewer)
    if member is None:
        return
    appeal = services.objection_submit(
        actor=member.user,
        notice=notice,
        text="对第二季度扣分有不同意见，申请党总支复核。",
        today=notice.closes_on + datetime.timedelta(days=3),
    )
    services.objection_answer(
        actor=reviewer,
        objection=appeal,
        accept=False,
        answer="经党总支复核，扣分依据充分，维持原结果。",
    )
