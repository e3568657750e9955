"""The year's cycle: meetings, quarters (confirm, post, lock), objections and appeals, year
results and grades, and the user's notifications. Every change goes through
jifen.cycle.services; reads use jifen.cycle.selectors."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from jifen.api.endpoints.common import (
    ID,
    MONTH,
    YEAR,
    ListQuery,
    ScopedBranchField,
    filtered,
    query_params,
)
from jifen.cycle import selectors, services
from jifen.cycle.enums import MeetingKind, ObjectionStatus, YearState
from jifen.cycle.models import (
    Meeting,
    MemberGrade,
    Notice,
    Objection,
    Quarter,
    YearFiling,
    YearResult,
)
from jifen.ledger.models import Entry
from jifen.notifications.selectors import notifications_for
from jifen.notifications.services import notification_mark_read
from jifen.orgs.rules import visible_organisations
from jifen.schemes.models import Item

QUARTER = {"min_value": 1, "max_value": 4}
TEXT = {"max_length": 5000}


def _branch_param(request, params: dict):
    """The `branch` query parameter, required and among the branches the user sees."""
    if "branch" not in params:
        raise serializers.ValidationError({"branch": _("Choose a branch.")}, code="required")
    return get_object_or_404(visible_organisations(request.user), pk=params["branch"])


# ---------------------------------------------------------------- meetings


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "branch",
            "held_on",
            "kind",
            "year",
            "quarter",
            "attendees",
            "absent_note",
            "minutes",
            "recorded_at",
        ]


class MeetingRecordSerializer(serializers.Serializer):
    branch = ScopedBranchField()
    held_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    attendee_ids = serializers.ListField(
        child=serializers.IntegerField(**ID), min_length=1, max_length=200
    )
    minutes = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)
    year = serializers.IntegerField(required=False, allow_null=True, **YEAR)
    quarter = serializers.IntegerField(required=False, allow_null=True, **QUARTER)
    absent_note = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)


@extend_schema(tags=["cycle"])
class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        branches = visible_organisations(self.request.user)
        return Meeting.objects.filter(branch__in=branches).prefetch_related("attendees")

    @extend_schema(parameters=[ListQuery])
    def list(self, request):
        params = query_params(request, ListQuery)
        lookups = {"branch": "branch_id", "year": "held_on__year", "month": "held_on__month"}
        page = self.paginate_queryset(filtered(self.get_queryset(), params, lookups))
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    @extend_schema(request=MeetingRecordSerializer, responses={201: MeetingSerializer})
    def create(self, request):
        data = MeetingRecordSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        meeting = services.meeting_record(actor=request.user, **data.validated_data)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- quarters and notices


class QuarterSerializer(serializers.ModelSerializer):
    anchor = serializers.CharField(
        source="anchor.code",
        allow_null=True,
        default=None,
        help_text=_("The register's archive anchor code, as printed on it."),
    )

    class Meta:
        model = Quarter
        fields = [
            "branch",
            "year",
            "number",
            "state",
            "meeting",
            "confirmed_at",
            "locked_at",
            "anchor",
        ]


class RegisterRowSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="member_id")
    member_name = serializers.CharField(source="member.name")
    month_scores = serializers.ListField(child=serializers.CharField(allow_null=True))
    score = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    exempt_reason = serializers.CharField(allow_blank=True)


class NoticeSerializer(serializers.ModelSerializer):
    quarter = serializers.IntegerField(source="quarter.number", allow_null=True, default=None)
    branch_name = serializers.CharField(source="branch.name")

    class Meta:
        model = Notice
        fields = [
            "id",
            "branch",
            "branch_name",
            "year",
            "quarter",
            "opens_on",
            "closes_on",
            "appeals_close_on",
        ]


class QuarterQuery(serializers.Serializer):
    branch = serializers.IntegerField(**ID)
    year = serializers.IntegerField(**YEAR)


class RegisterQuery(QuarterQuery):
    quarter = serializers.IntegerField(**QUARTER)


class QuarterActionSerializer(serializers.Serializer):
    branch = ScopedBranchField()
    year = serializers.IntegerField(**YEAR)
    quarter = serializers.IntegerField(**QUARTER)


class ConfirmSerializer(QuarterActionSerializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())


class PublishSerializer(QuarterActionSerializer):
    quarter = serializers.IntegerField(
        allow_null=True, help_text=_("Leave empty to post the year's results."), **QUARTER
    )


@extend_schema(tags=["cycle"])
class QuarterViewSet(viewsets.GenericViewSet):
    """A branch's four quarters: confirmed by the general meeting, posted, then locked."""

    serializer_class = QuarterSerializer
    pagination_class = None

    @extend_schema(parameters=[QuarterQuery], responses=QuarterSerializer(many=True))
    def list(self, request):
        params = query_params(request, QuarterQuery)
        branch = _branch_param(request, params)
        quarters = selectors.branch_quarters(branch, params["year"])
        return Response(QuarterSerializer(quarters, many=True).data)

    @extend_schema(parameters=[RegisterQuery], responses=RegisterRowSerializer(many=True))
    @action(detail=False)
    def register(self, request):
        """The 《党员积分登记表》 filled when the quarter was confirmed."""
        params = query_params(request, RegisterQuery)
        branch = _branch_param(request, params)
        quarter = selectors.quarter_for(branch, params["year"], params["quarter"])
        rows = selectors.register_rows(quarter) if quarter.pk else []
        return Response(RegisterRowSerializer(rows, many=True).data)

    @extend_schema(request=ConfirmSerializer, responses=QuarterSerializer)
    @action(detail=False, methods=["post"])
    def confirm(self, request):
        data = self._valid(ConfirmSerializer)
        return Response(
            QuarterSerializer(services.quarter_confirm(actor=request.user, **data)).data
        )

    @extend_schema(request=PublishSerializer, responses={201: NoticeSerializer})
    @action(detail=False, methods=["post"])
    def publish(self, request):
        """Post the quarter's (or the year's) results for the notice period (公示)."""
        notice = services.notice_publish(actor=request.user, **self._valid(PublishSerializer))
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=QuarterActionSerializer, responses=QuarterSerializer)
    @action(detail=False, methods=["post"])
    def lock(self, request):
        data = self._valid(QuarterActionSerializer)
        return Response(QuarterSerializer(services.quarter_lock(actor=request.user, **data)).data)

    def _valid(self, serializer_class) -> dict:
        data = serializer_class(data=self.request.data, context={"request": self.request})
        data.is_valid(raise_exception=True)
        return data.validated_data


