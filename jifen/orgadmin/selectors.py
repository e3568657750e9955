"""Reads for the organisation admin's pages, each limited to the subtrees the user administers."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from jifen.orgs.enums import MemberCategory, MemberState, OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation, Role
from jifen.orgs.rules import visible_organisations
from jifen.orgs.selectors import id_number_matches
from jifen.schemes.models import ActivityKind, CommendationLevel, GradeLevel, Item, Scheme


def administered_organisations(user) -> QuerySet[Organisation]:
    return visible_organisations(user, [RoleKind.ADMIN])


def administered_branches(user) -> QuerySet[Organisation]:
    return administered_organisations(user).filter(kind=OrgKind.BRANCH)


@dataclass(frozen=True)
class TreeRow:
    organisation: Organisation
    depth: int


def organisation_tree(user) -> list[TreeRow]:
    """The administered organisations in tree order, indented from the shallowest one shown."""
    orgs = list(administered_organisations(user).order_by("path"))
    top = min((org.path.count("/") for org in orgs), default=0)
    return [TreeRow(org, org.path.count("/") - top) for org in orgs]


def roster(
    user, *, search: str = "", branch=None, category: str = "", state: str = ""
) -> QuerySet[Member]:
    members = Member.objects.filter(branch__in=administered_organisations(user))
    if search:
        members = members.filter(
            Q(name__icontains=search) | Q(party_post__icontains=search) | id_number_matches(search)
        )
    if branch is not None:
        members = members.filter(branch=branch)
    if category:
        members = members.filter(category=category)
    if state:
        members = members.filter(state=state)
    return members.select_related("branch", "user").order_by("branch__path", "name")


def administered_members(user) -> QuerySet[Member]:
    return Member.objects.filter(branch__in=administered_organisations(user)).select_related(
        "branch", "user"
    )


def members_without_account(user, branch=None) -> QuerySet[Member]:
    """The active members of the administered branches (or of `branch`) with no user account."""
    members = administered_members(user).filter(user__isnull=True, state=MemberState.ACTIVE)
    if branch is not None:
        members = members.filter(branch=branch)
    return members.order_by("branch__path", "name", "pk")


def organisation_roles(organisation: Organisation) -> QuerySet[Role]:
    return organisation.roles.select_related("user").order_by("kind", "user__username")


def administered_roles(user) -> QuerySet[Role]:
    return Role.objects.filter(organisation__in=administered_organisations(user))


def assignable_users(user):
    """Accounts an admin may give a role: those of members and role holders in their subtrees
    (a superuser may pick any active account)."""
    users = get_user_model().objects.filter(is_active=True)
    if user.is_superuser:
        return users.order_by("username")
    orgs = administered_organisations(user)
    return (
        users.filter(Q(member__branch__in=orgs) | Q(roles__organisation__in=orgs))
        .distinct()
        .order_by("username")
    )


def unlinked_users(user):
    """Assignable accounts not yet linked to any member record."""
    return assignable_users(user).filter(member__isnull=True)


def administered_schemes(user) -> QuerySet[Scheme]:
    return Scheme.objects.filter(organisation__in=administered_organisations(user)).select_related(
        "organisation"
    )


def administered_items(user) -> QuerySet[Item]:
    return Item.objects.filter(scheme__in=administered_schemes(user)).select_related("scheme")


def administered_commendation_levels(user) -> QuerySet[CommendationLevel]:
    schemes = administered_schemes(user)
    return CommendationLevel.objects.filter(scheme__in=schemes).select_related("scheme")


def administered_grade_levels(user) -> QuerySet[GradeLevel]:
    return GradeLevel.objects.filter(scheme__in=administered_schemes(user)).select_related("scheme")


def administered_activity_kinds(user) -> QuerySet[ActivityKind]:
    return ActivityKind.objects.filter(scheme__in=administered_schemes(user)).select_related(
        "scheme"
    )


def scheme_detail(scheme: Scheme) -> dict:
    """The scheme's catalogue and scales, and the months whose lock freezes it."""
    return {
        "exempt_categories": [MemberCategory(code).label for code in scheme.exempt_categories],
        "items": list(scheme.items.all()),
        "commendation_levels": list(scheme.commendation_levels.all()),
        "grade_levels": list(scheme.grade_levels.all()),
        "activity_kinds": list(
            scheme.activity_kinds.select_related("attendance_item", "absence_item", "lead_item")
        ),
        "locks": list(
            scheme.month_locks.select_related("branch").order_by("branch__path", "month")
        ),
        "newest": Scheme.objects.filter(
            organisation_id=scheme.organisation_id, year=scheme.year, version__gt=scheme.version
        )
        .order_by("-version")
        .first(),
    }
