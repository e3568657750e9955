"""The committee's own records (deductions and other points it finds), veto proposals and the
parent organisation's decisions on them, and the archive as the branches' officers see it."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jifen.api.endpoints.common import ID, MONTH, YEAR, ListQuery, filtered, query_params
from jifen.api.endpoints.scores import EntrySerializer
from jifen.declarations import services
from jifen.declarations.enums import VetoStatus
from jifen.declarations.models import VetoProposal
from jifen.ledger.enums import Source
from jifen.ledger.models import Entry
from jifen.orgs.rules import BRANCH_WORK, visible_members, visible_organisations
from jifen.schemes.models import Item


@extend_schema_field(OpenApiTypes.INT)
class _ScopedMember(serializers.PrimaryKeyRelatedField):
    """A member of a branch the user works in; others are reported as unknown ids."""

    def get_queryset(self):
        return visible_members(self.context["request"].user, BRANCH_WORK)


class RecordSerializer(serializers.Serializer):
    member = _ScopedMember()
    year = serializers.IntegerField(**YEAR)
    month = serializers.IntegerField(**MONTH)
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    points = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0)
    reason = serializers.CharField(max_length=2000)
    evidence = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EntryQuery(ListQuery):
    member = serializers.IntegerField(required=False, **ID)
    source = serializers.ChoiceField(choices=Source.choices, required=False)


ENTRY_LOOKUPS = {
    "year": "year",
    "month": "month",
    "branch": "branch_id",
    "member": "member_id",
    "source": "source",
}


@extend_schema(tags=["committee"])
class EntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The points archive of the organisations where the user holds a role."""

    serializer_class = EntrySerializer

    def get_queryset(self):
        return Entry.objects.filter(
            branch__in=visible_organisations(self.request.user)
        ).select_related("item", "member", "recorded_by", "commendation_level")

    @extend_schema(parameters=[EntryQuery])
    def list(self, request):
        params = query_params(request, EntryQuery)
        page = self.paginate_queryset(filtered(self.get_queryset(), params, ENTRY_LOOKUPS))
        return self.get_paginated_response(EntrySerializer(page, many=True).data)

    @extend_schema(request=RecordSerializer, responses={201: EntrySerializer})
    def create(self, request):
        """The committee records points it found itself, most often a deduction (扣分)."""
        data = RecordSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        entry = services.committee_record(actor=request.user, **data.validated_data)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class VetoSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name")

    class Meta:
        model = VetoProposal
        fields = [
            "id",
            "member",
            "member_name",
            "branch",
            "year",
            "month",
            "item",
            "reason",
            "evidence",
            "status",
            "proposed_at",
            "decided_at",
            "decision_reason",
            "entry",
        ]


class VetoProposeSerializer(serializers.Serializer):
    member = _ScopedMember()
    year = serializers.IntegerField(**YEAR)
    month = serializers.IntegerField(**MONTH)
    item = serializers.PrimaryKeyRelatedField(queryset=Item.objects.all())
    reason = serializers.CharField(max_length=2000)
    evidence = serializers.CharField(max_length=300)


class VetoDecisionSerializer(serializers.Serializer):
    confirm = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000)


class VetoQuery(ListQuery):
    status = serializers.ChoiceField(choices=VetoStatus.choices, required=False)


VETO_LOOKUPS = {"year": "year", "month": "month", "branch": "branch_id", "status": "status"}


@extend_schema(tags=["committee"])
class VetoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """一票否决: proposed by the branch, confirmed or not by the parent organisation."""

    serializer_class = VetoSerializer

    def get_queryset(self):
        return VetoProposal.objects.filter(
            branch__in=visible_organisations(self.request.user)
        ).select_related("member")

    @extend_schema(parameters=[VetoQuery])
    def list(self, request):
        params = query_params(request, VetoQuery)
        page = self.paginate_queryset(filtered(self.get_queryset(), params, VETO_LOOKUPS))
        return self.get_paginated_response(VetoSerializer(page, many=True).data)

    @extend_schema(request=VetoProposeSerializer, responses={201: VetoSerializer})
    def create(self, request):
        data = VetoProposeSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        proposal = services.veto_propose(actor=request.user, **data.validated_data)
        return Response(VetoSerializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VetoDecisionSerializer, responses=VetoSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = VetoDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.veto_decide(
            actor=request.user, proposal=self.get_object(), **data.validated_data
        )
        return Response(VetoSerializer(proposal).data)
