"""Pages for importing and exporting. Each loads its objects through the user's visibility, so
an outsider gets 404 (or 403 where nothing in the URL names an object), and calls one service."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jifen.errors import DomainError, NotPermitted
from jifen.exchange import exports, selectors, services
from jifen.exchange.blanks import blank_workbook
from jifen.exchange.enums import JobKind, JobState, UploadKind, UploadState
from jifen.exchange.forms import ConfirmForm, ExportForm, UploadForm
from jifen.exchange.importers import (
    CREATED,
    ITEM_COLUMNS,
    ROSTER_COLUMNS,
    UNCHANGED,
    UPDATED,
    roster_example,
)
from jifen.exchange.models import Job, Upload
from jifen.orgs import rules
from jifen.orgs.enums import OrgKind, RoleKind
from jifen.schemes.models import Scheme
from jifen.web.pagination import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BRANCH_EXPORTS = ("roster", "ledger", "register", "notice", "year_report", "record_book")
MEMBER_EXPORTS = ("ledger", "register")
EVIDENCE_EXPORTS = ("audit", "access_records")


def _file(content: bytes, content_type: str, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _attachment(filename, fallback)
    return response


def _attachment(filename: str, fallback: str) -> str:
    # RFC 6266: a plain ASCII name for programs that read no other, plus the UTF-8 one that
    # carries the Chinese title.
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _admin_organisations(user):
    return rules.visible_organisations(user, [RoleKind.ADMIN])


def _admin_branches(user):
    return _admin_organisations(user).filter(kind=OrgKind.BRANCH)


def _require_roster_admin(user) -> None:
    if not _admin_branches(user).exists():
        raise PermissionDenied


def _admin_scheme(user, scheme_id: int) -> Scheme:
    schemes = Scheme.objects.filter(
        organisation__in=rules.visible_organisations(user, [RoleKind.ADMIN])
    )
    return get_object_or_404(schemes.select_related("organisation"), pk=scheme_id)


@login_required
def index(request):
    branches = rules.visible_organisations(request.user).filter(kind=OrgKind.BRANCH)
    member = getattr(request.user, "member", None)
    schemes = Scheme.objects.filter(
        organisation__in=rules.visible_organisations(request.user, [RoleKind.ADMIN])
    ).select_related("organisation")
    return render(
        request,
        "exchange/index.html",
        {
            "branches": branches,
            "member": member,
            "schemes": schemes,
            "may_import_roster": _admin_branches(request.user).exists(),
            "jobs": Job.objects.filter(created_by=request.user)
            .select_related("upload")
            .defer("report", "upload__content")[:10],
        },
    )


@login_required
def roster_template(request):
    _require_roster_admin(request.user)
    branch = _admin_branches(request.user).first()
    content = blank_workbook(_("Roster"), ROSTER_COLUMNS, roster_example(branch.name))
    return _file(content, XLSX, _("Roster template") + ".xlsx", "roster-template.xlsx")


@login_required
def items_template(request, scheme_id: int):
    scheme = _admin_scheme(request.user, scheme_id)
    item = scheme.items.filter(declarable=True).first()
    example = {c.key: "" for c in ITEM_COLUMNS}
    if item:
        example |= {
            "code": item.code,
            "name": item.name,
            "category": item.get_category_display(),
            "points_min": item.points_min,
            "points_max": item.points_max,
            "frequency": item.get_frequency_display(),
            "order": item.order,
        }
    content = blank_workbook(_("Scoring items"), ITEM_COLUMNS, example)
    fallback = f"scoring-items-template-{scheme.year}-v{scheme.version}.xlsx"
    return _file(content, XLSX, _("Scoring items template") + ".xlsx", fallback)


def _upload(request, kind: str, scheme: Scheme | None):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            upload = services.upload_create(
                actor=request.user,
                kind=kind,
                filename=file.name,
                content=file.read(),
                scheme=scheme,
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("exchange:upload_preview", upload_id=upload.pk)
    return render(request, "exchange/upload.html", {"form": form, "kind": kind, "scheme": scheme})


@login_required
@require_http_methods(["GET", "POST"])
def roster_upload(request):
    _require_roster_admin(request.user)
    return _upload(request, UploadKind.ROSTER, None)


@login_required
@require_http_methods(["GET", "POST"])
def items_upload(request, scheme_id: int):
    return _upload(request, UploadKind.ITEMS, _admin_scheme(request.user, scheme_id))


@login_required
@require_http_methods(["GET", "POST"])
def upload_preview(request, upload_id):
    upload = get_object_or_404(
        Upload.objects.defer("content"), pk=upload_id, created_by=request.user
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    background = services.import_runs_in_background(upload)
    if request.method == "POST" and form.is_valid():
        keep_valid = form.cleaned_data["keep_valid"]
        try:
            if background:
                job = services.import_job_create(
                    actor=request.user, upload=upload, keep_valid=keep_valid
                )
                return redirect("exchange:job_detail", job_id=job.pk)
            report = services.upload_import(
                actor=request.user, upload=upload, keep_valid=keep_valid
            )
        except services.ImportRefused as refused:
            return _preview_page(request, upload, form, report=refused.report, refusal=refused)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _summary(report.summary()))
            if upload.kind == UploadKind.ROSTER:
                # Imported members have no account yet: the next step is to open them.
                return redirect("orgadmin:accounts_create")
            return redirect("exchange:index")
    if background:
        return _background_page(request, upload, form)
    return _preview_page(request, upload, form)


def _background_page(request, upload, form):
    """A large file is not checked in the request: the page offers to check and import it in
    the background, where nothing is imported either while a row has errors."""
    active = upload.jobs.filter(state__in=services.ACTIVE).first()
    return render(
        request,
        "exchange/preview_large.html",
        {"upload": upload, "form": form, "active": active},
    )


def _preview_page(request, upload, form, report=None, refusal=None):
    error = None
    if report is None and upload.state == UploadState.PENDING:
        try:
            report = services.upload_preview(actor=request.user, upload=upload)
        except DomainError as refused:
            error = refused.message
    labels = {CREATED: _("new"), UPDATED: _("changed"), UNCHANGED: _("unchanged")}
    lines = (
        [(row, labels.get(report.outcomes.get(row.number), "")) for row in report.rows]
        if report
        else []
    )
    context = {"upload": upload, "form": form, "report": report, "error": error, "lines": lines}
    context["refusal"] = refusal.message if refusal else None
    return render(request, "exchange/preview.html", context)


def _summary(summary: dict) -> str:
    """The counts of a report (Report.summary(), or what a background import kept of it)."""
    return (
        _(
            "Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged, "
            "%(refused)d left out."
        )
        % summary
    )


def _branch(user, branch_id: int):
    visible = rules.visible_organisations(user).filter(kind=OrgKind.BRANCH)
    return get_object_or_404(visible, pk=branch_id)


@login_required
def branch_exports(request, branch_id: int):
    branch = _branch(request.user, branch_id)
    # Pairs, not the classes: templates call whatever is callable.
    sources = [(name, exports.SOURCES[name].verbose_name) for name in BRANCH_EXPORTS]
    members = paginate(request, selectors.roster_members(branch))
    return render(
        request,
        "exchange/branch.html",
        {"branch": branch, "sources": sources, "page": members},
    )


@login_required
@require_http_methods(["GET", "POST"])
def branch_export(request, branch_id: int, name: str):
    if name not in BRANCH_EXPORTS:
        raise Http404
    branch = _branch(request.user, branch_id)
    return _export(request, name, {"branch": branch.pk}, branch)


@login_required
@require_http_methods(["GET", "POST"])
def member_export(request, member_id: int, name: str):
    if name not in MEMBER_EXPORTS:
        raise Http404
    member = get_object_or_404(rules.visible_members(request.user), pk=member_id)
    return _export(request, name, {"member": member.pk}, member)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_export(request, name: str):
    """The audit log or the access records, filtered as the admin's page was (its query string);
    only for organisation admins, each limited to the organisations they administer."""
    if name not in EVIDENCE_EXPORTS:
        raise Http404
    if not _admin_organisations(request.user).exists():
        raise PermissionDenied
    scope = {k: v for k, v in request.GET.items() if k != "page"}
    owner = _("your organisations")
    return _export(request, name, scope, owner)


def _export(request, name: str, scope: dict, owner):
    source_class = exports.SOURCES[name]
    form = ExportForm(
        request.POST if request.method == "POST" else None,
        source_name=name,
        formats=source_class.formats,
    )
    if request.method == "POST" and form.is_valid():
        params = scope | form.params()
        try:
            return _run_export(request, name, params)
        except NotPermitted as error:
            raise Http404 from error
        except DomainError as error:
            messages.error(request, error.message)
    context = {"form": form, "verbose_name": source_class.verbose_name, "owner": owner}
    return render(request, "exchange/export.html", context)


def _run_export(request, name: str, params: dict):
    source = exports.build(name, request.user, params)
    if exports.runs_in_background(source, params["format"]):
        job = services.export_job_create(actor=request.user, export=name, params=params)
        return redirect("exchange:job_detail", job_id=job.pk)
    fallback = exports.ascii_filename(name, params, params["format"])
    return _file(*exports.render(source, params["format"]), fallback)


# A background import's page lists this many problems at most; the counts cover them all.
_SHOWN_PROBLEMS = 1000


def _job(request, job_id):
    jobs = Job.objects.select_related("upload").defer("upload__content")
    return get_object_or_404(jobs, pk=job_id, created_by=request.user)


@login_required
def job_detail(request, job_id):
    job = _job(request, job_id)
    template = "exchange/job_progress.html" if request.htmx else "exchange/job.html"
    context = {
        "job": job,
        "states": JobState,
        "kinds": JobKind,
        "waiting": selectors.job_waiting(job),
    }
    if job.kind == JobKind.IMPORT and job.report:
        context |= _import_outcome(job)
    return render(request, template, context)


def _import_outcome(job: Job) -> dict:
    report = job.report
    return {
        "summary": _summary(report) if job.state == JobState.DONE else "",
        "problems": report["errors"][:_SHOWN_PROBLEMS],
        "more_problems": max(len(report["errors"]) - _SHOWN_PROBLEMS, 0),
        "notices": report.get("notices", []),
        # Refused because of its errors: the same file may go in without the bad rows.
        "may_keep_valid": job.state == JobState.FAILED
        and report["refused"]
        and job.upload.state == UploadState.PENDING,
    }


@login_required
def job_download(request, job_id):
    """The job's file, to the user who asked for it, read from the file storage (which may be
    object storage: the file is never handed out by its own address, so this check holds)."""
    job = get_object_or_404(Job, pk=job_id, created_by=request.user, state=JobState.DONE)
    fallback = exports.ascii_filename(job.export, job.params, job.filename.rsplit(".", 1)[-1])
    with job.file.open("rb") as handle:
        return _file(handle.read(), job.content_type, job.filename, fallback)
