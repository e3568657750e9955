import datetime
from decimal import Decimal

import pytest

from jifen.api.endpoints.me import QUARTERS, MyYearSerializer
from jifen.declarations import services
from jifen.schemes.selectors import current_scheme
from jifen.scoring import selectors as scoring
from tests.api.conftest import token_client
from tests.conftest import YEAR
from tests.ledger.helpers import exempt_member, generated_year


def _record(world, item, points, month=3):
    services.committee_record(
        actor=world.secretary,
        member=world.member,
        year=YEAR,
        month=month,
        item=world.item(item),
        points=Decimal(points),
        reason="支委会记录",
    )


def test_scores_explain_the_cap_and_the_entries_behind_them(api, world, march):
    for _ in range(8):
        _record(world, "P03", 5)
    _record(world, "D01", 2)
    client = api("member")
    mine = client.get(f"/api/v1/me/?year={YEAR}").json()
    march_score = next(m for m in mine["months"] if m["month"] == 3)
    assert march_score == {
        "month": 3,
        "base": "60.0",
        "performance": "40.0",
        "performance_counted": "35.0",
        "capped": True,
        "deductions": "-2.0",
        "floored": False,
        "score": "93.0",
    }
    assert mine["performance_cap"] == "35.0"
    assert mine["rank"] == 1
    entries = client.get(f"/api/v1/me/entries/?year={YEAR}&month=3").json()
    assert entries["count"] == 9
    assert client.get(f"/api/v1/me/entries/?year={YEAR}&quarter=2").json()["count"] == 0


def test_someone_not_on_the_roster_has_no_scores(api):
    response = api("secretary").get("/api/v1/me/")
    assert response.status_code == 404
    assert response.json()["code"] == "no_member"


def _computed(member, year, day):
    """/api/v1/me/ as it was built before the standings: the member's branch computed whole."""
    result = scoring.member_year_result(member, year, as_of=day)
    scheme = current_scheme(result.branch, year)
    return MyYearSerializer(
        {
            "member": member.pk,
            "name": member.name,
            "branch": result.branch.pk,
            "branch_name": result.branch.name,
            "year": year,
            "score": result.score,
            "rank": result.rank,
            "grade": {"code": result.grade.code, "name": result.grade.name}
            if result.grade
            else None,
            "grade_flagged": result.grade_flagged,
            "exempt_reason": result.exempt_reason,
            "vetoed": result.vetoed,
            "commendation": result.commendation,
            # An exempt member has no score: the standings average it over no months and
            # give its quarters none either.
            "divisor": 0 if result.exempt else result.divisor,
            "performance_cap": scheme.performance_cap if scheme else None,
            "commendation_cap": scheme.commendation_cap if scheme else None,
            "months": [
                {"month": m, **s._asdict(), "capped": s.capped, "floored": s.floored}
                for m, s in sorted(result.months.items())
            ],
            "quarters": [
                {"quarter": q, "score": None if result.exempt else result.period_score(months)}
                for q, months in QUARTERS.items()
            ],
        }
    ).data


DAYS = [
    datetime.date(YEAR, 2, 10),
    datetime.date(YEAR, 6, 10),
    datetime.date(YEAR, 6, 20),  # after the transfer
    datetime.date(YEAR, 9, 30),
    datetime.date(YEAR, 12, 31),
    datetime.date(YEAR + 1, 1, 15),
]


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_year_read_from_the_standings_is_the_years_computation(world, today, day):
    """Months, quarters, score, rank, grade and flags as the branch's computation gives them,
    for every member of a generated year (a transfer, corrections, a veto, a commendation, an
    exempt member) on days through the year and after it, and for a year to come."""
    members = generated_year(world)
    exempt = exempt_member(world)
    today(day)
    compared = 0
    for member in [*members, exempt]:
        member.refresh_from_db()
        client = token_client(member.user)
        for year in (YEAR, YEAR + 1):
            response = client.get(f"/api/v1/me/?year={year}")
            assert response.status_code == 200
            assert response.json() == _computed(member, year, day), (member.name, year)
            compared += 1
    assert compared == 26


def test_the_year_is_read_without_computing_the_branch(api, world, march, monkeypatch):
    _record(world, "P03", 5)

    def computed(*args, **kwargs):
        raise AssertionError("the branch was computed")

    monkeypatch.setattr(scoring, "branches_year_results", computed)
    mine = api("member").get(f"/api/v1/me/?year={YEAR}").json()
    assert (mine["score"], mine["rank"], mine["quarters"][0]["score"]) == ("61.7", 1, "61.7")
