"""State changes of activities (组织生活): planning, cancelling, leave, check-in, closing, the
committee's decision on the points closing proposes, and corrections after it.

Each function runs in one transaction, checks the actor's role (jifen.orgs.rules), then takes
its locks in the project's order before it checks anything already written: the months
(jifen/ledger/periods.py: may activities still write there), the members, then the activity
(in share mode for a check-in, exclusively to close it) or the row it decides. It writes the
audit event and, where points change, the ledger entry (source "activity").
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.activities import codes
from jifen.activities.enums import (
    LIVE_LEAVE,
    ActivityState,
    Audience,
    CheckInMethod,
    LeaveStatus,
    Outcome,
    ProposalStatus,
    Purpose,
)
from jifen.activities.models import (
    LIVE_PROPOSAL,
    Activity,
    CheckIn,
    Expected,
    LeaveRequest,
    Proposal,
)
from jifen.activities.selectors import kinds_scheme
from jifen.activities.signals import activity_closed
from jifen.audit.services import log_action
from jifen.declarations.limits import check_item_limits
from jifen.errors import DomainError, InvalidState, LimitExceeded, NotPermitted
from jifen.ledger import periods
from jifen.ledger import services as ledger
from jifen.ledger.enums import Source
from jifen.notifications.services import email_later, notify
from jifen.orgs import rules
from jifen.orgs.enums import MemberState, OrgKind
from jifen.orgs.models import Member, Organisation, Role
from jifen.schemes.enums import OrganiserLevel
from jifen.schemes.models import ActivityKind, Item, Scheme
from jifen.schemes.selectors import current_scheme

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000
# Failed typed codes are counted where every app server sees them (the database cache).
_ATTEMPTS = "api_throttle"
_ATTEMPTS_SECONDS = 600

# ---------------------------------------------------------------- shared checks


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _check_runs(actor, organisation: Organisation) -> None:
    if not rules.can_run_activities(actor, organisation):
        raise NotPermitted()


def _branches_of(organisation: Organisation) -> list[Organisation]:
    """The branches whose members an organisation's activity may expect."""
    branch = rules.activity_branch(organisation)
    if branch is not None:
        return [branch]
    return list(
        Organisation.objects.filter(
            path__startswith=organisation.path, kind=OrgKind.BRANCH, is_active=True
        )
    )


def _own_member(actor) -> Member:
    member = Member.objects.filter(user_id=actor.pk).select_related("branch").first()
    if member is None:
        raise NotPermitted(_("You are not on the roster of any branch."), code="no_member")
    return member


def _check_self(actor, member: Member) -> None:
    if member.user_id is None or member.user_id != actor.pk:
        raise NotPermitted(
            _("Members check in only themselves; the secretary ticks members without a phone."),
            code="not_yourself",
        )


def _check_branch_months(branch_ids, year: int, month: int) -> None:
    for branch in Organisation.objects.filter(pk__in=set(branch_ids)).order_by("pk"):
        periods.check(branch, year, month, Source.ACTIVITY)


def _check_months(activity: Activity) -> None:
    """Hold the activity's month in every branch it expects members of, and refuse when
    activities may no longer write there (confirmed, locked or filed)."""
    branch_ids = activity.expected.values_list("branch_id", flat=True)
    _check_branch_months(branch_ids, activity.year, activity.month)


def _hold(activity: Activity) -> Activity:
    """The activity's row in share mode: check-ins do not wait for each other, only for a
    closing (which takes it exclusively). SQLite runs one writer at a time anyway."""
    if connection.vendor == "postgresql":
        table = Activity._meta.db_table
        held = list(
            Activity.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [activity.pk])
        )
        return held[0]
    return Activity.objects.get(pk=activity.pk)


def _take(activity: Activity) -> Activity:
    return (
        Activity.objects.select_for_update(of=("self",)).select_related("kind").get(pk=activity.pk)
    )


def _check_planned(activity: Activity) -> None:
    if activity.state == ActivityState.CLOSED:
        raise InvalidState(
            _("This activity is closed: its attendance is final."), code="activity_closed"
        )
    if activity.state == ActivityState.CANCELLED:
        raise InvalidState(_("This activity was cancelled."), code="activity_cancelled")


