"""Liveness and readiness for load balancers and supervisors.

/healthz answers as long as the process serves requests and touches nothing else, so that a
database outage does not get every app server restarted. /readyz (django-health-check) checks
what a request needs: the database, the shared cache that counts the API throttle, the file
storage (a file is written, read and deleted) and the background queue; it answers 500 with
what failed (?format=json for a machine)."""

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from health_check.views import HealthCheckView


@never_cache
def liveness(request):
    return HttpResponse("ok\n", content_type="text/plain")


def readiness_checks() -> list:
    return [
        "health_check.checks.Database",
        ("health_check.checks.Cache", {"alias": "api_throttle"}),
        ("health_check.checks.Storage", {"alias": "default"}),
        (
            "jifen.exchange.health.QueueDepth",
            {"max_wait": datetime.timedelta(minutes=settings.JIFEN_QUEUE_MAX_WAIT_MINUTES)},
        ),
    ]


class ReadinessView(HealthCheckView):
    def get_checks(self):
        self.checks = readiness_checks()
        return super().get_checks()