# ---------------------------------------------------------------- objections and appeals


class ObjectionSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name")

    class Meta:
        model = Objection
        fields = [
            "id",
            "member",
            "member_name",
            "notice",
            "kind",
            "text",
            "submitted_at",
            "answer_due",
            "status",
            "answer",
            "answered_at",
            "correction_entry",
        ]


class ObjectionSubmitSerializer(serializers.Serializer):
    notice = serializers.PrimaryKeyRelatedField(queryset=Notice.objects.all())
    text = serializers.CharField(**TEXT)


class AnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    answer = serializers.CharField(**TEXT)
    reverse_entry = serializers.PrimaryKeyRelatedField(
        queryset=Entry.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Accepting: the entry to reverse …"),
    )
    item = serializers.PrimaryKeyRelatedField(
        queryset=Item.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("… or the item, points and month of a new entry."),
    )
    points = serializers.DecimalField(
        max_digits=6, decimal_places=1, min_value=0, required=False, allow_null=True
    )
    month = serializers.IntegerField(required=False, allow_null=True, **MONTH)


class ObjectionQuery(ListQuery):
    status = serializers.ChoiceField(choices=ObjectionStatus.choices, required=False)


@extend_schema(tags=["cycle"])
class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Objections (异议, during the notice, to the branch) and appeals (申诉, after it, to the
    parent organisation): a member's own, and those about the branches the user sees."""

    serializer_class = ObjectionSerializer

    def get_queryset(self):
        user = self.request.user
        return Objection.objects.filter(
            Q(member__user_id=user.pk) | Q(notice__branch__in=visible_organisations(user))
        ).select_related("member")

    @extend_schema(parameters=[ObjectionQuery])
    def list(self, request):
        params = query_params(request, ObjectionQuery)
        lookups = {
            "year": "notice__year",
            "month": "submitted_at__month",
            "branch": "notice__branch_id",
            "status": "status",
        }
        page = self.paginate_queryset(filtered(self.get_queryset(), params, lookups))
        return self.get_paginated_response(ObjectionSerializer(page, many=True).data)

    @extend_schema(request=ObjectionSubmitSerializer, responses={201: ObjectionSerializer})
    def create(self, request):
        data = ObjectionSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_submit(actor=request.user, **data.validated_data)
        return Response(ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_answer(
            actor=request.user, objection=self.get_object(), **data.validated_data
        )
        return Response(ObjectionSerializer(objection).data)


# ---------------------------------------------------------------- the year and grades


class GradeRowSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name")

    class Meta:
        model = MemberGrade
        fields = [
            "id",
            "member",
            "member_name",
            "score",
            "rank",
            "suggested_grade_code",
            "suggested_grade_name",
            "flagged",
            "final_grade_code",
            "final_grade_name",
            "reason",
            "award_candidate",
            "bottom_ranked",
            "vetoed",
            "exempt_reason",
        ]


class FilingSerializer(serializers.ModelSerializer):
    anchor = serializers.CharField(source="anchor.code")

    class Meta:
        model = YearFiling
        fields = ["filed_at", "anchor", "withdrawn_at", "withdrawal_reason"]


class YearResultSerializer(serializers.ModelSerializer):
    grades = GradeRowSerializer(many=True, read_only=True)
    filings = FilingSerializer(many=True, read_only=True)

    class Meta:
        model = YearResult
        fields = [
            "id",
            "branch",
            "year",
            "state",
            "computed_at",
            "submitted_at",
            "reviewed_at",
            "review_reason",
            "grades",
            "filings",
        ]


class YearComputeSerializer(serializers.Serializer):
    branch = ScopedBranchField()
    year = serializers.IntegerField(**YEAR)


class YearReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)


class FilingWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(**TEXT)


class GradeSerializer(serializers.Serializer):
    grade_code = serializers.CharField(max_length=20)
    reason = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)


class YearQuery(ListQuery):
    state = serializers.ChoiceField(choices=YearState.choices, required=False)


@extend_schema(tags=["cycle"])
class YearResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A branch's year: computed after Q4 is locked, graded by the meeting, submitted, then
    filed (审核备案) or returned by the parent organisation."""

    serializer_class = YearResultSerializer

    def get_queryset(self):
        branches = visible_organisations(self.request.user)
        return YearResult.objects.filter(branch__in=branches).prefetch_related(
            "grades__member", "filings__anchor"
        )

    @extend_schema(parameters=[YearQuery])
    def list(self, request):
        params = query_params(request, YearQuery)
        lookups = {"year": "year", "branch": "branch_id", "state": "state"}
        page = self.paginate_queryset(filtered(self.get_queryset(), params, lookups))
        return self.get_paginated_response(YearResultSerializer(page, many=True).data)

    @extend_schema(request=YearComputeSerializer, responses=YearResultSerializer)
    @action(detail=False, methods=["post"])
    def compute(self, request):
        data = YearComputeSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        result = services.year_compute(actor=request.user, **data.validated_data)
        return Response(YearResultSerializer(result).data)

    @extend_schema(request=None, responses=YearResultSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        result = services.year_submit(actor=request.user, year_result=self.get_object())
        return Response(YearResultSerializer(result).data)

    @extend_schema(request=YearReviewSerializer, responses=YearResultSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        data = YearReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.year_review(
            actor=request.user, year_result=self.get_object(), **data.validated_data
        )
        return Response(YearResultSerializer(result).data)

    @extend_schema(request=FilingWithdrawSerializer, responses=YearResultSerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-filing")
    def withdraw_filing(self, request, pk=None):
        """The parent organisation withdraws its filing of a year found wrong, with the reason;
        the year goes back to the branch to be computed, submitted and filed again."""
        data = FilingWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.year_filing_withdraw(
            actor=request.user, year_result=self.get_object(), **data.validated_data
        )
        return Response(YearResultSerializer(result).data)

    @extend_schema(request=GradeSerializer, responses=GradeRowSerializer)
    @action(detail=True, methods=["post"], url_path=r"grades/(?P<grade_id>[0-9]+)")
    def grade(self, request, pk=None, grade_id=None):
        """Record the grade the meeting decided (a differing one needs a reason)."""
        member_grade = get_object_or_404(self.get_object().grades.all(), pk=grade_id)
        data = GradeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member_grade = services.grade_finalise(
            actor=request.user, member_grade=member_grade, **data.validated_data
        )
        return Response(GradeRowSerializer(member_grade).data)


# ---------------------------------------------------------------- notifications


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


@extend_schema(tags=["me"])
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return notifications_for(self.request.user)

    @extend_schema(
        request=None,
        responses=NotificationSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        notification = notification_mark_read(actor=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)
