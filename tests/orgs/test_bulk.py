"""member_bulk_create: many members at once, each as member_create would add it, in a number of
queries that does not grow with the rows; a refused row names its index and writes nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jifen.audit.models import AuditEvent
from jifen.errors import DomainError, NotPermitted, RowsRefused
from jifen.orgs import services
from jifen.orgs.enums import RoleKind
from jifen.orgs.models import Member, Placement, Role
from tests.factories import UserFactory, valid_id_number

JOINED = datetime.date(2020, 7, 1)


def _row(branch, n, **fields):
    return {
        "branch": branch,
        "name": f"党员{n}",
        "gender": "female",
        "id_number": valid_id_number(n),
        "join_date": JOINED,
    } | fields


def _x_number() -> str:
    # An ID number whose check character is X, given in lower case as people type it.
    return next(valid_id_number(n) for n in range(1000, 2000) if valid_id_number(n)[-1] == "X")


def _added() -> int:
    return Member.objects.filter(name__startswith="党员").count()


def test_a_batch_gets_members_placements_and_audit_events(world):
    rows = [
        _row(world.branch, 1001),
        _row(world.other_branch, 1002, start=datetime.date(2026, 3, 1), phone="13800138000"),
        _row(world.branch, 1003, id_number=_x_number().lower()),
    ]
    members = services.member_bulk_create(actor=world.admin, rows=rows)

    assert [m.pk for m in members] == list(
        Member.objects.filter(name__startswith="党员").order_by("pk").values_list("pk", flat=True)
    )
    assert [m.branch for m in members] == [world.branch, world.other_branch, world.branch]
    assert Member.objects.get(pk=members[2].pk).id_number == _x_number()
    placements = {p.member_id: p for p in Placement.objects.filter(member__in=members)}
    assert placements[members[0].pk].start == JOINED
    assert placements[members[1].pk].start == datetime.date(2026, 3, 1)
    assert placements[members[1].pk].branch == world.other_branch
    events = AuditEvent.objects.filter(action="orgs.member.created").order_by("id")
    assert [(e.object_type, e.object_id, e.organisation, e.actor, e.data) for e in events] == [
        ("orgs.member", str(m.pk), m.branch, world.admin, {"name": m.name}) for m in members
    ]


def test_the_audit_event_is_the_one_member_create_writes(world):
    fields = {k: v for k, v in _row(world.branch, 1001).items() if k != "branch"}
    services.member_create(actor=world.admin, branch=world.branch, **fields)
    services.member_bulk_create(actor=world.admin, rows=[_row(world.branch, 1002)])
    single, bulk = AuditEvent.objects.filter(action="orgs.member.created").order_by("id")
    assert (single.data, single.organisation, single.actor) == (
        {"name": "党员1001"},
        world.branch,
        world.admin,
    )
    assert (bulk.data, bulk.organisation, bulk.actor) == (
        {"name": "党员1002"},
        world.branch,
        world.admin,
    )


def test_an_id_number_twice_in_the_batch_is_refused(world):
    rows = [_row(world.branch, 1001), _row(world.branch, 1002), _row(world.branch, 1003)]
    rows[2]["id_number"] = rows[0]["id_number"]
    with pytest.raises(RowsRefused) as refused:
        services.member_bulk_create(actor=world.admin, rows=rows)
    assert list(refused.value.errors) == [2]
    message = refused.value.errors[2]
    assert Member(id_number=valid_id_number(1001)).id_number_masked in message
    assert valid_id_number(1001) not in message
    assert _added() == 0
    assert not AuditEvent.objects.filter(action="orgs.member.created").exists()


def test_an_id_number_already_in_the_roster_is_refused(world):
    rows = [_row(world.branch, 1001), _row(world.branch, 1002, id_number=world.member.id_number)]
    with pytest.raises(RowsRefused) as refused:
        services.member_bulk_create(actor=world.admin, rows=rows)
    assert list(refused.value.errors) == [1]
    assert world.member.id_number_masked in str(refused.value.message)
    assert world.member.id_number not in str(refused.value.message)
    assert _added() == 0


def test_a_bad_id_number_is_refused_with_the_field_named(world):
    wrong = valid_id_number(1002)[:17] + ("0" if valid_id_number(1002)[17] != "0" else "1")
    rows = [
        _row(world.branch, 1001),
        _row(world.branch, 1002, id_number=wrong),
        _row(world.branch, 1003, name=""),
    ]
    with pytest.raises(RowsRefused) as refused:
        services.member_bulk_create(actor=world.admin, rows=rows)
    assert list(refused.value.errors) == [1, 2]
    assert refused.value.errors[1].startswith("身份证号")
    assert refused.value.errors[2].startswith("名称")
    assert _added() == 0


def test_a_branch_the_actor_does_not_administer_refuses_the_batch(world):
    admin_of_one = UserFactory(username="admin_of_one")
    Role.objects.create(user=admin_of_one, organisation=world.branch, kind=RoleKind.ADMIN)
    rows = [_row(world.branch, 1001), _row(world.other_branch, 1002)]
    for actor in (admin_of_one, world.secretary, world.outsider):
        with pytest.raises(NotPermitted):
            services.member_bulk_create(actor=actor, rows=rows)
    assert _added() == 0
    assert not Placement.objects.filter(member__name__startswith="党员").exists()


def test_members_belong_to_branches(world):
    with pytest.raises(DomainError):
        services.member_bulk_create(actor=world.admin, rows=[_row(world.general, 1001)])
    assert _added() == 0


def test_an_empty_batch_adds_nothing(world):
    assert services.member_bulk_create(actor=world.admin, rows=[]) == []


def _queries(world, first: int, count: int) -> int:
    branches = (world.branch, world.other_branch)
    rows = [_row(branches[n % 2], first + n) for n in range(count)]
    with CaptureQueriesContext(connection) as captured:
        services.member_bulk_create(actor=world.admin, rows=rows)
    # The new members' standings are inserted in batches of SQLite's parameter limit (999);
    # everything else is a fixed number of queries.
    return sum(1 for q in captured if not q["sql"].startswith('INSERT INTO "ledger_standing"'))


def test_the_number_of_queries_does_not_grow_with_the_rows(world):
    few, many = _queries(world, 2000, 5), _queries(world, 3000, 50)
    assert few == many
    assert _added() == 55


def test_an_id_number_added_by_another_transaction_meanwhile_is_refused(world, monkeypatch):
    # The other transaction commits between the check and the insert: the check misses it once.
    real = services._repeated_id_numbers
    calls = []

    def missed_once(members):
        calls.append(len(members))
        return {} if len(calls) == 1 else real(members)

    monkeypatch.setattr(services, "_repeated_id_numbers", missed_once)
    rows = [_row(world.branch, 1001), _row(world.branch, 1002, id_number=world.member.id_number)]
    with pytest.raises(RowsRefused) as refused:
        services.member_bulk_create(actor=world.admin, rows=rows)
    assert list(refused.value.errors) == [1] and calls == [2, 2]
    assert _added() == 0
