"""The signed-in member's own scores, with the archive lines and caps behind each number."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from jifen.api.endpoints.common import MONTH, YearQuery, own_member, query_params
from jifen.api.endpoints.scores import EntrySerializer, GradeSerializer, MonthSerializer
from jifen.schemes.selectors import current_scheme
from jifen.scoring.selectors import MONTHS, member_entries, member_year_result

QUARTERS = {q: range(3 * q - 2, 3 * q + 1) for q in range(1, 5)}
DECIMAL = {"max_digits": 6, "decimal_places": 1}
MONTH_FIELDS = (
    "base",
    "performance",
    "performance_counted",
    "capped",
    "deductions",
    "floored",
    "score",
)


class QuarterScoreSerializer(serializers.Serializer):
    quarter = serializers.IntegerField()
    score = serializers.DecimalField(allow_null=True, **DECIMAL)


class MyYearSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    name = serializers.CharField()
    branch = serializers.IntegerField()
    branch_name = serializers.CharField()
    year = serializers.IntegerField()
    score = serializers.DecimalField(allow_null=True, **DECIMAL)
    rank = serializers.IntegerField(allow_null=True)
    grade = GradeSerializer(allow_null=True, help_text=_("The suggested grade."))
    grade_flagged = serializers.BooleanField(help_text=_("The meeting must look at the grade."))
    exempt_reason = serializers.CharField(allow_blank=True)
    vetoed = serializers.BooleanField()
    commendation = serializers.DecimalField(**DECIMAL)
    divisor = serializers.IntegerField(help_text=_("Months the year score is averaged over."))
    performance_cap = serializers.DecimalField(allow_null=True, **DECIMAL)
    commendation_cap = serializers.DecimalField(allow_null=True, **DECIMAL)
    months = MonthSerializer(many=True)
    quarters = QuarterScoreSerializer(many=True)


class EntryQuery(YearQuery):
    month = serializers.IntegerField(required=False, **MONTH)
    quarter = serializers.IntegerField(required=False, min_value=1, max_value=4)


def _year_data(member, year: int) -> dict:
    result = member_year_result(member, year)
    if result is None:
        raise exceptions.NotFound(_("You belonged to no branch that year."), code="no_result")
    scheme = current_scheme(result.branch, year)
    return {
        "member": member.pk,
        "name": member.name,
        "branch": result.branch.pk,
        "branch_name": result.branch.name,
        "year": year,
        "score": result.score,
        "rank": result.rank,
        "grade": {"code": result.grade.code, "name": result.grade.name} if result.grade else None,
        "grade_flagged": result.grade_flagged,
        "exempt_reason": result.exempt_reason,
        "vetoed": result.vetoed,
        "commendation": result.commendation,
        "divisor": result.divisor,
        "performance_cap": scheme.performance_cap if scheme else None,
        "commendation_cap": scheme.commendation_cap if scheme else None,
        "months": [
            {"month": m, **{name: getattr(s, name) for name in MONTH_FIELDS}}
            for m, s in sorted(result.months.items())
        ],
        "quarters": [
            {"quarter": q, "score": result.period_score(months)} for q, months in QUARTERS.items()
        ],
    }


@extend_schema(tags=["me"], parameters=[YearQuery], responses=MyYearSerializer)
class MeView(generics.GenericAPIView):
    """The signed-in member's scores by month, quarter and year, rank and suggested grade."""

    def get(self, request):
        year = query_params(request, YearQuery).get("year", timezone.localdate().year)
        return Response(MyYearSerializer(_year_data(own_member(request.user), year)).data)


@extend_schema(tags=["me"], parameters=[EntryQuery])
class MyEntriesView(generics.ListAPIView):
    """The archive lines of a year, month or quarter: what each number is made of."""

    serializer_class = EntrySerializer

    def get_queryset(self):
        params = query_params(self.request, EntryQuery)
        months = QUARTERS[params["quarter"]] if "quarter" in params else MONTHS
        if "month" in params:
            months = [params["month"]]
        year = params.get("year", timezone.localdate().year)
        return member_entries(own_member(self.request.user), year, months)
