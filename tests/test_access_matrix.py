import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.access import PERSONAS, Case

# Django's own and third-party URLs, which keep their own permission rules.
IGNORED_NAMESPACES = {"admin", "djdt"}
IGNORED_NAMES = {"set_language", "javascript-catalog"}


def _named_urls(resolver=None, prefix="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in IGNORED_NAMESPACES:
                continue
            inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in IGNORED_NAMES:
            names.add(prefix + pattern.name)
    return names


def _cases() -> list[Case]:
    cases = []
    for module in pkgutil.iter_modules(tests.__path__):
        try:
            access = importlib.import_module(f"tests.{module.name}.access")
        except ModuleNotFoundError:
            continue
        cases.extend(access.CASES)
    return cases


CASES = _cases()


def test_every_url_has_a_rule():
    covered = {case.url_name for case in CASES}
    api_names = {name for name in _named_urls() if name.startswith("api")}
    missing = _named_urls() - covered - api_names
    assert not missing, (
        f"URLs without a permission case in tests/<app>/access.py: {sorted(missing)}"
    )


def _login(client, world, persona):
    if persona == "anonymous":
        return
    user = world.member_user if persona == "member" else getattr(world, persona)
    client.force_login(user)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.url_name)
def test_permission_matrix(client, world, case, persona):
    _login(client, world, persona)
    url = reverse(case.url_name, kwargs=case.kwargs(world)) + case.query
    response = client.get(url)
    assert response.status_code == case.status_for(persona), (url, persona)
