"""The organisation admin's pages. Each validates its input and calls one service; a refused
change is shown with the service's message and nothing is changed."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from jifen.audit import selectors as audit_selectors
from jifen.audit.models import FULL_VALUES, Channel
from jifen.audit.services import record_access
from jifen.errors import DomainError
from jifen.orgadmin import account_sheet, forms, selectors
from jifen.orgs import services as org_services
from jifen.schemes import services as scheme_services
from jifen.web.pagination import paginate

ROSTER_PAGE_SIZE = 50
EVIDENCE_PAGE_SIZE = 50


def admin_required(view):
    """Signed-in users who administer at least one organisation; everyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.administered_organisations(request.user).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _submit(request, form, call, success_message):
    """Validate the form, then call the one domain function with its data. Returns the
    function's result, or None when the input or the domain refused (shown on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call(**form.cleaned_data)
    except DomainError as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, success_message)
    return result


def _act(request, call, success_message) -> None:
    """A button press without input: call the domain function, report success or refusal."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success_message)


def _form_page(request, form, title, back_url, **extra):
    context = {"form": form, "title": title, "back_url": back_url, **extra}
    return render(request, "orgadmin/form_page.html", context)


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


# Organisations and roles


@admin_required
def index(request):
    return render(
        request, "orgadmin/index.html", {"rows": selectors.organisation_tree(request.user)}
    )


@admin_required
def organisation_create(request):
    parents = selectors.administered_organisations(request.user)
    form = forms.OrganisationCreateForm(
        request.POST or None, parents=parents, initial={"parent": request.GET.get("parent")}
    )
    created = _submit(
        request,
        form,
        lambda **data: org_services.organisation_create(actor=request.user, **data),
        _("The organisation was created."),
    )
    if created:
        return redirect("orgadmin:index")
    return _form_page(request, form, _("New organisation"), reverse("orgadmin:index"))


@admin_required
def organisation_rename(request, pk):
    org = get_object_or_404(selectors.administered_organisations(request.user), pk=pk)
    form = forms.OrganisationRenameForm(request.POST or None, initial={"name": org.name})
    renamed = _submit(
        request,
        form,
        lambda name: org_services.organisation_rename(actor=request.user, org=org, name=name),
        _("The organisation was renamed."),
    )
    if renamed:
        return redirect("orgadmin:index")
    title = _("Rename %s") % org.name
    return _form_page(request, form, title, reverse("orgadmin:index"))


@admin_required
def roles(request, pk):
    org = get_object_or_404(selectors.administered_organisations(request.user), pk=pk)
    form = forms.RoleGrantForm(request.POST or None, users=selectors.assignable_users(request.user))
    granted = _submit(
        request,
        form,
        lambda **data: org_services.role_grant(actor=request.user, organisation=org, **data),
        _("The role was granted."),
    )
    if granted:
        return redirect("orgadmin:roles", pk=org.pk)
    context = {"organisation": org, "roles": selectors.organisation_roles(org), "form": form}
    return render(request, "orgadmin/roles.html", context)


@admin_required
def role_revoke(request, pk):
    role = get_object_or_404(selectors.administered_roles(request.user), pk=pk)
    refused = _post_only(request)
    if refused:
        return refused
    _act(
        request,
        lambda: org_services.role_revoke(actor=request.user, role=role),
        _("The role was revoked."),
    )
    return redirect("orgadmin:roles", pk=role.organisation_id)


# The roster


@admin_required
def members(request):
    branches = selectors.administered_branches(request.user)
    filters = forms.RosterFilterForm(request.GET or None, branches=branches)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    roster = selectors.roster(request.user, **criteria)
    page = paginate(request, roster, ROSTER_PAGE_SIZE)
    template = "orgadmin/_member_table.html" if request.htmx else "orgadmin/members.html"
    context = {
        "filters": filters,
        "page": page,
        "branches": branches.order_by("path"),
        "branch": criteria.get("branch"),
    }
    return render(request, template, context)