def _expected(activity: Activity, member: Member) -> Expected:
    expected = Expected.objects.filter(activity=activity, member=member).first()
    if expected is None:
        raise NotPermitted(
            _("%(member)s is not among the members expected at this activity.")
            % {"member": member.name},
            code="not_expected",
        )
    return expected


def _exempt(member: Member, scheme: Scheme | None) -> bool:
    return bool(member.exempt_reason) or (
        scheme is not None and member.category in scheme.exempt_categories
    )


# ---------------------------------------------------------------- planning


@dataclass(frozen=True)
class Plan:
    """What a secretary fills in to plan an activity."""

    kind: ActivityKind
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str = ""
    audience: str = Audience.ALL
    group: Organisation | None = None
    member_ids: tuple[int, ...] = ()
    leader: Member | None = None
    confirms_quarter: int | None = None


def _check_plan(organisation: Organisation, plan: Plan) -> None:
    if not plan.title.strip():
        raise DomainError(_("Give the activity a title."), code="title_required")
    if len(plan.title) > TITLE_MAX_LENGTH:
        raise DomainError(_("The title is too long."), code="title_too_long")
    if plan.ends_at <= plan.starts_at:
        raise DomainError(_("An activity ends after it begins."), code="ends_before_start")
    year = timezone.localtime(plan.starts_at).year
    scheme = kinds_scheme(organisation, year)
    if scheme is None or plan.kind.scheme_id != scheme.pk:
        raise DomainError(
            _("This kind of activity is not in the scheme that applies here that year."),
            code="kind_not_in_scheme",
        )
    if plan.kind.level == OrganiserLevel.GROUP and organisation.kind != OrgKind.GROUP:
        raise DomainError(
            _("A %(kind)s is held by a party group: plan it for the group.")
            % {"kind": plan.kind.name},
            code="held_by_group",
        )
    if plan.kind.level == OrganiserLevel.BRANCH and not organisation.is_branch:
        raise DomainError(
            _("A %(kind)s is held by the branch.") % {"kind": plan.kind.name},
            code="held_by_branch",
        )
    if plan.confirms_quarter is not None and (
        not plan.kind.confirms_quarters or plan.confirms_quarter not in (1, 2, 3, 4)
    ):
        raise DomainError(
            _("Only a general meeting confirms a quarter, numbered 1 to 4."),
            code="confirms_quarter",
        )


def _confirmed_year(start: datetime.datetime, quarter: int | None) -> int | None:
    """The year of the quarter a general meeting confirms: this year's once the quarter has
    ended, else last year's (the January meeting confirms the fourth quarter)."""
    if quarter is None:
        return None
    return start.year if start.month > 3 * quarter else start.year - 1


def _audience_members(organisation: Organisation, plan: Plan) -> list[Member]:
    branches = _branches_of(organisation)
    active = Member.objects.filter(branch__in=branches, state=MemberState.ACTIVE)
    if organisation.kind == OrgKind.GROUP and plan.audience != Audience.CHOSEN:
        active = active.filter(group=organisation)
    if plan.audience == Audience.ALL:
        members = active
    elif plan.audience == Audience.COMMITTEE:
        roles = Role.objects.filter(
            user=OuterRef("user"), organisation=OuterRef("branch"), kind__in=rules.BRANCH_WORK
        )
        members = active.filter(Exists(roles))
    elif plan.audience == Audience.GROUP:
        group = plan.group
        if (
            group is None
            or group.kind != OrgKind.GROUP
            or group.parent_id not in {b.pk for b in branches}
        ):
            raise DomainError(_("Choose a party group of the branch."), code="group_required")
        members = active.filter(group=group)
    elif plan.audience == Audience.CHOSEN:
        ids = set(plan.member_ids)
        members = active.filter(pk__in=ids)
        if len(members) != len(ids):
            raise NotPermitted(
                _("Only active members of the organisation can be expected."),
                code="other_branch",
            )
    else:
        raise DomainError(_("Choose who is expected."), code="audience_required")
    found = list(members.order_by("pk"))
    if not found:
        raise DomainError(_("Nobody would be expected at this activity."), code="nobody_expected")
    return found


def _notify(user, key: str, text: str, url: str) -> None:
    """In the application and, the first time, by email, as the reminders are."""
    if notify(user, key=key, text=text, url=url):
        email_later(user, [text])


