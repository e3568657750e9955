"""Pieces every endpoint module shares: query filters and running a domain function per item."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers

from jifen.api.errors import error_body
from jifen.errors import DomainError

YEAR = {"min_value": 2000, "max_value": 2100}
MONTH = {"min_value": 1, "max_value": 12}


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, help_text=_("Calendar year."), **YEAR)


class ListQuery(YearQuery):
    """Filters shared by list endpoints; each view maps them to its own lookups."""

    month = serializers.IntegerField(required=False, **MONTH)
    branch = serializers.IntegerField(required=False, min_value=1, help_text=_("Branch id."))


def own_member(user):
    """The roster record of the signed-in user, for the endpoints about oneself."""
    member = getattr(user, "member", None)
    if member is None:
        raise exceptions.NotFound(_("You are not on the roster of any branch."), code="no_member")
    return member


def query_params(request, serializer_class) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def filtered(queryset: QuerySet, params: dict, lookups: dict[str, str]) -> QuerySet:
    """Apply the given filters; `lookups` maps a query parameter to a queryset lookup."""
    given = {lookups[name]: value for name, value in params.items() if name in lookups}
    return queryset.filter(**given)


def list_schema(query_serializer, **kwargs):
    return extend_schema(parameters=[query_serializer], **kwargs)


class ItemResult(serializers.Serializer):
    """The outcome of one item of a bulk request."""

    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    status = serializers.CharField(allow_blank=True)
    code = serializers.CharField(allow_blank=True)
    message = serializers.CharField(allow_blank=True)


def run_item(pk: int, action) -> dict:
    """Run one item's domain call; a refusal is reported for that item, not raised, so that
    one bad item does not undo the others (each call commits on its own)."""
    try:
        obj = action()
    except DomainError as error:
        body = error_body(error.code, error.message)
        return {
            "id": pk,
            "ok": False,
            "status": "",
            "code": body["code"],
            "message": body["message"],
        }
    return {"id": pk, "ok": True, "status": obj.status, "code": "", "message": ""}
