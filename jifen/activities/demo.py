"""Demonstration activities: a year of 三会一课 for a branch and its party group, held through the
services as a secretary and the members would (planned, checked in by phone or ticked, leave
asked and granted, closed, the points approved by the committee). The texts are demo content
(what a secretary would type), so they are written in Chinese."""

import datetime
import random

from django.utils import timezone

from jifen.activities import codes, services
from jifen.activities.enums import ActivityState, Audience, ProposalStatus
from jifen.activities.models import Activity
from jifen.activities.selectors import activity_kinds
from jifen.orgs.enums import MemberState, RoleKind
from jifen.orgs.models import Member, Organisation, Role


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _approvers(branch: Organisation) -> list:
    roles = Role.objects.filter(
        organisation=branch, kind__in=[RoleKind.SECRETARY, RoleKind.COMMITTEE]
    )
    return [role.user for role in roles.select_related("user").order_by("kind", "pk")]


def approve(activity: Activity) -> None:
    """Each branch's committee approves the points the activity proposed; a member of the
    committee has theirs approved by another."""
    waiting = list(
        activity.proposals.filter(status=ProposalStatus.PROPOSED).select_related("member")
    )
    for branch_id in {p.branch_id for p in waiting}:
        approvers = _approvers(Organisation.objects.get(pk=branch_id))
        for proposal in (p for p in waiting if p.branch_id == branch_id):
            actor = next((u for u in approvers if u.pk != proposal.member.user_id), None)
            if actor is not None:
                services.proposals_decide(actor=actor, proposals=[proposal], approve=True)


def attend(activity: Activity, secretary, rng: random.Random, *, absent_share=0.08) -> None:
    """Most members check in by phone, a few are ticked by the secretary; some asked for leave
    before it began (granted), a few stay away."""
    for expected in activity.expected.select_related("member__user"):
        member, roll = expected.member, rng.random()
        if roll < absent_share:
            continue
        if roll < absent_share + 0.06 and member.user_id != secretary.pk:
            leave = services.leave_ask(
                actor=member.user,
                activity=activity,
                reason="因公出差，无法参加",
                now=activity.starts_at - datetime.timedelta(days=1),
            )
            services.leave_decide(actor=secretary, leave=leave, grant=True)
            continue
        moment = activity.starts_at + datetime.timedelta(minutes=rng.randint(-15, 10))
        if roll > 0.95 or member.user_id is None:
            services.attendance_tick(
                actor=secretary, activity=activity, member_ids=[member.pk], now=moment
            )
        else:
            code = codes.current(activity, moment)
            services.checkin_by_link(
                actor=member.user,
                activity=activity,
                member=member,
                step=code.step,
                signature=code.signature,
                now=moment,
            )


def hold(organisation, plan: services.Plan, secretary, rng, *, minutes: str, now) -> Activity:
    """Plan an activity and, once it is over by `now`, hold it: attendance, close, approve."""
    activity = services.activity_plan(actor=secretary, organisation=organisation, plan=plan)
    if activity.ends_at > now:
        return activity
    attend(activity, secretary, rng)
    services.activity_close(
        actor=secretary, activity=activity, minutes=minutes, now=activity.ends_at
    )
    approve(activity)
    return activity


def _plan(kind, title, start, *, hours=2, place="党员活动室", **extra) -> services.Plan:
    return services.Plan(
        kind=kind,
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        place=place,
        **extra,
    )


def build_activities_demo(branch, group, year: int, secretary, today: datetime.date) -> None:
    """支委会 and 党小组会 every month, 党课 every quarter, 主题党日 in most months, up to today;
    the next ones planned, and one open for check-in now when today is today."""
    if Activity.objects.filter(organisation__in=[branch, group], year=year).exists():
        return
    rng = random.Random(year * 7)
    kinds = {kind.code: kind for kind in activity_kinds(branch, year)}
    now = at(today, 12) if today != timezone.localdate() else timezone.now()
    leader = Member.objects.filter(user=secretary).first()
    for month in range(1, min(today.month + 1, 12) + 1):
        if month > today.month:
            break
        day = datetime.date(year, month, 1)
        hold(
            branch,
            _plan(
                kinds["committee_meeting"],
                f"{month}月支委会：研究本月党建工作",
                at(day.replace(day=8), 14),
                audience=Audience.COMMITTEE,
            ),
            secretary,
            rng,
            minutes="传达上级会议精神，研究部署本月党建工作和党员积分审核安排。",
            now=now,
        )
        hold(
            group,
            _plan(
                kinds["group_meeting"], f"{month}月党小组会：集中学习", at(day.replace(day=14), 15)
            ),
            secretary,
            rng,
            minutes="集中学习党的创新理论，交流学习体会，开展批评和自我批评。",
            now=now,
        )
        if month % 3 == 2:
            hold(
                branch,
                _plan(
                    kinds["party_lecture"],
                    f"第{(month + 1) // 3}季度党课：学习党章 践行宗旨",
                    at(day.replace(day=20), 9),
                    leader=leader,
                ),
                secretary,
                rng,
                minutes="支部书记讲专题党课，党员围绕党章学习进行交流发言。",
                now=now,
            )
        if month not in (1, 2):
            hold(
                branch,
                _plan(
                    kinds["theme_day"],
                    f"{month}月主题党日：志愿服务进社区",
                    at(day.replace(day=25), 9),
                    hours=3,
                    place="学校社区服务中心",
                ),
                secretary,
                rng,
                minutes="组织党员开展志愿服务，重温入党誓词。",
                now=now,
            )
    if today == timezone.localdate():
        start = timezone.now() - datetime.timedelta(minutes=10)
        services.activity_plan(
            actor=secretary,
            organisation=branch,
            plan=_plan(kinds["theme_day"], "今日主题党日：学习交流会", start),
        )


def hold_general_meeting(branch, year: int, number: int, secretary, held_on, today) -> Activity:
    """The general meeting (支部党员大会) after a quarter, with the whole branch expected."""
    kind = next(k for k in activity_kinds(branch, held_on.year) if k.confirms_quarters)
    existing = Activity.objects.filter(
        organisation=branch,
        kind__confirms_quarters=True,
        confirms_year=year,
        confirms_quarter=number,
    ).exclude(state=ActivityState.CANCELLED)
    if existing.exists():
        return existing.first()
    rng = random.Random(year * 100 + number + branch.pk)
    members = branch.members.filter(state=MemberState.ACTIVE).values_list("pk", flat=True)
    plan = _plan(
        kind,
        f"{year}年第{number}季度支部党员大会",
        at(held_on, 14, 30),
        audience=Audience.CHOSEN,
        member_ids=tuple(members),
        confirms_quarter=number,
    )
    return hold(
        branch,
        plan,
        secretary,
        rng,
        minutes=f"支部党员大会审议{year}年第{number}季度党员积分，无异议通过。",
        now=at(today, 23, 59),
    )
