from decimal import Decimal

from jifen.declarations import services
from jifen.declarations.models import Declaration
from tests.conftest import YEAR


def _declare(world, user, member, item="P03", points="3"):
    return services.declaration_submit(
        actor=user,
        member=member,
        year=YEAR,
        month=3,
        item=world.item(item),
        points=Decimal(points),
        description="完成任务",
    )


def test_bulk_decisions_report_each_item(api, world, march):
    first, second = (
        _declare(world, world.member_user, world.member),
        _declare(world, world.member_user, world.member),
    )
    elsewhere = _declare(world, world.outsider, world.outsider_member)
    items = [
        {"id": first.pk, "decision": "approve"},
        {"id": second.pk, "decision": "reject"},  # a rejection needs a reason
        {"id": elsewhere.pk, "decision": "approve"},
    ]
    response = api("secretary").post("/api/v1/review/declarations/decide/", {"items": items})
    assert response.status_code == 200
    results = {r["id"]: r for r in response.json()["results"]}
    assert results[first.pk]["ok"] and results[first.pk]["status"] == "approved"
    assert results[second.pk]["code"] == "reason_required"
    assert results[elsewhere.pk]["code"] == "not_found"
    assert Declaration.objects.get(pk=elsewhere.pk).status == "submitted"


def test_adjust_needs_points_and_grants_them(api, world, march):
    declaration = _declare(world, world.member_user, world.member, points="5")
    url = f"/api/v1/review/declarations/{declaration.pk}/decide/"
    client = api("committee_member")
    assert client.post(url, {"decision": "adjust", "reason": "偏高"}).status_code == 400
    decided = client.post(url, {"decision": "adjust", "points": "3.0", "reason": "偏高"}).json()
    assert (decided["status"], decided["points_granted"]) == ("adjusted", "3.0")


def test_queue_lists_only_the_branches_worked_in(api, world, march):
    _declare(world, world.member_user, world.member)
    _declare(world, world.outsider, world.outsider_member)
    mine = api("secretary").get("/api/v1/review/declarations/").json()
    assert [d["member_name"] for d in mine["results"]] == ["张三"]
    theirs = api("outsider").get(f"/api/v1/review/declarations/?branch={world.branch.pk}").json()
    assert theirs["count"] == 0


def test_commendation_goes_on_to_the_parent_reviewer(api, world, march):
    declaration = services.declaration_submit(
        actor=world.member_user,
        member=world.member,
        year=YEAR,
        month=3,
        item=world.item("C01"),
        points=None,
        description="获校级表彰",
        evidence="证书.pdf",
        commendation_level=world.level("school"),
    )
    forwarded = api("secretary").post(
        f"/api/v1/review/declarations/{declaration.pk}/decide/", {"decision": "approve"}
    )
    assert forwarded.json()["status"] == "forwarded"
    reviewer = api("reviewer")
    assert reviewer.get("/api/v1/review/commendations/").json()["count"] == 1
    approved = reviewer.post(
        f"/api/v1/review/commendations/{declaration.pk}/decide/", {"approve": True}
    ).json()
    assert (approved["status"], approved["points_granted"]) == ("approved", "6.0")
