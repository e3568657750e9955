"""The scoring schemes (积分细则) that apply to the user; admins change them through
jifen.schemes.services, which freezes a scheme once a month scored under it is locked."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from jifen.api.endpoints.common import YearQuery, filtered, query_params
from jifen.orgs.enums import MemberCategory
from jifen.orgs.rules import visible_organisations
from jifen.schemes import services
from jifen.schemes.models import CommendationLevel, GradeLevel, Item, Scheme


class ItemSerializer(serializers.ModelSerializer):
    member_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=MemberCategory.choices), required=False
    )

    class Meta:
        model = Item
        fields = ["id", *services.ITEM_FIELDS]


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommendationLevel
        fields = ["id", "code", "name", "points", "order"]


class GradeLevelSerializer(serializers.ModelSerializer):
    rank_share = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The share of the ranking as an exact fraction, such as 1/3."),
    )

    class Meta:
        model = GradeLevel
        fields = [
            "id",
            "order",
            "code",
            "name",
            "min_score",
            "rank_rule",
            "rank_share",
            "rank_boundary",
            "rank_mode",
            "is_unqualified",
        ]


class SchemeSerializer(serializers.ModelSerializer):
    exempt_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=MemberCategory.choices), required=False
    )
    is_locked = serializers.BooleanField(read_only=True)
    items = ItemSerializer(many=True, read_only=True)
    commendation_levels = LevelSerializer(many=True, read_only=True)
    grade_levels = GradeLevelSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = [
            "id",
            "organisation",
            "year",
            "version",
            *services.SCHEME_FIELDS,
            "is_locked",
            "items",
            "commendation_levels",
            "grade_levels",
        ]
        read_only_fields = ["organisation", "year", "version"]


def visible_schemes(user):
    """Schemes held by the organisations the user sees or belongs to, and their ancestors
    (a branch uses the scheme of its nearest ancestor that has one)."""
    orgs = list(visible_organisations(user))
    member = getattr(user, "member", None)
    if member is not None:
        orgs.append(member.branch)
    return Scheme.objects.filter(organisation_id__in={i for o in orgs for i in o.ancestor_ids})


@extend_schema(tags=["schemes"])
class SchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SchemeSerializer

    def get_queryset(self):
        return visible_schemes(self.request.user).prefetch_related(
            Prefetch("items", Item.objects.order_by("order", "code")),
            "commendation_levels",
            "grade_levels",
        )

    @extend_schema(parameters=[YearQuery])
    def list(self, request):
        params = query_params(request, YearQuery)
        page = self.paginate_queryset(filtered(self.get_queryset(), params, {"year": "year"}))
        return self.get_paginated_response(SchemeSerializer(page, many=True).data)

    def partial_update(self, request, pk=None):
        scheme = self.get_object()
        data = SchemeSerializer(scheme, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        scheme = services.scheme_update(actor=request.user, scheme=scheme, **data.validated_data)
        return Response(SchemeSerializer(scheme).data)

    @extend_schema(request=None, responses={201: SchemeSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        """Copy the scheme into its next version, which applies to months not yet locked."""
        scheme = services.scheme_new_version(actor=request.user, scheme=self.get_object())
        return Response(SchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemSerializer, responses={201: ItemSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        scheme = self.get_object()
        data = ItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_save(actor=request.user, scheme=scheme, **data.validated_data)
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["patch"], url_path=r"items/(?P<item_id>[0-9]+)")
    def item_update(self, request, pk=None, item_id=None):
        scheme = self.get_object()
        item = get_object_or_404(scheme.items.all(), pk=item_id)
        data = ItemSerializer(item, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        item = services.item_save(
            actor=request.user, scheme=scheme, item=item, **data.validated_data
        )
        return Response(ItemSerializer(item).data)
