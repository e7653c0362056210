"""Every public output, found from the URL conf, the list pages' FilterSets and the API
router, so that a new page, filter or endpoint is probed without being listed here; and a
check for each kind of document that it is well formed.

A route whose parameters the probes cannot fill, or a filter of a kind they do not know,
fails the suite with a message saying so, rather than going unprobed.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import django_filters
from django.db import models
from django.urls import LocalePrefixPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import translation

from registry.api.urls import router
from registry.filters.fields import SearchFilter
from registry.models import Release
from registry.views.base import RecordListView
from registry.views.discovery import SITEMAPS
from tests.test_discovery import check_structure

# What each top-level entry of the root URL conf is. The probes cover "public" and "api";
# share links have their own tests. A new entry fails `test_every_root_entry_is_known`.
ROOT_ENTRIES = {
    "": "public: robots.txt and the sitemap",
    "<language>/": "public, in each language (i18n_patterns: /en/..., /fr/...)",
    "api/": "api",
    "admin/": "staff",
    "preview/": "staff previews and share links",
    "healthz": "health check",
    "bench/": "benchmark yardsticks, off unless BENCH_VIEWS=1",
}

SEARCH_WORD = "hiddenzq"  # in every hidden record's text, so that one search selects them all
SOME_DAY = "2024-06-02"  # within the dates of the records the worlds build
SOME_YEAR = "2024"

XML_TYPES = {"application/xml", "text/xml", "application/rss+xml", "application/atom+xml"}


@dataclass(frozen=True)
class Route:
    name: str  # e.g. "registry:visit-detail"
    params: frozenset[str]


def _params(pattern: Any) -> set[str]:
    return set(pattern.pattern.regex.groupindex)


def root_entries() -> list[str]:
    return [_root_name(entry) for entry in get_resolver().url_patterns]


def _root_name(entry: Any) -> str:
    # The language prefix reads as the active language's ("en/"): name it for them all.
    return "<language>/" if isinstance(entry.pattern, LocalePrefixPattern) else str(entry.pattern)


def public_routes() -> list[Route]:
    """The named routes of the public site (the root URL conf's "" entry)."""
    routes: list[Route] = []

    def walk(patterns: Iterable[Any], namespace: str, params: set[str]) -> None:
        for entry in patterns:
            if str(entry.pattern) == "preview/":
                continue  # staff previews and share links, under the language prefix too
            found = params | _params(entry)
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, [namespace, entry.namespace]))
                walk(entry.url_patterns, inner, found)
            elif entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                routes.append(Route(name, frozenset(found)))

    public = [e for e in get_resolver().url_patterns if _root_name(e) in ("", "<language>/")]
    walk(public, "", set())
    return routes


def record_pages(records: Iterable[models.Model]) -> dict[str, list[str]]:
    """Detail URLs of `records`, by the name of the route that answers them."""
    pages: dict[str, list[str]] = {}
    for record in records:
        if hasattr(record, "get_absolute_url"):
            url = record.get_absolute_url()
            pages.setdefault(resolve(url).view_name, []).append(url)
    return pages


def route_urls(route: Route, pages: dict[str, list[str]]) -> list[str]:
    if not route.params:
        return [reverse(route.name)]
    if route.params in ({"slug"}, {"pk"}):
        assert pages.get(route.name), f"no record in the world has a page at {route.name}"
        return pages[route.name]
    if route.params == {"section"}:
        return [reverse(route.name, kwargs={"section": section}) for section in SITEMAPS]
    if route.params <= {"number", "name"}:
        # The newest data release: its page, its archive and its checksums.
        release = Release.objects.order_by("-number").first()
        assert release, "no data release in the world: make one (registry.releases)"
        if route.params == {"number"}:
            return [reverse(route.name, kwargs={"number": release.number})]
        return [release.download_url, release.checksums_url]
    raise AssertionError(
        f"{route.name} takes {sorted(route.params)}: teach tests/adversarial/probes.py "
        "which values to probe it with"
    )


