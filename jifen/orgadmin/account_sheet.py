"""The one-time passwords of accounts opened at once, as a workbook to print.

The passwords are never stored on the server, not even for the download: the result page
carries them sealed (encrypted with a key derived from SECRET_KEY, readable for a quarter of an
hour) and posts them back to be turned into the workbook. A sealed list opens once: its random
number is then recorded in the database (services.account_sheet_open)."""

import base64
import hashlib
import io
import json
import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from jifen.orgadmin import services

SEALED_SECONDS = 15 * 60


def _fernet() -> Fernet:
    key = hashlib.sha256(f"jifen.orgadmin.account_sheet:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(user, issued) -> str:
    """The accounts opened (jifen.orgs.services.IssuedAccount), sealed for `user` only."""
    rows = [[a.member.name, a.member.branch.name, a.username, a.password] for a in issued]
    payload = {"user": user.pk, "nonce": secrets.token_hex(16), "rows": rows}
    return _fernet().encrypt(json.dumps(payload).encode()).decode()


def unseal(user, sealed: str) -> list[list[str]] | None:
    """The rows of a sealed list, the first time `user` opens it in time; else None."""
    try:
        payload = json.loads(_fernet().decrypt(sealed.encode(), ttl=SEALED_SECONDS))
    except (InvalidToken, ValueError):
        return None
    if payload.get("user") != user.pk:
        return None
    rows = payload["rows"]
    if not services.account_sheet_open(actor=user, nonce=payload["nonce"], accounts=len(rows)):
        return None
    return rows


def workbook(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Accounts")
    sheet.append([_("Name"), _("Branch"), _("User name"), _("One-time password")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCD", (12, 24, 16, 18), strict=True):
        sheet.column_dimensions[column].width = width
    # Text cells: a user name of digits (a staff number) keeps its leading zeros.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
