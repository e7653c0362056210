"""A database or cache outage answers 503 with Retry-After: a friendly page on the site and in
the admin, JSON on the API, never a traceback or a server's details (registry/faults.py)."""

from __future__ import annotations

import pytest
import redis.exceptions
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, ProgrammingError, connection
from django.test import Client, override_settings

from registry.faults import is_outage
from tests import factories as f

pytestmark = pytest.mark.django_db

# Server details in the error that must never reach a visitor.
DETAIL = "connection to server at 10.0.0.5 port 5432 failed"
CLOSED_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Port 1 (tcpmux) is closed on any machine that runs the suite: refused at once.
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": "faults",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture
def visitor() -> Client:
    # A real server answers whatever the view raised; the test client would re-raise it.
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError(DETAIL)

    monkeypatch.setattr(connection, "cursor", refuse)


def assert_unavailable(response) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    for leak in ("Traceback", "OperationalError", "ConnectionError", "10.0.0.5", "127.0.0.1:1"):
        assert leak not in body
    return body


def assert_friendly_page(response) -> None:
    body = assert_unavailable(response)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>The registry is briefly unavailable</h1>" in body
    assert "try again in 30 seconds" in body
    assert "Error 503" in body


def assert_api_json(response) -> None:
    assert_unavailable(response)
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The registry is briefly unavailable. Please try again in 30 seconds."
    }


# --- the database ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/en/", "/en/visits/", "/en/search/?q=tbilisi", "/en/visits/feed/rss/"]
)
def test_database_down_public_pages_answer_the_friendly_503(visitor, database_down, path):
    assert_friendly_page(visitor.get(path))


def test_database_down_the_api_answers_json(visitor, database_down):
    assert_api_json(visitor.get("/api/v1/visits/"))
    assert_api_json(visitor.get("/api/v1/visits/?format=csv"))


def test_database_down_the_admin_login_answers_the_friendly_503(visitor, database_down):
    # The empty form needs no database; checking a password does.
    assert 'id="id_password"' in visitor.get("/admin/login/").content.decode()
    assert_friendly_page(visitor.post("/admin/login/", {"username": "a", "password": "b"}))


def test_database_down_under_a_signed_in_session(monkeypatch):
    """The session and the user are read from the database before any view runs."""
    editor = Client(raise_request_exception=False)
    editor.force_login(f.create_user(role="editor"))
    monkeypatch.setattr(
        connection, "cursor", lambda *a, **k: (_ for _ in ()).throw(InterfaceError())
    )
    assert_friendly_page(editor.get("/admin/"))
    assert_friendly_page(editor.get("/en/"))


def test_with_debug_on_the_outage_is_still_a_503(visitor, database_down, settings):
    settings.DEBUG = True
    assert_friendly_page(visitor.get("/en/visits/"))


def test_the_wait_is_a_setting(visitor, database_down, settings):
    settings.SERVICE_UNAVAILABLE_RETRY_AFTER = 120
    response = visitor.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "try again in 120 seconds" in response.content.decode()


def test_an_error_that_is_not_an_outage_stays_a_500(visitor, monkeypatch):
    def broken(*args, **kwargs):
        raise ProgrammingError("relation does not exist")

    monkeypatch.setattr(connection, "cursor", broken)
    response = visitor.get("/en/visits/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Sorry, something went wrong" in response.content.decode()


def test_healthz_keeps_its_own_answer(visitor, database_down):
    response = visitor.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


# --- the cache -------------------------------------------------------------------------------


@pytest.fixture
def cache_down():
    with override_settings(CACHES=CLOSED_REDIS):
        yield


def test_cache_down_the_api_answers_json(visitor, cache_down):
    """The API's throttle counts in the shared cache: without it, no answer is safe."""
    assert_api_json(visitor.get("/api/v1/topics/"))


def test_cache_down_public_pages_are_served_without_it_or_answer_503(visitor):
    f.create_visit(title="Visit to Tbilisi")
    with override_settings(CACHES=CLOSED_REDIS):
        response = visitor.get("/en/visits/")
    # The public cache is skipped when it is down; a page that needs it answers 503.
    if response.status_code == 503:
        assert_friendly_page(response)
    else:
        assert response.status_code == 200
        assert "Visit to Tbilisi" in response.content.decode()


def test_cache_errors_raised_in_a_view_answer_503(visitor, monkeypatch):
    def refuse(*args, **kwargs):
        raise redis.exceptions.TimeoutError("Timeout reading from 10.0.0.5:6379")

    for name in ("get", "get_many", "set", "set_many", "add", "incr", "delete"):
        monkeypatch.setattr(cache, name, refuse)
    assert_api_json(visitor.get("/api/v1/topics/"))


# --- what counts as an outage ----------------------------------------------------------------


def test_is_outage_follows_the_chain_of_causes():
    try:
        try:
            raise redis.exceptions.ConnectionError("refused")
        except redis.exceptions.ConnectionError as error:
            raise RuntimeError("while rendering") from error
    except RuntimeError as wrapped:
        assert is_outage(wrapped)
    assert is_outage(OperationalError("gone"))
    assert not is_outage(ValueError("bad input"))
    assert not is_outage(None)
