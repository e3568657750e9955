"""The portal's own writes: a declaration with its evidence files (kept across a form sent
back with an error), and decisions in bulk.

Both wrap the domain's functions (jifen.declarations.services), which keep every rule.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jifen.declarations import services as declarations
from jifen.declarations.models import Declaration
from jifen.errors import DomainError, InvalidState
from jifen.ledger import standings
from jifen.portal.models import DeclarationFile, PendingFile, SubmitToken
from jifen.portal.uploads import MAX_FILES, CheckedFile, check_upload


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


def pending_files(actor, token: uuid.UUID) -> QuerySet[PendingFile]:
    """The files kept for one declaration form of the user."""
    return PendingFile.objects.filter(user=actor, token=token)


@dataclass
class Kept:
    """What pending_files_keep kept of a form's uploads, and the refusals of the others."""

    files: list[PendingFile] = field(default_factory=list)
    refusals: list[DomainError] = field(default_factory=list)


def pending_files_keep(*, actor, token: uuid.UUID, uploads: list[UploadedFile]) -> Kept:
    """Check the files chosen on a declaration form by content and size and keep the good
    ones for that form (PendingFile), so that an error anywhere on it loses none of them."""
    kept, count = Kept(), pending_files(actor, token).count()
    for upload in uploads:
        try:
            if count >= MAX_FILES:
                raise DomainError(_("Attach at most %s files.") % MAX_FILES, code="too_many_files")
            checked = check_upload(upload)
        except DomainError as error:
            kept.refusals.append(error)
            continue
        kept.files.append(
            PendingFile.objects.create(
                token=token,
                user=actor,
                file=_store(checked),
                name=upload.name[:200],
                content_type=checked.content_type,
                size=upload.size,
            )
        )
        count += 1
    return kept


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


@transaction.atomic
def declaration_submit_with_files(
    *,
    actor,
    token: uuid.UUID,
    chosen: list[int],
    today: datetime.date | None = None,
    **fields,
) -> Declaration:
    """Declare with the form's kept files `chosen` (PendingFile ids; keep the new uploads with
    pending_files_keep first) as evidence. The declaration takes the files; the form's other
    kept files are deleted. A refused declaration keeps them all for the form to offer again."""
    _use_token(actor, token)
    kept = list(pending_files(actor, token).select_for_update())
    attached = [file for file in kept if file.pk in set(chosen)]
    evidence = "; ".join(file.file.name for file in attached)
    declaration = declarations.declaration_submit(
        actor=actor, evidence=evidence, today=today, **fields
    )
    DeclarationFile.objects.bulk_create(
        DeclarationFile(
            declaration=declaration,
            file=file.file.name,
            name=file.name,
            content_type=file.content_type,
            size=file.size,
        )
        for file in attached
    )
    dropped = [file.file.name for file in kept if file not in attached]
    PendingFile.objects.filter(pk__in=[file.pk for file in kept]).delete()
    transaction.on_commit(lambda: _delete_files(dropped))
    return declaration


def declaration_submit_with_uploads(
    *, actor, token: uuid.UUID, files: list[UploadedFile], **fields
) -> Declaration:
    """Declare with files sent along, by a client that sends them again with each attempt
    (the API): every file is checked by content and size, and a refused file or declaration
    keeps none of them."""
    kept = pending_files_keep(actor=actor, token=token, uploads=files)
    try:
        if kept.refusals:
            raise kept.refusals[0]
        return declaration_submit_with_files(
            actor=actor, token=token, chosen=[file.pk for file in kept.files], **fields
        )
    except DomainError:
        _drop(kept.files)
        raise


def _drop(files: list[PendingFile]) -> None:
    PendingFile.objects.filter(pk__in=[file.pk for file in files]).delete()
    _delete_files([file.file.name for file in files])


def pending_files_purge() -> int:
    """Delete the files kept for declaration forms never sent again (after
    JIFEN_EXPORT_KEEP_HOURS, as unconfirmed uploads), with their stored content."""
    cutoff = timezone.now() - datetime.timedelta(hours=settings.JIFEN_EXPORT_KEEP_HOURS)
    stale = list(PendingFile.objects.filter(created_at__lt=cutoff))
    _drop(stale)
    return len(stale)


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
