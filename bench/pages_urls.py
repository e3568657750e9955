"""jifen's URLs and the bare Django view that bench/pages.py compares every page with."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """Through the same middleware as every page, and nothing else."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("jifen.urls")),
]
