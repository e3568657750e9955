"""Settings of the site that bench/pages.py serves with gunicorn: jifen's own with DEBUG off and
one bare Django view beside the pages (bench/pages_urls.py). A benchmark's module, never used
by the application."""

from jifen.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.pages_urls"
# The demo's notifications by email stay in memory: the benchmark prints figures only.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
