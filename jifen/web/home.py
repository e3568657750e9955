"""What the home page shows a signed-in user: the tasks open now (jifen.cycle.selectors.todo_for),
the notifications not yet read, and a card for each role held with the state of its work and
the pages where it is done.

Nothing here computes scores: a card reads counts and states in a few grouped queries for all
the user's branches at once, so the page costs the same however large the branches are."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import Coalesce

from jifen.cycle import selectors as cycle
from jifen.cycle.enums import ObjectionKind, ObjectionStatus, QuarterState
from jifen.cycle.models import Notice, Objection, Quarter
from jifen.declarations.enums import DeclarationStatus
from jifen.declarations.models import Declaration
from jifen.ledger import periods
from jifen.notifications.models import Notification
from jifen.notifications.selectors import notifications_for
from jifen.orgadmin.selectors import administered_branches, administered_organisations
from jifen.orgs import rules
from jifen.orgs.enums import MemberState, RoleKind
from jifen.orgs.models import Member, Organisation
from jifen.portal import selectors as portal

DECIDED = (DeclarationStatus.APPROVED, DeclarationStatus.ADJUSTED, DeclarationStatus.REJECTED)
SHOWN_NOTIFICATIONS = 5
SHOWN_DECISIONS = 3


@dataclass(frozen=True)
class MonthToDeclare:
    month: periods.OpenMonth
    declared: int  # the member's declarations for it, withdrawn ones left out


@dataclass
class MemberCard:
    member: Member
    months: list[MonthToDeclare]
    notices: list[Notice]
    decisions: list[Declaration]


@dataclass
class BranchCard:
    branch: Organisation
    secretary: bool
    waiting: int = 0  # declarations waiting for the committee's review
    objections: int = 0  # objections (to the branch) waiting for an answer
    quarters: list[Quarter] = field(default_factory=list)

    @property
    def last_register(self) -> Quarter | None:
        """The latest quarter the general meeting confirmed: its register is filled."""
        confirmed = [q for q in self.quarters if q.state != QuarterState.OPEN]
        return confirmed[-1] if confirmed else None


@dataclass
class Home:
    name: str
    todos: list
    notifications: list[Notification]
    unread: int
    member: MemberCard | None
    branches: list[BranchCard]
    desks: list[Organisation]
    administers: bool
    imports_roster: bool  # administers a branch, whose roster it may import


def _member_card(member: Member, today: datetime.date) -> MemberCard:
    active = member.state == MemberState.ACTIVE
    months = periods.declarable_months(member.branch, today) if active else []
    declared = Counter(
        Declaration.objects.filter(member=member, year__in={m.year for m in months})
        .exclude(status=DeclarationStatus.WITHDRAWN)
        .values_list("year", "month")
    )
    decisions = (
        Declaration.objects.filter(member=member, status__in=DECIDED)
        .select_related("item")
        .order_by(Coalesce("parent_decided_at", "branch_decided_at").desc(), "-pk")[
            :SHOWN_DECISIONS
        ]
    )
    return MemberCard(
        member=member,
        months=[MonthToDeclare(m, declared[m.year, m.month]) for m in months],
        notices=list(cycle.notices_open_to(member, today)),
        decisions=list(decisions),
    )


def _branch_cards(user, today: datetime.date) -> list[BranchCard]:
    branches = list(portal.work_branches(user).order_by("path"))
    led = set(rules.visible_organisations(user, [RoleKind.SECRETARY]).values_list("pk", flat=True))
    cards = {b.pk: BranchCard(b, b.pk in led) for b in branches}
    # Nobody reviews their own declarations: those are not waiting for this user.
    waiting = (
        Declaration.objects.filter(branch__in=branches, status=DeclarationStatus.SUBMITTED)
        .exclude(member__user=user)
        .values_list("branch_id")
        .annotate(n=Count("pk"))
    )
    for branch_id, count in waiting:
        cards[branch_id].waiting = count
    objections = (
        Objection.objects.filter(
            notice__branch__in=branches,
            kind=ObjectionKind.OBJECTION,
            status=ObjectionStatus.OPEN,
        )
        .values_list("notice__branch_id")
        .annotate(n=Count("pk"))
    )
    for branch_id, count in objections:
        cards[branch_id].objections = count
    saved = {
        (q.branch_id, q.number): q
        for q in Quarter.objects.filter(branch__in=branches, year=today.year)
    }
    for card in cards.values():
        card.quarters = [
            saved.get((card.branch.pk, n)) or Quarter(branch=card.branch, year=today.year, number=n)
            for n in range(1, 5)
        ]
    return list(cards.values())


def _name(user, member: Member | None) -> str:
    return member.name if member else user.get_full_name() or user.get_username()


def home_for(user, today: datetime.date, todos: list) -> Home:
    """The home of `user`, with their open tasks `todos` (cycle.todo_for)."""
    member = Member.objects.filter(user=user).select_related("branch").first()
    unread = notifications_for(user, unread_only=True)
    return Home(
        name=_name(user, member),
        todos=todos,
        notifications=list(unread[:SHOWN_NOTIFICATIONS]),
        unread=unread.count(),
        member=_member_card(member, today) if member else None,
        branches=_branch_cards(user, today),
        desks=list(portal.review_orgs(user).order_by("path")),
        administers=administered_organisations(user).exists(),
        imports_roster=administered_branches(user).exists(),
    )
