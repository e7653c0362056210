"""The OpenAPI schema: valid with no warnings, its docs page served from local files, and the
API held to it by property-based fuzzing (schemathesis) on the seed content."""

from __future__ import annotations

import json
import os
import warnings

import pytest
import schemathesis
import yaml
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from registry.seed.loader import load_seed
from tests.conftest import clear_caches

# Bounded so that the fuzzing takes seconds: examples per operation and per mode. `make fuzz`
# raises it, and then draws new examples each run rather than the same fixed ones.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"))
FIXED_EXAMPLES = "SCHEMATHESIS_MAX_EXAMPLES" not in os.environ


@pytest.mark.django_db
def test_schema_is_valid_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for endpoint in ["regions", "countries", "programmes", "participations", "offices"]:
        assert f"/api/v1/{endpoint}/" in paths
    for endpoint in ["positions", "people", "appointments", "visits", "events", "topics"]:
        assert f"/api/v1/{endpoint}/" in paths
    assert "/api/v1/sources/{slug}/" in paths
    assert "/api/v1/appointments/{id}/" in paths
    offices = {p["name"] for p in paths["/api/v1/offices/"]["get"]["parameters"]}
    assert {"as_of", "country", "region", "current", "q", "ordering", "page_size"} <= offices
    visits = {p["name"] for p in paths["/api/v1/visits/"]["get"]["parameters"]}
    assert {"cursor", "page_size", "country", "person", "topic", "q"} <= visits
    assert "page" not in visits


@pytest.mark.django_db
def test_schema_and_docs_are_served(client, settings):
    # The docs page names its static files; in production they carry hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Partnership Registry API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        yield
        transaction.set_rollback(True)


def load_api_schema() -> schemathesis.BaseSchema:
    """The schema as /api/schema/ serves it, generated in-process, with the WSGI app attached
    so that schemathesis calls the API directly. (Loaded at import: schemathesis's lazy
    `from_fixture` does not work with pytest 9.)"""
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(None, True)))
    loaded = schemathesis.openapi.from_dict(document)
    with warnings.catch_warnings():
        # WhiteNoise notes that `collectstatic` has not run; the API serves no static files.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        loaded.app = WSGIHandler()
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=MAX_EXAMPLES,
        allow_x00=True,
    )
    return loaded


schema = load_api_schema()


@pytest.fixture
def live_api(seeded, db, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]  # schemathesis's WSGI host
    settings.API_THROTTLE_ANON = "1000000/min"
    clear_caches()
    # Django closes the connection after each request outside its test client, which would
    # end the test's transaction; the test client disconnects the same handlers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=FIXED_EXAMPLES,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, live_api):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ]
    )
