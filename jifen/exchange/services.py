"""State changes of the exchange app: keeping an upload, importing it, queuing and running
background jobs (large exports and imports). Each runs in one transaction and writes an audit
event; rows reach the roster and the catalogue only through the owning apps' services."""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jifen.audit.services import log_action
from jifen.errors import DomainError, InvalidState, NotPermitted
from jifen.exchange import conf, exports, sheets
from jifen.exchange.enums import JobKind, JobState, UploadKind, UploadState
from jifen.exchange.importers import CREATED, IMPORTERS, UNCHANGED, UPDATED
from jifen.exchange.models import Job, Upload, Worker
from jifen.exchange.sheets import Row
from jifen.ledger import standings
from jifen.orgs import rules
from jifen.orgs.enums import RoleKind
from jifen.schemes.models import Scheme

logger = logging.getLogger(__name__)

_PROGRESS_EVERY = 200
# A job runs at most this often: once, and once more when its first worker died.
MAX_ATTEMPTS = 2
ACTIVE = (JobState.QUEUED, JobState.RUNNING)


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    outcomes: dict[int, str] = field(default_factory=dict)
    # What the reader and the importer left aside, for the user to know (columns not imported,
    # the template's example row, where the header was found).
    notices: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if self.outcomes.get(row.number) == outcome)

    def summary(self) -> dict:
        """What a background import keeps of the report (Job.report): the counts and every
        refused row's problems, as plain values."""
        return {
            "created": self.count(CREATED),
            "updated": self.count(UPDATED),
            "unchanged": self.count(UNCHANGED),
            "refused": len(self.bad_rows),
            "errors": [[row.number, col, msg] for row in self.bad_rows for col, msg in row.errors],
            "notices": self.notices,
        }


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
        kind=kind,
        scheme=scheme,
        filename=filename[:200],
        content=content,
        row_count=sheets.count_rows(content),
        created_by=actor,
    )
    log_action("exchange.upload.created", actor=actor, obj=upload, kind=kind, filename=filename)
    return upload


def import_runs_in_background(upload: Upload) -> bool:
    """A large file is checked and imported by the worker, with progress, not in the request."""
    return upload.row_count > conf.import_background_rows()


@dataclass
class _Reading:
    rows: list[Row]
    notices: list[str]


def _read(upload: Upload, progress=None) -> _Reading:
    """The upload's rows, parsed cell by cell, and what the reader left aside; outside any
    transaction, so that a background import's progress is seen while it reads."""
    table = sheets.open_table(
        bytes(upload.content), IMPORTERS[upload.kind].columns, upload.filename
    )
    rows = []
    for row in table.rows():
        rows.append(row)
        if progress and len(rows) % _PROGRESS_EVERY == 0:
            progress(len(rows))
    return _Reading(rows, table.notices)


def _run(
    actor, upload: Upload, reading: _Reading, *, keep_valid: bool, dry_run: bool = False
) -> Report:
    """Check every row, then apply the clean ones; a row the services refuse is reported with
    its number and (with keep_valid) the others still go in."""
    importer = IMPORTERS[upload.kind](actor, upload.scheme, dry_run=dry_run)
    report = Report(notices=list(reading.notices))
    for row in reading.rows:
        if notice := importer.skip(row):
            report.notices.append(notice)
        else:
            report.rows.append(row)
    # Imports into the same branches (or scheme) wait for each other here, before the rows are
    # compared with the database: the same file confirmed twice at once creates its members
    # once, and the second import finds them unchanged.
    importer.lock(report.rows)
    importer.preload(report.rows)
    first_seen = {}
    for row in report.rows:
        importer.check(row)
        _check_duplicate(row, importer, first_seen)
    # The standings of every member the rows change are brought up to date once, at the end:
    # each branch is ranked once, not once for every member updated in it.
    with standings.batch():
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
    """What confirming would do, row by row: the import runs and is then rolled back (new
    members are checked by the service as it would create them, without writing them)."""
    reading = _read(upload)
    try:
        with transaction.atomic():
            raise _DryRun(_run(actor, upload, reading, keep_valid=True, dry_run=True))
    except _DryRun as dry_run:
        return dry_run.report


def upload_import(*, actor, upload: Upload, keep_valid: bool = False) -> Report:
    """Import the upload: all of it or nothing, unless `keep_valid` asks for the clean rows only.
    Raises ImportRefused (and imports nothing) when rows have errors and keep_valid is false."""
    _pending_upload(actor, upload)
    reading = _read(upload)
    with transaction.atomic():
        return _import(actor, upload, reading, keep_valid=keep_valid)


