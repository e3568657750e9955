"""Throttles whose counters live in the shared database cache (settings.CACHES["api_throttle"]),
so that a client cannot multiply its rate by the number of app servers."""

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.settings import api_settings


class _SharedCounter:
    cache = caches["api_throttle"]

    def get_rate(self):
        # Read at request time rather than import time, so that a changed setting applies.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_SharedCounter, throttling.AnonRateThrottle):
    pass


class UserThrottle(_SharedCounter, throttling.UserRateThrottle):
    pass
