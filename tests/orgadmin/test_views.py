import datetime
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.urls import reverse

from jifen.orgs.enums import MemberState, OrgKind, RoleKind
from jifen.orgs.models import Member, Organisation, Role
from jifen.schemes.models import Scheme
from jifen.schemes.services import SCHEME_FIELDS
from tests.conftest import YEAR
from tests.factories import MemberFactory, valid_id_number
from tests.ledger.helpers import close_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def _post(client, name, data=None, **kwargs):
    return client.post(reverse(f"orgadmin:{name}", kwargs=kwargs or None), data or {})


# Organisations


def test_tree_shows_only_the_subtree_the_user_administers(client, world):
    Role.objects.create(user=world.outsider, organisation=world.other_branch, kind=RoleKind.ADMIN)
    client.force_login(world.outsider)

    response = client.get(reverse("orgadmin:index"))

    assert "第二党支部" in response.text
    assert "第一党支部" not in response.text
    assert "机关党委" not in response.text


def test_admin_of_another_subtree_cannot_open_a_member(client, world):
    Role.objects.create(user=world.outsider, organisation=world.other_branch, kind=RoleKind.ADMIN)
    client.force_login(world.outsider)

    response = client.get(reverse("orgadmin:member_edit", args=[world.member.pk]))

    assert response.status_code == 404


def test_admin_creates_a_branch_under_the_general_branch(admin_client, world):
    response = _post(
        admin_client,
        "organisation_create",
        {"name": "第三党支部", "kind": OrgKind.BRANCH, "parent": world.general.pk},
    )

    assert response.status_code == 302
    created = Organisation.objects.get(name="第三党支部")
    assert created.parent == world.general
    assert created.path == f"{world.general.path}{created.pk}/"


def test_a_misplaced_organisation_is_refused_with_the_services_message(admin_client, world):
    response = _post(
        admin_client,
        "organisation_create",
        {"name": "第一小组", "kind": OrgKind.GROUP, "parent": world.general.pk},
    )

    assert response.status_code == 200
    assert "alert-danger" in response.text
    assert not Organisation.objects.filter(name="第一小组").exists()


def test_admin_renames_an_organisation(admin_client, world):
    _post(admin_client, "organisation_rename", {"name": "后勤第一党支部"}, pk=world.branch.pk)

    world.branch.refresh_from_db()
    assert world.branch.name == "后勤第一党支部"


# Roster


def test_roster_masks_id_numbers_and_phones_and_the_record_shows_them(admin_client, world):
    Member.objects.filter(pk=world.member.pk).update(phone="13812345678")

    listing = admin_client.get(reverse("orgadmin:members"))
    record = admin_client.get(reverse("orgadmin:member_edit", args=[world.member.pk]))

    assert "138****5678" in listing.text
    assert "13812345678" not in listing.text
    assert world.member.id_number not in listing.text
    assert world.member.id_number in record.text
    assert "13812345678" in record.text


def test_roster_search_answers_htmx_with_the_table_only(admin_client, world):
    MemberFactory(name="王五", branch=world.branch)

    response = admin_client.get(
        reverse("orgadmin:members"), {"search": "王"}, headers={"HX-Request": "true"}
    )

    assert "王五" in response.text
    assert "张三" not in response.text
    assert "<html" not in response.text


def test_roster_filters_by_branch_and_state(admin_client, world):
    MemberFactory(name="赵六", branch=world.branch, state=MemberState.LEFT)

    response = admin_client.get(
        reverse("orgadmin:members"), {"branch": world.branch.pk, "state": MemberState.LEFT}
    )

    assert "赵六" in response.text
    assert "张三" not in response.text
    assert "李四" not in response.text


def test_the_roster_offers_its_import_and_an_export_that_follows_the_branch_filter(client, world):
    client.force_login(world.admin)
    url = reverse("orgadmin:members")
    page = client.get(url).text
    assert reverse("exchange:roster_upload") in page
    for branch in (world.branch, world.other_branch):
        assert reverse("exchange:branch_export", args=[branch.pk, "roster"]) in page
    table = client.get(url, {"branch": world.branch.pk}, headers={"HX-Request": "true"}).text
    export = reverse("exchange:branch_export", args=[world.branch.pk, "roster"])
    assert f'action="{export}"' in table
    assert reverse("exchange:branch_export", args=[world.other_branch.pk, "roster"]) not in table


def test_the_schemes_item_table_heads_the_items_name_as_名称(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("orgadmin:scheme", args=[world.scheme.pk])).text
    assert "<th>编号</th><th>名称</th><th>类别</th>" in page
    assert "履职分" in page and "表现分" not in page


def _member_data(world, **changes):
    data = {
        "name": "王五",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": "1990-03-01",
        "id_number": valid_id_number(90001),
        "education": "本科",
        "join_date": "2016-07-01",
        "party_status": "full",
        "category": "in_service",
        "party_post": "",
        "phone": "13900000000",
        "exempt_reason": "",
        "branch": world.branch.pk,
        "start": "",
    }
    return {**data, **changes}


