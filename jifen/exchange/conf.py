"""Limits of the exchange app, read at each use from settings (JIFEN_* environment variables)."""

from django.conf import settings


def max_upload_bytes() -> int:
    return settings.JIFEN_MAX_UPLOAD_MB * 1024 * 1024


def background_rows() -> int:
    """Exports with more rows than this run in the background worker."""
    return settings.JIFEN_EXPORT_BACKGROUND_ROWS


def import_background_rows() -> int:
    """Uploads with more rows than this are checked and imported in the background worker."""
    return settings.JIFEN_IMPORT_BACKGROUND_ROWS


def job_lease_seconds() -> int:
    """A background job that reports no progress for this long has lost its worker."""
    return settings.JIFEN_JOB_LEASE_SECONDS


def keep_hours() -> int:
    """How long finished jobs (their files and reports) and unconfirmed uploads are kept."""
    return settings.JIFEN_EXPORT_KEEP_HOURS


def job_pickup_seconds() -> int:
    """A job queued longer than this without a worker taking it is explained on its page."""
    return settings.JIFEN_JOB_PICKUP_SECONDS


def worker_silent_seconds() -> int:
    """A worker that has not reported for this long is taken as stopped."""
    return settings.JIFEN_WORKER_SILENT_SECONDS
