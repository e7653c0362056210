"""`/healthz`: may this app server take traffic? For load balancers (docs/deployment.md).

It runs a trivial query on the database and writes and reads back a key in the default
cache, and answers JSON: 200 `{"status": "ok", "database": "ok", "cache": "ok"}`, or 503
with `"status": "fail"` and `"unavailable"` for each part that failed (the reason goes to the
log, never to the response).

Load balancers probe each server on its own address, over plain HTTP, with whatever Host
header they like, many times a minute. So `HealthCheckMiddleware`, first in MIDDLEWARE,
answers the path before anything else runs: no ALLOWED_HOSTS check (the response uses no
part of the host), no HTTPS redirect, no session, CSRF or login, and no page cache. The
answer is never stored: `Cache-Control: no-store`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

PATH = "/healthz"
OK = "ok"
UNAVAILABLE = "unavailable"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
        if row is None or row[0] != 1:
            raise RuntimeError(f"SELECT 1 returned {row!r}")
    except Exception:
        logger.exception("Health check: the database is unavailable")
        return UNAVAILABLE
    return OK


def check_cache() -> str:
    # A key of its own per probe: concurrent probes from several balancers never collide.
    key = f"healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=30)
        read = cache.get(key)
        cache.delete(key)
        if read != value:
            raise RuntimeError("the value written was not read back")
    except Exception:
        logger.exception("Health check: the cache is unavailable")
        return UNAVAILABLE
    return OK


def healthz(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response: HttpResponse = HttpResponseNotAllowed(["GET", "HEAD"])
    else:
        checks = {"database": check_database(), "cache": check_cache()}
        healthy = all(result == OK for result in checks.values())
        response = JsonResponse(
            {"status": "ok" if healthy else "fail", **checks}, status=200 if healthy else 503
        )
    add_never_cache_headers(response)
    # Set here: CommonMiddleware, which would, does not run for this path.
    response["Content-Length"] = str(len(response.content))
    return response


class HealthCheckMiddleware:
    """Answers `/healthz` ahead of every other middleware (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
