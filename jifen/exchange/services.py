"""State changes of the exchange app: keeping an upload, importing it, queuing and running an
export job. Each runs in one transaction and writes an audit event; rows reach the roster and
the catalogue only through the owning apps' services."""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.audit.services import log_action
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.exchange import conf, exports, sheets
from jifen.exchange.enums import JobState, UploadKind, UploadState
from jifen.exchange.importers import IMPORTERS, UNCHANGED
from jifen.exchange.models import ExportJob, Upload
from jifen.exchange.sheets import Row
from jifen.orgs import rules
from jifen.orgs.enums import RoleKind
from jifen.schemes.models import Scheme

logger = logging.getLogger(__name__)


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    outcomes: dict[int, str] = field(default_factory=dict)

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if self.outcomes.get(row.number) == outcome)


class ImportRefused(DomainError):
    """Some rows have errors and the user did not ask to import only the valid ones."""

    code = "import_refused"

    def __init__(self, report: Report):
        self.report = report
        super().__init__(
            _("Nothing was imported: %(count)d rows have errors.") % {"count": len(report.bad_rows)}
        )


class _DryRun(Exception):
    def __init__(self, report: Report):
        self.report = report


def _check_may_import(actor, kind: str, scheme: Scheme | None) -> None:
    if kind == UploadKind.ITEMS:
        allowed = scheme is not None and rules.can_administer(actor, scheme.organisation)
    else:
        allowed = rules.visible_organisations(actor, [RoleKind.ADMIN]).exists()
    if not allowed:
        raise NotPermitted()


@transaction.atomic
def upload_create(*, actor, kind: str, filename: str, content: bytes, scheme=None) -> Upload:
    """Keep an uploaded file for preview; its size is checked before anything parses it."""
    _check_may_import(actor, kind, scheme)
    sheets.check_size(len(content))
    upload = Upload.objects.create(
        kind=kind, scheme=scheme, filename=filename[:200], content=content, created_by=actor
    )
    log_action("exchange.upload.created", actor=actor, obj=upload, kind=kind, filename=filename)
    return upload


def _run(actor, upload: Upload, *, keep_valid: bool) -> Report:
    """Check every row, then apply the clean ones; a row the services refuse is reported with
    its number and (with keep_valid) the others still go in."""
    importer = IMPORTERS[upload.kind](actor, upload.scheme)
    report = Report(rows=list(sheets.read_rows(bytes(upload.content), importer.columns)))
    # Imports into the same branches (or scheme) wait for each other here, before the rows are
    # compared with the database: the same file confirmed twice at once creates its members
    # once, and the second import finds them unchanged.
    importer.lock(report.rows)
    importer.preload(report.rows)
    first_seen = {}
    for row in report.rows:
        importer.check(row)
        _check_duplicate(row, importer, first_seen)
    report.outcomes = importer.apply_rows([row for row in report.rows if not row.errors])
    if report.bad_rows and not keep_valid:
        raise ImportRefused(report)
    return report


def _check_duplicate(row: Row, importer, first_seen: dict) -> None:
    key = row.values.get(importer.key)
    if not key:
        return
    if key in first_seen:
        label = next(c.label for c in importer.columns if c.key == importer.key)
        row.error(label, _("Same as row %(number)d of this file.") % {"number": first_seen[key]})
    else:
        first_seen[key] = row.number


def upload_preview(*, actor, upload: Upload) -> Report:
    """What confirming would do, row by row: the import runs and is then rolled back."""
    try:
        with transaction.atomic():
            raise _DryRun(_run(actor, upload, keep_valid=True))
    except _DryRun as dry_run:
        return dry_run.report


@transaction.atomic
def upload_import(*, actor, upload: Upload, keep_valid: bool = False) -> Report:
    """Import the upload: all of it or nothing, unless `keep_valid` asks for the clean rows only.
    Raises ImportRefused (and imports nothing) when rows have errors and keep_valid is false."""
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    if upload.created_by_id != actor.pk:
        raise NotPermitted()
    if upload.state != UploadState.PENDING:
        raise InvalidState(_("This file has already been imported."))
    report = _run(actor, upload, keep_valid=keep_valid)
    upload.state = UploadState.IMPORTED
    upload.save(update_fields=["state"])
    log_action(
        "exchange.upload.imported",
        actor=actor,
        obj=upload,
        kind=upload.kind,
        created=report.count("created"),
        updated=report.count("updated"),
        unchanged=report.count(UNCHANGED),
        refused=len(report.bad_rows),
    )
    return report


@transaction.atomic
def export_job_create(*, actor, export: str, params: dict) -> ExportJob:
    """Queue a large export for the worker; the export checks the user's rights now and again
    when it runs."""
    source = exports.build(export, actor, params)
    job = ExportJob.objects.create(
        export=export, params=params, created_by=actor, total_rows=source.size()
    )
    log_action("exchange.export.queued", actor=actor, obj=job, export=export, **params)
    return job


def _claim_next() -> ExportJob | None:
    """Take the oldest queued job; the conditional update lets several workers share a queue."""
    for job in ExportJob.objects.filter(state=JobState.QUEUED).order_by("created_at")[:5]:
        claimed = ExportJob.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
            state=JobState.RUNNING
        )
        if claimed:
            job.state = JobState.RUNNING
            return job
    return None


def _progress(job: ExportJob):
    def report(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done_rows=done)

    return report


def export_job_run_next() -> ExportJob | None:
    """Run one queued job to its end (done or failed); None when the queue is empty."""
    job = _claim_next()
    if job is None:
        return None
    try:
        source = exports.build(job.export, job.created_by, job.params)
        rendered = exports.render(source, job.params.get("format"), progress=_progress(job))
    except DomainError as error:
        _finish(job, JobState.FAILED, error=str(error.message))
        return job
    except Exception:
        # A job left "running" would keep its user waiting forever; fail it and keep the trace.
        logger.exception("export job %s failed", job.pk)
        _finish(job, JobState.FAILED, error=_("The export failed; please try again or tell us."))
        return job
    _finish(job, JobState.DONE, rendered=rendered)
    return job


@transaction.atomic
def _finish(job: ExportJob, state: str, *, rendered=None, error: str = "") -> None:
    job.state, job.error = state, error
    job.expires_at = timezone.now() + datetime.timedelta(hours=conf.keep_hours())
    fields = ["state", "error", "expires_at"]
    if rendered is not None:
        job.content, job.content_type, job.filename = rendered
        job.done_rows = job.total_rows
        fields += ["content", "content_type", "filename", "done_rows"]
    job.save(update_fields=fields)
    log_action("exchange.export.finished", actor=job.created_by, obj=job, state=state)


@transaction.atomic
def purge_expired() -> int:
    """Drop export files past their time and uploads never confirmed within it."""
    now = timezone.now()
    jobs, _ = ExportJob.objects.filter(expires_at__lt=now).delete()
    cutoff = now - datetime.timedelta(hours=conf.keep_hours())
    uploads, _ = Upload.objects.filter(created_at__lt=cutoff).delete()
    return jobs + uploads
