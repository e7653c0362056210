"""`/healthz` for load balancers: checks the database and the cache, 503 when either fails."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEALTHY = {"status": "ok", "database": "ok", "cache": "ok"}


def assert_never_stored(response) -> None:
    assert "no-store" in response["Cache-Control"]
    assert "Set-Cookie" not in response  # no session, no CSRF cookie
    assert not response.cookies


def test_healthy_server_answers_200_json(client):
    assert reverse("healthz") == "/healthz"
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == HEALTHY
    assert_never_stored(response)
    # One trivial query: no session or user is loaded.
    assert [q["sql"] for q in queries] == ["SELECT 1"]


def test_load_balancer_probe_on_a_bare_address_over_http(client, settings):
    """Balancers call each server by its own address, over HTTP, with no proxy headers."""
    settings.ALLOWED_HOSTS = ["registry.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    assert response.json() == HEALTHY
    # Every other page still refuses that host and redirects to HTTPS.
    assert client.get("/", HTTP_HOST="10.0.3.7:8000").status_code == 400
    page = client.get("/en/", HTTP_HOST="registry.example.org")
    assert page.status_code == 301
    assert page["Location"] == "https://registry.example.org/en/"


def test_head_is_answered_and_writes_are_refused(client):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_database_down_is_503_and_named(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.5 failed")

    assert client.get("/healthz").status_code == 200
    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    # Not a stored 200: every probe checks again.
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "unavailable", "cache": "ok"}
    assert "10.0.0.5" not in response.text  # the reason goes to the log only
    assert_never_stored(response)


def test_cache_backend_failing_is_503_and_named(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 10.0.0.6:6379. Connection refused.")

    monkeypatch.setattr(caches["default"], "set", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "ok", "cache": "unavailable"}
    assert "10.0.0.6" not in response.text


def test_cache_that_loses_what_it_was_given_is_503(client, monkeypatch):
    monkeypatch.setattr(caches["default"], "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"


def test_unreachable_redis_is_503(client, settings):
    """A real Redis client against a port where nothing listens, so no Redis is needed."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "ok", "cache": "unavailable"}


def test_both_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("down")

    monkeypatch.setattr(connection, "cursor", refuse)
    monkeypatch.setattr(caches["default"], "set", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "unavailable", "cache": "unavailable"}


def test_probe_leaves_no_key_behind(client):
    client.get("/healthz")
    backend = caches["default"]
    if hasattr(backend, "_cache") and isinstance(backend._cache, dict):  # local memory
        assert not [key for key in backend._cache if "healthz" in key]
    else:  # Redis
        redis = backend._cache.get_client()
        assert not list(redis.scan_iter(match=f"{backend.key_prefix}:*healthz*"))
