"""The background worker: django-tasks-db's `db_worker`, which runs queued tasks (several
workers may run side by side), plus what that library leaves to us, done before the first task
and then every minute in a thread of its own: jobs whose worker died are retried or failed
(services.jobs_recover), expired files and uploads dropped (and the evidence files kept for
declaration forms never sent again), and old task results pruned.

    manage.py run_worker            # until stopped (Ctrl-C or SIGTERM ends it after its task)
    manage.py run_worker --batch    # run what is queued, then stop (cron, tests)
"""

import io
import logging
import os
import threading
import time

from django.core.management import call_command
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from jifen.exchange import services
from jifen.portal import services as portal_services

logger = logging.getLogger(__name__)


def keep_house() -> None:
    services.housekeeping()
    # The evidence files kept for declaration forms never sent again go the same way as
    # unconfirmed uploads.
    portal_services.pending_files_purge()
    call_command("prune_db_task_results", verbosity=0, stdout=io.StringIO())


def _keep_house_every(seconds: float) -> None:
    while True:
        time.sleep(seconds)
        try:
            keep_house()
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
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            keep_house()
            if not options["batch"]:
                threading.Thread(
                    target=_keep_house_every,
                    args=(housekeeping_interval,),
                    name="housekeeping",
                    daemon=True,
                ).start()
        super().handle(*args, **options)
