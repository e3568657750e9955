import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.test import APIClient


def test_schema_is_public_openapi():
    response = APIClient().get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_only_local_assets(page):
    response = APIClient().get(page)
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    # Also addresses written into inline scripts, e.g. a CDN bundle.
    urls += re.findall(r"""["']((?:https?:)?//[^"']+)["']""", html)
    assets = [url for url in urls if url.endswith((".js", ".css", ".png"))]
    assert assets, "the page should load its scripts"
    for url in urls:
        assert url.startswith("/static/") or url.startswith("/api/"), url
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url


def test_schema_builds_without_warnings(tmp_path):
    # drf-spectacular's warnings mark guessed types; --fail-on-warn turns them into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
