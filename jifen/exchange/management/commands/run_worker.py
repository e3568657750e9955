"""The background worker: django-tasks-db's `db_worker`, which runs queued tasks (several
workers may run side by side), plus what that library leaves to us, done before the first task
and then every minute in a thread of its own: jobs whose worker died are retried or failed
(services.jobs_recover), expired files and uploads dropped (and the evidence files kept for
declaration forms never sent again), the next daily reminders kept queued
(jifen.cycle.tasks), and old task results pruned. Each round also reports the worker as
running, for the job page to tell whether one runs.

    manage.py run_worker            # until stopped (Ctrl-C or SIGTERM ends it after its task)
    manage.py run_worker --batch    # run what is queued, then stop (cron, tests)
"""

import io
import logging
import os
import socket
import threading
import time

from django.core.management import call_command
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from jifen.cycle.tasks import reminders_schedule
from jifen.exchange import services
from jifen.portal import services as portal_services

logger = logging.getLogger(__name__)


def keep_house(name: str, *, daily: bool) -> None:
    """One round: report this worker as running, recover and purge, and (`daily`, a worker
    that keeps running) keep the next daily reminders queued."""
    services.worker_beat(name)
    services.housekeeping()
    # The evidence files kept for declaration forms never sent again go the same way as
    # unconfirmed uploads.
    portal_services.pending_files_purge()
    if daily:
        reminders_schedule()
    call_command("prune_db_task_results", verbosity=0, stdout=io.StringIO())


def _keep_house_every(seconds: float, name: str) -> None:
    while True:
        time.sleep(seconds)
        try:
            keep_house(name, daily=True)
        except Exception:  # the next round tries again; the worker itself carries on
            logger.exception("housekeeping failed")
        finally:
            connections.close_all()  # this thread's own connections


class Command(db_worker.Command):
    help = "Run background tasks (large exports and imports) and keep house."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--housekeeping-interval",
            type=float,
            default=60.0,
            help="Seconds between housekeeping rounds (default: %(default)r)",
        )

    def handle(self, *args, housekeeping_interval: float, **options):
        # With --reload the command runs again in a child process: that one runs the tasks and
        # keeps house, the parent only watches the code.
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)
        name = f"{socket.gethostname()}:{os.getpid()}"
        keep_house(name, daily=not options["batch"])
        if not options["batch"]:
            threading.Thread(
                target=_keep_house_every,
                args=(housekeeping_interval, name),
                name="housekeeping",
                daemon=True,
            ).start()
        try:
            super().handle(*args, **options)
        finally:
            services.worker_stopped(name)
