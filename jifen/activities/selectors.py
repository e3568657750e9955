"""Reads of activities that pages, the API, exports, dashboards and the cycle share.

Functions that take an organisation or a branch return its data only; callers first check that
the user may see it (jifen.orgs.rules). The record book (台账) and the attendance rates are
read from what closing made final (each expected member's attendance), never recomputed.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.activities.enums import ActivityState, LeaveStatus, Outcome, ProposalStatus
from jifen.activities.models import Activity, CheckIn, Expected, LeaveRequest, Proposal
from jifen.notifications.todos import Todo, todo
from jifen.orgs import rules
from jifen.orgs.enums import MemberState, OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation, Role
from jifen.schemes.enums import OrganiserLevel, RequiredFrequency
from jifen.schemes.models import ActivityKind, Scheme
from jifen.schemes.selectors import current_scheme, pick_scheme, schemes_for_year

# ---------------------------------------------------------------- who sees what


def visible_activities(user) -> QuerySet[Activity]:
    """Activities of the organisations the user sees through a role, those that expect
    members of such organisations, and those the user is expected at."""
    if not user.is_authenticated:
        return Activity.objects.none()
    orgs = rules.visible_organisations(user)
    reaches = Expected.objects.filter(activity=OuterRef("pk")).filter(
        Q(branch__in=orgs) | Q(member__user=user)
    )
    return Activity.objects.filter(Q(organisation__in=orgs) | Exists(reaches))


def run_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose activities the user plans and runs (rules.can_run_activities)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.exclude(kind=OrgKind.GROUP)
    query = Q(pk__in=[])
    branch_roles = Role.objects.filter(user=user, kind__in=rules.BRANCH_WORK)
    for org in Organisation.objects.filter(roles__in=branch_roles).distinct():
        query |= Q(pk=org.pk) if org.is_branch else Q(path__startswith=org.path)
    reviewer = Role.objects.filter(user=user, kind=RoleKind.REVIEWER)
    for org in Organisation.objects.filter(roles__in=reviewer).distinct():
        query |= Q(path__startswith=org.path, kind__in=[OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH])
    return Organisation.objects.filter(query).exclude(kind=OrgKind.GROUP)


def organisers(org: Organisation) -> QuerySet[Organisation]:
    """Who may hold an activity planned from an organisation's page: a branch and its party
    groups, or the parent organisation itself."""
    if org.is_branch:
        return Organisation.objects.filter(Q(pk=org.pk) | Q(parent=org, kind=OrgKind.GROUP))
    return Organisation.objects.filter(pk=org.pk)


def expectable_members(org: Organisation) -> QuerySet[Member]:
    """The active members an organisation's activity may expect: its branch's, or those of
    every branch below a parent organisation."""
    branch = rules.activity_branch(org)
    branches = (
        [branch]
        if branch
        else Organisation.objects.filter(
            path__startswith=org.path, kind=OrgKind.BRANCH, is_active=True
        )
    )
    return Member.objects.filter(branch__in=branches, state=MemberState.ACTIVE).order_by(
        "branch__path", "name"
    )


def kinds_scheme(org: Organisation, year: int) -> Scheme | None:
    """The scheme whose kinds of activity apply in a year: the year's, or until it is made the
    year before's (the general meeting in January confirms the last quarter)."""
    return current_scheme(org, year) or current_scheme(org, year - 1)


def activity_kinds(org: Organisation, year: int) -> QuerySet[ActivityKind]:
    scheme = kinds_scheme(org, year)
    return scheme.activity_kinds.all() if scheme else ActivityKind.objects.none()


# ---------------------------------------------------------------- lists and sheets


def organisation_activities(org: Organisation, year: int) -> QuerySet[Activity]:
    """An organisation's activities in a year: for a branch, its own and its groups', and
    those of the parent organisations that expect its members."""
    held = Q(organisation__in=organisers(org))
    if org.is_branch:
        held |= Exists(Expected.objects.filter(activity=OuterRef("pk"), branch=org))
    return (
        Activity.objects.filter(held, year=year)
        .select_related("organisation", "kind")
        .annotate(
            expected_count=Count("expected", distinct=True),
            checked_in=Count("checkins", distinct=True),
            leave_waiting=Count(
                "leave_requests",
                filter=Q(leave_requests__status=LeaveStatus.ASKED),
                distinct=True,
            ),
        )
        .order_by("-starts_at", "-pk")
    )


