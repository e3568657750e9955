"""Loading what a user may see: everything outside their reach is a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jifen.orgs.models import Member, Organisation
from jifen.portal import selectors


def today():
    return timezone.localdate()


def own_member(user) -> Member:
    member = Member.objects.filter(user=user).select_related("branch").first()
    if member is None:
        raise Http404("not in the roster")
    return member


def work_branch(user, branch_id: int) -> Organisation:
    return get_object_or_404(selectors.work_branches(user), pk=branch_id)


def review_org(user, org_id: int) -> Organisation:
    return get_object_or_404(selectors.review_orgs(user), pk=org_id)


def review_orgs_and_branches(user) -> dict:
    return {
        "member": Member.objects.filter(user=user).first(),
        "branches": selectors.work_branches(user),
        "parents": selectors.review_orgs(user),
    }
