"""The public notice board (公示), open without signing in: only name, branch, score and rank."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets

from jifen.cycle.models import NoticeRow
from jifen.cycle.selectors import notice_anchor, notice_rows, public_notices


class NoticeRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeRow
        fields = ["member_name", "branch_name", "score", "rank"]


class PublicNoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    branch_name = serializers.CharField(source="branch.name")
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(source="quarter.number", allow_null=True, default=None)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    appeals_close_on = serializers.DateField()


class PublicNoticeDetailSerializer(PublicNoticeSerializer):
    rows = serializers.SerializerMethodField()
    anchor = serializers.SerializerMethodField(
        help_text=_("The archive anchor code the figures come from, as printed on the notice.")
    )

    def get_rows(self, notice) -> list[dict]:
        return NoticeRowSerializer(notice_rows(notice), many=True).data

    def get_anchor(self, notice) -> str | None:
        anchor = notice_anchor(notice)
        return anchor.code if anchor else None


@extend_schema(tags=["public"], auth=[])
class PublicNoticeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Results posted now or still open to appeal."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    def get_queryset(self):
        return public_notices()

    def get_serializer_class(self):
        return PublicNoticeDetailSerializer if self.action == "retrieve" else PublicNoticeSerializer
