"""Who may do what where. Roles reach the subtree of the organisation they are held in.

Every page, endpoint and service asks these functions; none of them decides by itself.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet

from jifen.orgs.enums import OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation, Role

BRANCH_WORK = (RoleKind.COMMITTEE, RoleKind.SECRETARY)
ANY_ROLE = tuple(RoleKind)


def _holds(user, kinds: Iterable[str], org_ids: list[int]) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    kinds, org_ids = [str(kind) for kind in kinds], list(org_ids)
    if not kinds or not org_ids:
        return False
    # Asked on every request of every page that shows an organisation, and by every service:
    # the ORM takes fifteen times longer to build this statement than the database to answer
    # it, so it is written out (Role.objects.filter(user=user, organisation_id__in=org_ids,
    # kind__in=kinds).exists()).
    sql = (
        f"SELECT 1 FROM {Role._meta.db_table} WHERE user_id = %s"
        f" AND organisation_id IN ({_marks(org_ids)}) AND kind IN ({_marks(kinds)}) LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, *org_ids, *kinds])
        return cursor.fetchone() is not None


def _marks(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def can_work_in_branch(user, branch: Organisation) -> bool:
    """Committee members and the secretary review, record deductions and run meetings."""
    return _holds(user, BRANCH_WORK, [branch.pk])


def is_secretary(user, branch: Organisation) -> bool:
    return _holds(user, [RoleKind.SECRETARY], [branch.pk])


def activity_branch(org: Organisation) -> Organisation | None:
    """The branch whose committee runs an organisation's activities: a branch's own, a party
    group's parent; a parent organisation (党总支/党委) has none."""
    if org.kind == OrgKind.GROUP:
        return org.parent
    return org if org.is_branch else None


def can_run_activities(user, org: Organisation) -> bool:
    """Who plans and runs an organisation's activities (组织生活): the committee of a branch,
    for its party groups too; for a parent organisation, those who hold a committee,
    secretary or reviewer role there or above."""
    branch = activity_branch(org)
    if branch is not None:
        return _holds(user, BRANCH_WORK, [branch.pk])
    return _holds(user, (*BRANCH_WORK, RoleKind.REVIEWER), org.ancestor_ids)


def can_review_for(user, branch: Organisation) -> bool:
    """Reviewers of a parent organisation (党总支/党委) approve and file for its branches."""
    return _holds(user, [RoleKind.REVIEWER], branch.ancestor_ids[1:])


def can_administer(user, org: Organisation) -> bool:
    return _holds(user, [RoleKind.ADMIN], org.ancestor_ids)


def can_see_organisation(user, org: Organisation, kinds: Iterable[str] = ANY_ROLE) -> bool:
    """Whether `org` is one of visible_organisations(user, kinds), asked of one organisation:
    a page that shows one checks it in one small query."""
    return _holds(user, kinds, org.ancestor_ids)


def _subtree_q(paths: Iterable[str], field: str) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


def visible_organisations(user, kinds: Iterable[str] = ANY_ROLE) -> QuerySet[Organisation]:
    """Organisations in the subtrees where the user holds one of `kinds`."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    paths = Role.objects.filter(user=user, kind__in=kinds).values_list(
        "organisation__path", flat=True
    )
    return Organisation.objects.filter(_subtree_q(list(paths), "path"))


def visible_members(user, kinds: Iterable[str] = ANY_ROLE) -> QuerySet[Member]:
    """Members whose branch the user may see through a role, plus the user's own record."""
    if not user.is_authenticated:
        return Member.objects.none()
    orgs = visible_organisations(user, kinds)
    return Member.objects.filter(Q(branch__in=orgs) | Q(user=user)).distinct()
