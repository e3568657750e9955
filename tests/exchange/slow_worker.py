"""A real worker process whose exports crawl, for the test that kills it mid-run
(tests/exchange/test_worker_process.py): each row takes a twentieth of a second and reports its
progress. Run as `python -m tests.exchange.slow_worker [run_worker options]`."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jifen.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from jifen.exchange import exports  # noqa: E402

_rows = exports._Counter.rows


def _crawl(counter, sheet_rows):
    for row in _rows(counter, sheet_rows):
        time.sleep(0.05)
        yield row


exports._Counter.rows = _crawl
exports._PROGRESS_EVERY = 1
call_command("run_worker", "--no-reload", "--no-startup-delay", *sys.argv[1:])
