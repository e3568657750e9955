"""Limits of the exchange app, read at each use from settings (JIFEN_* environment variables)."""

from django.conf import settings


def max_upload_bytes() -> int:
    return settings.JIFEN_MAX_UPLOAD_MB * 1024 * 1024


def background_rows() -> int:
    """Exports with more rows than this run in the background worker."""
    return settings.JIFEN_EXPORT_BACKGROUND_ROWS


def keep_hours() -> int:
    """How long finished export files and unconfirmed uploads are kept."""
    return settings.JIFEN_EXPORT_KEEP_HOURS
