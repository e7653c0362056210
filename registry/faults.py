"""A database or cache outage answers 503 Service Unavailable, never a 500.

When PostgreSQL or Redis cannot be reached (or a query is cancelled, or SQLite stays locked),
Django turns the exception into its 500 page wherever it was raised: in a view, in the
session or login layers, or in the public cache. `ServiceUnavailableMiddleware` (near the top
of MIDDLEWARE) replaces that answer with a 503 and a `Retry-After` header
(`SERVICE_UNAVAILABLE_RETRY_AFTER` seconds): JSON `{"detail": ...}` under /api/, and the
self-contained templates/503.html everywhere else, admin included. The page is rendered
without the request, so it needs neither the database nor the cache, and it shows no detail
of the fault, which goes to the log with its traceback as any error does. The answer is
never stored by a CDN or browser. `/healthz` answers its own 503 (registry/views/health.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import redis.exceptions
from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

OUTAGES: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
API = "/api/"
API_MESSAGE = "The registry is briefly unavailable. Please try again in {seconds} seconds."
# Set on the request when the exception behind its 500 answer was an outage.
FLAG = "_registry_outage"


def is_outage(error: BaseException | None) -> bool:
    """Whether the error, or one it was raised from, is a lost database or cache."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OUTAGES):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


@receiver(got_request_exception, dispatch_uid="registry.faults.note_outage")
def note_outage(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Sent by Django while it handles an exception nothing else caught: mark the request
    when it was an outage, for the middleware to answer 503 instead of the 500 page."""
    if request is not None and is_outage(sys.exc_info()[1]):
        setattr(request, FLAG, True)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    seconds = settings.SERVICE_UNAVAILABLE_RETRY_AFTER
    if request.path_info.startswith(API):
        response: HttpResponse = JsonResponse(
            {"detail": API_MESSAGE.format(seconds=seconds)}, status=503
        )
    else:
        page = loader.render_to_string("503.html", {"retry_after": seconds})
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response


class ServiceUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, FLAG, False):
            return service_unavailable(request)
        return response
