"""The one place where errors become responses: `{"code", "message", "fields"}` for all of them.

Domain errors keep their code and translated message; DRF's own (validation, authentication,
not found, throttling) are reshaped to the same body.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jifen.errors import DomainError, http_status


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    code = serializers.CharField(help_text=gettext_lazy("Machine-readable, e.g. `month_closed`."))
    message = serializers.CharField(
        help_text=gettext_lazy("Translated for the request's language.")
    )
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text=gettext_lazy("Field name → messages, for invalid input."),
    )


def error_body(code: str, message, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message), status=http_status(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body("invalid", _("Some fields are not valid."), detail)
    else:
        detail = response.data.get("detail", "")
        response.data = error_body(getattr(detail, "code", "error"), detail)
    return response