@admin_required
def member_create(request):
    branches = selectors.administered_branches(request.user)
    form = forms.MemberCreateForm(
        request.POST or None, branches=branches, initial={"branch": request.GET.get("branch")}
    )
    member = _submit(
        request,
        form,
        lambda **data: org_services.member_create(actor=request.user, **data),
        _("The member was added to the roster."),
    )
    if member:
        return redirect("orgadmin:member_edit", pk=member.pk)
    return _form_page(request, form, _("New member"), reverse("orgadmin:members"))


def _member(request, pk):
    return get_object_or_404(selectors.administered_members(request.user), pk=pk)


@admin_required
def member_edit(request, pk):
    member = _member(request, pk)
    initial = model_to_dict(member, fields=org_services.MEMBER_FIELDS)
    form = forms.MemberForm(request.POST or None, initial=initial)
    updated = _submit(
        request,
        form,
        lambda **data: org_services.member_update(actor=request.user, member=member, **data),
        _("The member's record was saved."),
    )
    if updated:
        return redirect("orgadmin:member_edit", pk=member.pk)
    # The form shows the full ID number and phone: who saw them is recorded.
    record_access(
        viewer=request.user,
        members=[member],
        fields=FULL_VALUES,
        channel=Channel.PAGE,
        place=request.path,
    )
    return render(request, "orgadmin/member_edit.html", {"member": member, "form": form})


@admin_required
def member_transfer(request, pk):
    member = _member(request, pk)
    branches = selectors.administered_branches(request.user).exclude(pk=member.branch_id)
    form = forms.TransferForm(request.POST or None, branches=branches)
    moved = _submit(
        request,
        form,
        lambda **data: org_services.member_transfer(actor=request.user, member=member, **data),
        _("The member was transferred."),
    )
    if moved:
        return redirect("orgadmin:member_edit", pk=member.pk)
    title = _("Transfer %(name)s from %(branch)s") % {"name": member.name, "branch": member.branch}
    return _form_page(request, form, title, reverse("orgadmin:member_edit", args=[member.pk]))


@admin_required
def member_leave(request, pk):
    member = _member(request, pk)
    form = forms.LeaveForm(request.POST or None)
    left = _submit(
        request,
        form,
        lambda **data: org_services.member_leave(actor=request.user, member=member, **data),
        _("The member was marked as having left."),
    )
    if left:
        return redirect("orgadmin:member_edit", pk=member.pk)
    title = _("%s leaves the branch") % member.name
    return _form_page(request, form, title, reverse("orgadmin:member_edit", args=[member.pk]))


@admin_required
def member_account(request, pk):
    """Link the member to an existing account, or open a new one; each form is one service."""
    member = _member(request, pk)
    data = request.POST or None
    wants_new = "username" in request.POST
    link = forms.LinkUserForm(
        None if wants_new else data, users=selectors.unlinked_users(request.user)
    )
    create = forms.AccountCreateForm(data if wants_new else None)
    done = _submit(
        request,
        create,
        lambda **fields: org_services.member_account_create(
            actor=request.user, member=member, **fields
        ),
        _("The user account was created and linked."),
    ) or _submit(
        request,
        link,
        lambda user: org_services.member_link_user(actor=request.user, member=member, user=user),
        _("The user account was linked."),
    )
    if done:
        return redirect("orgadmin:member_edit", pk=member.pk)
    context = {"member": member, "link_form": link, "create_form": create}
    return render(request, "orgadmin/member_account.html", context)


