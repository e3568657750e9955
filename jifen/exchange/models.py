import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jifen.exchange.enums import JobKind, JobState, UploadKind, UploadState


class Upload(models.Model):
    """An uploaded spreadsheet kept in the database between preview and confirmation, so that
    any app server can confirm what another one previewed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=UploadKind.choices)
    scheme = models.ForeignKey(
        "schemes.Scheme", models.CASCADE, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField()
    state = models.CharField(
        _("state"), max_length=20, choices=UploadState.choices, default=UploadState.PENDING
    )
    # Rows of its first sheet, header left out and formatted empty rows counted: known when the
    # file is kept, it decides whether the import runs in the background.
    row_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class Job(models.Model):
    """A large export or import run in the background: the user's record of it (state, progress,
    file or report, error, expiry), run by the task jifen.exchange.tasks.run_job.

    The worker running it holds a lease (`lease_until`), renewed with every progress report; a
    job whose lease ran out lost its worker and is retried once, then failed. The file is kept
    in the file storage (STORAGES["default"]: the media directory, or object storage) until
    `expires_at`. `params` holds ids and plain values, never instances."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(
        _("kind"), max_length=10, choices=JobKind.choices, default=JobKind.EXPORT
    )
    export = models.CharField(_("export"), max_length=30, blank=True)
    upload = models.ForeignKey(Upload, models.CASCADE, null=True, blank=True, related_name="jobs")
    params = models.JSONField(default=dict)
    state = models.CharField(
        _("state"), max_length=20, choices=JobState.choices, default=JobState.QUEUED
    )
    done_rows = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", max_length=200, blank=True)
    # An import's outcome: counts and every refused row's (row, column, problem).
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    # The django-tasks result of the current attempt.
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=JobKind.EXPORT) | Q(upload__isnull=False),
                name="exchange_job_import_has_upload",
            ),
            # A file is imported by one job at a time (a second click queues nothing).
            models.UniqueConstraint(
                fields=["upload"],
                condition=Q(state__in=[JobState.QUEUED, JobState.RUNNING]),
                name="exchange_job_one_active_import",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.export or self.get_kind_display()} {self.get_state_display()}"

    @property
    def percent(self) -> int:
        return min(100, self.done_rows * 100 // self.total_rows) if self.total_rows else 0


class Worker(models.Model):
    """A background worker (`manage.py run_worker`) as it last reported itself: when it starts
    and after each round of housekeeping. The job page tells by it whether any worker runs."""

    name = models.CharField(max_length=200, primary_key=True)  # host:process id
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("background worker")
        verbose_name_plural = _("background workers")

    def __str__(self) -> str:
        return self.name
