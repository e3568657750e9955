"""The share of the ranking becomes an exact fraction with a boundary rule of its own.

A share stored as 0.333 was a third: 12 × 0.333 = 3.996 put rank 4 of 12 outside the top third.
A three-decimal share that rounds a fraction with a small denominator (0.333, 0.667, 0.167) is
taken as that fraction; any other share is kept exactly (0.250 is 1/4, 0.123 is 123/1000). The
national scale's 优秀 (preset code "excellent") goes to at most ⌊n × share⌋ members; every other
step keeps reading the shared rank, rounded up (reading.md, Grades).
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import migrations, models

THOUSANDTH = Decimal("0.001")


def _fraction(share: Decimal) -> Fraction:
    for denominator in range(1, 13):
        numerator = int((share * denominator).to_integral_value(ROUND_HALF_UP))
        rounded = (Decimal(numerator) / denominator).quantize(THOUSANDTH, ROUND_HALF_UP)
        if numerator and rounded == share:
            return Fraction(numerator, denominator)
    return Fraction(share)


def shares_to_fractions(apps, schema_editor):
    GradeLevel = apps.get_model("schemes", "GradeLevel")
    for level in GradeLevel.objects.exclude(rank_rule=""):
        share = _fraction(level.rank_share)
        level.rank_share_numerator, level.rank_share_denominator = share.as_integer_ratio()
        level.rank_boundary = "at_most" if level.code == "excellent" else "by_rank"
        level.save(
            update_fields=["rank_share_numerator", "rank_share_denominator", "rank_boundary"]
        )


def fractions_to_shares(apps, schema_editor):
    GradeLevel = apps.get_model("schemes", "GradeLevel")
    for level in GradeLevel.objects.exclude(rank_rule=""):
        share = Decimal(level.rank_share_numerator) / level.rank_share_denominator
        level.rank_share = share.quantize(THOUSANDTH, ROUND_HALF_UP)
        level.save(update_fields=["rank_share"])


class Migration(migrations.Migration):
    dependencies = [
        ("schemes", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="gradelevel",
            name="rank_share_numerator",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="share of the ranking (numerator)"
            ),
        ),
        migrations.AddField(
            model_name="gradelevel",
            name="rank_share_denominator",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="share of the ranking (denominator)"
            ),
        ),
        migrations.AddField(
            model_name="gradelevel",
            name="rank_boundary",
            field=models.CharField(
                choices=[
                    (
                        "by_rank",
                        "By rank: in when the shared rank is within n × share, rounded up",
                    ),
                    (
                        "at_most",
                        "At most n × share members, rounded down; a tie across the limit is for "
                        "the meeting",
                    ),
                ],
                default="by_rank",
                max_length=10,
                verbose_name="boundary of the share",
            ),
        ),
        migrations.RunPython(shares_to_fractions, fractions_to_shares),
        migrations.RemoveField(
            model_name="gradelevel",
            name="rank_share",
        ),
        migrations.AddConstraint(
            model_name="gradelevel",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("rank_rule", ""),
                        ("rank_share_denominator__isnull", True),
                        ("rank_share_numerator__isnull", True),
                    ),
                    models.Q(
                        models.Q(("rank_rule", ""), _negated=True),
                        ("rank_share_denominator__gte", models.F("rank_share_numerator")),
                        ("rank_share_denominator__isnull", False),
                        ("rank_share_denominator__lte", 1000),
                        ("rank_share_numerator__gt", 0),
                        ("rank_share_numerator__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="grade_rank_share_with_its_rule",
            ),
        ),
    ]
