"""The home page: each role finds its open tasks and a card with the pages of its work, in a
fixed number of queries however large the branch."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jifen.cycle import services as cycle_services
from jifen.declarations import services as declarations
from jifen.declarations.enums import Decision
from jifen.notifications.models import Notification
from tests.conftest import YEAR
from tests.factories import MemberFactory, UserFactory, d

APRIL_2 = datetime.date(YEAR, 4, 2)


@pytest.fixture
def on_april_2(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: APRIL_2)


def _declare(world, member=None, user=None, month=3):
    return declarations.declaration_submit(
        actor=user or world.member_user,
        member=member or world.member,
        year=YEAR,
        month=month,
        item=world.item("P03"),
        points=d(2),
        description="任务",
        today=APRIL_2,
    )


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.text


def test_a_member_is_asked_for_the_months_still_open_and_undeclared(client, world, on_april_2):
    declare = reverse("portal:declare")
    page = _home(client, world.member_user)
    assert f'href="{declare}?period=2026-03"' in page
    assert f'href="{declare}?period=2026-04"' in page
    assert 'id="card-member"' in page and 'id="card-branch-' not in page

    _declare(world)
    page = _home(client, world.member_user)
    assert f'href="{declare}?period=2026-03"' not in page
    assert f'href="{declare}?period=2026-04"' in page


def test_a_member_sees_decisions_and_the_notices_open_to_objection(
    client, world, cycle, on_april_2
):
    declaration = _declare(world)
    declarations.declaration_review(
        actor=world.secretary, declaration=declaration, decision=Decision.REJECT, reason="重复申报"
    )
    notice = cycle.publish(today=APRIL_2)
    page = _home(client, world.member_user)
    assert "重复申报" in page  # the notification of the decision
    assert f'href="{reverse("portal:me")}#notice-{notice.pk}"' in page


def test_the_secretary_sees_reviews_and_the_branchs_pages(client, world, on_april_2):
    _declare(world)
    page = _home(client, world.secretary)
    queue = reverse("portal:review", args=[world.branch.pk])
    assert f'href="{queue}?period=2026-03&amp;state=pending"' in page
    assert f'id="card-branch-{world.branch.pk}"' in page
    assert reverse("portal:roster", args=[world.branch.pk]) in page
    assert f'id="card-branch-{world.other_branch.pk}"' not in page
    assert "第一党支部" not in _home(client, world.outsider)


def test_the_reviewer_and_the_admin_find_their_desks(client, world, on_april_2):
    page = _home(client, world.reviewer)
    assert reverse("portal:parent", args=[world.general.pk]) in page
    page = _home(client, world.admin)
    assert 'id="card-admin"' in page
    assert reverse("exchange:roster_upload") in page


def test_the_home_settles_the_reminders_of_tasks_done(client, world, on_april_2):
    cycle_services.reminders_send(today=APRIL_2)
    assert Notification.objects.filter(user=world.member_user, read_at__isnull=True).count() == 2
    _declare(world)
    _home(client, world.member_user)
    assert Notification.objects.filter(user=world.member_user, read_at__isnull=True).count() == 1


def _queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    return len(queries)


def test_the_home_costs_the_same_however_large_the_branch(client, world, on_april_2):
    _declare(world)
    before = {u: _queries(client, u) for u in (world.member_user, world.secretary)}
    for n in range(12):
        user = UserFactory()
        member = MemberFactory(name=f"党员{n}", branch=world.branch, user=user)
        _declare(world, member=member, user=user)
    after = {u: _queries(client, u) for u in (world.member_user, world.secretary)}
    assert after == before
