"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from partnership_site import settings as project_settings

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 60


def load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    code = "import partnership_site.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_requires_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_short_secret_key_is_refused():
    result = load_settings(DJANGO_SECRET_KEY="short")
    assert result.returncode != 0
    assert "50+ characters" in result.stderr


def test_defaults_to_sqlite_with_debug_off():
    result = load_settings(DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_postgres_url():
    result = load_settings(
        DJANGO_SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://u:p@db.example:5432/registry"
    )
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]


def test_unknown_database_scheme_is_refused():
    result = load_settings(DJANGO_SECRET_KEY=GOOD_KEY, DATABASE_URL="mysql://u@h/db")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_malformed_boolean_names_the_variable():
    result = load_settings(DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_debug_allows_a_development_key():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("Off", False), ("", False)]
)
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert project_settings.env_bool("X_FLAG") is expected


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER must be an integer"):
        project_settings.env_int("X_NUMBER", 1)
    monkeypatch.setenv("X_HOSTS", " a.example , b.example,, ")
    assert project_settings.env_list("X_HOSTS") == ["a.example", "b.example"]