@dataclass
class SheetRow:
    """One expected member on the activity's page."""

    expected: Expected
    checkin: CheckIn | None
    leave: LeaveRequest | None
    proposals: list[Proposal] = field(default_factory=list)

    @property
    def member(self) -> Member:
        return self.expected.member


def activity_sheet(activity: Activity) -> list[SheetRow]:
    """Every expected member with their check-in, their latest leave request and, once
    closed, the points proposed for them (four queries)."""
    checkins = {c.member_id: c for c in activity.checkins.all()}
    leaves = {}
    for leave in activity.leave_requests.order_by("asked_at"):
        leaves[leave.member_id] = leave
    proposals = defaultdict(list)
    for proposal in activity.proposals.select_related("item", "entry"):
        proposals[proposal.member_id].append(proposal)
    expected = activity.expected.select_related("member", "branch").order_by("member__name")
    return [
        SheetRow(e, checkins.get(e.member_id), leaves.get(e.member_id), proposals[e.member_id])
        for e in expected
    ]


def waiting_leave(activity: Activity) -> QuerySet[LeaveRequest]:
    return activity.leave_requests.filter(status=LeaveStatus.ASKED).select_related("member")


def member_activities(member: Member) -> QuerySet[Expected]:
    """The activities a member is expected at, newest first, with their check-in and leave."""
    return (
        Expected.objects.filter(member=member)
        .exclude(activity__state=ActivityState.CANCELLED)
        .select_related("activity__kind", "activity__organisation")
        .annotate(
            checked_in=Exists(
                CheckIn.objects.filter(activity=OuterRef("activity"), member=OuterRef("member"))
            )
        )
        .prefetch_related(
            Prefetch(
                "activity__leave_requests",
                queryset=LeaveRequest.objects.filter(member=member).order_by("asked_at"),
                to_attr="own_leave",
            )
        )
        .order_by("-activity__starts_at")
    )


def expected_row(activity: Activity, member: Member) -> Expected | None:
    return Expected.objects.filter(activity=activity, member=member).first()


def checkin_of(activity: Activity, member: Member) -> CheckIn | None:
    return CheckIn.objects.filter(activity=activity, member=member).first()


def leave_of(activity: Activity, member: Member) -> LeaveRequest | None:
    return LeaveRequest.objects.filter(activity=activity, member=member).order_by("asked_at").last()


# ---------------------------------------------------------------- what the cycle waits for


def unfinished(branch: Organisation, year: int, months) -> QuerySet[Activity]:
    """Activities of these months that expect the branch's members and are neither closed nor
    cancelled: their attendance, and so their points, are not final yet."""
    return Activity.objects.filter(
        year=year,
        month__in=list(months),
        state=ActivityState.PLANNED,
        expected__branch=branch,
    ).distinct()


def points_waiting(branch: Organisation, year: int, months) -> QuerySet[Proposal]:
    """Points proposed by activities of these months that the branch's committee has not
    decided yet."""
    return Proposal.objects.filter(
        branch=branch, year=year, month__in=list(months), status=ProposalStatus.PROPOSED
    )


def proposals_for_review(branch: Organisation, year: int, month: int) -> list[tuple]:
    """The month's proposed points for the branch, by activity: (activity, proposals)."""
    proposals = (
        Proposal.objects.filter(branch=branch, year=year, month=month)
        .exclude(status=ProposalStatus.CORRECTED)
        .select_related("activity__kind", "member", "item")
        .order_by("activity__starts_at", "activity_id", "member__name", "purpose")
    )
    grouped: dict[int, tuple] = {}
    for proposal in proposals:
        grouped.setdefault(proposal.activity_id, (proposal.activity, []))[1].append(proposal)
    return list(grouped.values())


# ---------------------------------------------------------------- to-dos


