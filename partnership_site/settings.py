"""Settings for the Partnership Registry.

Every value comes from the environment through the small typed helpers below, which fail
loudly on a malformed value instead of silently falling back to a default.
"""

from __future__ import annotations

import importlib.util
import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_redis_url(name: str) -> str | None:
    """A redis://, rediss:// or unix:// URL, checked here so that a typo stops start-up
    instead of failing on the first request. The message never repeats the value, which may
    hold a password."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    example = "such as redis://127.0.0.1:6379/0"
    try:
        url = urlsplit(raw)
        url.port  # noqa: B018 -- parsing the port raises ValueError when it is not a number
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a Redis URL {example}.") from None
    if url.scheme in {"redis", "rediss"}:
        if not url.hostname:
            raise ImproperlyConfigured(f"{name} must name a host, {example}.")
        db = url.path.strip("/")
        if db and not db.isdigit():
            raise ImproperlyConfigured(f"{name} must end in a database number, {example}.")
    elif url.scheme == "unix":
        if not url.path:
            raise ImproperlyConfigured(
                f"{name} must give the socket path, e.g. unix:///run/redis.sock."
            )
    else:
        raise ImproperlyConfigured(
            f"{name} must be a redis://, rediss:// or unix:// URL, {example}."
        )
    return raw


DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    # A throwaway key is acceptable only for local development with debug on.
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-development-key-do-not-use-in-production")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of 50+ characters.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Login lockout after repeated wrong passwords (docs/deployment.md, "Login lockout").
    "axes",
    "csp",
    # CSV export and import in the admin (registry/admin/transfer.py).
    "import_export",
    "registry",
]

MIDDLEWARE = [
    # First: answers /healthz for load balancers before the host check (registry/views/health.py).
    "registry.views.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outermost after the security headers: adds the Content-Security-Policy to every answer,
    # stored pages included, and turns a database or cache outage into a 503.
    "registry.content_security.ContentSecurityPolicyMiddleware",
    "registry.faults.ServiceUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: from the /en/ or /fr/ of a public page; elsewhere (the API, the admin,
    # a first visit to an address without one) from Accept-Language. An API request may also
    # name it with ?lang= (registry/api/language.py).
    "django.middleware.locale.LocaleMiddleware",
    "registry.api.language.ApiLanguageMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whole-response cache and ETags of anonymous public GETs (registry/cache.py).
    "registry.cache.PublicCacheMiddleware",
    # Records who made each change in the registry's history (registry/models/history.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Benchmark only (`make bench`, docs/performance.md): yardstick views under /bench/ and an
# X-Query-Count response header. Never on in production.
BENCH_VIEWS = env_bool("BENCH_VIEWS", False)
if BENCH_VIEWS:
    MIDDLEWARE.insert(0, "registry.bench.middleware.QueryCountMiddleware")

ROOT_URLCONF = "partnership_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "partnership_site.wsgi.application"
ASGI_APPLICATION = "partnership_site.asgi.application"

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:", "pgsql:")):
    raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL.")
# Persistent connections: opening one per request costs a third to a half of the throughput.
# Health checks replace a connection that the database or a proxy has closed meanwhile.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several editors saving at once: every transaction takes SQLite's write lock when it
    # begins (IMMEDIATE), so two saves queue instead of one failing with "database is
    # locked" when it upgrades from reading to writing; WAL lets readers go on meanwhile,
    # and a writer waits up to SQLITE_BUSY_TIMEOUT seconds for the lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=env_int("SQLITE_BUSY_TIMEOUT", 20),
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )

# The shared cache (docs/deployment.md). With REDIS_URL every process and server counts API
# throttles, keeps pending CSV imports and stores cached pages in one place; without it, each
# process uses its own memory, which is right for `make run` and needs no service.
REDIS_URL = env_redis_url("REDIS_URL")
# Prefixed to every key, so that several sites or test runs can share one Redis database.
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "registry")
if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", CACHE_KEY_PREFIX):
    raise ImproperlyConfigured(
        "CACHE_KEY_PREFIX must be 1 to 64 letters, digits or the characters _ . : -"
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # A Redis that does not answer fails a request (and /healthz) within seconds
            # instead of holding a worker thread for minutes.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "registry",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# Nothing a visitor or editor relies on lives in one process: sessions are rows in the
# database, messages ride in the cookie or the session, and a CSV import waiting for the
# editor's confirmation is kept in the shared cache (registry/admin/transfer.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
IMPORT_EXPORT_TMP_STORAGE_CLASS = "registry.admin.transfer.PendingImportStorage"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English, the registry's source language, and French (registry/translation.py). English
# dates and numbers follow British usage (partnership_site/formats/en/).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["partnership_site.formats"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` puts the hashed files the site serves (whitenoise).
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]


def releases_storage() -> dict:
    """Where data releases are kept (registry/releases/): a local folder by default,
    an S3-compatible bucket with RELEASES_S3_BUCKET (needs `pip install django-storages[s3]`;
    credentials come from the usual AWS_* variables)."""
    bucket = env_str("RELEASES_S3_BUCKET", "")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": env_str("RELEASES_ROOT", str(BASE_DIR / "releases")),
                "base_url": None,
                "file_permissions_mode": 0o644,
            },
        }
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "RELEASES_S3_BUCKET needs django-storages: pip install 'django-storages[s3]'."
        )
    options = {"bucket_name": bucket, "default_acl": None, "file_overwrite": False}
    for option, name in (
        ("endpoint_url", "RELEASES_S3_ENDPOINT_URL"),
        ("region_name", "RELEASES_S3_REGION"),
    ):
        if os.environ.get(name):
            options[option] = os.environ[name]
    if os.environ.get("RELEASES_S3_PREFIX"):
        options["location"] = os.environ["RELEASES_S3_PREFIX"].strip("/")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "releases": releases_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production hardening: `manage.py check --deploy` must be clean when debug is off.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Reverse proxies in front of the site (docs/deployment.md, "Proxy headers"). With 0, the
# default, no header a client can forge is believed: X-Forwarded-Proto does not make a request
# secure and the client's address is the connecting one. Behind N proxies that each replace
# X-Forwarded-Proto and append to X-Forwarded-For, both are read (registry/client_address.py).
if "API_NUM_PROXIES" in os.environ:
    raise ImproperlyConfigured(
        "API_NUM_PROXIES is now DJANGO_NUM_PROXIES: it decides X-Forwarded-Proto as well."
    )
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)
if not 0 <= NUM_PROXIES <= 5:
    raise ImproperlyConfigured("DJANGO_NUM_PROXIES must be between 0 and 5.")
if NUM_PROXIES:
    # The load balancer sets X-Forwarded-Proto (replacing any the client sent); gunicorn
    # trusts the same header from GUNICORN_FORWARDED_ALLOW_IPS (partnership_site/gunicorn.py).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe /healthz over plain HTTP on each server's own address. It is answered
# by the first middleware (registry/views/health.py); this keeps it working if that moves.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Editors' workspace (docs/editors.md): how long a draft's share link stays valid.
PREVIEW_LINK_MAX_AGE_DAYS = env_int("PREVIEW_LINK_MAX_AGE_DAYS", 7)
if not 1 <= PREVIEW_LINK_MAX_AGE_DAYS <= 90:
    raise ImproperlyConfigured("PREVIEW_LINK_MAX_AGE_DAYS must be between 1 and 90.")

# CSV imports in the admin (registry/admin/transfer.py): larger files are refused with a
# message before they are parsed. A dry run costs 60-85 ms a visit row on the benchmark
# machine (docs/performance.md: 1,000 rows took about a minute, 5,000 rows 7 minutes), so
# the default stays at 1,000 rows, within a load balancer's usual timeout; 1 MB holds
# 1,000 rows with long summaries (a typical row is under 300 bytes).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1000)
if IMPORT_MAX_BYTES < 1 or IMPORT_MAX_ROWS < 1:
    raise ImproperlyConfigured("IMPORT_MAX_BYTES and IMPORT_MAX_ROWS must be at least 1.")

# A large record's admin form posts many fields: a visit with 50 legs, 50 meetings and 50
# citations sends about 1,500, and Django's default limit (1,000) refuses it with a 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", 5000)

# The public API (registry/api, docs/api.md): read-only, anonymous, throttled per address.
API_THROTTLE_ANON = env_str("API_THROTTLE_ANON", "120/min")
if not re.fullmatch(r"[1-9][0-9]{0,8}/(s|sec|second|m|min|minute|h|hour|d|day)", API_THROTTLE_ANON):
    raise ImproperlyConfigured(
        f"API_THROTTLE_ANON must be a rate such as 120/min or 5000/day, not {API_THROTTLE_ANON!r}."
    )
# Seconds a CDN or browser may reuse an API response (Cache-Control: public, max-age=...).
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 300)
# Whether the public change log (registry/publication/change_log.py) names the editor of
# each change. Off: the public sees what changed and when, never who.
CHANGE_LOG_NAMES_EDITORS = env_bool("CHANGE_LOG_NAMES_EDITORS", False)
# The site's public address, written into data releases (their files are made outside any
# request). Defaults to https:// and the first allowed host, or the local server in debug.
SITE_URL = env_str(
    "DJANGO_SITE_URL",
    "http://127.0.0.1:8000"
    if DEBUG or not ALLOWED_HOSTS
    else f"https://{ALLOWED_HOSTS[0].lstrip('.')}",
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("DJANGO_SITE_URL must start with http:// or https://.")
# The public cache (registry/cache.py, README "Caching"): anonymous GETs of pages, feeds
# and the API are stored whole, keyed by a version that changes with every public change.
PUBLIC_CACHE_ENABLED = env_bool("PUBLIC_CACHE_ENABLED", True)
# Longest time, in seconds, a response stays in the server's cache.
PUBLIC_CACHE_TIMEOUT = env_int("PUBLIC_CACHE_TIMEOUT", 600)
# Seconds a CDN or browser may reuse a page (Cache-Control: public, max-age=...).
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 60)
if PUBLIC_CACHE_TIMEOUT < 1 or PUBLIC_CACHE_MAX_AGE < 0 or API_CACHE_MAX_AGE < 0:
    raise ImproperlyConfigured(
        "PUBLIC_CACHE_TIMEOUT must be at least 1, PUBLIC_CACHE_MAX_AGE and API_CACHE_MAX_AGE "
        "at least 0."
    )

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Nobody logs in to the API: no session or password lookups on any request.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_CLASSES": ["registry.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_THROTTLE_ANON},
    # Throttles count by registry.client_address (AnonymousRateThrottle); this is the same
    # number for anything else in DRF that reads it.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "registry.api.renderers.ContentNegotiation",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership Registry API",
    "DESCRIPTION": "Read-only data of NATO's partnerships with the South Caucasus and Central "
    "Asia: published records only. Guide: docs/api.md. The whole registry as one download: "
    "the dated, checksummed data releases at /releases/ (CSV, JSON, Popolo).",
    # 1.1: other names, and the names of their time on legs and appointments.
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The docs page loads Swagger UI from this site's static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PrecisionEnum": "registry.partial_dates.Precision",
        "ProgrammeKindEnum": "registry.models.Programme.Kind",
        "EventKindEnum": "registry.models.Event.Kind",
        "SourceKindEnum": "registry.models.Source.Kind",
        "OrganisationKindEnum": "registry.models.Organisation.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.api.schema.add_common_responses",
    ],
}

# Browser apps on other sites may read the API (GET only, no cookies); nothing else is shared.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-modified-since", "if-none-match"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Link", "Retry-After"]

# Login lockout (django-axes; docs/deployment.md, "Login lockout"). Failed logins are rows in
# the database, so every app server counts the same ones. A username is locked only from the
# address that failed: a guesser cannot lock an editor out from everywhere else.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
if not 1 <= LOGIN_FAILURE_LIMIT <= 100 or not 1 <= LOGIN_LOCKOUT_MINUTES <= 7 * 24 * 60:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_LIMIT must be between 1 and 100, LOGIN_LOCKOUT_MINUTES between 1 and "
        "10080 (a week)."
    )
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# An editor who gets in after a few typos starts again from zero.
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked out are refused without extending the lockout, so the time the
# lockout page gives is the time it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "registry.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "registry.admin.lockout.lockout_response"
# Log failures only; the access log of every successful login would grow without end.
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner on every command; failures and lockouts are still logged.
AXES_VERBOSE = False

# Content-Security-Policy (registry/content_security.py; docs/deployment.md). No inline or
# foreign script anywhere: the site, the admin and the API docs load scripts from this site's
# static files only. Styles allow 'unsafe-inline' because the admin's templates and widgets
# (and the error pages, which render without static files) carry inline styles; a style
# cannot run code.
# (Local names: django-csp 4 refuses settings named CSP_*, its old format.)
_csp_report_only = env_bool("CSP_REPORT_ONLY", False)
_csp_report_uri = env_str("CSP_REPORT_URI", "").strip()
_CSP_DIRECTIVES: dict[str, list[str] | bool] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    # Swagger UI's and the admin's icons are partly data: URLs.
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if _csp_report_uri:
    _CSP_DIRECTIVES["report-uri"] = [_csp_report_uri]
_CSP = {"DIRECTIVES": _CSP_DIRECTIVES}
CONTENT_SECURITY_POLICY = None if _csp_report_only else _CSP
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP if _csp_report_only else None

# Faults (registry/faults.py): seconds a client is asked to wait when the database or the
# cache is down (Retry-After of the 503 answer).
SERVICE_UNAVAILABLE_RETRY_AFTER = env_int("SERVICE_UNAVAILABLE_RETRY_AFTER", 30)
if not 1 <= SERVICE_UNAVAILABLE_RETRY_AFTER <= 3600:
    raise ImproperlyConfigured("SERVICE_UNAVAILABLE_RETRY_AFTER must be between 1 and 3600.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
