"""Evidence files uploaded with a declaration: an image or a PDF, checked by their content
(a renamed executable is refused even with a .pdf name) and by size."""

import uuid

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from rest_framework import serializers

MAX_BYTES = 10 * 1024 * 1024

# Leading bytes of each accepted type, and the file name endings that may carry it.
_SIGNATURES = (
    (b"%PDF-", "pdf", {"pdf"}),
    (b"\x89PNG\r\n\x1a\n", "png", {"png"}),
    (b"\xff\xd8\xff", "jpg", {"jpg", "jpeg"}),
)


def _sniff(head: bytes) -> tuple[str, set[str]] | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", {"webp"}
    return next(((ext, names) for sig, ext, names in _SIGNATURES if head.startswith(sig)), None)


def validate_evidence(upload) -> str:
    """Return the extension to store the file under, or raise a field error."""
    if upload.size > MAX_BYTES:
        raise serializers.ValidationError(
            _("The file is larger than %d MB.") % (MAX_BYTES // 1024 // 1024), code="file_too_large"
        )
    upload.seek(0)
    found = _sniff(upload.read(16))
    upload.seek(0)
    if found is None:
        raise serializers.ValidationError(
            _("Upload a picture (JPEG, PNG, WebP) or a PDF."), code="file_type"
        )
    ext, names = found
    given = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if given not in names:
        raise serializers.ValidationError(
            _("The file's name ends in “.%(given)s” but it is a %(ext)s file.")
            % {"given": given, "ext": ext.upper()},
            code="file_type",
        )
    return ext


def store_evidence(upload, ext: str) -> str:
    """Save under a random name (the user's file name is not trusted as a path)."""
    return default_storage.save(f"evidence/{uuid.uuid4().hex}.{ext}", upload)


def discard_evidence(name: str) -> None:
    default_storage.delete(name)