def _moment(today: datetime.date) -> datetime.datetime:
    """The time of day now, on the day asked about (to-dos may be asked for another day)."""
    return timezone.make_aware(datetime.datetime.combine(today, timezone.localtime().time()))


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _member_todos(member: Member, now: datetime.datetime, today) -> list[Todo]:
    upcoming = (
        Activity.objects.filter(
            expected__member=member,
            state=ActivityState.PLANNED,
            ends_at__gte=now,
            starts_at__lte=now + datetime.timedelta(days=7),
        )
        .exclude(checkins__member=member)
        .exclude(
            leave_requests__member=member,
            leave_requests__status__in=[LeaveStatus.ASKED, LeaveStatus.GRANTED],
        )
        .select_related("kind")
        .distinct()
    )
    todos = []
    for activity in upcoming:
        url = reverse("portal:my_activity", args=[activity.pk])
        text = _("%(kind)s “%(title)s” at %(start)s, %(place)s: check in there or ask for leave.")
        names = {
            "kind": activity.kind.name,
            "title": activity.title,
            "start": _local(activity.starts_at),
            "place": activity.place or "—",
        }
        due = timezone.localtime(activity.starts_at).date()
        todos.append(todo(f"attend:{activity.pk}:{member.pk}", text % names, url, due, today))
    asked = LeaveRequest.objects.filter(
        member=member, status=LeaveStatus.ASKED, activity__state=ActivityState.PLANNED
    ).select_related("activity")
    for leave in asked:
        text = _("Your leave from “%(title)s” waits for the secretary's decision.")
        url = reverse("portal:my_activity", args=[leave.activity_id])
        todos.append(Todo(f"leave-waiting:{leave.pk}", text % {"title": leave.activity.title}, url))
    return todos


def _runner_todos(org: Organisation, now: datetime.datetime, today) -> list[Todo]:
    todos = []
    mine = Activity.objects.filter(
        organisation__in=organisers(org), state=ActivityState.PLANNED
    ).select_related("kind")
    waiting = Counter(
        LeaveRequest.objects.filter(activity__in=mine, status=LeaveStatus.ASKED).values_list(
            "activity_id", flat=True
        )
    )
    for activity in mine.filter(Q(pk__in=waiting) | Q(ends_at__lte=now)):
        names = {"organisation": org.name, "title": activity.title, "count": waiting[activity.pk]}
        url = reverse("portal:activity", args=[activity.pk])
        due = timezone.localtime(activity.starts_at).date()
        if waiting[activity.pk]:
            text = _("%(organisation)s: %(count)d leave requests for “%(title)s” to decide.")
            todos.append(todo(f"leave:{activity.pk}", text % names, url, due, today))
        if activity.ends_at <= now:
            text = _("%(organisation)s: “%(title)s” is over; close it to make attendance final.")
            todos.append(todo(f"close:{activity.pk}", text % names, url, None, today))
    return todos


def _review_todos(user, branch: Organisation, today) -> list[Todo]:
    waiting = Counter(
        Proposal.objects.filter(branch=branch, status=ProposalStatus.PROPOSED)
        .exclude(member__user=user)
        .values_list("year", "month")
    )
    todos = []
    for (year, month), count in sorted(waiting.items()):
        scheme = current_scheme(branch, year)
        due_year, due_month = (year + 1, 1) if month == 12 else (year, month + 1)
        due = datetime.date(due_year, due_month, scheme.review_deadline_day) if scheme else None
        text = _(
            "%(branch)s: %(count)d points from activities of %(year)d-%(month)02d wait for "
            "review (due %(due)s)."
        ) % {"branch": branch.name, "count": count, "year": year, "month": month, "due": due}
        url = reverse("portal:activity_points", args=[branch.pk])
        url += f"?period={year}-{month:02d}"
        todos.append(todo(f"activity-review:{branch.pk}:{year}-{month}", text, url, due, today))
    return todos


def todos_for(user, today: datetime.date) -> list[Todo]:
    """The activity tasks of a user: as a member, attending or asking leave and leave still
    waiting; as one who runs activities, leave to decide and activities to close; as the
    committee, the points activities proposed."""
    now = _moment(today)
    todos = []
    member = Member.objects.filter(user=user).first()
    if member is not None:
        todos += _member_todos(member, now, today)
    for org in _own_run_organisations(user):
        todos += _runner_todos(org, now, today)
        if org.is_branch:
            todos += _review_todos(user, org, today)
    return todos


def _own_run_organisations(user) -> QuerySet[Organisation]:
    """Like run_organisations, but through the user's own roles only: reminders go to the
    people who hold the work, not to superusers."""
    branch_work = Q(roles__user=user, roles__kind__in=rules.BRANCH_WORK, kind=OrgKind.BRANCH)
    parent = Q(
        roles__user=user,
        roles__kind__in=[*rules.BRANCH_WORK, RoleKind.REVIEWER],
        kind__in=[OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH],
    )
    return Organisation.objects.filter(branch_work | parent, is_active=True).distinct()


