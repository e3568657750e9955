"""The branch committee's and the secretary's monthly pages."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.declarations import services as declarations
from jifen.declarations.models import Declaration
from jifen.declarations.services import COMMITTEE_CATEGORIES
from jifen.errors import DomainError
from jifen.orgs import rules
from jifen.portal import selectors, services
from jifen.portal.forms import (
    BulkReviewForm,
    CommitteeRecordForm,
    PeriodForm,
    ReviewFilterForm,
    ReviewForm,
    VetoProposalForm,
)
from jifen.portal.views.common import today, work_branch
from jifen.schemes.enums import ItemCategory
from jifen.web.pagination import paginate
from jifen.web.personal import personal_page

# Names of members who have not declared, a page at a time.
MISSING_PER_PAGE = 200

ROSTER_PAGE_SIZE = 50


def _month(request) -> tuple[int, int]:
    return PeriodForm(request.GET).month(today())


def _period_url(name: str, branch, year: int, month: int) -> str:
    return f"{reverse(name, args=[branch.pk])}?period={year}-{month:02d}"


@login_required
def branch_home(request, branch_id: int):
    branch = work_branch(request.user, branch_id)
    year, month = _month(request)
    context = {
        "branch": branch,
        "year": year,
        "month": month,
        "counts": selectors.review_counts(branch, year, month),
        "page": paginate(request, selectors.not_declared(branch, year, month), MISSING_PER_PAGE),
        "locked": selectors.locked_months(branch, year),
        "months": selectors.recent_months(today()),
    }
    return render(request, "portal/branch.html", context)


@dataclass(frozen=True)
class StateTab:
    value: str  # a key of selectors.REVIEW_STATES, or "" for all
    label: str
    count: int
    query: str  # the request's query string showing this state, from its first page
    current: bool


def _state_tabs(request, counts: dict[str, int], chosen: str) -> list[StateTab]:
    tabs = []
    for value, label in [("", _("All")), *ReviewFilterForm.STATES]:
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("state", None)
        if value:
            query["state"] = value
        count = counts[value or "all"]
        tabs.append(StateTab(value, str(label), count, query.urlencode(), value == chosen))
    return tabs


@login_required
def review(request, branch_id: int):
    """The month's declarations, those waiting first, narrowed by state and item; the counts of
    each state are one query, and the page's queries do not grow with its rows."""
    branch = work_branch(request.user, branch_id)

    def page():
        year, month = _month(request)
        filters = ReviewFilterForm(request.GET, items=selectors.review_items(branch, year, month))
        state, item = filters.chosen()
        counts = selectors.review_counts(branch, year, month, item)
        queue = selectors.review_queue(branch, year, month, state=state, item=item)
        context = {
            "branch": branch,
            "year": year,
            "month": month,
            "filters": filters,
            "state": state,
            "item": item,
            "counts": counts,
            "tabs": _state_tabs(request, counts, state),
            "page": paginate(request, queue),
            "months": selectors.recent_months(today()),
        }
        return render(request, "portal/review.html", context)

    return personal_page(request, branch, page)


@login_required
def roster(request, branch_id: int):
    """The branch's members (党员名册), with the roster's export beside them and, for an
    admin of the branch, its import."""
    branch = work_branch(request.user, branch_id)
    members = selectors.branch_roster(branch)
    context = {
        "branch": branch,
        "page": paginate(request, members, ROSTER_PAGE_SIZE),
        "administers": rules.can_administer(request.user, branch),
        "year": today().year,
    }
    return render(request, "portal/roster.html", context)


def _row(request, branch, declaration, error=""):
    context = {"branch": branch, "d": declaration, "error": error}
    return render(request, "portal/_review_row.html", context)


@login_required
@require_POST
def review_decide(request, branch_id: int, pk: int):
    """One decision; under htmx only the declaration's row comes back, with any refusal."""
    branch = work_branch(request.user, branch_id)
    declaration = get_object_or_404(Declaration, pk=pk, branch=branch)
    form = ReviewForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("Choose a decision.")
    else:
        try:
            declaration = declarations.declaration_review(
                actor=request.user, declaration=declaration, **form.cleaned_data
            )
        except DomainError as exc:
            error = str(exc.message)
    if request.htmx:
        declaration.refresh_from_db()
        return _row(request, branch, declaration, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(_period_url("portal:review", branch, declaration.year, declaration.month))


@login_required
@require_POST
def review_bulk(request, branch_id: int):
    branch = work_branch(request.user, branch_id)
    form = BulkReviewForm(request.POST, queryset=Declaration.objects.filter(branch=branch))
    if not form.is_valid():
        messages.error(request, _("Choose at least one declaration and a decision."))
        return redirect("portal:review", branch.pk)
    chosen = list(form.cleaned_data["declarations"].select_related("member", "item"))
    outcomes = services.declarations_review_bulk(
        actor=request.user,
        declarations_to_review=chosen,
        decision=form.cleaned_data["decision"],
        reason=form.cleaned_data["reason"],
    )
    for outcome in outcomes:
        label = f"{outcome.declaration.member} · {outcome.declaration.item.name}"
        if outcome.error:
            messages.error(request, f"{label}: {outcome.error}")
        else:
            messages.success(request, _("%s: decision recorded.") % label)
    first = chosen[0]
    return redirect(_review_url(request, branch, first.year, first.month))


def _review_url(request, branch, year: int, month: int) -> str:
    """The queue of the month decided, with the state and item it was narrowed to (only those
    two are taken from the form: the address stays the queue's own)."""
    url = _period_url("portal:review", branch, year, month)
    kept = QueryDict(request.POST.get("filters", ""), mutable=True)
    filters = QueryDict(mutable=True)
    for name in ("state", "item"):
        if kept.get(name):
            filters[name] = kept[name]
    return f"{url}&{filters.urlencode()}" if filters else url


def _record_form(request, branch, form_class, categories):
    return form_class(
        request.POST or None,
        members=selectors.branch_members(branch, today().year, today().month),
        items=selectors.committee_items(branch, today().year, categories),
        today=today(),
    )


@login_required
def committee_record(request, branch_id: int):
    """A deduction (or other points) the committee found itself."""
    branch = work_branch(request.user, branch_id)
    form = _record_form(request, branch, CommitteeRecordForm, COMMITTEE_CATEGORIES)
    if request.method == "POST" and form.is_valid():
        try:
            declarations.committee_record(actor=request.user, **form.domain_fields())
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The points have been recorded."))
            return redirect("portal:branch", branch.pk)
    return render(request, "portal/committee_record.html", {"branch": branch, "form": form})


@login_required
def veto_propose(request, branch_id: int):
    branch = work_branch(request.user, branch_id)
    form = _record_form(request, branch, VetoProposalForm, [ItemCategory.VETO])
    if request.method == "POST" and form.is_valid():
        try:
            declarations.veto_propose(actor=request.user, **form.domain_fields())
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The veto proposal has gone to the parent organisation."))
            return redirect("portal:branch", branch.pk)
    context = {
        "branch": branch,
        "form": form,
        "vetoes": selectors.branch_vetoes(branch, today().year),
    }
    return render(request, "portal/veto_propose.html", context)
