"""Schema-driven fuzzing of every API operation (schemathesis): no server
errors, and every documented response matches the schema.

The schema is generated in-process (the same generator that serves
/api/schema/), so collection needs no database; the calls go to the WSGI app.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from api import tokens
from scoring import services
from smartcity.wsgi import application
from tests.scoring.conftest import scored_cycle

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(public=True))
schema.app = application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def published(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis' WSGI host
    cycle = scored_cycle(["36.74", "36.71", "32.73"])
    return services.publish(cycle=cycle, final=False)


@pytest.fixture
def official_token(official, cycle):
    """Calls made as Kota Tangerang Selatan's official, with a write token, so
    the authorised operations (uploads included) are fuzzed too."""
    from submissions import services as submission_services

    submission_services.workspace_for(official, cycle)
    _token, raw = tokens.issue(user=official, name="fuzz", scope="write")
    return raw


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request must not close the connection
    that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_holds_to_its_schema(case, official_token):
    cache.clear()  # fuzzing is not meant to trip the throttle
    response = case.call(headers={"Authorization": f"Bearer {official_token}"})
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            response_schema_conformance,
            content_type_conformance,
        ],
    )
