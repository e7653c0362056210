"""Conditional GET and caching headers for API responses.

The ETag is a hash of the rendered body, so it changes whenever anything the response shows
changes (a linked record's name, a citation, a record leaving the list), which a timestamp
of the listed records alone would miss. Last-Modified is the newest `updated_at` among the
records shown; it is honoured for a single record only, because a list can change without
any listed record changing (one is unpublished). If-None-Match takes precedence, as RFC
9110 requires.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.http import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from rest_framework.request import Request


def finalize_conditional(
    request: Request,
    response: HttpResponseBase,
    *,
    last_modified: dt.datetime | None,
    honour_if_modified_since: bool,
) -> HttpResponseBase:
    """Add ETag, Last-Modified, Cache-Control and Vary; answer 304 to a matching request."""
    patch_vary_headers(response, ["Accept"])
    if request.method not in ("GET", "HEAD"):
        return response
    if response.status_code == 429:
        patch_cache_control(response, no_store=True)
        return response
    if response.status_code != 200:
        return response
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    etag = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
    response["ETag"] = etag
    timestamp = last_modified.timestamp() if last_modified else None
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
    honoured = int(timestamp) if timestamp is not None and honour_if_modified_since else None
    return get_conditional_response(request, etag=etag, last_modified=honoured, response=response)
