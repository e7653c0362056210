"""The public cache: whole responses of anonymous GETs, and ETags that cost nothing to check.

For an anonymous GET or HEAD of a public page, feed, the sitemap, robots.txt or the API,
`PublicCacheMiddleware`:

1. reads the registry version (registry/publication/version.py: one cache round trip) and
   derives the ETag from it and the request's cache key: the full URL with its query string
   and the language of the answer, plus, under /api/, the Accept header the content
   negotiation reads. A matching
   `If-None-Match` is answered 304 there, before any view runs or any query is made;
2. serves the stored response for that key and version when there is one (no query);
3. otherwise runs the view and stores a response that is the same for every anonymous
   visitor (200, 301, 404 or 410, no cookie set, not private, not streamed, varying only
   on the keyed headers) for at most `PUBLIC_CACHE_TIMEOUT` seconds and never past the
   version's next scheduled change.

Because the version changes with every change the public can see, a stored response is
never stale: it is simply no longer asked for, and expires. Responses carry `Cache-Control:
public, max-age=...` for a CDN (`PUBLIC_CACHE_MAX_AGE`, or `API_CACHE_MAX_AGE` for the API,
capped by the time to the next scheduled change), and 200s an ETag and a Last-Modified (the
time of the last change of the registry as a whole).

Staff and previews never touch the cache: /admin/ and /preview/ are passed through (a
preview is also marked `private, no-store`), and so is any request of a signed-in user, who
may see what the public does not (their pages are marked private). The session is read only
when its cookie is present, so an anonymous visitor without cookies costs no query.
`PUBLIC_CACHE_ENABLED = False` passes everything through unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_etags

from registry.publication.version import (
    RegistryVersion,
    current_version,
    publish_listed_revisions,
)

logger = logging.getLogger(__name__)

# Paths never cached: the editors' side, previews and share links, the health check.
PASSED_THROUGH = ("/admin/", "/preview/", "/healthz")
HEALTH = "/healthz"
PRIVATE = ("/preview/",)
API = "/api/"
# Request headers the API's responses depend on (content negotiation, renderers.py).
API_KEY_HEADERS = ("Accept",)
STORED_STATUSES = frozenset({200, 301, 404, 410})
# Set at each answer from the version, never stored with the response.
ANSWER_HEADERS = frozenset({"etag", "last-modified", "expires"})
KEY_PREFIX = "registry:response"


class PublicCacheMiddleware:
    """Goes right after AuthenticationMiddleware (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = without_language(request.path_info)
        cached = (
            settings.PUBLIC_CACHE_ENABLED
            and request.method in ("GET", "HEAD")
            and not path.startswith(PASSED_THROUGH)
            and not signed_in(request)
        )
        if not cached and not path.startswith(HEALTH):
            # Requests the version is not read for still publish a revision whose time
            # has come, from the state other requests keep (no query when there is none).
            publish_listed_revisions()
        if not settings.PUBLIC_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if path.startswith(PASSED_THROUGH):
            response = self.get_response(request)
            if path.startswith(PRIVATE):
                patch_cache_control(response, private=True, no_store=True)
            return response
        if signed_in(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
            return response
        try:
            version = current_version()
        except Exception:
            # A cache that is down must not take the site with it: answer uncached.
            logger.exception("The public cache is unavailable; answering without it.")
            return self.get_response(request)
        return self.answer(request, version, api=path.startswith(API))

    def answer(
        self, request: HttpRequest, version: RegistryVersion, *, api: bool
    ) -> HttpResponseBase:
        headers = API_KEY_HEADERS if api else ()
        digest = request_digest(request, headers)
        etag = f'"{hashlib.sha256(f"{version.token}|{digest}".encode()).hexdigest()[:32]}"'
        if etag_matches(request, etag):
            return self.finish(request, HttpResponseNotModified(), version, etag, api=api)
        key = f"{KEY_PREFIX}:{version.token}:{digest}"
        entry = cache.get(key)
        if entry is not None:
            return self.finish(request, thaw(entry), version, etag, api=api)
        session_read = session_accessed(request)
        response = self.get_response(request)
        if not shareable(request, response, headers, session_read):
            return response
        if request.method == "GET":  # a view may answer HEAD without a body: not stored
            timeout = min(settings.PUBLIC_CACHE_TIMEOUT, math.ceil(version.seconds_left()))
            try:
                cache.set(key, freeze(response), timeout=max(1, timeout))
            except Exception:  # full, or gone: the answer is still good
                logger.exception("Could not store a response in the public cache.")
        return self.finish(request, response, version, etag, api=api)

    @staticmethod
    def finish(
        request: HttpRequest,
        response: HttpResponseBase,
        version: RegistryVersion,
        etag: str,
        *,
        api: bool,
    ) -> HttpResponseBase:
        """Add the caching headers of a shared answer; answer If-Modified-Since."""
        base = settings.API_CACHE_MAX_AGE if api else settings.PUBLIC_CACHE_MAX_AGE
        max_age = max(0, min(base, math.floor(version.seconds_left())))
        patch_cache_control(response, public=True, max_age=max_age)
        if api:
            patch_vary_headers(response, API_KEY_HEADERS)
        if response.status_code not in (200, 304):
            return response  # preconditions apply to 2xx answers only (RFC 9110, 13.2.1)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(version.modified.timestamp())
        if response.status_code == 304:
            return response
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=int(version.modified.timestamp()),
            response=response,
        )


def without_language(path: str) -> str:
    """The path without its /en or /fr: previews are private in every language."""
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/"):
            return path[len(code) + 1 :]
    return path


def signed_in(request: HttpRequest) -> bool:
    """Whether the visitor is signed in, reading the session only if it has a cookie."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def request_digest(request: HttpRequest, headers: tuple[str, ...]) -> str:
    """The cache key of a request, without the version: its full URL (scheme, host, path,
    query string), the language it is answered in (from the URL, or from Accept-Language
    where the URL names none, as in the API) and the values of the request headers its
    answer varies on."""
    parts = [request.build_absolute_uri(), translation.get_language() or ""]
    parts += [request.headers.get(name, "").strip() for name in headers]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def etag_matches(request: HttpRequest, etag: str) -> bool:
    """If-None-Match names this ETag (weak comparison, RFC 9110 13.1.2)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    return etag in {tag.removeprefix("W/") for tag in parse_etags(header)}


def session_accessed(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.accessed)


def shareable(
    request: HttpRequest,
    response: HttpResponseBase,
    headers: tuple[str, ...],
    session_read_before: bool,
) -> bool:
    """Whether the response is the same for every anonymous visitor of this URL."""
    if response.status_code not in STORED_STATUSES or response.streaming or response.cookies:
        return False
    directives = {
        item.split("=", 1)[0].strip().lower()
        for item in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if directives & {"private", "no-store", "no-cache"}:
        return False
    varies = {item.lower() for item in cc_delim_re.split(response.get("Vary", "")) if item}
    if not varies <= {name.lower() for name in headers}:
        return False  # depends on a header the key does not hold (Cookie, "*"...)
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page holds a CSRF token of its own
    session = getattr(request, "session", None)
    if session is None:
        return True
    return not (session.modified or (session.accessed and not session_read_before))


def freeze(response: HttpResponseBase) -> tuple[int, bytes, list[tuple[str, str]]]:
    """What is stored: status, body and the headers of the view (not those set per answer)."""
    kept = [(name, value) for name, value in response.items() if name.lower() not in ANSWER_HEADERS]
    return response.status_code, response.content, kept


def thaw(entry: tuple[int, bytes, list[tuple[str, str]]]) -> HttpResponse:
    status, content, headers = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response