def _pending_upload(actor, upload: Upload, *, lock: bool = False) -> Upload:
    uploads = Upload.objects.defer("content")
    upload = (uploads.select_for_update() if lock else uploads).get(pk=upload.pk)
    if upload.created_by_id != actor.pk:
        raise NotPermitted()
    if upload.state != UploadState.PENDING:
        raise InvalidState(_("This file has already been imported."))
    return upload


def _import(actor, upload: Upload, reading: _Reading, *, keep_valid: bool) -> Report:
    """The writing part of an import, inside the caller's transaction."""
    upload = _pending_upload(actor, upload, lock=True)
    report = _run(actor, upload, reading, keep_valid=keep_valid)
    upload.state = UploadState.IMPORTED
    upload.save(update_fields=["state"])
    log_action(
        "exchange.upload.imported",
        actor=actor,
        obj=upload,
        kind=upload.kind,
        created=report.count(CREATED),
        updated=report.count(UPDATED),
        unchanged=report.count(UNCHANGED),
        refused=len(report.bad_rows),
    )
    return report


# Background jobs. A job is queued in a transaction and its task (jifen.exchange.tasks.run_job)
# enqueued when that commits. The worker that claims it holds a lease, renewed with each
# progress report; `jobs_recover` queues a job whose lease ran out again, or fails it.


class LeaseLost(Exception):
    """The job's lease ran out and it was queued again or failed: this worker stops and
    writes nothing more."""


def _enqueue(job: Job) -> None:
    # Imported here: the task module imports this one.
    from jifen.exchange.tasks import run_job

    job_id = str(job.pk)
    transaction.on_commit(lambda: run_job.enqueue(job_id))


def _lease() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=conf.job_lease_seconds())


@transaction.atomic
def export_job_create(*, actor, export: str, params: dict) -> Job:
    """Queue a large export for the worker; the export checks the user's rights now and again
    when it runs."""
    source = exports.build(export, actor, params)
    job = Job.objects.create(
        kind=JobKind.EXPORT,
        export=export,
        params=params,
        created_by=actor,
        total_rows=source.size(),
    )
    log_action("exchange.export.queued", actor=actor, obj=job, export=export, **params)
    _enqueue(job)
    return job


@transaction.atomic
def import_job_create(*, actor, upload: Upload, keep_valid: bool = False) -> Job:
    """Queue the import of a large upload; the worker imports it as upload_import would."""
    upload = _pending_upload(actor, upload, lock=True)
    if upload.jobs.filter(state__in=ACTIVE).exists():
        raise InvalidState(_("This file is being imported already."))
    job = Job.objects.create(
        kind=JobKind.IMPORT,
        upload=upload,
        params={"keep_valid": keep_valid},
        created_by=actor,
        total_rows=upload.row_count,
    )
    log_action("exchange.import.queued", actor=actor, obj=job, upload=str(upload.pk))
    _enqueue(job)
    return job


def job_run(*, job_id: str, task_id: str = "") -> Job | None:
    """Run a queued job to its end, done or failed (the task's body). None when the job is not
    queued: it was run already, or another worker has it."""
    job = _claim(job_id, task_id)
    if job is None:
        return None
    try:
        _run_job(job)
    except LeaseLost:
        logger.warning("job %s lost its lease; another worker runs it or it failed", job.pk)
    return job