def _notify_expected(activity: Activity, key: str, text: str) -> None:
    url = reverse("portal:my_activity", args=[activity.pk])
    users = activity.expected.filter(member__user__isnull=False).select_related("member__user")
    for expected in users:
        _notify(expected.member.user, key, text, url)


def _invitation(activity: Activity) -> str:
    return _(
        "%(organisation)s: %(kind)s “%(title)s” at %(start)s, %(place)s. "
        "Check in there, or ask for leave before it begins."
    ) % {
        "organisation": activity.organisation.name,
        "kind": activity.kind.name,
        "title": activity.title,
        "start": _local(activity.starts_at),
        "place": activity.place or "—",
    }


@transaction.atomic
def activity_plan(*, actor, organisation: Organisation, plan: Plan) -> Activity:
    """Plan an activity with the members expected at it, who are notified (in the application
    and by email) unless it is already over. Refused in a month where activities may no longer
    write."""
    _check_runs(actor, organisation)
    _check_plan(organisation, plan)
    members = _audience_members(organisation, plan)
    if plan.leader is not None and plan.leader.pk not in {m.pk for m in members}:
        raise DomainError(
            _("The leader must be among the members expected."), code="leader_not_expected"
        )
    start = timezone.localtime(plan.starts_at)
    _check_branch_months([m.branch_id for m in members], start.year, start.month)
    activity = Activity.objects.create(
        organisation=organisation,
        kind=plan.kind,
        title=plan.title.strip(),
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
        place=plan.place.strip(),
        year=start.year,
        month=start.month,
        audience=plan.audience,
        group=plan.group if plan.audience == Audience.GROUP else None,
        leader=plan.leader,
        confirms_year=_confirmed_year(start, plan.confirms_quarter),
        confirms_quarter=plan.confirms_quarter,
        created_by=actor,
    )
    Expected.objects.bulk_create(
        Expected(activity=activity, member=m, branch_id=m.branch_id) for m in members
    )
    # An activity recorded after it was held invites nobody.
    if activity.ends_at > timezone.now():
        _notify_expected(activity, f"activity:{activity.pk}", _invitation(activity))
    log_action(
        "activities.activity.planned",
        actor=actor,
        obj=activity,
        organisation=organisation,
        kind=plan.kind.code,
        starts_at=activity.starts_at.isoformat(),
        expected=len(members),
    )
    return activity


EDITABLE = ("title", "place", "starts_at", "ends_at", "minutes")


@transaction.atomic
def activity_update(*, actor, activity: Activity, **fields) -> Activity:
    """Change a planned activity's title, place, time or minutes; a closed one's minutes."""
    _check_runs(actor, activity.organisation)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    activity = _take(activity)
    if activity.state == ActivityState.CANCELLED or (
        activity.state == ActivityState.CLOSED and set(fields) - {"minutes"}
    ):
        _check_planned(activity)
    if len(fields.get("minutes", "")) > TEXT_MAX_LENGTH:
        raise DomainError(_("The minutes are too long."), code="minutes_too_long")
    for key, value in fields.items():
        setattr(activity, key, value.strip() if isinstance(value, str) else value)
    if not activity.title or len(activity.title) > TITLE_MAX_LENGTH:
        raise DomainError(_("Give the activity a title."), code="title_required")
    if activity.ends_at <= activity.starts_at:
        raise DomainError(_("An activity ends after it begins."), code="ends_before_start")
    start = timezone.localtime(activity.starts_at)
    activity.year, activity.month = start.year, start.month
    # The minutes touch no points: they may be written after the month has closed.
    if set(fields) - {"minutes"}:
        _check_months(activity)
    activity.save(update_fields=[*fields, "year", "month"])
    log_action(
        "activities.activity.updated",
        actor=actor,
        obj=activity,
        organisation=activity.organisation,
        **{key: str(value) for key, value in fields.items()},
    )
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str) -> Activity:
    """Cancel a planned activity nobody has checked in to; the expected members are told."""
    _check_runs(actor, activity.organisation)
    activity = _take(activity)
    _check_planned(activity)
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."), code="reason_required")
    if activity.checkins.exists():
        raise InvalidState(
            _("Members have checked in to this activity: close it instead."),
            code="has_checkins",
        )
    activity.state, activity.cancel_reason = ActivityState.CANCELLED, reason.strip()
    activity.save(update_fields=["state", "cancel_reason"])
    text = _("%(kind)s “%(title)s” at %(start)s is cancelled: %(reason)s") % {
        "kind": activity.kind.name,
        "title": activity.title,
        "start": _local(activity.starts_at),
        "reason": activity.cancel_reason,
    }
    _notify_expected(activity, f"activity-cancelled:{activity.pk}", text)
    log_action(
        "activities.activity.cancelled",
        actor=actor,
        obj=activity,
        organisation=activity.organisation,
        reason=reason,
    )
    return activity


