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


PREFIXES = (
    "DJANGO_",
    "DATABASE_",
    "REDIS_",
    "CACHE_",
    "GUNICORN_",
    "API_",
    "LOGIN_",
    "CSP_",
    "SERVICE_",
)


def load_settings(
    show: str = "s.DEBUG, s.DATABASES['default']['ENGINE']", **env: str
) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with exactly these variables and
    print `show` (an expression over the module `s`)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    code = f"import partnership_site.settings as s; print({show})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_requires_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_manage_py_names_a_missing_variable_instead_of_a_traceback():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY is required" in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr
    assert "Traceback" not in result.stderr


def test_short_secret_key_is_refused():
    result = load_settings(DJANGO_SECRET_KEY="short")
    assert result.returncode != 0
    assert "50+ characters" in result.stderr


def test_defaults_to_sqlite_with_debug_off():
    result = load_settings(DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3"]


def test_production_hashes_passwords_slowly():
    # The suite swaps in a fast hasher (conftest.py); the settings themselves must not.
    result = load_settings("s.__dict__.get('PASSWORD_HASHERS')", DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"  # Django's default: PBKDF2 first


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


# --- database connections, the shared cache --------------------------------------------------


def test_database_connections_persist_with_health_checks():
    show = "s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS']"
    result = load_settings(show, DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True"]
    result = load_settings(show, DJANGO_SECRET_KEY=GOOD_KEY, DATABASE_CONN_MAX_AGE="0")
    assert result.stdout.split() == ["0", "True"]


def test_sessions_are_kept_in_the_database():
    result = load_settings("s.SESSION_ENGINE", DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.stdout.strip() == "django.contrib.sessions.backends.db"


CACHE = "s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION'), " + (
    "s.CACHES['default']['KEY_PREFIX']"
)


def test_without_redis_the_cache_is_local_memory():
    result = load_settings(CACHE, DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "registry",
        "registry",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/1",
        "redis://:s3cret@cache.internal:6380",
        "rediss://user:pw@cache.example.org:6379/0",
        "unix:///run/redis/redis.sock?db=2",
    ],
)
def test_redis_url_selects_the_redis_cache(url):
    result = load_settings(CACHE, DJANGO_SECRET_KEY=GOOD_KEY, REDIS_URL=url, CACHE_KEY_PREFIX="a")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", url, "a"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("127.0.0.1:6379", "REDIS_URL must be a redis://, rediss:// or unix:// URL"),
        ("http://cache.internal:6379/0", "REDIS_URL must be a redis://, rediss:// or unix://"),
        ("redis://cache.internal:port/0", "REDIS_URL must be a Redis URL"),
        ("redis:///0", "REDIS_URL must name a host"),
        ("redis://:s3cret@cache.internal:6379/zero", "REDIS_URL must end in a database number"),
        ("unix://", "REDIS_URL must give the socket path"),
    ],
)
def test_malformed_redis_url_is_refused_without_showing_it(url, message):
    result = load_settings(CACHE, DJANGO_SECRET_KEY=GOOD_KEY, REDIS_URL=url)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert "s3cret" not in result.stderr  # a password is never printed


def test_cache_key_prefix_is_checked():
    result = load_settings(CACHE, DJANGO_SECRET_KEY=GOOD_KEY, CACHE_KEY_PREFIX="two words")
    assert result.returncode != 0
    assert "CACHE_KEY_PREFIX must be" in result.stderr


def test_pending_imports_wait_in_the_shared_cache():
    result = load_settings("s.IMPORT_EXPORT_TMP_STORAGE_CLASS", DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.stdout.strip() == "registry.admin.transfer.PendingImportStorage"


@pytest.mark.django_db
def test_api_throttling_counts_in_the_shared_default_cache(client, settings):
    """Every process and server sees the same count only if it lives in the default cache
    (Redis in production), not in a throttle's own memory."""
    from django.core.cache import caches

    settings.API_THROTTLE_ANON = "1/min"
    # Distinct addresses: a response served whole from the public cache is not counted.
    assert client.get("/api/v1/topics/?n=1").status_code == 200
    assert client.get("/api/v1/topics/?n=2").status_code == 429
    key = "throttle_anon_127.0.0.1"
    assert len(caches["default"].get(key)) == 1  # the one request let through
    caches["default"].delete(key)
    assert client.get("/api/v1/topics/?n=3").status_code == 200


# --- proxies, login lockout, Content-Security-Policy -----------------------------------------


def test_without_a_proxy_no_forwarded_header_is_believed():
    show = (
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.NUM_PROXIES, "
        "s.REST_FRAMEWORK['NUM_PROXIES']"
    )
    result = load_settings(show, DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "0", "0"]


def test_behind_a_proxy_the_forwarded_scheme_is_believed():
    show = "s.SECURE_PROXY_SSL_HEADER, s.NUM_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES']"
    result = load_settings(show, DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_NUM_PROXIES="2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') 2 2"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_NUM_PROXIES": "9"}, "DJANGO_NUM_PROXIES must be between 0 and 5"),
        ({"DJANGO_NUM_PROXIES": "one"}, "DJANGO_NUM_PROXIES must be an integer"),
        ({"API_NUM_PROXIES": "1"}, "API_NUM_PROXIES is now DJANGO_NUM_PROXIES"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT must be between 1 and 100"),
        ({"LOGIN_LOCKOUT_MINUTES": "0"}, "LOGIN_LOCKOUT_MINUTES between 1 and"),
        ({"SERVICE_UNAVAILABLE_RETRY_AFTER": "0"}, "SERVICE_UNAVAILABLE_RETRY_AFTER must be"),
        ({"CSP_REPORT_ONLY": "perhaps"}, "CSP_REPORT_ONLY must be a boolean"),
    ],
)
def test_malformed_security_settings_are_refused(env, message):
    result = load_settings(DJANGO_SECRET_KEY=GOOD_KEY, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_login_lockout_comes_from_the_environment():
    show = "s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds()"
    result = load_settings(show, DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.stdout.split() == ["5", "900.0"]
    result = load_settings(
        show, DJANGO_SECRET_KEY=GOOD_KEY, LOGIN_FAILURE_LIMIT="10", LOGIN_LOCKOUT_MINUTES="60"
    )
    assert result.stdout.split() == ["10", "3600.0"]


CSP = (
    "bool(s.CONTENT_SECURITY_POLICY), bool(s.CONTENT_SECURITY_POLICY_REPORT_ONLY), "
    "(s.CONTENT_SECURITY_POLICY or s.CONTENT_SECURITY_POLICY_REPORT_ONLY)['DIRECTIVES']"
    ".get('report-uri')"
)


def test_csp_is_enforced_by_default():
    result = load_settings(CSP, DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "None"]


def test_csp_report_only_and_report_uri_come_from_the_environment():
    result = load_settings(
        CSP,
        DJANGO_SECRET_KEY=GOOD_KEY,
        CSP_REPORT_ONLY="1",
        CSP_REPORT_URI="https://reports.example.org/csp",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "['https://reports.example.org/csp']"]


# --- gunicorn ----------------------------------------------------------------------------------


def gunicorn_config(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    code = (
        "import runpy; c = runpy.run_path('partnership_site/gunicorn.py'); "
        "print(c['bind'], c['worker_class'], c['workers'], c['threads'], c['timeout'], "
        "c['forwarded_allow_ips'], c['accesslog'], c['secure_scheme_headers'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_gunicorn_defaults_fit_a_two_core_server():
    result = gunicorn_config()
    assert result.returncode == 0, result.stderr
    # No proxy unless DJANGO_NUM_PROXIES says so: X-Forwarded-Proto is not believed.
    assert result.stdout.strip() == "['127.0.0.1:8000'] gthread 2 4 30 127.0.0.1,::1 - {}"


def test_gunicorn_believes_the_forwarded_scheme_only_behind_a_proxy():
    result = gunicorn_config(DJANGO_NUM_PROXIES="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("{'X-FORWARDED-PROTO': 'https'}")


def test_gunicorn_settings_come_from_the_environment():
    result = gunicorn_config(
        GUNICORN_BIND="0.0.0.0:8000,unix:/run/registry.sock",
        GUNICORN_WORKER_CLASS="sync",
        GUNICORN_WORKERS="5",
        GUNICORN_THREADS="1",
        GUNICORN_TIMEOUT="60",
        GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.0/24",
        GUNICORN_ACCESS_LOG="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:7] == [
        "['0.0.0.0:8000',",
        "'unix:/run/registry.sock']",
        "sync",
        "5",
        "1",
        "60",
        "10.0.0.0/24",
    ]
    assert result.stdout.split()[7] == "None"  # no access log


def test_gunicorn_refuses_a_malformed_number():
    result = gunicorn_config(GUNICORN_WORKERS="two")
    assert result.returncode != 0
    assert "GUNICORN_WORKERS must be an integer" in result.stderr


def test_gunicorn_accepts_the_config_file():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PREFIXES)}
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "--config",
            "partnership_site/gunicorn.py",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SECRET_KEY": GOOD_KEY},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_sqlite_serialises_writers_and_waits_for_the_lock():
    options = "s.DATABASES['default']['OPTIONS']"
    result = load_settings(f"sorted({options}.items())", DJANGO_SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert "('transaction_mode', 'IMMEDIATE')" in result.stdout
    assert "('timeout', 20)" in result.stdout
    assert "journal_mode=WAL" in result.stdout
    result = load_settings(
        f"{options}['timeout']", DJANGO_SECRET_KEY=GOOD_KEY, SQLITE_BUSY_TIMEOUT="5"
    )
    assert result.stdout.strip() == "5"
    result = load_settings(
        "s.DATABASES['default'].get('OPTIONS', {})",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DATABASE_URL="postgres://u:p@db.example:5432/registry",
    )
    assert "transaction_mode" not in result.stdout
