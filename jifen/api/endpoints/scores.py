"""Shared representations of the points archive and of scores."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from jifen.ledger.models import Entry


class EntrySerializer(serializers.ModelSerializer):
    """One line of the archive: the explanation behind a number."""

    item_code = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    member_name = serializers.CharField(source="member.name")
    commendation_level = serializers.CharField(
        source="commendation_level.name", allow_null=True, default=None
    )
    recorded_by = serializers.CharField(
        source="recorded_by.username", allow_null=True, default=None
    )

    class Meta:
        model = Entry
        fields = [
            "id",
            "member",
            "member_name",
            "branch",
            "year",
            "month",
            "item",
            "item_code",
            "item_name",
            "category",
            "points",
            "commendation_level",
            "source",
            "reason",
            "evidence",
            "reverses",
            "recorded_by",
            "recorded_at",
        ]


class GradeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MonthSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    base = serializers.DecimalField(max_digits=6, decimal_places=1)
    performance = serializers.DecimalField(
        max_digits=6, decimal_places=1, help_text=_("Earned, before the monthly cap.")
    )
    performance_counted = serializers.DecimalField(max_digits=6, decimal_places=1)
    capped = serializers.BooleanField(help_text=_("The monthly cap cut the performance points."))
    deductions = serializers.DecimalField(max_digits=6, decimal_places=1)
    floored = serializers.BooleanField(help_text=_("Deductions went below zero (扣完为止)."))
    score = serializers.DecimalField(max_digits=6, decimal_places=1)