def test_admin_adds_a_member_with_a_placement(admin_client, world):
    response = _post(admin_client, "member_create", _member_data(world))

    member = Member.objects.get(name="王五")
    assert response.url == reverse("orgadmin:member_edit", args=[member.pk])
    assert member.placements.get().start == datetime.date(2016, 7, 1)


def test_a_wrong_id_number_keeps_the_member_out(admin_client, world):
    response = _post(admin_client, "member_create", _member_data(world, id_number="110101199001"))

    assert response.status_code == 200
    assert not Member.objects.filter(name="王五").exists()


def test_admin_edits_a_record(admin_client, world):
    data = model_to_dict(world.member, exclude=["id", "branch", "group", "user"])
    data.update(name="张三丰", birth_date="", phone="13700000000")

    _post(admin_client, "member_edit", data, pk=world.member.pk)

    world.member.refresh_from_db()
    assert (world.member.name, world.member.phone) == ("张三丰", "13700000000")


def test_admin_transfers_a_member_on_a_date(admin_client, world):
    _post(
        admin_client,
        "member_transfer",
        {"to_branch": world.other_branch.pk, "on": "2026-04-01"},
        pk=world.member.pk,
    )

    world.member.refresh_from_db()
    assert world.member.branch == world.other_branch
    assert [p.branch for p in world.member.placements.all()] == [world.branch, world.other_branch]


def test_a_transfer_before_the_placement_began_is_refused(admin_client, world):
    response = _post(
        admin_client,
        "member_transfer",
        {"to_branch": world.other_branch.pk, "on": "2010-01-01"},
        pk=world.member.pk,
    )

    assert "alert-danger" in response.text
    world.member.refresh_from_db()
    assert world.member.branch == world.branch


def test_admin_marks_a_member_as_left(admin_client, world):
    _post(
        admin_client,
        "member_leave",
        {"state": MemberState.LEFT, "on": "2026-06-30"},
        pk=world.member.pk,
    )

    world.member.refresh_from_db()
    assert world.member.state == MemberState.LEFT
    assert world.member.placements.get().end == datetime.date(2026, 6, 30)


def test_admin_opens_an_account_for_a_member(admin_client, world):
    member = MemberFactory(name="王五", branch=world.branch)

    _post(
        admin_client,
        "member_account",
        {"username": "wangwu", "password": "Dangyuan-2026!"},
        pk=member.pk,
    )

    member.refresh_from_db()
    assert member.user.username == "wangwu"
    assert member.user.check_password("Dangyuan-2026!")


def test_a_weak_password_opens_no_account(admin_client, world):
    member = MemberFactory(name="王五", branch=world.branch)

    response = _post(
        admin_client, "member_account", {"username": "wangwu", "password": "123"}, pk=member.pk
    )

    assert "alert-danger" in response.text
    assert not get_user_model().objects.filter(username="wangwu").exists()


def test_admin_links_an_existing_account(admin_client, world):
    member = MemberFactory(name="王五", branch=world.branch)

    _post(admin_client, "member_account", {"user": world.secretary.pk}, pk=member.pk)

    member.refresh_from_db()
    assert member.user == world.secretary


# Roles


def test_admin_grants_and_revokes_a_role(admin_client, world):
    _post(
        admin_client,
        "roles",
        {"user": world.member_user.pk, "kind": RoleKind.COMMITTEE},
        pk=world.branch.pk,
    )
    role = Role.objects.get(user=world.member_user)

    response = _post(admin_client, "role_revoke", pk=role.pk)

    assert response.url == reverse("orgadmin:roles", args=[world.branch.pk])
    assert not Role.objects.filter(pk=role.pk).exists()


def test_roles_offer_only_accounts_from_the_admins_subtree(client, world):
    Role.objects.create(user=world.outsider, organisation=world.other_branch, kind=RoleKind.ADMIN)
    client.force_login(world.outsider)

    response = client.get(reverse("orgadmin:roles", args=[world.other_branch.pk]))

    assert ">outsider<" in response.text
    assert ">member<" not in response.text


# Schemes


def test_admin_creates_a_scheme_from_the_national_preset(admin_client, world):
    response = _post(
        admin_client,
        "schemes",
        {
            "organisation": world.general.pk,
            "year": YEAR + 1,
            "name": "2027年细则",
            "grade_scale": "national",
        },
    )

    scheme = Scheme.objects.get(year=YEAR + 1)
    assert response.url == reverse("orgadmin:scheme", args=[scheme.pk])
    assert [g.name for g in scheme.grade_levels.all()] == ["优秀", "合格", "基本合格", "不合格"]


def _scheme_data(scheme, **changes):
    data = model_to_dict(scheme, fields=SCHEME_FIELDS)
    return {**data, **changes}


def test_admin_changes_the_schemes_numbers(admin_client, world):
    _post(
        admin_client,
        "scheme",
        _scheme_data(world.scheme, performance_cap="30", exempt_categories=["retired"]),
        pk=world.scheme.pk,
    )

    world.scheme.refresh_from_db()
    assert world.scheme.performance_cap == 30
    assert world.scheme.exempt_categories == ["retired"]


