"""The export worker: `manage.py run_export_jobs` runs queued exports one after another and
drops expired files; several workers may run side by side. `--once` empties the queue and
stops (for cron or tests)."""

import time

from django.core.management.base import BaseCommand

from jifen.exchange import services


class Command(BaseCommand):
    help = "Run queued exports (the background worker of the exchange app)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Stop when the queue is empty.")
        parser.add_argument("--sleep", type=float, default=2.0, help="Seconds between polls.")

    def handle(self, *args, once: bool, sleep: float, **options):
        while True:
            services.purge_expired()
            while (job := services.export_job_run_next()) is not None:
                self.stdout.write(f"{job.pk} {job.state}")
            if once:
                return
            time.sleep(sleep)
