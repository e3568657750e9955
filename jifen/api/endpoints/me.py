"""The signed-in member's own scores, with the archive lines and caps behind each number."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from jifen.api.endpoints.common import MONTH, YearQuery, own_member, query_params
from jifen.api.endpoints.scores import EntrySerializer, GradeSerializer, MonthSerializer
from jifen.ledger.models import Standing
from jifen.ledger.selectors import as_of, year_standings
from jifen.ledger.standings import year_bounds
from jifen.orgs.models import Organisation
from jifen.schemes.arithmetic import ZERO
from jifen.schemes.selectors import current_scheme
from jifen.scoring.selectors import MONTHS, member_entries, standing_grade

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


def _ranked_in(member, year: int, rows: dict[int, Standing]) -> Organisation:
    """The branch the member is ranked in for the year: the one they ended it in."""
    if rows:
        return Organisation.objects.get(pk=next(iter(rows.values())).branch_id)
    # No standings: no scheme applied to the member that year, so there is nothing to score.
    placement = member.placements.filter(year_bounds(year)).select_related("branch").last()
    if placement is None:
        raise exceptions.NotFound(_("You belonged to no branch that year."), code="no_result")
    return placement.branch


def _month(row: Standing) -> dict:
    parts = row.month_parts
    return {"month": row.month, **{name: getattr(parts, name) for name in MONTH_FIELDS}}


def _quarter(rows: dict[int, Standing], quarter: int, month: int | None):
    """The quarter's score at its end, or as it stands in the month shown if that is earlier."""
    months = QUARTERS[quarter]
    last = min(months[-1], month or 0)
    return rows[last].quarter_score if last in months and last in rows else None


def _year_data(member, year: int) -> dict:
    """The year as it stands today, read from the member's standings (jifen.ledger.standings),
    which hold what the year's computation gives without computing the branch again."""
    rows = year_standings(member.pk, year)
    branch = _ranked_in(member, year, rows)
    scheme = current_scheme(branch, year)
    month = as_of(year, timezone.localdate())  # None for a year to come
    row = rows.get(month)
    year_parts = next(iter(rows.values()), None)  # the same in each of the year's rows
    grade, grade_flagged = standing_grade(row, scheme) if row else (None, False)
    return {
        "member": member.pk,
        "name": member.name,
        "branch": branch.pk,
        "branch_name": branch.name,
        "year": year,
        "score": row.year_score if row else None,
        "rank": row.year_rank if row else None,
        "grade": {"code": grade.code, "name": grade.name} if grade else None,
        "grade_flagged": grade_flagged,
        "exempt_reason": year_parts.exempt_text if year_parts else "",
        "vetoed": year_parts.vetoed if year_parts else False,
        "commendation": year_parts.commendation if year_parts else ZERO,
        "divisor": row.divisor if row else 0,
        "performance_cap": scheme.performance_cap if scheme else None,
        "commendation_cap": scheme.commendation_cap if scheme else None,
        "months": [
            _month(rows[m]) for m in sorted(rows) if m <= (month or 0) and rows[m].base is not None
        ],
        "quarters": [{"quarter": q, "score": _quarter(rows, q, month)} for q in QUARTERS],
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
