"""Errors raised by the domain layer. Views and the API turn them into messages and responses.

Each carries a machine-readable `code` and a translated, human `message`.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message or _("This action is not allowed.")
        if code:
            self.code = code
        super().__init__(str(self.message))


class NotPermitted(DomainError):
    code = "permission_denied"

    def __init__(self, message=None, *, code: str | None = None):
        super().__init__(message or _("You may not do this for this organisation."), code=code)


class InvalidState(DomainError):
    code = "invalid_state"


class LimitExceeded(DomainError):
    code = "limit_exceeded"


class RowsRefused(DomainError):
    """Some rows of a batch are refused and nothing was written; `errors` maps the index of each
    refused row in the batch to the reason, so that a caller can name the row to its user."""

    code = "rows_refused"

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__("; ".join(str(message) for message in errors.values()))


def http_status(error: DomainError) -> int:
    """The HTTP status a refusal answers with, on pages and in the API alike."""
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, InvalidState | LimitExceeded):
        return 409
    return 400
