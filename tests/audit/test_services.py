from jifen.audit.models import AuditEvent
from jifen.audit.services import log_action, log_actions_bulk


def test_a_bulk_event_is_written_as_log_action_writes_it(world):
    single = log_action(
        "test.done",
        actor=world.admin,
        obj=world.member,
        organisation=world.branch,
        branch=world.branch,
        on="x",
    )
    written = log_actions_bulk(
        "test.done",
        actor=world.admin,
        events=[(world.member, world.branch, {"branch": world.branch, "on": "x"})],
    )
    fields = ("action", "actor_id", "actor_name", "organisation_id", "object_type", "object_id")
    fields += ("data", "client_address")
    stored = AuditEvent.objects.filter(action="test.done").order_by("id")
    assert [[getattr(e, f) for f in fields] for e in stored] == [
        [getattr(single, f) for f in fields]
    ] * 2
    assert written == 1 and stored[1].at >= single.at


def test_an_anonymous_actor_is_recorded_as_none(world):
    from django.contrib.auth.models import AnonymousUser

    log_actions_bulk("test.done", actor=AnonymousUser(), events=[(world.member, None, {})])
    event = AuditEvent.objects.get(action="test.done")
    assert event.actor is None and event.organisation is None and event.actor_name == ""