# --- filters ------------------------------------------------------------------------------


def filter_model(spec: django_filters.Filter) -> type[models.Model]:
    queryset = spec.extra["queryset"]
    return (queryset(None) if callable(queryset) else queryset).model


def filter_values(
    name: str, spec: django_filters.Filter, records: Iterable[models.Model]
) -> list[str]:
    """Values that select records of the world: every record's slug for a record filter,
    every choice for a choice, the search word for a search."""
    if isinstance(spec, django_filters.OrderingFilter):
        names = list(spec.param_map)
        return names + [f"-{n}" for n in names]
    if isinstance(spec, django_filters.ModelChoiceFilter):
        model = filter_model(spec)
        return [r.slug for r in records if isinstance(r, model)]
    if isinstance(spec, SearchFilter):
        return [SEARCH_WORD]
    if isinstance(spec, django_filters.ChoiceFilter):
        choices = spec.extra["choices"]
        return [str(value) for value, _ in (choices() if callable(choices) else choices)]
    if isinstance(spec, django_filters.BooleanFilter):
        return ["true", "false"]
    if isinstance(spec, django_filters.DateFilter):
        return [SOME_DAY]
    if isinstance(spec, django_filters.NumberFilter):
        return [SOME_YEAR]
    raise AssertionError(f"filter {name} ({type(spec).__name__}): teach the probes its values")


def filterset_of(url: str) -> tuple[type[django_filters.FilterSet], tuple[str, ...]] | None:
    """The FilterSet of a public list page and the parameters the page takes."""
    view = getattr(resolve(urlsplit(url).path).func, "view_class", None)
    if view is None or not issubclass(view, RecordListView) or view.filterset_class is None:
        return None
    return view.filterset_class, tuple(view.filter_phrases)


def filter_queries(
    filterset: type[django_filters.FilterSet],
    names: Iterable[str],
    records: Iterable[models.Model],
) -> Iterator[dict[str, str]]:
    records = list(records)
    for name in names:
        for value in filter_values(name, filterset.base_filters[name], records):
            yield {name: value}


# --- the API ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    basename: str
    model: type[models.Model]
    filterset: type[django_filters.FilterSet]
    lookup: str

    @property
    def list_url(self) -> str:
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, record: models.Model) -> str:
        key = record.pk if self.lookup == "pk" else getattr(record, self.lookup)
        return reverse(f"api:{self.basename}-detail", kwargs={self.lookup: key})


def api_endpoints() -> list[Endpoint]:
    return [
        Endpoint(basename, viewset.model, viewset.filterset_class, viewset.lookup_field)
        for _prefix, viewset, basename in router.registry
    ]


# --- fetching and checking documents ------------------------------------------------------


@dataclass
class Probe:
    url: str
    status: int
    content_type: str
    text: str


