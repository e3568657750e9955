"""gunicorn's settings for jifen (`gunicorn --config deploy/gunicorn.conf.py --bind ADDRESS
jifen.wsgi`): the same for every app server; the address is given on the command line."""

import multiprocessing
import os

# WEB_CONCURRENCY sets the number of worker processes; by default two per core and one more.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# The largest page work done in a request (a branch's PDF) stays well within this.
timeout = 120
graceful_timeout = 30
# Workers are replaced now and then, so that no slow leak grows for ever.
max_requests = 1000
max_requests_jitter = 100
# The app writes one JSON line per request itself (jifen/web/logs.py): no access log here.
accesslog = None
errorlog = "-"
# nginx on the same machine: believe its X-Forwarded-Proto (Django also reads it, see
# SECURE_PROXY_SSL_HEADER in settings.py).
forwarded_allow_ips = "127.0.0.1"