# ---------------------------------------------------------------- leave


@transaction.atomic
def leave_ask(
    *, actor, activity: Activity, reason: str, now: datetime.datetime | None = None
) -> LeaveRequest:
    """An expected member asks for leave (请假), with the reason, before the activity begins."""
    member = _own_member(actor)
    if not reason.strip():
        raise DomainError(_("Give the reason you cannot attend."), code="reason_required")
    if len(reason) > TEXT_MAX_LENGTH:
        raise DomainError(_("The reason is too long."), code="reason_too_long")
    member = ledger.lock_member(member)
    activity = _hold(activity)
    _check_planned(activity)
    _expected(activity, member)
    if _now(now) >= activity.starts_at:
        raise InvalidState(
            _("Leave is asked before the activity begins (it began at %(start)s).")
            % {"start": _local(activity.starts_at)},
            code="already_begun",
        )
    if CheckIn.objects.filter(activity=activity, member=member).exists():
        raise InvalidState(_("You have already checked in."), code="already_checked_in")
    # The partial unique index one_live_leave_per_member says the same in the database.
    if LeaveRequest.objects.filter(activity=activity, member=member, status__in=LIVE_LEAVE):
        raise InvalidState(
            _("You have already asked for leave from this activity."), code="already_asked"
        )
    leave = LeaveRequest.objects.create(activity=activity, member=member, reason=reason.strip())
    log_action(
        "activities.leave.asked",
        actor=actor,
        obj=leave,
        organisation=activity.organisation,
        reason=reason,
    )
    return leave


@transaction.atomic
def leave_decide(*, actor, leave: LeaveRequest, grant: bool, reason: str = "") -> LeaveRequest:
    """The secretary grants leave (an excused absence) or refuses it, with the reason; the
    member is told."""
    activity = leave.activity
    _check_runs(actor, activity.organisation)
    ledger.lock_member(leave.member)
    activity = _hold(activity)
    _check_planned(activity)
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if leave.status != LeaveStatus.ASKED:
        raise InvalidState(
            _("This leave request has already been decided."), code="already_decided"
        )
    if not grant and not reason.strip():
        raise DomainError(_("Give the reason for refusing."), code="reason_required")
    leave.status = LeaveStatus.GRANTED if grant else LeaveStatus.REFUSED
    leave.decided_by, leave.decided_at, leave.decision_reason = actor, timezone.now(), reason
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if leave.member.user_id:
        text = _("Your leave from “%(title)s” (%(start)s): %(status)s. %(reason)s") % {
            "title": activity.title,
            "start": _local(activity.starts_at),
            "status": leave.get_status_display(),
            "reason": reason,
        }
        url = reverse("portal:my_activity", args=[activity.pk])
        _notify(leave.member.user, f"leave:{leave.pk}", text.strip(), url)
    log_action(
        "activities.leave.decided",
        actor=actor,
        obj=leave,
        organisation=activity.organisation,
        grant=grant,
        reason=reason,
    )
    return leave


# ---------------------------------------------------------------- check-in


def _record_checkin(actor, activity: Activity, member: Member, method: str, at) -> CheckIn:
    if CheckIn.objects.filter(activity=activity, member=member).exists():
        raise InvalidState(
            _("%(member)s has already checked in.") % {"member": member.name},
            code="already_checked_in",
        )
    # The unique index one_checkin_per_member says the same in the database.
    checkin = CheckIn.objects.create(
        activity=activity, member=member, at=at, method=method, recorded_by=actor
    )
    log_action(
        "activities.checkin.recorded",
        actor=actor,
        obj=checkin,
        organisation=activity.organisation,
        member=member,
        method=method,
    )
    return checkin


