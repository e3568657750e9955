"""Pieces every endpoint module shares: query filters and running a domain function per item."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers, views

from jifen.api.errors import error_body
from jifen.errors import DomainError
from jifen.orgs.rules import visible_organisations

YEAR = {"min_value": 2000, "max_value": 2100}
# Ids are 64-bit: a larger number is refused as input rather than sent to the database.
ID = {"min_value": 1, "max_value": 2**63 - 1}
MONTH = {"min_value": 1, "max_value": 12}


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(required=False, help_text=_("Calendar year."), **YEAR)


class ListQuery(YearQuery):
    """Filters shared by list endpoints; each view maps them to its own lookups."""

    month = serializers.IntegerField(required=False, **MONTH)
    branch = serializers.IntegerField(required=False, help_text=_("Branch id."), **ID)


@extend_schema(exclude=True)
class NotFoundView(views.APIView):
    """Any other address under /api/: the same JSON error body as every endpoint, not a page."""

    permission_classes = [permissions.AllowAny]

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.NotFound()

    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound()


@extend_schema_field(OpenApiTypes.INT)
class ScopedBranchField(serializers.PrimaryKeyRelatedField):
    """An organisation the user sees through a role; any other id is reported as unknown."""

    def get_queryset(self):
        return visible_organisations(self.context["request"].user)


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
