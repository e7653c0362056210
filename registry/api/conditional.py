"""Caching headers of API responses.

The ETag, Last-Modified and the 304 answers come from the public cache (registry/cache.py),
which derives them from the registry version before the view runs: a 304 costs no query
and no rendering. Here the view only says what its own answers allow: every answer depends
on the Accept header (content negotiation), a 200 may be kept by any cache for
`API_CACHE_MAX_AGE` seconds, and a 429 must never be kept.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework.request import Request


def finalize_caching(request: Request, response: HttpResponseBase) -> HttpResponseBase:
    """Add Vary and Cache-Control to an API response."""
    patch_vary_headers(response, ["Accept"])
    if response.status_code == 429:
        patch_cache_control(response, no_store=True)
    elif response.status_code == 200 and request.method in ("GET", "HEAD"):
        patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
    return response