def test_a_locked_scheme_says_why_and_offers_a_new_version(admin_client, world):
    close_months(world, [1])

    page = admin_client.get(reverse("orgadmin:scheme", args=[world.scheme.pk]))
    refused = _post(
        admin_client, "scheme", _scheme_data(world.scheme, base_points="50"), pk=world.scheme.pk
    )
    made = _post(admin_client, "scheme_new_version", pk=world.scheme.pk)

    assert reverse("orgadmin:scheme_new_version", args=[world.scheme.pk]) in page.text
    assert "第一党支部 2026-01" in page.text
    assert 'name="base_points"' not in page.text
    assert "months_belonged" not in page.text  # choices are shown by their label
    assert "alert-danger" in refused.text
    copy = Scheme.objects.get(version=2)
    assert made.url == reverse("orgadmin:scheme", args=[copy.pk])
    assert copy.items.count() == world.scheme.items.count()


def _item_data(**changes):
    data = {
        "code": "P99",
        "name": "参加义务献血",
        "description": "",
        "category": "performance",
        "points_min": "2",
        "points_max": "2",
        "frequency": "yearly",
        "annual_cap": "",
        "evidence_required": "on",
        "declarable": "on",
        "order": "30",
        "member_categories": ["in_service", "student"],
    }
    return {**data, **changes}


def test_admin_adds_changes_and_removes_an_item(admin_client, world):
    _post(admin_client, "item_create", _item_data(), pk=world.scheme.pk)
    item = world.scheme.items.get(code="P99")
    assert item.member_categories == ["in_service", "student"]

    _post(admin_client, "item_edit", _item_data(points_max="4"), pk=item.pk)
    item.refresh_from_db()
    assert item.points_max == 4

    _post(admin_client, "item_remove", pk=item.pk)
    assert not world.scheme.items.filter(code="P99").exists()


def test_an_item_with_inverted_points_is_refused(admin_client, world):
    response = _post(
        admin_client, "item_create", _item_data(points_min="5", points_max="1"), pk=world.scheme.pk
    )

    assert "alert-danger" in response.text
    assert not world.scheme.items.filter(code="P99").exists()


def test_admin_changes_a_commendation_level(admin_client, world):
    level = world.level("school")

    _post(
        admin_client,
        "commendation_level_edit",
        {"name": "校级表彰", "points": "7"},
        pk=level.pk,
    )

    level.refresh_from_db()
    assert (level.name, level.points) == ("校级表彰", 7)


def _grade_data(**changes):
    data = {
        "name": "好",
        "min_score": "92",
        "rank_rule": "top",
        "rank_share": "0.250",
        "rank_boundary": "by_rank",
        "rank_mode": "required",
    }
    return {**data, **changes}


def test_admin_changes_a_grade_of_the_scale(admin_client, world):
    grade = world.scheme.grade_levels.get(code="good")

    _post(admin_client, "grade_level_edit", _grade_data(), pk=grade.pk)

    grade.refresh_from_db()
    assert (grade.min_score, grade.rank_share) == (92, Fraction(1, 4))


@pytest.mark.parametrize(
    ("written", "share"),
    [("1/3", Fraction(1, 3)), (" 2 ／ 3 ", Fraction(2, 3)), ("10%", Fraction(1, 10))],
)
def test_a_share_is_kept_exactly_as_written(admin_client, world, written, share):
    grade = world.scheme.grade_levels.get(code="good")

    data = _grade_data(rank_share=written, rank_boundary="at_most")
    _post(admin_client, "grade_level_edit", data, pk=grade.pk)

    grade.refresh_from_db()
    assert (grade.rank_share, grade.rank_boundary) == (share, "at_most")


def test_the_edit_page_shows_the_share_as_a_fraction(admin_client, world):
    grade = world.scheme.grade_levels.get(code="good")

    response = admin_client.get(reverse("orgadmin:grade_level_edit", args=[grade.pk]))

    assert 'value="1/3"' in response.text


@pytest.mark.parametrize("written", ["a third", "1/0", "0", "4/3", "1/1001"])
def test_a_share_that_is_no_share_is_refused(admin_client, world, written):
    grade = world.scheme.grade_levels.get(code="good")

    response = _post(admin_client, "grade_level_edit", _grade_data(rank_share=written), pk=grade.pk)

    assert response.status_code == 200  # the form again, with the error
    grade.refresh_from_db()
    assert (grade.min_score, grade.rank_share) == (90, Fraction(1, 3))


def test_a_rank_condition_without_a_share_is_refused(admin_client, world):
    grade = world.scheme.grade_levels.get(code="good")

    response = _post(admin_client, "grade_level_edit", _grade_data(rank_share=""), pk=grade.pk)

    assert "alert-danger" in response.text
    grade.refresh_from_db()
    assert grade.min_score == 90


def test_levels_of_a_locked_scheme_stay_as_they_were(admin_client, world):
    close_months(world, [1])
    level = world.level("school")

    response = _post(
        admin_client, "commendation_level_edit", {"name": "校级", "points": "1"}, pk=level.pk
    )

    assert "alert-danger" in response.text
    level.refresh_from_db()
    assert level.points == 6
