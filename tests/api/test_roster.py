from jifen.orgs.models import Member
from tests.factories import valid_id_number


def test_id_number_and_phone_masked_unless_admin(api, world):
    Member.objects.filter(pk=world.member.pk).update(phone="13812345678")
    url = f"/api/v1/members/{world.member.pk}/"
    seen = api("secretary").get(url).json()
    assert seen["phone"] == "138****5678"
    assert seen["id_number"] == world.member.id_number_masked
    full = api("admin").get(url).json()
    assert (full["phone"], full["id_number"]) == ("13812345678", world.member.id_number)


def test_roster_list_is_scoped_and_filtered(api, world):
    names = [m["name"] for m in api("reviewer").get("/api/v1/members/").json()["results"]]
    assert sorted(names) == ["张三", "李四"]
    mine = api("secretary").get(f"/api/v1/members/?branch={world.other_branch.pk}").json()
    assert mine["count"] == 0
    assert [m["name"] for m in api("member").get("/api/v1/members/").json()["results"]] == ["张三"]


def test_admin_creates_and_transfers_through_the_services(api, world):
    admin = api("admin")
    body = {"branch": world.branch.pk, "name": "王五", "gender": "male", "join_date": "2020-07-01"}
    wrong = admin.post("/api/v1/members/", {**body, "id_number": "110101199001070010"})
    assert "id_number" in wrong.json()["fields"]
    created = admin.post("/api/v1/members/", {**body, "id_number": valid_id_number(777)})
    assert created.status_code == 201
    assert Member.objects.get(pk=created.json()["id"]).placements.count() == 1
    moved = admin.post(
        f"/api/v1/members/{world.member.pk}/transfer/",
        {"to_branch": world.other_branch.pk, "on": "2026-05-01"},
    )
    assert moved.json()["branch"] == world.other_branch.pk
    assert world.member.placements.count() == 2


def test_scheme_is_read_by_its_members_and_changed_by_admins(api, world):
    scheme = api("member").get(f"/api/v1/schemes/{world.scheme.pk}/").json()
    assert {"P01", "C01", "D01"} <= {item["code"] for item in scheme["items"]}
    changed = api("admin").patch(f"/api/v1/schemes/{world.scheme.pk}/", {"performance_cap": "30"})
    assert changed.json()["performance_cap"] == "30.0"


def test_a_scheme_gives_its_shares_as_exact_fractions(api, world):
    scheme = api("member").get(f"/api/v1/schemes/{world.scheme.pk}/").json()
    ranked = [g for g in scheme["grade_levels"] if g["rank_rule"]]
    assert [(g["code"], g["rank_share"], g["rank_boundary"]) for g in ranked] == [
        ("good", "1/3", "by_rank"),
        ("poor", "1/10", "by_rank"),
    ]
