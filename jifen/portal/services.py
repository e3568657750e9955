"""The portal's own writes: a declaration with its evidence files, and decisions in bulk.

Both wrap the domain's functions (jifen.declarations.services), which keep every rule.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jifen.declarations import services as declarations
from jifen.declarations.models import Declaration
from jifen.errors import DomainError, InvalidState
from jifen.ledger import standings
from jifen.portal.models import DeclarationFile, SubmitToken
from jifen.portal.uploads import CheckedFile, check_uploads


def _store(checked: CheckedFile) -> str:
    return default_storage.save(f"evidence/{uuid.uuid4().hex}.{checked.extension}", checked.upload)


def _use_token(actor, token: uuid.UUID) -> None:
    message = _("This form has already been submitted; your declaration is in the list below.")
    if SubmitToken.objects.filter(token=token).exists():
        raise InvalidState(message, code="already_submitted")
    try:
        with transaction.atomic():
            SubmitToken.objects.create(token=token, user=actor)
    except IntegrityError as error:  # the same form, submitted twice at the same moment
        raise InvalidState(message, code="already_submitted") from error


@transaction.atomic
def _submit(*, actor, token, stored: list[tuple[CheckedFile, str]], **fields) -> Declaration:
    _use_token(actor, token)
    evidence = "; ".join(path for _checked, path in stored)
    declaration = declarations.declaration_submit(actor=actor, evidence=evidence, **fields)
    DeclarationFile.objects.bulk_create(
        DeclarationFile(
            declaration=declaration,
            file=path,
            name=checked.upload.name[:200],
            content_type=checked.content_type,
            size=checked.upload.size,
        )
        for checked, path in stored
    )
    return declaration


def declaration_submit_with_files(
    *,
    actor,
    token: uuid.UUID,
    files: list[UploadedFile],
    today: datetime.date | None = None,
    **fields,
) -> Declaration:
    """Check the files by content and size, store them, then declare with their paths as the
    evidence. A refused declaration leaves no file behind."""
    stored = [(checked, _store(checked)) for checked in check_uploads(files)]
    try:
        return _submit(actor=actor, token=token, stored=stored, today=today, **fields)
    except Exception:
        for _checked, path in stored:
            default_storage.delete(path)
        raise


@dataclass(frozen=True)
class Outcome:
    declaration: Declaration
    error: str = ""


@transaction.atomic
def declarations_review_bulk(
    *, actor, declarations_to_review: list[Declaration], decision: str, reason: str
) -> list[Outcome]:
    """The same decision for several declarations. Each is decided on its own (in its own
    savepoint), so that one refusal — say the reviewer's own declaration — stops only itself;
    the standings are brought up to date once for all of them, at the end."""
    with standings.batch():
        return [_review_one(actor, d, decision, reason) for d in declarations_to_review]


def _review_one(actor, declaration: Declaration, decision: str, reason: str) -> Outcome:
    try:
        declarations.declaration_review(
            actor=actor, declaration=declaration, decision=decision, reason=reason
        )
    except DomainError as error:
        return Outcome(declaration, str(error.message))
    return Outcome(declaration)
