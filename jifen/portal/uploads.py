"""Checks of uploaded evidence: the type is read from the content, never from the name."""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from jifen.errors import DomainError

# Leading bytes of each accepted type → (content type, file extension).
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)
MAX_FILES = 5


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    content_type: str
    extension: str


def max_upload_mb() -> int:
    # Read at each upload so that a deployment (or a test) can change it without a restart.
    return settings.JIFEN_MAX_UPLOAD_MB


def _sniff(head: bytes) -> tuple[str, str] | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return next(((ct, ext) for sig, ct, ext in _SIGNATURES if head.startswith(sig)), None)


def check_upload(upload: UploadedFile) -> CheckedFile:
    if upload.size > max_upload_mb() * 1024 * 1024:
        raise DomainError(
            _("“%(name)s” is larger than %(limit)s MB.")
            % {"name": upload.name, "limit": max_upload_mb()},
            code="file_too_large",
        )
    upload.seek(0)
    kind = _sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise DomainError(
            _("“%s” is not an image (JPEG, PNG, GIF, WebP) or a PDF file.") % upload.name,
            code="file_type",
        )
    return CheckedFile(upload, *kind)
