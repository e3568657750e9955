from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadKind(models.TextChoices):
    ROSTER = "roster", _("Roster")
    ITEMS = "items", _("Scoring items")


class UploadState(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    IMPORTED = "imported", _("Imported")


class JobKind(models.TextChoices):
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Format(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    CSV = "csv", _("CSV")
    PDF = "pdf", _("PDF")


class Layout(models.TextChoices):
    PER_MEMBER = "per_member", _("One sheet per member")
    BRANCH_TABLE = "branch_table", _("One table for the branch")
