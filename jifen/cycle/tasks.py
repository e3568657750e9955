"""The daily reminders as a background task (django-tasks): the worker keeps one queued for
the next run (reminders_schedule, called by run_worker between tasks), at
JIFEN_REMINDER_TIME each day. `manage.py send_reminders` from cron does the same work; both
may run, as a reminder is made once."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from jifen.cycle import services


@task()
def send_reminders() -> int:
    # Reminders are written in the site's language, not the worker's environment's.
    with translation.override(settings.LANGUAGE_CODE):
        return services.reminders_send()


def _reminder_tasks():
    return DBTaskResult.objects.filter(task_path=send_reminders.module_path)


def next_run(now: datetime.datetime, last_run: datetime.datetime | None) -> datetime.datetime:
    """Today at the reminder time, or at once when that has passed and today's reminders have
    not been sent (the worker was down at the hour); tomorrow's once today's are sent."""
    hour, minute = (int(part) for part in settings.JIFEN_REMINDER_TIME.split(":"))
    today = timezone.localtime(now).date()
    at = datetime.datetime.combine(today, datetime.time(hour, minute))
    at = timezone.make_aware(at)
    if last_run is not None and timezone.localtime(last_run).date() >= today:
        return at + datetime.timedelta(days=1)
    return max(at, now)


def reminders_schedule(now: datetime.datetime | None = None) -> bool:
    """Queue the next daily run unless one is queued or running (JIFEN_REMINDER_TIME empty:
    never, reminders come from cron). True when it queued one."""
    if not settings.JIFEN_REMINDER_TIME:
        return False
    waiting = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
    if _reminder_tasks().filter(status__in=waiting).exists():
        return False
    last = (
        _reminder_tasks()
        .filter(status=TaskResultStatus.SUCCESSFUL)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    send_reminders.using(run_after=next_run(now or timezone.now(), last)).enqueue()
    return True
