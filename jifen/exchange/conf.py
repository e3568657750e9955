"""Limits of the exchange app. Each can be set in settings; the defaults suit a branch-sized
installation."""

from django.conf import settings


def max_upload_bytes() -> int:
    return getattr(settings, "JIFEN_MAX_UPLOAD_MB", 10) * 1024 * 1024


def background_rows() -> int:
    """Exports with more rows than this run in the background worker."""
    return getattr(settings, "JIFEN_EXPORT_BACKGROUND_ROWS", 2000)


def keep_hours() -> int:
    """How long finished export files and unconfirmed uploads are kept."""
    return getattr(settings, "JIFEN_EXPORT_KEEP_HOURS", 24)