# ---------------------------------------------------------------- the record book (台账)


def rate(attended: int, expected: int) -> Decimal | None:
    """Attendance in per cent, one decimal (half up), of the members expected."""
    if not expected:
        return None
    return (Decimal(100 * attended) / expected).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Tally:
    expected: int = 0
    attended: int = 0
    leave: int = 0
    absent: int = 0

    def add(self, outcome: str, count: int = 1) -> None:
        self.expected += count
        if outcome == Outcome.ATTENDED:
            self.attended += count
        elif outcome == Outcome.LEAVE:
            self.leave += count
        elif outcome == Outcome.ABSENT:
            self.absent += count

    @property
    def rate(self) -> Decimal | None:
        return rate(self.attended, self.expected)


@dataclass
class BookEntry:
    """A held activity as the record book prints it, counted over the branch's members."""

    activity: Activity
    tally: Tally
    attended: list[str]
    leave: list[str]
    absent: list[str]


@dataclass(frozen=True)
class PeriodCheck:
    label: str
    held: int
    met: bool | None  # None: the period has not ended and the requirement is not met yet


@dataclass
class Requirement:
    kind: ActivityKind
    holder: Organisation
    checks: list[PeriodCheck]

    @property
    def behind(self) -> list[PeriodCheck]:
        return [check for check in self.checks if check.met is False]


@dataclass
class MemberTally:
    member: Member
    tally: Tally


@dataclass
class RecordBook:
    branch: Organisation
    year: int
    scheme: Scheme | None
    entries: list[BookEntry]
    requirements: list[Requirement]
    members: list[MemberTally]
    tally: Tally

    @property
    def behind(self) -> list[tuple[Requirement, PeriodCheck]]:
        return [(r, check) for r in self.requirements for check in r.behind]


def _periods(frequency: str, year: int) -> list[tuple[str, list[int]]]:
    if frequency == RequiredFrequency.MONTHLY:
        return [(_("Month %(month)d") % {"month": m}, [m]) for m in range(1, 13)]
    if frequency == RequiredFrequency.QUARTERLY:
        return [
            (_("Q%(quarter)d") % {"quarter": q}, [3 * q - 2, 3 * q - 1, 3 * q]) for q in range(1, 5)
        ]
    return [(str(year), list(range(1, 13)))]


