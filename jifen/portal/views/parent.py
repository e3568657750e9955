"""The parent organisation's (党总支/党委) pages: commendations and vetoes from its branches,
and all its branches side by side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.cycle import services as cycle_services
from jifen.cycle.enums import ObjectionKind
from jifen.cycle.models import Objection, YearResult
from jifen.declarations import services as declarations
from jifen.declarations.models import Declaration, VetoProposal
from jifen.errors import DomainError
from jifen.portal import selectors
from jifen.portal.forms import FilingWithdrawForm, ParentDecisionForm
from jifen.portal.views.common import review_org, today
from jifen.portal.views.cycle import answer, answer_form


@login_required
def parent_home(request, org_id: int):
    org = review_org(request.user, org_id)
    year = today().year
    context = {
        "org": org,
        "year": year,
        "commendations": selectors.forwarded_commendations(org),
        "vetoes": selectors.proposed_vetoes(org),
        "rows": selectors.branches_side_by_side(org, year),
        "appeals": [(a, answer_form(a)) for a in selectors.open_appeals(org)],
        "submitted": selectors.submitted_years(org),
        "filed": selectors.filed_years(org, year),
        "withdraw_form": FilingWithdrawForm(),
    }
    return render(request, "portal/parent.html", context)


def _decide(request, org, call, **target):
    form = ParentDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("portal:parent", org.pk)
    try:
        call(actor=request.user, **target, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("portal:parent", org.pk)


@login_required
@require_POST
def commendation_decide(request, org_id: int, pk: int):
    org = review_org(request.user, org_id)
    declaration = get_object_or_404(Declaration, pk=pk, branch__in=selectors.branches_under(org))
    return _decide(request, org, declarations.declaration_parent_review, declaration=declaration)


def _veto_decide(*, actor, proposal, approve, reason):
    return declarations.veto_decide(actor=actor, proposal=proposal, confirm=approve, reason=reason)


@login_required
@require_POST
def veto_decide(request, org_id: int, pk: int):
    org = review_org(request.user, org_id)
    proposal = get_object_or_404(VetoProposal, pk=pk, branch__in=selectors.branches_under(org))
    return _decide(request, org, _veto_decide, proposal=proposal)


@login_required
@require_POST
def appeal_answer(request, org_id: int, pk: int):
    org = review_org(request.user, org_id)
    appeal = get_object_or_404(
        Objection,
        pk=pk,
        kind=ObjectionKind.APPEAL,
        notice__branch__in=selectors.branches_under(org),
    )
    answer(request, appeal)
    return redirect("portal:parent", org.pk)


@login_required
@require_POST
def year_review(request, org_id: int, pk: int):
    org = review_org(request.user, org_id)
    result = get_object_or_404(YearResult, pk=pk, branch__in=selectors.branches_under(org))
    return _decide(request, org, cycle_services.year_review, year_result=result)


@login_required
@require_POST
def year_filing_withdraw(request, org_id: int, pk: int):
    org = review_org(request.user, org_id)
    result = get_object_or_404(YearResult, pk=pk, branch__in=selectors.branches_under(org))
    form = FilingWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for withdrawing the filing."))
        return redirect("portal:parent", org.pk)
    try:
        cycle_services.year_filing_withdraw(
            actor=request.user, year_result=result, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The filing is withdrawn; the branch computes and submits the year again."),
        )
    return redirect("portal:parent", org.pk)
