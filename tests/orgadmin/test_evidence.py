"""The organisation admin reviews the audit log and the access records of their organisations:
filtered by who, what, organisation and period, paginated, and exported."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from jifen.audit.models import AccessRecord, AuditEvent, Channel
from jifen.audit.services import log_action, record_access
from jifen.orgs.enums import RoleKind
from jifen.orgs.models import Role
from tests.audit.helpers import backdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(world):
    """One event in each branch and one that names no organisation (a purge)."""
    return {
        "first": log_action(
            "orgs.member.updated", actor=world.admin, obj=world.member, organisation=world.branch
        ),
        "second": log_action(
            "ledger.entry.appended",
            actor=world.outsider,
            obj=world.outsider_member,
            organisation=world.other_branch,
        ),
        "none": log_action("audit.log.purged", actor=None, obj=None),
    }


def _ids(response, among=None):
    ids = {record.pk for record in response.context["page"]}
    return ids if among is None else ids & {record.pk for record in among.values()}


def _page(client, name, **query):
    return client.get(reverse(f"orgadmin:{name}"), query)


def test_an_admin_sees_the_events_of_their_subtree_only(client, world, events):
    Role.objects.create(user=world.outsider, organisation=world.other_branch, kind=RoleKind.ADMIN)
    client.force_login(world.outsider)
    assert _ids(_page(client, "audit_log"), events) == {events["second"].pk}

    client.force_login(world.admin)
    assert _ids(_page(client, "audit_log"), events) == {events["first"].pk, events["second"].pk}

    client.force_login(world.root)
    assert _ids(_page(client, "audit_log"), events) == {e.pk for e in events.values()}


def test_the_audit_log_filters_by_who_what_organisation_and_period(client, world, events):
    client.force_login(world.admin)
    first, second = events["first"].pk, events["second"].pk
    backdate(AuditEvent, [second], 10)
    ten_days_ago = (datetime.date.today() - datetime.timedelta(days=10)).isoformat()

    assert _ids(_page(client, "audit_log", who="outs")) == {second}
    assert _ids(_page(client, "audit_log", action="orgs.member")) == {first}
    assert _ids(_page(client, "audit_log", organisation=world.general.pk)) == {first, second}
    assert _ids(_page(client, "audit_log", organisation=world.branch.pk)) == {first}
    assert _ids(_page(client, "audit_log", until=ten_days_ago)) == {second}
    today = datetime.date.today().isoformat()
    assert _ids(_page(client, "audit_log", since=today), events) == {first}


def test_an_organisation_outside_the_subtree_cannot_be_chosen(client, world, events):
    Role.objects.create(user=world.outsider, organisation=world.other_branch, kind=RoleKind.ADMIN)
    client.force_login(world.outsider)
    response = _page(client, "audit_log", organisation=world.branch.pk)
    assert response.context["filters"].errors
    assert _ids(response, events) == {events["second"].pk}


def test_the_audit_log_is_paginated(client, world):
    for _ in range(51):
        log_action("test.done", actor=world.admin, obj=world.member, organisation=world.branch)
    client.force_login(world.admin)

    first = _page(client, "audit_log", action="test")
    second = _page(client, "audit_log", action="test", page=2)

    assert len(first.context["page"]) == 50 and len(second.context["page"]) == 1
    assert "action=test&amp;page=2" in first.text


def test_the_exported_audit_log_is_what_the_page_shows(client, world, events):
    client.force_login(world.admin)
    url = reverse("exchange:evidence_export", args=["audit"]) + "?action=orgs"

    response = client.post(url, {"format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["时间", "操作人", "操作"]
    assert [row[2] for row in rows[1:]] == ["orgs.member.updated"]
    assert rows[1][1] == "admin" and rows[1][3] == "第一党支部"


def test_an_invalid_filter_is_refused_with_a_message(client, world, events):
    client.force_login(world.admin)
    url = reverse("exchange:evidence_export", args=["audit"]) + "?since=yesterday"
    response = client.post(url, {"format": "csv"})
    assert response.status_code == 200
    assert "筛选条件" in response.text


def test_access_records_are_filtered_and_exported(client, world):
    record_access(
        viewer=world.admin,
        members=[world.member],
        fields=["id_number", "phone"],
        channel=Channel.PAGE,
        place="/orgadmin/members/1/",
    )
    record_access(
        viewer=world.admin,
        members=[world.outsider_member],
        fields=["id_number"],
        channel=Channel.EXPORT,
        place="党员名册.xlsx",
    )
    page, export = AccessRecord.objects.order_by("id")
    client.force_login(world.admin)

    assert _ids(_page(client, "access_records", whose="张")) == {page.pk}
    assert _ids(_page(client, "access_records", channel="export")) == {export.pk}
    assert "身份证号, 电话" in _page(client, "access_records").text

    url = reverse("exchange:evidence_export", args=["access_records"]) + "?channel=page"
    rows = list(
        csv.reader(io.StringIO(client.post(url, {"format": "csv"}).content.decode("utf-8-sig")))
    )
    assert [row[2] for row in rows[1:]] == ["张三"]
