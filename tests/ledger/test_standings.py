"""The read model of standings agrees with the archive: after a generated year of declarations,
corrections, a transfer and a veto, what the services kept equals a rebuild from the archive and
the year's own computation; verify_standings names a row that differs."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from jifen.ledger import standings
from jifen.ledger.models import Standing
from jifen.orgs import services as orgs
from jifen.scoring.selectors import branches_year_results
from tests.conftest import YEAR, YEAR_END
from tests.factories import MemberFactory, valid_id_number
from tests.ledger.helpers import generated_year
from tests.scoring.helpers import give

VALUES = ["member_id", "month", *standings.FIELDS]


def _snapshot():
    return list(Standing.objects.order_by("member_id", "year", "month").values_list(*VALUES))


def test_what_the_services_kept_equals_a_rebuild_and_the_year_computation(world):
    generated_year(world)
    kept = _snapshot()

    assert standings.differences() == []
    call_command("rebuild_standings", stdout=None)
    assert _snapshot() == kept

    results = branches_year_results([world.branch, world.other_branch], YEAR, as_of=YEAR_END)
    december = {
        s.member_id: s for s in Standing.objects.filter(year=YEAR, month=12).select_related()
    }
    computed = [m for result in results.values() for m in result.members]
    assert len(computed) == len(december) > 12
    for m in computed:
        row = december[m.member_id]
        assert (row.branch_id, row.year_score, row.year_rank, row.vetoed, row.commendation) == (
            m.branch.pk,
            m.score,
            m.rank,
            m.vetoed,
            m.commendation,
        )
        assert row.year_tied == m.tied
        for month, score in m.months.items():
            got = Standing.objects.get(member_id=m.member_id, year=YEAR, month=month)
            assert got.month_score == score.score
    assert any(row.vetoed and row.year_score == 0 for row in december.values())


def test_ties_share_a_rank_and_the_exempt_have_none(world):
    tied = [MemberFactory(branch=world.branch) for _ in range(2)]
    exempt = MemberFactory(branch=world.branch, exempt_reason="长期病休")
    give(world, world.member, 1, "P03", 5)
    for member in tied:
        give(world, member, 1, "P03", 3)
    give(world, exempt, 1, "P03", 5)

    rows = {
        s.member_id: s for s in Standing.objects.filter(year=YEAR, month=1, branch=world.branch)
    }
    assert [rows[m.pk].month_rank for m in (world.member, *tied)] == [1, 2, 2]
    assert rows[exempt.pk].month_rank is None and rows[exempt.pk].year_score is None
    assert {rows[m.pk].month_ranked for m in tied} == {3}
    assert rows[tied[0].pk].year_tied == 2


def test_verify_standings_names_a_row_that_differs(world):
    give(world, world.member, 2, "P03", 4)
    call_command("verify_standings", stdout=None)
    Standing.objects.filter(member=world.member, year=YEAR, month=2).update(year_score=99)

    with pytest.raises(CommandError, match="有 1 行"):
        call_command("verify_standings", stdout=None)
    assert standings.differences() == [(world.member.pk, YEAR, 2, "year_score")]


def test_a_batch_brings_the_standings_up_to_date_once(world):
    """Entries inside a batch only mark their member; the refresh at its end costs the same
    for one entry as for many."""
    members = [MemberFactory(branch=world.branch) for _ in range(10)]
    with standings.batch():
        for member in members:
            give(world, member, 3, "P03", 2)
        marked = Standing.objects.filter(member__in=members, month=3, performance=2).count()
    assert marked == 0  # nothing written before the end of the batch
    assert Standing.objects.filter(member__in=members, month=3, performance=2).count() == 10
    assert standings.differences() == []


def test_members_added_together_get_the_rows_a_rebuild_makes(world):
    """A roster import's new members: computed once for each branch and placement, their rows
    copied in SQL; the same as a rebuild computes member by member, ranks included."""
    rows = [
        {
            "branch": world.branch if n % 3 else world.other_branch,
            "name": f"党员{n}",
            "gender": "female",
            # Far from MemberFactory's numbers, which count up over the whole test run.
            "id_number": valid_id_number(80_000 + n),
            "join_date": datetime.date(2020, 7, 1) if n % 2 else datetime.date(YEAR, 5, 1),
        }
        for n in range(100, 190)
    ]
    added = orgs.member_bulk_create(actor=world.admin, rows=rows)
    give(world, added[0], 1, "P03", 3)  # no longer the same as the others of its group

    assert standings.differences() == []
    kept = _snapshot()
    assert sum(1 for row in kept if row[0] in {m.pk for m in added}) == 90 * 12
    call_command("rebuild_standings", stdout=None)
    assert _snapshot() == kept