class Elements(HTMLParser):
    """The elements of an HTML page: (tag, attributes) in document order, and the text of
    each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse_html(text: str) -> Elements:
    parser = Elements()
    parser.feed(text)
    parser.close()
    return parser


def content_type(response: Any) -> str:
    return response.get("Content-Type", "").split(";")[0].strip()


ARCHIVE_TYPES = {".csv": "text/csv", ".json": "application/json", ".md": "text/plain"}


def _archive_text(url: str, body: bytes) -> str:
    """Every file of a zip (a data release), each checked as its name says, as one text."""
    texts = []
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            kind = ARCHIVE_TYPES.get(Path(name).suffix, "text/plain")
            texts.append(check_document(f"{url}:{name}", kind, archive.read(name)))
    return "\n".join(texts)


def check_document(url: str, kind: str, body: bytes) -> str:
    """The body as text, once it has been parsed strictly as its content type says; a zip's
    files are read and checked one by one."""
    if kind == "application/zip":
        return _archive_text(url, body)
    text = body.decode("utf-8")
    if kind == "text/html":
        parse_html(text)
    elif kind in XML_TYPES:
        ET.fromstring(body)
    elif kind == "application/json":
        json.loads(text)
    elif kind == "text/csv":
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        assert all(len(row) == len(rows[0]) for row in rows), f"{url}: ragged CSV"
    elif kind == "text/calendar":
        check_structure(body)
    elif kind != "text/plain":
        raise AssertionError(f"{url}: unexpected content type {kind!r}")
    return text


def fetch(client: Any, url: str, params: dict[str, str] | None = None) -> Probe:
    """GET `url`: never a server error, and a well-formed document when it succeeds."""
    if params:
        url = f"{url}?{urlencode(params)}"
    response = client.get(url)
    assert response.status_code < 500, f"{url}: {response.status_code}"
    streamed = getattr(response, "streaming", False)
    body = b"".join(response.streaming_content) if streamed else response.content
    kind = content_type(response)
    if response.status_code == 200:
        text = check_document(url, kind, body)
    else:
        text = body.decode("utf-8", "replace")
    return Probe(url, response.status_code, kind, text)


def next_page(probe: Probe) -> str | None:
    """The next page of an API list in JSON, as a path."""
    if probe.status != 200 or probe.content_type != "application/json":
        return None
    data = json.loads(probe.text)
    link = data.get("next") if isinstance(data, dict) else None
    if not link:
        return None
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def crawl_api_pages(client: Any, url: str, params: dict[str, str]) -> Iterator[Probe]:
    """Every page of an API list, one record a page, by its `next` links."""
    probe = fetch(client, url, {**params, "page_size": "1"})
    yield probe
    seen = {probe.url}
    while (following := next_page(probe)) and following not in seen:
        seen.add(following)
        probe = fetch(client, following)
        yield probe


def public_probes(client: Any, records: list[models.Model]) -> Iterator[Probe]:
    """Every public page and document: each route's URLs, with the search word, and each
    list page with every value of every filter it takes; then each page again in French,
    where a record's name or text may be its French."""
    yield from _route_probes(client, records, filters=True)
    timeline = reverse("registry:timeline")
    for name in ("country", "region"):
        for record in records:
            if type(record).__name__.lower() == name:
                yield fetch(client, timeline, {name: record.slug})
    with translation.override("fr"):
        yield from _route_probes(client, records, filters=False)


def _route_probes(client: Any, records: list[models.Model], *, filters: bool) -> Iterator[Probe]:
    pages = record_pages(records)
    for route in public_routes():
        for url in route_urls(route, pages):
            yield fetch(client, url)
            if not route.params:
                yield fetch(client, url, {"q": SEARCH_WORD})
            listed = filterset_of(url) if filters else None
            if listed:
                for query in filter_queries(*listed, records):
                    yield fetch(client, url, query)


def api_probes(client: Any, records: list[models.Model]) -> Iterator[Probe]:
    """Every API list in JSON and CSV, unfiltered and with each value of each filter (each
    ordering in JSON), every page of it, and every record's detail in both formats."""
    yield fetch(client, reverse("api:api-root"))
    for endpoint in api_endpoints():
        names = list(endpoint.filterset.base_filters)
        queries = [{}, *filter_queries(endpoint.filterset, names, records)]
        for query in queries:
            # CSV renders the rows JSON has; it is read for each record a filter selects,
            # not again for each ordering.
            ordering = any(
                isinstance(endpoint.filterset.base_filters[n], django_filters.OrderingFilter)
                for n in query
            )
            for format in ("json",) if ordering else ("json", "csv"):
                yield fetch(client, endpoint.list_url, {**query, "format": format})
        yield from crawl_api_pages(client, endpoint.list_url, {})
        for record in records:
            if isinstance(record, endpoint.model):
                url = endpoint.detail_url(record)
                for format in ("json", "csv"):
                    yield fetch(client, url, {"format": format})