def _claim(job_id: str, task_id: str) -> Job | None:
    """The conditional update lets one worker only take the job, and starts its lease."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING,
        attempts=F("attempts") + 1,
        lease_until=_lease(),
        done_rows=0,
        task_id=task_id,
    )
    if not claimed:
        return None
    return Job.objects.select_related("created_by").get(pk=job_id)


def _run_job(job: Job) -> None:
    try:
        if job.kind == JobKind.IMPORT:
            _run_import(job)
        else:
            _run_export(job)
    except LeaseLost:
        raise
    except DomainError as error:
        _finish(job, JobState.FAILED, error=str(error.message))
    except Exception:
        # A job left "running" would keep its user waiting; fail it and keep the trace.
        logger.exception("job %s failed", job.pk)
        _finish(job, JobState.FAILED, error=_("The job failed; please try again or tell us."))


def _run_export(job: Job) -> None:
    source = exports.build(job.export, job.created_by, job.params)
    rendered = exports.render(source, job.params.get("format"), progress=_heartbeat(job))
    _finish(job, JobState.DONE, rendered=rendered)


def _run_import(job: Job) -> None:
    """Rows are read with progress, then imported and the job finished in one transaction: a
    worker that lost its lease on the way rolls its import back."""
    upload = Upload.objects.get(pk=job.upload_id)
    reading = _read(upload, progress=_heartbeat(job))
    try:
        with transaction.atomic():
            report = _import(
                job.created_by, upload, reading, keep_valid=job.params.get("keep_valid", False)
            )
            _finish(job, JobState.DONE, report=report.summary())
    except ImportRefused as refused:
        _finish(job, JobState.FAILED, error=str(refused.message), report=refused.report.summary())


def _heartbeat(job: Job):
    """The progress callback: writes how far the job is and renews its lease."""

    def beat(done: int) -> None:
        renewed = _owned(job).update(done_rows=done, lease_until=_lease())
        if not renewed:
            raise LeaseLost()

    return beat


def _owned(job: Job):
    """The job's row while the attempt that this worker runs still holds it."""
    return Job.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=job.attempts)


@transaction.atomic
def _finish(job: Job, state: str, *, rendered=None, report=None, error: str = "") -> None:
    if not _owned(job).select_for_update().values_list("pk", flat=True):
        raise LeaseLost()
    job.state, job.error, job.lease_until = state, error, None
    job.expires_at = timezone.now() + datetime.timedelta(hours=conf.keep_hours())
    job.done_rows = job.total_rows
    fields = ["state", "error", "lease_until", "expires_at", "done_rows"]
    if rendered is not None:
        content, job.content_type, job.filename = rendered
        # Stored under a name of its own; the user's file name is given at download.
        job.file.save(
            f"{job.pk}.{job.filename.rsplit('.', 1)[-1]}", ContentFile(content), save=False
        )
        fields += ["file", "content_type", "filename"]
    if report is not None:
        job.report = report
        fields.append("report")
    job.save(update_fields=fields)
    log_action("exchange.job.finished", actor=job.created_by, obj=job, state=state)


def jobs_recover() -> int:
    """Jobs whose lease ran out (their worker was killed or hangs) are queued again for any
    worker, or failed with a message once they have had their retry; how many were."""
    expired = Job.objects.filter(state=JobState.RUNNING, lease_until__lt=timezone.now())
    return sum(_recover(job) for job in expired)


@transaction.atomic
def _recover(job: Job) -> int:
    # Conditional on the attempt seen: two workers recovering at once recover it once.
    stale = _owned(job).filter(lease_until__lt=timezone.now())
    if job.attempts < MAX_ATTEMPTS:
        if not stale.update(state=JobState.QUEUED, lease_until=None):
            return 0
        _enqueue(job)
    else:
        error = _(
            "The job was interrupted twice before it was finished (its worker stopped); "
            "please try again, or split it into smaller parts."
        )
        expires_at = timezone.now() + datetime.timedelta(hours=conf.keep_hours())
        if not stale.update(
            state=JobState.FAILED, lease_until=None, error=error, expires_at=expires_at
        ):
            return 0
    _abandon_task(job.task_id)
    log_action("exchange.job.recovered", actor=job.created_by, obj=job, attempts=job.attempts)
    return 1


def _abandon_task(task_id: str) -> None:
    """django-tasks-db leaves the task of a dead worker RUNNING for ever; mark it failed so that
    prune_db_task_results clears it."""
    if task_id:
        DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=timezone.now()
        )


@transaction.atomic
def purge_expired() -> int:
    """Drop job files past their time and uploads never confirmed within it."""
    now = timezone.now()
    expired = Job.objects.filter(expires_at__lt=now)
    files = [name for name in expired.values_list("file", flat=True) if name]
    jobs, _ = expired.delete()
    transaction.on_commit(lambda: delete_files(files))
    cutoff = now - datetime.timedelta(hours=conf.keep_hours())
    stale = Upload.objects.filter(created_at__lt=cutoff).exclude(jobs__state__in=ACTIVE)
    uploads, _ = stale.delete()
    return jobs + uploads


def worker_beat(name: str) -> None:
    """A running worker reports itself (no audit record: it changes nothing of anyone's)."""
    Worker.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


def worker_stopped(name: str) -> None:
    Worker.objects.filter(name=name).delete()


def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def housekeeping() -> None:
    """What the worker does every minute besides running tasks."""
    jobs_recover()
    purge_expired()
