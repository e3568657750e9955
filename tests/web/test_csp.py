"""Every page answers with the strict Content-Security-Policy (django-csp)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.access import PERSONAS
from tests.test_access_matrix import CASES

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy(response) -> dict[str, set[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: set(values) for name, *values in directives}


def _user(world, persona):
    return world.member_user if persona == "member" else getattr(world, persona)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.url_name)
def test_every_page_sends_the_strict_policy(client, world, case):
    # As someone who may see the page; for a POST-only address, whoever gets its 405.
    persona = min(PERSONAS, key=lambda p: case.status_for(p) != 200)
    if persona != "anonymous":
        client.force_login(_user(world, persona))
    url = reverse(case.url_name, kwargs=case.kwargs(world)) + case.query

    response = client.get(url)

    assert response.status_code == case.status_for(persona), url
    assert policy(response) == STRICT, url


@pytest.mark.parametrize(
    "path", ["/api/v1/public/notices/", "/api/schema/", "/api/docs/", "/api/docs/?script="]
)
def test_the_api_and_its_swagger_page_send_it_too(world, path):
    response = APIClient().get(path)
    assert response.status_code == 200
    assert policy(response) == STRICT


def test_redoc_alone_may_add_styles_and_its_search_worker(world):
    relaxed = policy(APIClient().get("/api/redoc/"))

    assert relaxed.pop("style-src") == {"'self'", "'unsafe-inline'"}
    assert relaxed.pop("worker-src") == {"'self'", "blob:"}
    assert relaxed == {k: v for k, v in STRICT.items() if k != "style-src"}


@pytest.mark.parametrize("path", ["/admin/", "/admin/auth/user/", "/no-such-page/"])
def test_the_admin_and_error_pages_send_it(client, world, path):
    client.force_login(world.root)
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert policy(response) == STRICT


def test_the_lockout_pages_send_it(client, world, settings):
    settings.JIFEN_LOGIN_IP_FAILURE_LIMIT = 0
    throttled = client.post(reverse("login"), {"username": "member", "password": "guess"})
    assert throttled.status_code == 429
    assert policy(throttled) == STRICT
