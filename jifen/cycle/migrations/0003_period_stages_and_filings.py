"""The months' stages from the quarters and years as they stand, and a filing record (with an
anchor of the archive as it is now) for each year already filed."""

from django.db import migrations
from django.utils import timezone

from jifen.ledger import chain, keys

MONTHS = {1: [1, 2, 3], 2: [4, 5, 6], 3: [7, 8, 9], 4: [10, 11, 12]}


def _set(Period, branch_id, year, months, stage, only_if):
    for month in months:
        period, _created = Period.objects.get_or_create(branch_id=branch_id, year=year, month=month)
        if period.stage in only_if:
            period.stage = stage
            period.save(update_fields=["stage"])


def stages(apps, schema_editor):
    Quarter, YearResult = apps.get_model("cycle", "Quarter"), apps.get_model("cycle", "YearResult")
    Period = apps.get_model("ledger", "Period")
    for quarter in Quarter.objects.filter(state__in=["confirmed", "on_notice"]):
        _set(Period, quarter.branch_id, quarter.year, MONTHS[quarter.number], "confirmed", ["open"])
    for result in YearResult.objects.filter(state="filed"):
        _set(Period, result.branch_id, result.year, range(1, 13), "filed", ["locked"])
        _file(apps, result)


def _file(apps, result):
    ChainHead, Anchor = apps.get_model("ledger", "ChainHead"), apps.get_model("ledger", "Anchor")
    YearFiling = apps.get_model("cycle", "YearFiling")
    members = sorted(result.grades.values_list("member_id", flat=True))
    heads = {
        h.member_id: (h.seq, h.digest) for h in ChainHead.objects.filter(member_id__in=members)
    }
    anchor = Anchor(
        branch_id=result.branch_id,
        year=result.year,
        quarter=None,
        kind="year_filed",
        heads=[[pk, *heads.get(pk, (0, chain.GENESIS))] for pk in members],
        entries=sum(seq for seq, _digest in heads.values()),
        created_at=timezone.now(),
        created_by_id=result.reviewed_by_id,
    )
    anchor.key_id, key = keys.current()
    anchor.digest = chain.anchor_digest(anchor, key)
    anchor.save()
    YearFiling.objects.create(
        year_result=result,
        filed_by_id=result.reviewed_by_id,
        filed_at=result.reviewed_at or timezone.now(),
        anchor=anchor,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("cycle", "0002_filings_anchors_one_open_objection"),
        ("ledger", "0004_keyed_chain_periods_anchors"),
    ]

    operations = [migrations.RunPython(stages, migrations.RunPython.noop)]
