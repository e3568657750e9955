"""Loading what a user may see: everything outside their reach is a 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jifen.errors import DomainError
from jifen.orgs.models import Member, Organisation
from jifen.portal import selectors


def today():
    return timezone.localdate()


def own_member(user) -> Member:
    member = Member.objects.filter(user=user).select_related("branch").first()
    if member is None:
        raise Http404("not in the roster")
    return member


def own_branch(user) -> Organisation:
    """The branch of the user's own member record, without the record: a member's kept pages
    need only their organisation, and loading a member decrypts its personal data."""
    return get_object_or_404(Organisation, members__user=user)


def work_branch(user, branch_id: int) -> Organisation:
    """A branch whose committee pages the user may open, found and checked in two small
    queries (every one of those pages asks first)."""
    branch = get_object_or_404(Organisation, pk=branch_id)
    if not selectors.is_work_branch(user, branch):
        raise Http404("not a branch the user works in")
    return branch


def review_org(user, org_id: int) -> Organisation:
    return get_object_or_404(selectors.review_orgs(user), pk=org_id)


def run(request, call, success: str, **kwargs) -> bool:
    """Call one domain function as the user; a refusal becomes the page's error message and
    changes nothing (the function's transaction rolls back)."""
    try:
        call(actor=request.user, **kwargs)
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def year_param(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else today().year


def form_errors(form) -> str:
    """A form's errors as one message line, each prefixed with its field's label."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return " ".join(parts)
