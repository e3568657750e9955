"""Schema-driven fuzzing: every operation of the OpenAPI schema is called with generated data,
as a superuser (who passes every permission rule, so the deepest code runs) and as a member
(the apps' everyday user), through the WSGI application. No answer may be a server error, and
every answer must match the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from jifen.api import services
from jifen.wsgi import application

# The coverage phase ignores max_examples and would take minutes; fuzzing stays bounded.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The raw WSGI app closes "old" database connections around each request; inside a test's
    transaction that would close the test's own connection on PostgreSQL. django.test.Client
    prevents the same thing the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(world):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)


def _header(user) -> dict:
    _token, key = services.token_create(actor=user, name="fuzz")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def root_header(world):
    return _header(world.root)


@pytest.fixture
def member_header(world):
    return _header(world.member_user)


schema = schemathesis.pytest.from_fixture("api_schema")


FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,  # the same examples every run; nothing kept between runs
    # The world fixture is set up once per operation, not per example: that is intended here.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@FUZZ
def test_every_operation_as_superuser(case, root_header):
    case.call_and_validate(headers=root_header, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_every_operation_as_member(case, member_header):
    case.call_and_validate(headers=member_header, checks=CHECKS)
