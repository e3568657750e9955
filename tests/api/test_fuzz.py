"""Schema-driven fuzzing: every operation of the OpenAPI schema is called with generated data,
as a signed-in superuser (who passes every permission rule, so the deepest code runs), through
the WSGI application. No answer may be a server error, and every answer must match the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from jifen.wsgi import application
from tests.api.conftest import token_client

# The coverage phase ignores max_examples and would take minutes; fuzzing stays bounded.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def api_schema(world):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=CONFIG)


@pytest.fixture
def auth_header(world):
    client = token_client(world.root)
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,  # the same examples every run; nothing kept between runs
    # The world fixture is set up once per operation, not per example: that is intended here.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db(transaction=False)
def test_every_operation_answers_within_its_schema(case, auth_header):
    case.call_and_validate(headers=auth_header, checks=CHECKS)