def _check_window(activity: Activity, now: datetime.datetime) -> None:
    opens, closes = codes.window(activity)
    if not opens <= now <= closes:
        raise InvalidState(
            _("Check-in is open from %(opens)s to %(closes)s.")
            % {"opens": _local(opens), "closes": _local(closes)},
            code="outside_window",
        )


def _check_in_self(actor, activity: Activity, member: Member, now) -> CheckIn:
    _check_self(actor, member)
    activity = _hold(activity)
    _check_planned(activity)
    _expected(activity, member)
    _check_window(activity, now)
    return _record_checkin(actor, activity, member, CheckInMethod.PHONE, now)


@transaction.atomic
def checkin_by_link(
    *,
    actor,
    activity: Activity,
    member: Member,
    step: int,
    signature: str,
    now: datetime.datetime | None = None,
    scanned_at: datetime.datetime | None = None,
) -> CheckIn:
    """Check the signed-in member in with the link of the QR code. The link is signed for a
    minute; `scanned_at` is when this browser opened it, if it then had to sign in first."""
    now = _now(now)
    if not codes.signature_valid(activity, step, signature):
        raise DomainError(
            _("This check-in link is not valid: scan the code on the screen again."),
            code="forged_code",
        )
    if step not in codes.accepted_steps(scanned_at or now):
        raise InvalidState(
            _("This check-in code has expired: scan the code on the screen again."),
            code="expired_code",
        )
    _check_self(actor, member)
    _check_months(activity)
    ledger.lock_member(member)
    return _check_in_self(actor, activity, member, now)


def _candidates(member: Member, now: datetime.datetime) -> list[Activity]:
    early = datetime.timedelta(minutes=settings.JIFEN_CHECKIN_OPENS_MINUTES)
    return list(
        Activity.objects.filter(
            expected__member=member,
            state=ActivityState.PLANNED,
            starts_at__lte=now + early,
            ends_at__gte=now,
        )
    )


def _count_failure(member: Member) -> None:
    cache = caches[_ATTEMPTS]
    key = f"jifen:checkin-failures:{member.pk}"
    cache.add(key, 0, _ATTEMPTS_SECONDS)
    cache.incr(key)


def _check_attempts(member: Member) -> None:
    failures = caches[_ATTEMPTS].get(f"jifen:checkin-failures:{member.pk}", 0)
    if failures >= settings.JIFEN_CHECKIN_CODE_ATTEMPTS:
        raise InvalidState(
            _("Too many wrong codes: scan the QR code instead, or try again in ten minutes."),
            code="too_many_attempts",
        )


def checkin_by_digits(
    *, actor, member: Member, digits: str, now: datetime.datetime | None = None
) -> CheckIn:
    """Check the signed-in member in with the six digits shown on the screen, at whichever
    activity open now they are expected at and whose code it is."""
    now = _now(now)
    _check_self(actor, member)
    _check_attempts(member)
    open_now = _candidates(member, now)
    if not open_now:
        raise InvalidState(
            _("No activity you are expected at is open for check-in now."), code="outside_window"
        )
    digits = digits.strip()
    matching = [a for a in open_now if codes.digits_valid(a, now, digits)]
    if not matching:
        _count_failure(member)
        raise DomainError(
            _("This code is wrong or has expired: type the code shown on the screen now."),
            code="wrong_code",
        )
    return _checkin_atomic(actor, matching[0], member, now)


@transaction.atomic
def _checkin_atomic(actor, activity: Activity, member: Member, now) -> CheckIn:
    _check_months(activity)
    ledger.lock_member(member)
    return _check_in_self(actor, activity, member, now)


