"""Activities (组织生活): planning, attendance, leave, check-in, closing, the committee's decision
on the points they propose, and the record book (台账). Every change goes through
jifen.activities.services; reads use jifen.activities.selectors, scoped to what the user sees."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from jifen.activities import codes, selectors, services
from jifen.activities.enums import ActivityState, Audience, LeaveStatus, Outcome, ProposalStatus
from jifen.activities.models import Activity, LeaveRequest, Proposal
from jifen.api.endpoints.common import (
    ID,
    MONTH,
    YEAR,
    ItemResult,
    ScopedBranchField,
    filtered,
    own_member,
    query_params,
)
from jifen.api.errors import error_body
from jifen.orgs import rules
from jifen.orgs.enums import OrgKind
from jifen.orgs.models import Member, Organisation
from jifen.schemes.models import ActivityKind

TEXT = {"max_length": 5000}


def _ids():
    return serializers.ListField(child=serializers.IntegerField(**ID), min_length=1, max_length=500)


class ActivitySerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    kind_code = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    expected_count = serializers.IntegerField(read_only=True)
    checked_in = serializers.IntegerField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "kind",
            "kind_code",
            "kind_name",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "year",
            "month",
            "audience",
            "group",
            "leader",
            "confirms_year",
            "confirms_quarter",
            "minutes",
            "state",
            "cancel_reason",
            "closed_at",
            "expected_count",
            "checked_in",
        ]


class PlanSerializer(serializers.Serializer):
    organisation = ScopedBranchField(help_text=_("The branch, party group or parent organisation."))
    kind = serializers.PrimaryKeyRelatedField(queryset=ActivityKind.objects.all())
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    audience = serializers.ChoiceField(choices=Audience.choices)
    group = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    member_ids = serializers.ListField(
        child=serializers.IntegerField(**ID), required=False, max_length=2000, default=list
    )
    leader = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True, default=None
    )
    confirms_quarter = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=4
    )


class ActivityQuery(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, **ID)
    year = serializers.IntegerField(required=False, **YEAR)
    month = serializers.IntegerField(required=False, **MONTH)
    state = serializers.ChoiceField(choices=ActivityState.choices, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(**TEXT)


class CloseSerializer(serializers.Serializer):
    minutes = serializers.CharField(required=False, allow_blank=True, allow_null=True, **TEXT)


class TickSerializer(serializers.Serializer):
    members = _ids()


class MemberSerializer(serializers.Serializer):
    member = serializers.IntegerField(**ID)


class CorrectSerializer(MemberSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(**TEXT)


class CheckInSerializer(serializers.Serializer):
    """Either the six digits on the screen, or the parts of the QR code's link."""

    digits = serializers.RegexField(r"^\d{6}$", required=False)
    activity = serializers.IntegerField(required=False, **ID)
    step = serializers.IntegerField(required=False, min_value=0, max_value=2**40)
    signature = serializers.CharField(required=False, max_length=64)

    def validate(self, data):
        link = {"activity", "step", "signature"}
        if "digits" not in data and not link <= set(data):
            raise serializers.ValidationError(
                _("Give the six digits, or the activity, step and signature of the link.")
            )
        return data


class CheckInResultSerializer(serializers.Serializer):
    activity = serializers.IntegerField(source="activity_id")
    member = serializers.IntegerField(source="member_id")
    at = serializers.DateTimeField()
    method = serializers.CharField()


class CodeSerializer(serializers.Serializer):
    digits = serializers.CharField()
    link = serializers.CharField()
    changes_at = serializers.DateTimeField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()


class AttendanceRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    member_name = serializers.CharField(source="member.name")
    branch = serializers.IntegerField(source="expected.branch_id")
    checked_in_at = serializers.DateTimeField(source="checkin.at", allow_null=True, default=None)
    method = serializers.CharField(source="checkin.method", allow_null=True, default=None)
    leave = serializers.CharField(source="leave.status", allow_null=True, default=None)
    outcome = serializers.CharField(source="expected.outcome", allow_blank=True)


class LeaveSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = LeaveRequest
        fields = [
            "id",
            "activity",
            "member",
            "member_name",
            "reason",
            "asked_at",
            "status",
            "decided_at",
            "decision_reason",
        ]


class LeaveQuery(serializers.Serializer):
    activity = serializers.IntegerField(required=False, **ID)
    status = serializers.ChoiceField(choices=LeaveStatus.choices, required=False)


class LeaveDecisionSerializer(serializers.Serializer):
    grant = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)


def _runs(request, activity: Activity) -> Activity:
    if not rules.can_run_activities(request.user, activity.organisation):
        raise NotFound()
    return activity


def _valid(request, serializer_class) -> dict:
    data = serializer_class(data=request.data, context={"request": request})
    data.is_valid(raise_exception=True)
    return data.validated_data


@extend_schema(tags=["activities"])
class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Activities of organisational life the user sees: those of the organisations below
    their roles, and those they are expected at."""

    serializer_class = ActivitySerializer

    def get_queryset(self):
        return (
            selectors.visible_activities(self.request.user)
            .select_related("organisation", "kind")
            .annotate(
                expected_count=Count("expected", distinct=True),
                checked_in=Count("checkins", distinct=True),
            )
            .order_by("-starts_at", "-pk")
        )

    @extend_schema(parameters=[ActivityQuery])
    def list(self, request):
        params = query_params(request, ActivityQuery)
        lookups = {
            "organisation": "organisation_id",
            "year": "year",
            "month": "month",
            "state": "state",
        }
        page = self.paginate_queryset(filtered(self.get_queryset(), params, lookups))
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)

    def _fresh(self, activity) -> dict:
        return ActivitySerializer(self.get_queryset().get(pk=activity.pk)).data

    @extend_schema(request=PlanSerializer, responses={201: ActivitySerializer})
    def create(self, request):
        """Plan an activity; the members expected are notified."""
        data = _valid(request, PlanSerializer)
        organisation = data.pop("organisation")
        data["member_ids"] = tuple(data["member_ids"])
        activity = services.activity_plan(
            actor=request.user, organisation=organisation, plan=services.Plan(**data)
        )
        return Response(self._fresh(activity), status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        activity = _runs(request, self.get_object())
        data = _valid(request, ReasonSerializer)
        services.activity_cancel(actor=request.user, activity=activity, **data)
        return Response(self._fresh(activity))

    @extend_schema(request=CloseSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Make the attendance final and propose its points to the committee's review."""
        activity = _runs(request, self.get_object())
        data = _valid(request, CloseSerializer)
        services.activity_close(actor=request.user, activity=activity, minutes=data.get("minutes"))
        return Response(self._fresh(activity))

    @extend_schema(request=TickSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def tick(self, request, pk=None):
        """The secretary ticks members present without a phone (recorded as such)."""
        activity = _runs(request, self.get_object())
        data = _valid(request, TickSerializer)
        services.attendance_tick(actor=request.user, activity=activity, member_ids=data["members"])
        return Response(self._fresh(activity))

    def _expected_member(self, activity, member_id) -> Member:
        return get_object_or_404(
            Member.objects.filter(activities_expected__activity=activity), pk=member_id
        )

    @extend_schema(request=MemberSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def untick(self, request, pk=None):
        activity = _runs(request, self.get_object())
        member = self._expected_member(activity, _valid(request, MemberSerializer)["member"])
        services.attendance_untick(actor=request.user, activity=activity, member=member)
        return Response(self._fresh(activity))

    @extend_schema(request=CorrectSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct a member's attendance after closing: entries are reversed, new points
        proposed."""
        activity = _runs(request, self.get_object())
        data = _valid(request, CorrectSerializer)
        member = self._expected_member(activity, data.pop("member"))
        services.attendance_correct(actor=request.user, activity=activity, member=member, **data)
        return Response(self._fresh(activity))

    @extend_schema(responses=CodeSerializer)
    @action(detail=True)
    def code(self, request, pk=None):
        """The check-in code of this minute, for a screen of one's own."""
        activity = _runs(request, self.get_object())
        code = codes.current(activity, timezone.now())
        opens, closes = codes.window(activity)
        link = request.build_absolute_uri(
            reverse("portal:checkin", args=[activity.pk, code.step, code.signature])
        )
        body = {
            "digits": code.digits,
            "link": link,
            "changes_at": code.changes_at,
            "opens_at": opens,
            "closes_at": closes,
        }
        return Response(CodeSerializer(body).data)

    @extend_schema(responses=AttendanceRowSerializer(many=True))
    @action(detail=True)
    def attendance(self, request, pk=None):
        activity = _runs(request, self.get_object())
        rows = selectors.activity_sheet(activity)
        return Response(AttendanceRowSerializer(rows, many=True).data)

    @extend_schema(request=ReasonSerializer, responses={201: LeaveSerializer})
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        """Ask for leave (请假) from an activity one is expected at, before it begins."""
        leave = services.leave_ask(
            actor=request.user, activity=self.get_object(), **_valid(request, ReasonSerializer)
        )
        return Response(LeaveSerializer(leave).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CheckInSerializer, responses={201: CheckInResultSerializer})
    @action(detail=False, methods=["post"])
    def checkin(self, request):
        """Check oneself in with the digits on the screen or the QR code's link."""
        data = _valid(request, CheckInSerializer)
        member = own_member(request.user)
        if "digits" in data:
            done = services.checkin_by_digits(
                actor=request.user, member=member, digits=data["digits"]
            )
        else:
            activity = get_object_or_404(self.get_queryset(), pk=data["activity"])
            done = services.checkin_by_link(
                actor=request.user,
                activity=activity,
                member=member,
                step=data["step"],
                signature=data["signature"],
            )
        return Response(CheckInResultSerializer(done).data, status=status.HTTP_201_CREATED)


class BookQuery(serializers.Serializer):
    branch = serializers.IntegerField(**ID)
    year = serializers.IntegerField(**YEAR)


class TallySerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    attended = serializers.IntegerField()
    leave = serializers.IntegerField()
    absent = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)


class BookEntrySerializer(serializers.Serializer):
    activity = ActivitySerializer()
    tally = TallySerializer()
    attended = serializers.ListField(child=serializers.CharField())
    leave = serializers.ListField(child=serializers.CharField())
    absent = serializers.ListField(child=serializers.CharField())


class CheckSerializer(serializers.Serializer):
    label = serializers.CharField()
    held = serializers.IntegerField()
    met = serializers.BooleanField(allow_null=True)


class RequirementSerializer(serializers.Serializer):
    kind = serializers.CharField(source="kind.code")
    kind_name = serializers.CharField(source="kind.name")
    frequency = serializers.CharField(source="kind.required_frequency")
    holder = serializers.IntegerField(source="holder.pk")
    holder_name = serializers.CharField(source="holder.name")
    checks = CheckSerializer(many=True)


class MemberTallySerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member.pk")
    member_name = serializers.CharField(source="member.name")
    tally = TallySerializer()


class BookSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch.pk")
    year = serializers.IntegerField()
    entries = BookEntrySerializer(many=True)
    requirements = RequirementSerializer(many=True)
    members = MemberTallySerializer(many=True)
    tally = TallySerializer()


@extend_schema(tags=["activities"])
class RecordBookViewSet(viewsets.GenericViewSet):
    """The 三会一课 record book (台账) of a branch and year."""

    serializer_class = BookSerializer
    pagination_class = None

    @extend_schema(parameters=[BookQuery], responses=BookSerializer)
    def list(self, request):
        params = query_params(request, BookQuery)
        branches = rules.visible_organisations(request.user).filter(kind=OrgKind.BRANCH)
        branch = get_object_or_404(branches, pk=params["branch"])
        book = selectors.record_book(branch, params["year"], timezone.localdate())
        return Response(BookSerializer(book).data)


@extend_schema(tags=["activities"])
class LeaveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leave requests: one's own, and those of activities one runs."""

    serializer_class = LeaveSerializer

    def get_queryset(self):
        user = self.request.user
        runs = selectors.run_organisations(user)
        return (
            LeaveRequest.objects.filter(activity__in=selectors.visible_activities(user))
            .filter(
                Q(member__user_id=user.pk)
                | Q(activity__organisation__in=runs)
                | Q(
                    activity__organisation__kind=OrgKind.GROUP,
                    activity__organisation__parent__in=runs,
                )
            )
            .select_related("member")
            .order_by("-asked_at")
        )

    @extend_schema(parameters=[LeaveQuery])
    def list(self, request):
        params = query_params(request, LeaveQuery)
        lookups = {"activity": "activity_id", "status": "status"}
        page = self.paginate_queryset(filtered(self.get_queryset(), params, lookups))
        return self.get_paginated_response(LeaveSerializer(page, many=True).data)

    @extend_schema(request=LeaveDecisionSerializer, responses=LeaveSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        leave = self.get_object()
        data = _valid(request, LeaveDecisionSerializer)
        leave = services.leave_decide(actor=request.user, leave=leave, **data)
        return Response(LeaveSerializer(leave).data)


class ProposalSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "activity",
            "member",
            "member_name",
            "branch",
            "year",
            "month",
            "item",
            "item_code",
            "points",
            "purpose",
            "reason",
            "status",
            "note",
            "entry",
            "decided_at",
            "decision_reason",
        ]


class ProposalQuery(serializers.Serializer):
    branch = serializers.IntegerField(required=False, **ID)
    activity = serializers.IntegerField(required=False, **ID)
    year = serializers.IntegerField(required=False, **YEAR)
    month = serializers.IntegerField(required=False, **MONTH)
    status = serializers.ChoiceField(choices=ProposalStatus.choices, required=False)


class PointsResultSerializer(serializers.Serializer):
    results = ItemResult(many=True)


class PointsDecisionSerializer(serializers.Serializer):
    ids = _ids()
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)


@extend_schema(tags=["activities"])
class ActivityPointsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Points proposed by closed activities, for the committee of each member's branch."""

    serializer_class = ProposalSerializer

    def get_queryset(self):
        branches = rules.visible_organisations(self.request.user, rules.BRANCH_WORK)
        return (
            Proposal.objects.filter(branch__in=branches)
            .select_related("member", "item")
            .order_by("year", "month", "activity_id", "member__name")
        )

    @extend_schema(parameters=[ProposalQuery])
    def list(self, request):
        params = query_params(request, ProposalQuery)
        lookups = {
            "branch": "branch_id",
            "activity": "activity_id",
            "year": "year",
            "month": "month",
            "status": "status",
        }
        page = self.paginate_queryset(filtered(self.get_queryset(), params, lookups))
        return self.get_paginated_response(ProposalSerializer(page, many=True).data)

    @extend_schema(request=PointsDecisionSerializer, responses=PointsResultSerializer)
    @action(detail=False, methods=["post"])
    def decide(self, request):
        """One decision for many proposed points; each is decided on its own and reported."""
        data = _valid(request, PointsDecisionSerializer)
        found = {p.pk: p for p in self.get_queryset().filter(pk__in=data["ids"])}
        chosen = [found[pk] for pk in dict.fromkeys(data["ids"]) if pk in found]
        outcomes = services.proposals_decide(
            actor=request.user, proposals=chosen, approve=data["approve"], reason=data["reason"]
        )
        results = [_result(outcome) for outcome in outcomes]
        results += [_unknown(pk) for pk in dict.fromkeys(data["ids"]) if pk not in found]
        return Response(PointsResultSerializer({"results": results}).data)


def _result(outcome) -> dict:
    if outcome.error:
        body = error_body(outcome.code, outcome.error)
        return {
            "id": outcome.proposal.pk,
            "ok": False,
            "status": "",
            "code": body["code"],
            "message": body["message"],
        }
    return {
        "id": outcome.proposal.pk,
        "ok": True,
        "status": outcome.proposal.status,
        "code": "",
        "message": "",
    }


def _unknown(pk: int) -> dict:
    message = str(_("No such points among those you decide."))
    return {"id": pk, "ok": False, "status": "", "code": "not_found", "message": message}
