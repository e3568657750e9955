"""The background queue's part of the readiness check (django-health-check)."""

import dataclasses
import datetime

from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable


@dataclasses.dataclass
class QueueDepth(HealthCheck):
    """Fails when a task has waited longer than `max_wait` to be picked up: no worker runs, or
    the workers cannot keep up. The message says how many wait."""

    max_wait: datetime.timedelta = datetime.timedelta(minutes=10)

    async def run(self):
        # Async, so that its queries run on the request's own connection (Django runs the async
        # ORM there), not on one left open in an executor thread.
        now = timezone.now()
        waiting = DBTaskResult.objects.ready()
        oldest = (
            await waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).afirst()
        )
        if oldest is not None and now - oldest > self.max_wait:
            minutes = int((now - oldest).total_seconds() // 60)
            raise ServiceUnavailable(
                f"{await waiting.acount()} tasks queued, the oldest for {minutes} minutes: "
                "is a worker (manage.py run_worker) running?"
            )
