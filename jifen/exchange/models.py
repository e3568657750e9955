import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jifen.exchange.enums import JobState, UploadKind, UploadState


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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class ExportJob(models.Model):
    """A large export run by the worker (manage.py run_export_jobs); its file is kept in the
    database until `expires_at`. `params` holds ids and plain values, never model instances."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    export = models.CharField(_("export"), max_length=30)
    params = models.JSONField(default=dict)
    state = models.CharField(
        _("state"), max_length=20, choices=JobState.choices, default=JobState.QUEUED
    )
    done_rows = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.export} {self.get_state_display()}"

    @property
    def percent(self) -> int:
        return min(100, self.done_rows * 100 // self.total_rows) if self.total_rows else 0
