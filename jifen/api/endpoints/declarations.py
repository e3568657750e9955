"""Members' own declarations (申报): list, submit with evidence files, withdraw."""

import uuid

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jifen.api.endpoints.common import (
    MONTH,
    YEAR,
    ListQuery,
    filtered,
    own_member,
    query_params,
)
from jifen.api.parsers import JSONParser
from jifen.declarations import services
from jifen.declarations.enums import DeclarationStatus
from jifen.declarations.models import DESCRIPTION_MAX_LENGTH, Declaration
from jifen.portal.services import declaration_submit_with_uploads
from jifen.portal.uploads import MAX_FILES
from jifen.schemes.enums import ItemCategory
from jifen.schemes.models import CommendationLevel, Item

DECIMAL = {"max_digits": 6, "decimal_places": 1}
LOOKUPS = {"year": "year", "month": "month", "status": "status", "branch": "branch_id"}


class DeclarationSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name")
    branch_name = serializers.CharField(source="branch.name")
    item_code = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")

    class Meta:
        model = Declaration
        fields = [
            "id",
            "member",
            "member_name",
            "branch",
            "branch_name",
            "year",
            "month",
            "item",
            "item_code",
            "item_name",
            "commendation_level",
            "points",
            "description",
            "evidence",
            "status",
            "points_granted",
            "decision_reason",
            "submitted_at",
            "branch_decided_at",
            "parent_decided_at",
            "entry",
        ]


class DeclarationQuery(ListQuery):
    status = serializers.ChoiceField(choices=DeclarationStatus.choices, required=False)


class DeclarationCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(**YEAR)
    month = serializers.IntegerField(**MONTH)
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    points = serializers.DecimalField(
        required=False, allow_null=True, help_text=_("Not needed for a commendation."), **DECIMAL
    )
    commendation_level = serializers.PrimaryKeyRelatedField(
        queryset=CommendationLevel.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    evidence_files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_FILES,
        help_text=_("Pictures (JPEG, PNG, GIF, WebP) or PDFs, checked by their content."),
    )
    submit_token = serializers.UUIDField(
        required=False,
        help_text=_("Send the same value again when retrying: the declaration is made once."),
    )

    def validate(self, attrs):
        # A commendation's points follow its level; every other item needs them stated.
        if attrs["item"].category != ItemCategory.COMMENDATION and attrs.get("points") is None:
            raise serializers.ValidationError(
                {"points": _("State the points for this item.")}, code="required"
            )
        attrs.setdefault("points", None)
        return attrs


@extend_schema(tags=["declarations"])
class DeclarationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in member's own declarations."""

    serializer_class = DeclarationSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, JSONParser]

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return Declaration.objects.none()
        return Declaration.objects.filter(member__user=self.request.user).select_related(
            "member", "branch", "item"
        )

    @extend_schema(parameters=[DeclarationQuery])
    def list(self, request):
        params = query_params(request, DeclarationQuery)
        page = self.paginate_queryset(filtered(self.get_queryset(), params, LOOKUPS))
        return self.get_paginated_response(DeclarationSerializer(page, many=True).data)

    @extend_schema(request=DeclarationCreateSerializer, responses={201: DeclarationSerializer})
    def create(self, request):
        data = DeclarationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        declaration = declaration_submit_with_uploads(
            actor=request.user,
            member=own_member(request.user),
            token=fields.pop("submit_token", None) or uuid.uuid4(),
            files=fields.pop("evidence_files"),
            **fields,
        )
        return Response(DeclarationSerializer(declaration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        declaration = services.declaration_withdraw(
            actor=request.user, declaration=self.get_object()
        )
        return Response(DeclarationSerializer(declaration).data)
