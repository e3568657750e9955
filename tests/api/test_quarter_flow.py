"""One app, one token per person, a whole quarter through the API alone: declarations with
evidence, the committee's review and records, the general meeting, the public notice, an
objection and its answer, the lock, and the member's own explanation of the score."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import YEAR

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pdf(name="心得.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _ok(response, status=200):
    assert response.status_code == status, response.json()
    return response.json()


def _declare(member, world, month, item, points, **extra):
    body = {"year": YEAR, "month": month, "item": world.item(item).pk, "points": points}
    body |= {"description": "学习心得", **extra}
    return _ok(member.post("/api/v1/declarations/", body, format="multipart"), 201)


def _review_all(secretary, month):
    queue = _ok(secretary.get(f"/api/v1/review/declarations/?year={YEAR}&month={month}"))
    items = [{"id": d["id"], "decision": "approve"} for d in queue["results"]]
    results = _ok(secretary.post("/api/v1/review/declarations/decide/", {"items": items}))
    assert all(r["ok"] for r in results["results"]), results


def test_a_quarter_from_declarations_to_the_locked_notice(api, world, today):
    member, secretary, committee = api("member"), api("secretary"), api("committee_member")
    for month in (1, 2, 3):
        today(datetime.date(YEAR, month, 20))
        _declare(member, world, month, "P01", "3.0", evidence_files=[_pdf()])
        _declare(member, world, month, "P03", "5.0")
        _review_all(secretary, month)
    _ok(
        committee.post(
            "/api/v1/entries/",
            {
                "member": world.member.pk,
                "year": YEAR,
                "month": 3,
                "item": world.item("D01").pk,
                "points": "2.0",
                "reason": "无故缺席支部大会",
            },
        ),
        201,
    )

    today(datetime.date(YEAR, 4, 3))
    meeting = _ok(
        secretary.post(
            "/api/v1/activities/",
            {
                "organisation": world.branch.pk,
                "kind": world.scheme.activity_kinds.get(code="general_meeting").pk,
                "title": "第一季度支部党员大会",
                "starts_at": "2026-04-03T09:00:00+08:00",
                "ends_at": "2026-04-03T11:00:00+08:00",
                "audience": "all",
                "confirms_quarter": 1,
            },
        ),
        201,
    )
    quarter = {"branch": world.branch.pk, "year": YEAR, "quarter": 1}
    confirmed = _ok(
        secretary.post("/api/v1/quarters/confirm/", {**quarter, "meeting": meeting["id"]})
    )
    assert confirmed["state"] == "confirmed"
    register = _ok(
        secretary.get(f"/api/v1/quarters/register/?branch={world.branch.pk}&year={YEAR}&quarter=1")
    )
    # January and February: 60 + 8; March: 60 + 8 − 2. The quarter averages them.
    assert [row["month_scores"] for row in register] == [["68.0", "68.0", "66.0"]]
    assert register[0]["score"] == "67.3"
    notice = _ok(secretary.post("/api/v1/quarters/publish/", quarter), 201)

    public = api("anonymous")
    listed = _ok(public.get("/api/v1/public/notices/"))["results"]
    assert [n["id"] for n in listed] == [notice["id"]]
    posted = _ok(public.get(f"/api/v1/public/notices/{notice['id']}/"))
    assert posted["rows"] == [
        {"member_name": "张三", "branch_name": "第一党支部", "score": "67.3", "rank": 1}
    ]

    objection = _ok(
        member.post("/api/v1/objections/", {"notice": notice["id"], "text": "三月扣分有误"}), 201
    )
    answered = _ok(
        committee.post(
            f"/api/v1/objections/{objection['id']}/answer/",
            {"accept": False, "answer": "经核实，缺席属实。"},
        )
    )
    assert answered["status"] == "rejected"

    refused = secretary.post("/api/v1/quarters/lock/", quarter)
    assert refused.status_code == 409
    assert refused.json()["code"] == "notice_open"
    today(datetime.date(YEAR, 4, 13))
    assert _ok(secretary.post("/api/v1/quarters/lock/", quarter))["state"] == "locked"

    mine = _ok(member.get(f"/api/v1/me/?year={YEAR}"))
    assert mine["quarters"][0] == {"quarter": 1, "score": "67.3"}
    explanation = _ok(member.get(f"/api/v1/me/entries/?year={YEAR}&quarter=1"))
    assert explanation["count"] == 7
    assert {e["source"] for e in explanation["results"]} == {"declaration", "committee"}