@admin_required
@never_cache
def accounts_create(request):
    """Open accounts for every member without one (of a branch, or of all the admin's): the
    one-time passwords are shown on the answer to the POST only, and offered once as a
    workbook to print."""
    branches = selectors.administered_branches(request.user).order_by("path")
    form = forms.AccountsBranchForm(request.POST or request.GET or None, branches=branches)
    branch = form.cleaned_data["branch"] if form.is_valid() else None
    waiting = selectors.members_without_account(request.user, branch)
    if request.method == "POST":
        try:
            issued, no_name = org_services.member_accounts_create(
                actor=request.user, members=list(waiting)
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            context = {
                "issued": issued,
                "no_name": no_name,
                "sealed": account_sheet.seal(request.user, issued) if issued else "",
            }
            return render(request, "orgadmin/accounts_issued.html", context)
    context = {"form": form, "branch": branch, "page": paginate(request, waiting, 50)}
    return render(request, "orgadmin/accounts_create.html", context)


@admin_required
@never_cache
def accounts_sheet(request):
    """The workbook of the passwords just issued, once; after that the list is gone."""
    if (refused := _post_only(request)) is not None:
        return refused
    rows = account_sheet.unseal(request.user, request.POST.get("sealed", ""))
    if rows is None:
        messages.error(
            request,
            _(
                "This list of passwords has already been downloaded or is too old. Set a new "
                "one-time password on the member's account page."
            ),
        )
        return redirect("orgadmin:members")
    response = HttpResponse(
        account_sheet.workbook(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="accounts.xlsx"'
    return response


# Scoring schemes


@admin_required
def schemes(request):
    organisations = selectors.administered_organisations(request.user)
    form = forms.SchemeCreateForm(request.POST or None, organisations=organisations)
    scheme = _submit(
        request,
        form,
        lambda **data: scheme_services.scheme_create_from_preset(actor=request.user, **data),
        _("The scheme was created from the preset."),
    )
    if scheme:
        return redirect("orgadmin:scheme", pk=scheme.pk)
    listing = selectors.administered_schemes(request.user).order_by(
        "-year", "organisation__path", "-version"
    )
    return render(request, "orgadmin/schemes.html", {"schemes": listing, "form": form})


def _scheme(request, pk):
    return get_object_or_404(selectors.administered_schemes(request.user), pk=pk)


@admin_required
def scheme(request, pk):
    scheme = _scheme(request, pk)
    initial = model_to_dict(scheme, fields=scheme_services.SCHEME_FIELDS)
    form = forms.SchemeForm(request.POST or None, initial=initial)
    updated = _submit(
        request,
        form,
        lambda **data: scheme_services.scheme_update(actor=request.user, scheme=scheme, **data),
        _("The scheme was saved."),
    )
    if updated:
        return redirect("orgadmin:scheme", pk=scheme.pk)
    context = {"scheme": scheme, "form": form, **selectors.scheme_detail(scheme)}
    return render(request, "orgadmin/scheme.html", context)


@admin_required
def scheme_new_version(request, pk):
    scheme = _scheme(request, pk)
    refused = _post_only(request)
    if refused:
        return refused
    try:
        copy = scheme_services.scheme_new_version(actor=request.user, scheme=scheme)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("orgadmin:scheme", pk=scheme.pk)
    messages.success(request, _("Version %s was made; change it here.") % copy.version)
    return redirect("orgadmin:scheme", pk=copy.pk)


@admin_required
def item_create(request, pk):
    scheme = _scheme(request, pk)
    form = forms.ItemForm(request.POST or None)
    saved = _submit(
        request,
        form,
        lambda **data: scheme_services.item_save(actor=request.user, scheme=scheme, **data),
        _("The item was added."),
    )
    if saved:
        return redirect("orgadmin:scheme", pk=scheme.pk)
    back = reverse("orgadmin:scheme", args=[scheme.pk])
    return _form_page(request, form, _("New item of %s") % scheme, back)


def _item(request, pk):
    return get_object_or_404(selectors.administered_items(request.user), pk=pk)


@admin_required
def item_edit(request, pk):
    item = _item(request, pk)
    initial = model_to_dict(item, fields=scheme_services.ITEM_FIELDS)
    form = forms.ItemForm(request.POST or None, initial=initial)
    saved = _submit(
        request,
        form,
        lambda **data: scheme_services.item_save(
            actor=request.user, scheme=item.scheme, item=item, **data
        ),
        _("The item was saved."),
    )
    if saved:
        return redirect("orgadmin:scheme", pk=item.scheme_id)
    back = reverse("orgadmin:scheme", args=[item.scheme_id])
    return _form_page(request, form, _("Item %s") % item, back, item=item)


@admin_required
def item_remove(request, pk):
    item = _item(request, pk)
    refused = _post_only(request)
    if refused:
        return refused
    _act(
        request,
        lambda: scheme_services.item_remove(actor=request.user, item=item),
        _("The item was removed."),
    )
    return redirect("orgadmin:scheme", pk=item.scheme_id)


@admin_required
def commendation_level_edit(request, pk):
    level = get_object_or_404(selectors.administered_commendation_levels(request.user), pk=pk)
    form = forms.CommendationLevelForm(
        request.POST or None, initial=model_to_dict(level, fields=["name", "points"])
    )
    saved = _submit(
        request,
        form,
        lambda **data: scheme_services.commendation_level_update(
            actor=request.user, level=level, **data
        ),
        _("The commendation level was saved."),
    )
    if saved:
        return redirect("orgadmin:scheme", pk=level.scheme_id)
    back = reverse("orgadmin:scheme", args=[level.scheme_id])
    return _form_page(request, form, _("Commendation level %s") % level.name, back)


@admin_required
def grade_level_edit(request, pk):
    level = get_object_or_404(selectors.administered_grade_levels(request.user), pk=pk)
    initial = {
        **model_to_dict(level, fields=forms.GRADE_LEVEL_FIELDS),
        "rank_share": level.rank_share,
    }
    form = forms.GradeLevelForm(request.POST or None, initial=initial)
    saved = _submit(
        request,
        form,
        lambda **data: scheme_services.grade_level_update(actor=request.user, level=level, **data),
        _("The grade was saved."),
    )
    if saved:
        return redirect("orgadmin:scheme", pk=level.scheme_id)
    back = reverse("orgadmin:scheme", args=[level.scheme_id])
    return _form_page(request, form, _("Grade %s") % level.name, back)


# Kinds of activity (组织生活)


@admin_required
def activity_kind_create(request, pk):
    scheme = _scheme(request, pk)
    form = forms.ActivityKindForm(request.POST or None, scheme=scheme)
    saved = _submit(
        request,
        form,
        lambda **data: scheme_services.activity_kind_save(
            actor=request.user, scheme=scheme, **data
        ),
        _("The kind of activity was added."),
    )
    if saved:
        return redirect("orgadmin:scheme", pk=scheme.pk)
    back = reverse("orgadmin:scheme", args=[scheme.pk])
    return _form_page(request, form, _("New kind of activity of %s") % scheme, back)


def _kind(request, pk):
    return get_object_or_404(selectors.administered_activity_kinds(request.user), pk=pk)


@admin_required
def activity_kind_edit(request, pk):
    kind = _kind(request, pk)
    initial = model_to_dict(kind, fields=scheme_services.ACTIVITY_KIND_FIELDS)
    form = forms.ActivityKindForm(request.POST or None, initial=initial, scheme=kind.scheme)
    saved = _submit(
        request,
        form,
        lambda **data: scheme_services.activity_kind_save(
            actor=request.user, scheme=kind.scheme, kind=kind, **data
        ),
        _("The kind of activity was saved."),
    )
    if saved:
        return redirect("orgadmin:scheme", pk=kind.scheme_id)
    back = reverse("orgadmin:scheme", args=[kind.scheme_id])
    return _form_page(request, form, _("Kind of activity %s") % kind.name, back)


@admin_required
def activity_kind_remove(request, pk):
    kind = _kind(request, pk)
    refused = _post_only(request)
    if refused:
        return refused
    _act(
        request,
        lambda: scheme_services.activity_kind_remove(actor=request.user, kind=kind),
        _("The kind of activity was removed."),
    )
    return redirect("orgadmin:scheme", pk=kind.scheme_id)


# The audit log and the access records (evidence for 等保 and the PIPL)


def _evidence(request, form_class, select, template):
    """A filtered, paginated list of evidence in the organisations the user administers (a
    superuser: everything), with the filter kept for the export link."""
    organisations = selectors.administered_organisations(request.user)
    filters = form_class(request.GET or None, organisations=organisations)
    wanted = filters.wanted()
    records = select(organisations, wanted, everything=request.user.is_superuser)
    page = paginate(request, records, EVIDENCE_PAGE_SIZE)
    context = {"filters": filters, "page": page, "export_query": urlencode(wanted.params())}
    return render(request, template, context)


@admin_required
def audit_log(request):
    return _evidence(
        request, forms.AuditFilterForm, audit_selectors.events, "orgadmin/audit_log.html"
    )


@admin_required
def access_records(request):
    return _evidence(
        request, forms.AccessFilterForm, audit_selectors.accesses, "orgadmin/access_records.html"
    )
