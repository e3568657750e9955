"""Who saw what: every display or export of a member's full ID number and phone writes an
access record (who, whose, when, where); a masked display writes none."""

import pytest
from django.urls import reverse

from jifen.audit.models import AccessRecord, Channel
from jifen.exchange import exports
from jifen.exchange.enums import Format
from jifen.orgs.enums import RoleKind
from jifen.orgs.models import Role
from tests.api.conftest import token_client


def _records():
    return list(
        AccessRecord.objects.order_by("id").values_list(
            "viewer_name", "member_name", "fields", "channel", "place"
        )
    )


def test_the_admins_member_page_records_each_display(client, world):
    client.force_login(world.admin)
    url = reverse("orgadmin:member_edit", args=[world.member.pk])

    client.get(url, REMOTE_ADDR="10.1.1.1")
    client.get(reverse("orgadmin:members"))  # masked: nothing recorded

    assert _records() == [("admin", "张三", "id_number,phone", Channel.PAGE, url)]
    assert AccessRecord.objects.get().client_address == "10.1.1.1"
    assert AccessRecord.objects.get().organisation == world.branch


def test_the_api_records_the_members_it_shows_in_full_only(world):
    Role.objects.create(user=world.secretary, organisation=world.branch, kind=RoleKind.ADMIN)
    secretary, committee = token_client(world.secretary), token_client(world.committee_member)

    committee.get("/api/v1/members/")  # masked for a committee member: nothing
    secretary.get("/api/v1/members/?state=active")
    secretary.get(f"/api/v1/members/{world.member.pk}/")

    # The secretary administers the first branch only: 李四 of the second was shown masked.
    assert _records() == [
        ("secretary", "张三", "id_number,phone", Channel.API, "/api/v1/members/?state=active"),
        (
            "secretary",
            "张三",
            "id_number,phone",
            Channel.API,
            f"/api/v1/members/{world.member.pk}/",
        ),
    ]


def test_an_admins_roster_export_records_every_member_in_it(world):
    def export(actor):
        source = exports.build("roster", actor, {"format": Format.CSV, "branch": world.branch.pk})
        exports.render(source, Format.CSV)

    export(world.secretary)  # masked
    assert _records() == []

    export(world.admin)
    assert _records() == [
        ("admin", "张三", "id_number,phone", Channel.EXPORT, "第一党支部党员名册")
    ]


@pytest.mark.parametrize("persona", ["secretary", "reviewer"])
def test_masked_pages_and_exports_record_nothing(client, world, persona):
    client.force_login(getattr(world, persona))
    url = reverse("exchange:branch_export", args=[world.branch.pk, "roster"])
    exported = client.post(url, {"format": Format.CSV})
    listed = token_client(getattr(world, persona)).get("/api/v1/members/")
    assert "张三" in exported.content.decode("utf-8-sig") and listed.json()["count"]
    assert _records() == []
