"""The member's pages: scores with their explanation, declarations, withdrawals, evidence."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.cycle import services as cycle_services
from jifen.cycle.models import Notice
from jifen.cycle.selectors import member_objections
from jifen.declarations import services as declarations
from jifen.declarations.models import Declaration
from jifen.errors import DomainError
from jifen.ledger import periods
from jifen.orgs import rules as org_rules
from jifen.orgs.enums import MemberState
from jifen.portal import selectors, services
from jifen.portal.forms import DeclarationForm, ObjectionForm
from jifen.portal.models import DeclarationFile
from jifen.portal.views.common import form_errors, own_branch, own_member, run, today
from jifen.web.pagination import paginate
from jifen.web.personal import personal_page


@login_required
def me(request):
    def page():
        member = own_member(request.user)
        context = {
            "overview": selectors.member_overview(member, today()),
            "final_grade": selectors.final_grade(member, today().year),
            "declarations": selectors.member_declarations(member)[:5],
            "notices": selectors.member_notices(member, today()),
            "objections": member_objections(member),
            "objection_form": ObjectionForm(),
        }
        return render(request, "portal/me.html", context)

    return personal_page(request, own_branch(request.user), page)


@login_required
def my_scores(request, year: int):
    def page():
        member = own_member(request.user)
        result, months = selectors.member_explanation(member, year, today())
        context = {"member": member, "year": year, "result": result, "months": months}
        return render(request, "portal/my_scores.html", context)

    return personal_page(request, own_branch(request.user), page)


@login_required
def my_declarations(request):
    member = own_member(request.user)
    context = {"member": member, "page": paginate(request, selectors.member_declarations(member))}
    return render(request, "portal/my_declarations.html", context)


# The field of the declaration form a refusal of the domain is about, by its code.
DOMAIN_ERROR_FIELDS = {
    "points_out_of_range": "points",
    "evidence_required": "files",
    "description_required": "description",
    "description_too_long": "description",
    "level_required": "commendation_level",
    "frequency_exceeded": "item",
    "annual_cap_exceeded": "item",
    "month_closed": "period",
    "quarter_confirmed": "period",
    "month_locked": "period",
    "year_filed": "period",
}


def _declaration_form(request, member, months):
    schemes = list({m.scheme.pk: m.scheme for m in months}.values())
    period = request.GET.get("period")
    return DeclarationForm(
        request.POST or None,
        request.FILES or None,
        months=months,
        items=selectors.declarable_items(member, schemes),
        levels=selectors.commendation_levels(schemes),
        initial={"period": period} if period else {},
    )


def _posted_ids(request, name: str) -> list[int]:
    return [int(value) for value in request.POST.getlist(name) if value.isdigit()]


def _posted_token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None


@login_required
def declare(request):
    """The declaration form. Files chosen on a form that comes back with an error are kept
    for it (PendingFile) and offered again, ticked, so that nothing is chosen twice."""
    member = own_member(request.user)
    active = member.state == MemberState.ACTIVE
    months = periods.declarable_months(member.branch, today()) if active else []
    form = _declaration_form(request, member, months)
    token, chosen = _posted_token(request), _posted_ids(request, "kept")
    if request.method == "POST" and token is not None:
        uploads = request.FILES.getlist("files")
        kept = services.pending_files_keep(actor=request.user, token=token, uploads=uploads)
        chosen += [file.pk for file in kept.files]
        if form.is_valid() and not kept.refusals:
            done = _submit(request, member, form, chosen)
            if done is not None:
                return done
        for refusal in kept.refusals:
            form.add_error("files", refusal.message)
    context = {
        "form": form,
        "member": member,
        "months": months,
        "pending": services.pending_files(request.user, token) if token else [],
        "chosen": chosen,
    }
    return render(request, "portal/declare.html", context)


def _submit(request, member, form, chosen):
    """Declare; the redirect on success (or for a form already sent), None to show the form
    again with the domain's refusal."""
    try:
        services.declaration_submit_with_files(
            actor=request.user,
            member=member,
            token=form.cleaned_data["token"],
            chosen=chosen,
            **form.domain_fields(),
        )
    except DomainError as error:
        if error.code == "already_submitted":
            messages.error(request, error.message)
            return redirect("portal:my_declarations")
        # Beside the field it is about, where there is one; above the form otherwise.
        form.add_error(DOMAIN_ERROR_FIELDS.get(error.code), error.message)
        return None
    messages.success(request, _("Your declaration has been submitted for review."))
    return redirect("portal:my_declarations")


@login_required
@require_POST
def withdraw(request, pk: int):
    member = own_member(request.user)
    declaration = get_object_or_404(Declaration, pk=pk, member=member)
    try:
        declarations.declaration_withdraw(actor=request.user, declaration=declaration)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The declaration has been withdrawn."))
    return redirect("portal:my_declarations")


@login_required
def evidence(request, pk: int):
    """An evidence file, to its member and to those with a role over the member's branch."""
    visible = org_rules.visible_members(request.user)
    file = get_object_or_404(DeclarationFile, pk=pk, declaration__member__in=visible)
    # Read whole (files are small, see uploads.max_upload_mb) so that no handle stays open.
    with file.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(False, file.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def object_to_notice(request, pk: int):
    """An objection while the notice is posted, an appeal after it (the domain tells which)."""
    member = own_member(request.user)
    notice = get_object_or_404(Notice, pk=pk, branch=member.branch)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        message = _("Your objection has been sent; you will see the answer here.")
        run(request, cycle_services.objection_submit, message, notice=notice, **form.cleaned_data)
    else:
        messages.error(request, form_errors(form))
    return redirect("portal:me")
