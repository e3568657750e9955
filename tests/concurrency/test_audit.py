"""Purges of the audit log running at once remove each old row once, and each records what it
removed: the counts add up to the rows there were."""

from jifen.audit import services
from jifen.audit.models import AuditEvent
from jifen.audit.services import log_action
from tests.audit.helpers import backdate
from tests.concurrency.parallel import run_parallel, same_work


def test_four_simultaneous_purges_remove_each_old_row_once(world):
    old = [log_action("test.old", actor=world.admin, obj=world.member).pk for _ in range(30)]
    backdate(AuditEvent, old, 200)

    outcomes = run_parallel(same_work(4, lambda i: services.purge()))

    assert [o.error for o in outcomes] == [None] * 4
    assert sum(o.value["auditevent"] for o in outcomes) == 30
    assert not AuditEvent.objects.filter(action="test.old").exists()
    purges = AuditEvent.objects.filter(action="audit.log.purged")
    assert sorted(e.data["events"] for e in purges) == sorted(
        o.value["auditevent"] for o in outcomes
    )