@transaction.atomic
def attendance_tick(
    *, actor, activity: Activity, member_ids, now: datetime.datetime | None = None
) -> int:
    """The secretary ticks members who came without a phone (recorded as such); members
    already checked in are left as they are. Returns how many were ticked."""
    _check_runs(actor, activity.organisation)
    now = _now(now)
    ids = sorted(set(member_ids))
    if not ids:
        raise DomainError(_("Choose the members who came."), code="members_required")
    _check_months(activity)
    members = list(Member.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    activity = _hold(activity)
    _check_planned(activity)
    if now < codes.window(activity)[0]:
        raise InvalidState(
            _("Attendance is recorded once the activity begins (%(start)s).")
            % {"start": _local(activity.starts_at)},
            code="not_begun",
        )
    expected = set(Expected.objects.filter(activity=activity).values_list("member_id", flat=True))
    strangers = [m.name for m in members if m.pk not in expected]
    if strangers or len(members) != len(ids):
        raise NotPermitted(
            _("%(member)s is not among the members expected at this activity.")
            % {"member": "、".join(strangers) or "?"},
            code="not_expected",
        )
    present = set(CheckIn.objects.filter(activity=activity).values_list("member_id", flat=True))
    ticked = [m for m in members if m.pk not in present]
    for member in ticked:
        _record_checkin(actor, activity, member, CheckInMethod.SECRETARY, now)
    return len(ticked)


@transaction.atomic
def attendance_untick(*, actor, activity: Activity, member: Member) -> None:
    """Take back a check-in recorded wrongly, before the activity is closed (after it, the
    attendance is corrected with `attendance_correct`)."""
    _check_runs(actor, activity.organisation)
    ledger.lock_member(member)
    activity = _take(activity)
    _check_planned(activity)
    checkin = CheckIn.objects.filter(activity=activity, member=member).first()
    if checkin is None:
        raise InvalidState(
            _("%(member)s has not checked in.") % {"member": member.name}, code="not_checked_in"
        )
    log_action(
        "activities.checkin.removed",
        actor=actor,
        obj=checkin,
        organisation=activity.organisation,
        member=member,
        at=checkin.at.isoformat(),
        method=checkin.method,
    )
    checkin.delete()


# ---------------------------------------------------------------- closing and points


def _outcomes(activity: Activity) -> dict[int, str]:
    present = set(activity.checkins.values_list("member_id", flat=True))
    excused = set(
        activity.leave_requests.filter(status=LeaveStatus.GRANTED).values_list(
            "member_id", flat=True
        )
    )
    return {
        member_id: Outcome.ATTENDED
        if member_id in present
        else Outcome.LEAVE
        if member_id in excused
        else Outcome.ABSENT
        for member_id in activity.expected.values_list("member_id", flat=True)
    }


_PURPOSE = {Outcome.ATTENDED: Purpose.ATTENDANCE, Outcome.ABSENT: Purpose.ABSENCE}
_BINDING = {
    Purpose.ATTENDANCE: "attendance_item",
    Purpose.ABSENCE: "absence_item",
    Purpose.LEAD: "lead_item",
}


def _reason(activity: Activity, purpose: str) -> str:
    what = {
        Purpose.ATTENDANCE: _("Attended"),
        Purpose.ABSENCE: _("Absent without leave from"),
        Purpose.LEAD: _("Led"),
    }[purpose]
    return f"{what}{_(': ')}{activity.kind.name}“{activity.title}”（{_local(activity.starts_at)}）"


def _member_item(activity: Activity, member: Member, purpose: str, schemes: dict):
    """The member's scheme and the item it has for the kind's binding (by code: a parent
    organisation's activity may meet branches on another version)."""
    bound = getattr(activity.kind, _BINDING[purpose])
    if member.branch_id not in schemes:
        schemes[member.branch_id] = current_scheme(member.branch, activity.year)
    scheme = schemes[member.branch_id]
    if bound is None or scheme is None:
        return scheme, None
    return scheme, Item.objects.filter(scheme=scheme, code=bound.code).first()


def _pending_elsewhere(member: Member, item: Item, year: int) -> list[tuple[int, Decimal]]:
    return list(
        Proposal.objects.filter(
            member=member,
            year=year,
            status=ProposalStatus.PROPOSED,
            item__code=item.code,
            item__scheme__organisation_id=item.scheme.organisation_id,
        ).values_list("month", "points")
    )


def _propose(activity: Activity, member: Member, purpose: str, schemes: dict) -> Proposal | None:
    """The member's proposal for this purpose, or None when the kind gives nothing for it or
    the member is exempt from scoring. One beyond the item's frequency or annual cap is kept
    as not scored, with the reason."""
    scheme, item = _member_item(activity, member, purpose, schemes)
    if item is None or _exempt(member, scheme):
        return None
    proposal = Proposal(
        activity=activity,
        member=member,
        branch_id=member.branch_id,
        year=activity.year,
        month=activity.month,
        item=item,
        points=item.points_min,
        purpose=purpose,
        reason=_reason(activity, purpose),
    )
    try:
        check_item_limits(
            member=member,
            item=item,
            year=activity.year,
            month=activity.month,
            points=item.points_min,
            pending_elsewhere=_pending_elsewhere(member, item, activity.year),
        )
    except LimitExceeded as refused:
        proposal.status, proposal.note = ProposalStatus.NOT_SCORED, str(refused.message)[:300]
    proposal.save(force_insert=True)
    return proposal


def _check_leave_decided(activity: Activity, outcomes: dict[int, str]) -> None:
    waiting = activity.leave_requests.filter(status=LeaveStatus.ASKED).select_related("member")
    names = [
        leave.member.name for leave in waiting if outcomes[leave.member_id] != Outcome.ATTENDED
    ]
    if names:
        raise InvalidState(
            _("Decide the leave asked by %(members)s first.") % {"members": "、".join(names)},
            code="leave_waiting",
        )


@transaction.atomic
def activity_close(
    *, actor, activity: Activity, minutes: str | None = None, now: datetime.datetime | None = None
) -> Activity:
    """Make the attendance final and propose the points the kind gives to the committee review
    of each member's branch and month: attending, an unexcused absence, leading; granted leave
    gives nothing, nor does anything to an exempt member. Closed once."""
    _check_runs(actor, activity.organisation)
    _check_months(activity)
    member_ids = list(activity.expected.values_list("member_id", flat=True))
    members = {
        m.pk: m for m in Member.objects.select_for_update().filter(pk__in=member_ids).order_by("pk")
    }
    activity = _take(activity)
    _check_planned(activity)
    if _now(now) < activity.starts_at:
        raise InvalidState(
            _("An activity is closed after it has begun (%(start)s).")
            % {"start": _local(activity.starts_at)},
            code="not_begun",
        )
    if minutes is not None and len(minutes) > TEXT_MAX_LENGTH:
        raise DomainError(_("The minutes are too long."), code="minutes_too_long")
    outcomes = _outcomes(activity)
    _check_leave_decided(activity, outcomes)
    for outcome in Outcome.values:
        chosen = [pk for pk, value in outcomes.items() if value == outcome]
        Expected.objects.filter(activity=activity, member_id__in=chosen).update(outcome=outcome)
    schemes: dict = {}
    proposed = 0
    for member_id, outcome in sorted(outcomes.items()):
        if outcome in _PURPOSE:
            proposed += bool(_propose(activity, members[member_id], _PURPOSE[outcome], schemes))
    if activity.leader_id and outcomes.get(activity.leader_id) == Outcome.ATTENDED:
        proposed += bool(_propose(activity, members[activity.leader_id], Purpose.LEAD, schemes))
    activity.state, activity.closed_by, activity.closed_at = ActivityState.CLOSED, actor, _now(now)
    fields = ["state", "closed_by", "closed_at"]
    if minutes is not None:
        activity.minutes = minutes.strip()
        fields.append("minutes")
    activity.save(update_fields=fields)
    activity_closed.send(sender=Activity, activity=activity)
    log_action(
        "activities.activity.closed",
        actor=actor,
        obj=activity,
        organisation=activity.organisation,
        attended=sum(1 for o in outcomes.values() if o == Outcome.ATTENDED),
        expected=len(outcomes),
        proposals=proposed,
    )
    return activity


@dataclass(frozen=True)
class Decision:
    proposal: Proposal
    error: str = ""
    code: str = ""


def proposals_decide(*, actor, proposals: list[Proposal], approve: bool, reason: str = "") -> list:
    """The committee's one decision on an activity's proposed points: approved, each becomes
    a ledger entry. Each proposal is decided in its own transaction, so that one refusal (a
    member since exempt, one's own points, a limit reached since) stops only itself; the
    outcomes come back in order."""
    outcomes = []
    for proposal in proposals:
        try:
            decided = _decide(actor, proposal, approve, reason)
        except DomainError as error:
            outcomes.append(Decision(proposal, str(error.message), error.code))
        else:
            outcomes.append(Decision(decided))
    return outcomes


@transaction.atomic
def _decide(actor, proposal: Proposal, approve: bool, reason: str) -> Proposal:
    if not rules.can_work_in_branch(actor, proposal.branch):
        raise NotPermitted()
    if proposal.member.user_id == actor.pk:
        raise NotPermitted(
            _("Nobody decides points for themselves: another committee member decides yours."),
            code="own_points",
        )
    if not approve and not reason.strip():
        raise DomainError(_("Give the reason for rejecting."), code="reason_required")
    periods.check(proposal.branch, proposal.year, proposal.month, Source.ACTIVITY)
    member = ledger.lock_member(proposal.member)
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("item__scheme", "activity")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.PROPOSED:
        raise InvalidState(_("These points have already been decided."), code="already_decided")
    if approve:
        if _exempt(member, current_scheme(proposal.branch, proposal.year)):
            raise InvalidState(
                _("%(member)s is exempt from scoring: reject the points of the activity.")
                % {"member": member.name},
                code="exempt",
            )
        check_item_limits(
            member=member,
            item=proposal.item,
            year=proposal.year,
            month=proposal.month,
            points=proposal.points,
            count_pending=False,
        )
        proposal.entry = ledger.append_entry(
            actor=actor,
            member=member,
            year=proposal.year,
            month=proposal.month,
            item=proposal.item,
            points=proposal.points,
            source=Source.ACTIVITY,
            reason=proposal.reason,
            evidence=_("Attendance record of the activity"),
            branch=proposal.branch,
        )
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.decision_reason = (
        actor,
        timezone.now(),
        reason,
    )
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "entry"])
    log_action(
        "activities.points.decided",
        actor=actor,
        obj=proposal,
        organisation=proposal.branch,
        member=member,
        approve=approve,
        reason=reason,
    )
    return proposal


