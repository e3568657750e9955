from decimal import Decimal

from jifen.declarations import services
from tests.conftest import YEAR


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
