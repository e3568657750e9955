"""Organisations and the roster (党员名册). ID numbers and phones are shown in full only to
admins of the member's branch, and each time they are an access record is written; writes go
through jifen.orgs.services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jifen.api.endpoints.common import ID, ScopedBranchField, filtered, query_params
from jifen.audit.models import FULL_VALUES, Channel
from jifen.audit.services import record_access
from jifen.orgs import services
from jifen.orgs.enums import MemberCategory, MemberState, RoleKind
from jifen.orgs.models import Member, Organisation
from jifen.orgs.rules import visible_members, visible_organisations


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "parent", "is_active"]


@extend_schema(tags=["roster"])
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """The organisations where the user holds a role, with their subtrees."""

    serializer_class = OrganisationSerializer

    def get_queryset(self):
        return visible_organisations(self.request.user)


class MemberSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)

    class Meta:
        model = Member
        fields = ["id", "branch", "branch_name", "group", *services.MEMBER_FIELDS]
        read_only_fields = ["branch", "group"]

    def to_representation(self, member):
        data = super().to_representation(member)
        if member.branch_id not in self.context["admin_branches"]:
            data["id_number"], data["phone"] = member.id_number_masked, member.phone_masked
        return data


class MemberCreateSerializer(MemberSerializer):
    branch = ScopedBranchField()
    start = serializers.DateField(
        required=False, write_only=True, help_text=_("Start of the placement; default join date.")
    )

    class Meta(MemberSerializer.Meta):
        fields = ["branch", "start", *services.MEMBER_FIELDS]
        read_only_fields = []


class TransferSerializer(serializers.Serializer):
    to_branch = ScopedBranchField()
    on = serializers.DateField()


class MemberQuery(serializers.Serializer):
    branch = serializers.IntegerField(required=False, **ID)
    state = serializers.ChoiceField(choices=MemberState.choices, required=False)
    category = serializers.ChoiceField(choices=MemberCategory.choices, required=False)


MEMBER_LOOKUPS = {"branch": "branch_id", "state": "state", "category": "category"}


@extend_schema(tags=["roster"])
class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MemberSerializer

    def get_queryset(self):
        return visible_members(self.request.user).select_related("branch")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "admin_branches": self._admin_branches()}

    def _admin_branches(self) -> set[int]:
        if not hasattr(self, "_admin_branch_ids"):
            admin_orgs = visible_organisations(self.request.user, [RoleKind.ADMIN])
            self._admin_branch_ids = _ids(admin_orgs)
        return self._admin_branch_ids

    def _shown(self, members) -> dict | list:
        """The members as the user may see them; those shown with their full ID number and
        phone are recorded (who saw what)."""
        members = list(members)
        full = [m for m in members if m.branch_id in self._admin_branches()]
        if full:
            record_access(
                viewer=self.request.user,
                members=full,
                fields=FULL_VALUES,
                channel=Channel.API,
                place=self.request.get_full_path()[:200],
            )
        return self.get_serializer(members, many=True).data

    def _one(self, member, **kwargs) -> Response:
        return Response(self._shown([member])[0], **kwargs)

    @extend_schema(parameters=[MemberQuery])
    def list(self, request):
        params = query_params(request, MemberQuery)
        page = self.paginate_queryset(filtered(self.get_queryset(), params, MEMBER_LOOKUPS))
        return self.get_paginated_response(self._shown(page))

    def retrieve(self, request, pk=None):
        return self._one(self.get_object())

    @extend_schema(request=MemberCreateSerializer, responses={201: MemberSerializer})
    def create(self, request):
        data = MemberCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        member = services.member_create(actor=request.user, **data.validated_data)
        return self._one(member, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberSerializer, responses=MemberSerializer)
    def partial_update(self, request, pk=None):
        member = self.get_object()
        data = MemberSerializer(member, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        member = services.member_update(actor=request.user, member=member, **data.validated_data)
        return self._one(member)

    @extend_schema(request=TransferSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        data = TransferSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        member = services.member_transfer(
            actor=request.user, member=self.get_object(), **data.validated_data
        )
        return self._one(member)


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))