@transaction.atomic
def attendance_correct(
    *, actor, activity: Activity, member: Member, outcome: str, reason: str
) -> Expected:
    """Correct a member's attendance after the activity is closed (checked in wrongly, or
    ticked for the wrong person), as any correction: an entry already written is reversed,
    points still waiting are withdrawn, and what the new attendance gives is proposed to the
    committee again. Only while activities may still write to the month; after the general
    meeting a correction comes through an objection, after the lock through an appeal."""
    _check_runs(actor, activity.organisation)
    if outcome not in Outcome.values:
        raise DomainError(_("Choose the attendance."), code="outcome_required")
    if not reason.strip():
        raise DomainError(_("Give the reason for the correction."), code="reason_required")
    expected = _expected(activity, member)
    periods.check(expected.branch, activity.year, activity.month, Source.ACTIVITY)
    member = ledger.lock_member(member)
    activity = _take(activity)
    if activity.state != ActivityState.CLOSED:
        raise InvalidState(
            _("Attendance is corrected after the activity is closed; until then tick or untick."),
            code="not_closed",
        )
    expected = Expected.objects.select_for_update().get(pk=expected.pk)
    if expected.outcome == outcome:
        raise InvalidState(_("The attendance is already so."), code="unchanged")
    for old in Proposal.objects.select_for_update().filter(
        activity=activity,
        member=member,
        purpose__in=[Purpose.ATTENDANCE, Purpose.ABSENCE],
        status__in=[*LIVE_PROPOSAL, ProposalStatus.NOT_SCORED],
    ):
        if old.entry_id:
            ledger.reverse_entry(
                actor=actor, entry=old.entry, reason=reason, source=Source.ACTIVITY
            )
        old.status, old.decision_reason = ProposalStatus.CORRECTED, reason
        old.save(update_fields=["status", "decision_reason"])
    previous, expected.outcome = expected.outcome, outcome
    expected.save(update_fields=["outcome"])
    if outcome in _PURPOSE:
        _propose(activity, member, _PURPOSE[outcome], {})
    log_action(
        "activities.attendance.corrected",
        actor=actor,
        obj=activity,
        organisation=activity.organisation,
        member=member,
        previous=previous,
        outcome=outcome,
        reason=reason,
    )
    return expected
