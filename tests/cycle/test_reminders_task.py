"""The daily reminders as a background task: the worker keeps the next run queued at the
configured hour, runs it, and the cron command still does the same work."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jifen.cycle import tasks
from jifen.exchange.management.commands.run_worker import keep_house
from jifen.notifications.models import Notification
from tests.conftest import YEAR
from tests.exchange.helpers import run_tasks


def _at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(YEAR, 4, day, hour, minute))


@pytest.fixture(autouse=True)
def at_eight(settings):
    settings.JIFEN_REMINDER_TIME = "08:00"


def test_the_next_run_is_at_the_hour_or_at_once_when_today_was_missed():
    assert tasks.next_run(_at(2, 7), last_run=None) == _at(2, 8)
    assert tasks.next_run(_at(2, 9), last_run=None) == _at(2, 9)
    assert tasks.next_run(_at(2, 9), last_run=_at(1, 8)) == _at(2, 9)
    assert tasks.next_run(_at(2, 9), last_run=_at(2, 8, 1)) == _at(3, 8)


def test_one_run_is_kept_queued(db):
    assert tasks.reminders_schedule(_at(2, 7)) is True
    assert tasks.reminders_schedule(_at(2, 7)) is False
    [task] = DBTaskResult.objects.all()
    assert (task.task_path, task.run_after) == ("jifen.cycle.tasks.send_reminders", _at(2, 8))


def test_without_a_reminder_time_only_cron_sends_them(db, settings):
    settings.JIFEN_REMINDER_TIME = ""
    assert tasks.reminders_schedule(_at(2, 7)) is False
    keep_house("host:1", daily=True)
    assert not DBTaskResult.objects.exists()


def test_the_worker_queues_and_runs_the_days_reminders(world, settings, monkeypatch):
    settings.JIFEN_REMINDER_TIME = "00:00"  # due already, whatever the hour the test runs
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(YEAR, 4, 2))
    keep_house("host:1", daily=True)
    assert run_tasks() == 1
    assert Notification.objects.filter(user=world.member_user, task__startswith="declare:")
    [task] = DBTaskResult.objects.all()
    assert task.status == "SUCCESSFUL" and task.return_value > 0
    # Today's are sent: the next round queues tomorrow's, not another one now.
    keep_house("host:1", daily=True)
    assert run_tasks() == 0
    assert DBTaskResult.objects.filter(status="READY").count() == 1
