"""Holding activities through the services, as a secretary would: plan, tick, close, and the
committee approving what closing proposed."""

import datetime

from django.utils import timezone

from jifen.activities import services
from jifen.activities.enums import Audience, ProposalStatus
from jifen.activities.selectors import activity_kinds


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def kind(world, code="general_meeting", org=None, year=None):
    """The kind of activity of that code in the scheme that applies to the organisation."""
    return activity_kinds(org or world.branch, year or world.scheme.year).get(code=code)


def plan(world, day, *, code="general_meeting", members=None, actor=None, org=None, **extra):
    """An activity of two hours from 09:00 on `day` expecting `members` (default: 张三)."""
    start = at(day)
    chosen = kind(world, code, org, day.year)
    fields = {
        "kind": chosen,
        "title": extra.pop("title", f"{day:%Y年%m月}{chosen.name}"),
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "place": "党员活动室",
        "audience": Audience.CHOSEN,
        "member_ids": tuple(m.pk for m in (members or [world.member])),
        **extra,
    }
    return services.activity_plan(
        actor=actor or world.secretary,
        organisation=org or world.branch,
        plan=services.Plan(**fields),
    )


def approve_all(world, activity, approver=None):
    waiting = list(activity.proposals.filter(status=ProposalStatus.PROPOSED))
    return services.proposals_decide(
        actor=approver or world.secretary, proposals=waiting, approve=True
    )


def hold(world, day, *, attendees=None, members=None, quarter=None, code="general_meeting"):
    """Plan, tick those present, close and approve: a meeting as it is held."""
    members = members or attendees or [world.member]
    activity = plan(world, day, code=code, members=members, confirms_quarter=quarter)
    present = attendees if attendees is not None else members
    if present:
        services.attendance_tick(
            actor=world.secretary,
            activity=activity,
            member_ids=[m.pk for m in present],
            now=activity.starts_at,
        )
    services.activity_close(actor=world.secretary, activity=activity, now=activity.ends_at)
    approve_all(world, activity)
    activity.refresh_from_db()
    return activity
