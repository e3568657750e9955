import datetime

from jifen.cycle import selectors as cycle_selectors
from jifen.cycle import services as cycle
from jifen.ledger.models import Entry
from tests.activities.helpers import hold
from tests.conftest import YEAR

# For each quarter: the day of its general meeting and posting, and a day after the notice.
QUARTER_DAYS = {
    1: (datetime.date(YEAR, 4, 3), datetime.date(YEAR, 4, 13)),
    2: (datetime.date(YEAR, 7, 3), datetime.date(YEAR, 7, 13)),
    3: (datetime.date(YEAR, 10, 9), datetime.date(YEAR, 10, 19)),
    4: (datetime.date(YEAR + 1, 1, 5), datetime.date(YEAR + 1, 1, 15)),
}


def _post_quarter(world, today, number):
    held, _after = QUARTER_DAYS[number]
    today(held)
    meeting = hold(world, held, quarter=number)
    cycle.quarter_confirm(
        actor=world.secretary,
        branch=world.branch,
        year=YEAR,
        quarter=number,
        meeting=meeting,
        now=meeting.ends_at,
    )
    return cycle.notice_publish(
        actor=world.secretary, branch=world.branch, year=YEAR, quarter=number
    )


def _lock(world, number):
    cycle.quarter_lock(actor=world.secretary, branch=world.branch, year=YEAR, quarter=number)


def test_an_appeal_after_the_notice_goes_to_the_reviewer(api, world, today):
    notice = _post_quarter(world, today, 1)
    today(QUARTER_DAYS[1][1])
    _lock(world, 1)
    appeal = api("member").post("/api/v1/objections/", {"notice": notice.pk, "text": "漏记加分"})
    assert appeal.json()["kind"] == "appeal"
    url = f"/api/v1/objections/{appeal.json()['id']}/answer/"
    body = {"accept": True, "answer": "补记", "item": world.item("P03").pk, "points": "2.0"}
    assert api("secretary").post(url, {**body, "month": 2}).status_code == 403
    answered = api("reviewer").post(url, {**body, "month": 2})
    assert answered.status_code == 200, answered.json()
    entry = Entry.objects.get(pk=answered.json()["correction_entry"])
    assert (entry.source, entry.month, entry.points) == ("appeal", 2, 2)


def test_an_objection_to_a_replaced_version_of_a_notice_is_refused(api, world, today):
    """After a correction posts the notice again, objections go to the new version: the
    page offers only that one, and the API refuses the old one by name."""
    notice = _post_quarter(world, today, 1)
    member, secretary = api("member"), api("secretary")
    first = member.post("/api/v1/objections/", {"notice": notice.pk, "text": "漏记加分"})
    url = f"/api/v1/objections/{first.json()['id']}/answer/"
    body = {"accept": True, "answer": "补记", "item": world.item("P03").pk, "points": "2.0"}
    assert secretary.post(url, {**body, "month": 2}).status_code == 200

    stale = member.post("/api/v1/objections/", {"notice": notice.pk, "text": "还有一处"})
    assert (stale.status_code, stale.json()["code"]) == (409, "notice_replaced")
    [current] = cycle_selectors.public_notices().filter(replaces=notice)
    fresh = member.post("/api/v1/objections/", {"notice": current.pk, "text": "还有一处"})
    assert fresh.status_code == 201, fresh.json()


def test_the_year_is_computed_graded_submitted_and_filed(api, world, today):
    for number in QUARTER_DAYS:
        _post_quarter(world, today, number)
        today(QUARTER_DAYS[number][1])
        _lock(world, number)
    secretary, reviewer = api("secretary"), api("reviewer")
    year = secretary.post("/api/v1/years/compute/", {"branch": world.branch.pk, "year": YEAR})
    assert year.status_code == 200, year.json()
    result = year.json()
    [grade] = result["grades"]
    assert (grade["score"], grade["suggested_grade_code"]) == ("60.0", "poor")
    url = f"/api/v1/years/{result['id']}"
    differing = secretary.post(f"{url}/grades/{grade['id']}/", {"grade_code": "average"})
    assert differing.json()["code"] == "reason_required"
    secretary.post(f"{url}/grades/{grade['id']}/", {"grade_code": "poor"})
    assert secretary.post(f"{url}/submit/").json()["state"] == "submitted"
    early = reviewer.post(f"{url}/review/", {"approve": True})
    assert (early.status_code, early.json()["code"]) == (409, "appeals_open")
    today(datetime.date(YEAR + 1, 3, 2))  # every appeal period of the year has ended
    filed = reviewer.post(f"{url}/review/", {"approve": True})
    assert filed.json()["state"] == "filed"
    listed = api("admin").get(f"/api/v1/years/?year={YEAR}&state=filed").json()
    assert [y["id"] for y in listed["results"]] == [result["id"]]
    [filing] = filed.json()["filings"]
    assert filing["withdrawn_at"] is None and len(filing["anchor"].replace(" ", "")) == 64

    refused = reviewer.post(f"{url}/withdraw-filing/", {"reason": ""})
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid")
    withdrawn = reviewer.post(f"{url}/withdraw-filing/", {"reason": "等次评定有误"}).json()
    assert withdrawn["state"] == "returned"
    assert withdrawn["filings"][0]["withdrawal_reason"] == "等次评定有误"