def _period_over(year: int, months: list[int], today: datetime.date) -> bool:
    last = months[-1]
    end = datetime.date(year + last // 12, last % 12 + 1, 1)
    return today >= end


@dataclass(frozen=True)
class Held:
    """What a requirement counts of a held activity."""

    kind_code: str
    organisation_id: int
    month: int


def _requirements(branch, year, kinds, groups, held: list[Held], today) -> list[Requirement]:
    """Each kind that must be held, checked for the branch (or each of its party groups)
    period by period. An activity counts by its kind's code, so a new scheme version counts
    what was held under the one before."""
    requirements = []
    for kind in kinds:
        holders = groups if kind.level == OrganiserLevel.GROUP else [branch]
        for holder in holders:
            mine = [
                h
                for h in held
                if h.kind_code == kind.code
                and (holder.kind != OrgKind.GROUP or h.organisation_id == holder.pk)
            ]
            checks = []
            for label, months in _periods(kind.required_frequency, year):
                count = sum(1 for h in mine if h.month in months)
                met = count >= kind.required_count
                if not met and not _period_over(year, months, today):
                    met = None
                checks.append(PeriodCheck(label, count, met))
            requirements.append(Requirement(kind, holder, checks))
    return requirements


def _required_kinds(scheme: Scheme | None) -> list[ActivityKind]:
    if scheme is None:
        return []
    return list(scheme.activity_kinds.exclude(required_frequency=RequiredFrequency.NONE))


def _groups(branches) -> dict[int, list[Organisation]]:
    groups = defaultdict(list)
    for group in Organisation.objects.filter(
        parent__in=branches, kind=OrgKind.GROUP, is_active=True
    ).order_by("path"):
        groups[group.parent_id].append(group)
    return groups


def record_book(branch: Organisation, year: int, today: datetime.date) -> RecordBook:
    """The branch's 三会一课 record book of a year: every activity held (closed) that expected
    its members, with attendance, leave and minutes; whether each required frequency was met;
    the attendance of each member and of the branch."""
    held = list(
        Activity.objects.filter(year=year, state=ActivityState.CLOSED, expected__branch=branch)
        .distinct()
        .select_related("kind", "organisation", "leader")
        .order_by("starts_at", "pk")
    )
    rows = (
        Expected.objects.filter(activity__in=held, branch=branch)
        .select_related("member")
        .order_by("member__name")
    )
    by_activity: dict[int, BookEntry] = {a.pk: BookEntry(a, Tally(), [], [], []) for a in held}
    members: dict[int, MemberTally] = {}
    total = Tally()
    for row in rows:
        entry = by_activity[row.activity_id]
        entry.tally.add(row.outcome)
        total.add(row.outcome)
        names = {Outcome.ATTENDED: entry.attended, Outcome.LEAVE: entry.leave}
        names.get(row.outcome, entry.absent).append(row.member.name)
        members.setdefault(row.member_id, MemberTally(row.member, Tally())).tally.add(row.outcome)
    scheme = current_scheme(branch, year)
    counted = [Held(a.kind.code, a.organisation_id, a.month) for a in held]
    requirements = _requirements(
        branch, year, _required_kinds(scheme), _groups([branch])[branch.pk], counted, today
    )
    return RecordBook(
        branch=branch,
        year=year,
        scheme=scheme,
        entries=list(by_activity.values()),
        requirements=requirements,
        members=sorted(members.values(), key=lambda m: m.member.name),
        tally=total,
    )


# ---------------------------------------------------------------- dashboards


@dataclass
class BranchAttendance:
    branch: Organisation
    held: int
    tally: Tally
    behind: list[tuple[Requirement, PeriodCheck]]


def attendance(branches: list[Organisation], year: int, today: datetime.date):
    """Per branch: activities held, attendance, and the requirements it is behind on. Set-based
    (a fixed number of queries however many branches and members): the outcomes counted by
    branch and activity, the branches' schemes and their required kinds, the party groups."""
    outcomes = (
        Expected.objects.filter(
            branch__in=branches, activity__year=year, activity__state=ActivityState.CLOSED
        )
        .values(
            "branch_id",
            "activity_id",
            "activity__kind__code",
            "activity__organisation_id",
            "activity__month",
            "outcome",
        )
        .annotate(count=Count("pk"))
    )
    tallies, held = defaultdict(Tally), defaultdict(dict)
    for row in outcomes:
        tallies[row["branch_id"]].add(row["outcome"], row["count"])
        held[row["branch_id"]][row["activity_id"]] = Held(
            row["activity__kind__code"], row["activity__organisation_id"], row["activity__month"]
        )
    ancestors = {pk for branch in branches for pk in branch.ancestor_ids}
    schemes = list(schemes_for_year(list(ancestors), year))
    chosen = {branch.pk: pick_scheme(schemes, branch) for branch in branches}
    kinds = defaultdict(list)
    for kind in ActivityKind.objects.filter(
        scheme__in=[s for s in chosen.values() if s], required_frequency__gt=""
    ):
        kinds[kind.scheme_id].append(kind)
    groups = _groups(branches)
    rows = []
    for branch in branches:
        scheme = chosen[branch.pk]
        required = kinds[scheme.pk] if scheme else []
        mine = list(held[branch.pk].values())
        book = _requirements(branch, year, required, groups[branch.pk], mine, today)
        behind = [(r, check) for r in book for check in r.behind]
        rows.append(BranchAttendance(branch, len(mine), tallies[branch.pk], behind))
    return rows


def member_attendance(branch: Organisation, year: int) -> list[MemberTally]:
    """Each member's attendance at the activities of the year held so far (one query)."""
    rows = (
        Expected.objects.filter(
            branch=branch, activity__year=year, activity__state=ActivityState.CLOSED
        )
        .values("member_id", "outcome")
        .annotate(count=Count("pk"))
    )
    tallies = defaultdict(Tally)
    for row in rows:
        tallies[row["member_id"]].add(row["outcome"], row["count"])
    members = Member.objects.filter(pk__in=tallies).order_by("name")
    return [MemberTally(member, tallies[member.pk]) for member in members]
