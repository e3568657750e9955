"""The branch committee's review queue and the parent organisation's commendation review."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jifen.api.endpoints.common import (
    ID,
    ItemResult,
    ListQuery,
    filtered,
    query_params,
    run_item,
)
from jifen.api.endpoints.declarations import LOOKUPS, DeclarationSerializer
from jifen.declarations import services
from jifen.declarations.enums import Decision, DeclarationStatus
from jifen.declarations.models import Declaration
from jifen.orgs.enums import RoleKind
from jifen.orgs.rules import BRANCH_WORK, visible_organisations

MAX_BULK = 100


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    points = serializers.DecimalField(
        max_digits=6, decimal_places=1, required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["decision"] == Decision.ADJUST and attrs.get("points") is None:
            raise serializers.ValidationError(
                {"points": _("State the adjusted points.")}, code="required"
            )
        return attrs


class BulkItemSerializer(DecisionSerializer):
    id = serializers.IntegerField(**ID)


class BulkDecisionSerializer(serializers.Serializer):
    items = BulkItemSerializer(many=True, min_length=1, max_length=MAX_BULK)


class BulkResultSerializer(serializers.Serializer):
    results = ItemResult(many=True)


class ParentDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class _Queue(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DeclarationSerializer
    waiting_status: str
    reviewer_kinds: tuple

    def get_queryset(self):
        branches = visible_organisations(self.request.user, self.reviewer_kinds)
        return Declaration.objects.filter(
            status=self.waiting_status, branch__in=branches
        ).select_related("member", "branch", "item")

    @extend_schema(parameters=[ListQuery])
    def list(self, request):
        params = query_params(request, ListQuery)
        page = self.paginate_queryset(filtered(self.get_queryset(), params, LOOKUPS))
        return self.get_paginated_response(DeclarationSerializer(page, many=True).data)


@extend_schema(tags=["review"])
class ReviewViewSet(_Queue):
    """Declarations waiting for the committee of the branches the user works in."""

    waiting_status = DeclarationStatus.SUBMITTED
    reviewer_kinds = BRANCH_WORK

    @extend_schema(request=DecisionSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve, adjust (points and reason) or reject (reason)."""
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        declaration = services.declaration_review(
            actor=request.user, declaration=self.get_object(), **data.validated_data
        )
        return Response(DeclarationSerializer(declaration).data)

    @extend_schema(
        request=BulkDecisionSerializer,
        responses=BulkResultSerializer,
        operation_id="review_declarations_decide_many",
    )
    @action(detail=False, methods=["post"], url_path="decide")
    def decide_many(self, request):
        """Decide several declarations; each is decided (or refused) on its own and reported."""
        data = BulkDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        queue = self.get_queryset().in_bulk([item["id"] for item in data.validated_data["items"]])
        results = [self._decide_one(queue, dict(item)) for item in data.validated_data["items"]]
        return Response({"results": results})

    def _decide_one(self, queue: dict, item: dict) -> dict:
        pk = item.pop("id")
        if pk not in queue:
            message = _("No declaration with this id is waiting for you.")
            return {"id": pk, "ok": False, "status": "", "code": "not_found", "message": message}
        return run_item(
            pk,
            lambda: services.declaration_review(
                actor=self.request.user, declaration=queue[pk], **item
            ),
        )


@extend_schema(tags=["review"])
class CommendationReviewViewSet(_Queue):
    """Commendations approved by a branch, waiting for the parent organisation (党总支审核)."""

    waiting_status = DeclarationStatus.FORWARDED
    reviewer_kinds = (RoleKind.REVIEWER,)

    @extend_schema(request=ParentDecisionSerializer, responses=DeclarationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = ParentDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        declaration = services.declaration_parent_review(
            actor=request.user, declaration=self.get_object(), **data.validated_data
        )
        return Response(DeclarationSerializer(declaration).data)
