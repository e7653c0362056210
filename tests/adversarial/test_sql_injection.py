"""SQL-injection and malformed strings in every filter, search, ordering and paging parameter
of every API list and every public list, search and timeline page: the answer is a page or
a clear refusal (200 or 400; 404 for a page number past the end), never a server error or a
traceback, never a hidden record, and the database is left as it was."""

from __future__ import annotations

from typing import Any

import django_filters
import pytest
from django.db import transaction
from django.urls import reverse

from registry.views.timeline import TimelineForm

from . import probes
from .records import HIDERS, STATES, World, build_base, publishable_models
from .test_injection import PASSES, PAYLOADS

pytestmark = pytest.mark.django_db

INJECTIONS = [
    "' OR '1'='1",
    "1)) OR ((1=1",
    "'; UPDATE registry_visit SET status='published';--",
    "' UNION SELECT username, password FROM auth_user--",
    "'||(SELECT version())||'",
    "%_\\",
    "-pk,status",
    "99999999999999999999999",
    "-1",
    "x" * 2_000,
]
if PASSES > 1:  # `make fuzz`: more strings, and every payload of the injection tests
    INJECTIONS += [
        '" OR ""="',
        "'; DROP TABLE registry_visit;--",
        "'; SELECT pg_sleep(5);--",
        "1e309",
        "[]",
        "status,password",
        *PAYLOADS,
    ]
PAGING = ("page", "page_size", "cursor")


@pytest.fixture(scope="module")
def injection_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = World(build_base())
        for hider in HIDERS.values():
            hider(world, STATES[0])
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(injection_world: World, db, settings) -> World:
    settings.API_THROTTLE_ANON = "1000000/min"
    return injection_world


def snapshot() -> dict[str, tuple[int, int]]:
    return {
        model._meta.label: (model.objects.count(), model.objects.published().count())
        for model in publishable_models()
    }


def check(probe: probes.Probe, world: World, param: str) -> list[str]:
    allowed = {200, 400, 404} if param in ("page", "cursor") else {200, 400}
    problems = []
    if probe.status not in allowed:
        problems.append(f"status {probe.status}")
    if "Traceback" in probe.text:
        problems.append("a traceback")
    problems += [f"shows {marker}" for marker in world.hidden if marker in probe.text]
    return [f"{probe.url[:200]}: {problem}" for problem in problems]


def send(client: Any, url: str, params: list[str], alone: set[str], world: World) -> list[str]:
    """Each string in all the parameters at once, which the form validates one by one (a
    record's slug, a choice, a number, a date: refused before any query uses it), and in
    each free-text parameter alone, which a query may use (search, ordering, paging)."""
    problems = []
    for text in INJECTIONS:
        for param in alone & set(params):
            problems += check(probes.fetch(client, url, {param: text}), world, param)
        everything = probes.fetch(client, url, dict.fromkeys(params, text))
        problems += check(everything, world, "all")
        if url.startswith("/api/"):
            problems += check(probes.fetch(client, url, {"format": text}), world, "format")
    return problems


def free_text(filterset) -> set[str]:
    return {
        name
        for name, spec in filterset.base_filters.items()
        if isinstance(spec, django_filters.CharFilter | django_filters.OrderingFilter)
    }


def test_every_api_list_parameter(client: Any, world: World) -> None:
    before = snapshot()
    problems = []
    for endpoint in probes.api_endpoints():
        params = [*endpoint.filterset.base_filters, *PAGING]
        alone = free_text(endpoint.filterset) | set(PAGING)
        problems += send(client, endpoint.list_url, params, alone, world)
    assert not problems, problems[:20]
    assert snapshot() == before


def public_parameters() -> dict[str, tuple[list[str], set[str]]]:
    """Each public page that reads its query string: the parameters it reads, and those of
    them that take free text."""
    pages: dict[str, tuple[list[str], set[str]]] = {}
    for route in probes.public_routes():
        if route.params:
            continue
        url = reverse(route.name)
        listed = probes.filterset_of(url)
        if listed:
            filterset, names = listed
            pages[url] = ([*names, "page"], free_text(filterset) | {"page"})
    pages[reverse("registry:search")] = (["q", "kind", "page"], {"q", "kind", "page"})
    timeline = [*TimelineForm.base_fields]
    pages[reverse("registry:timeline")] = (timeline, {"after", "before"})
    pages[reverse("registry:person-suggest")] = (["q"], {"q"})
    return pages


def test_the_pages_named_read_their_parameters() -> None:
    """The list above stays true to the views it names."""
    pages = public_parameters()
    assert len(pages) >= 10
    assert {"country", "region", "kind", "first", "last"} <= set(
        pages[reverse("registry:timeline")][0]
    )
    visits, alone = pages[reverse("registry:visit-list")]
    assert {"country", "person", "topic", "year", "page"} <= set(visits)
    assert "page" in alone


def test_every_public_page_parameter(client: Any, world: World) -> None:
    before = snapshot()
    problems = []
    for url, (params, alone) in public_parameters().items():
        problems += send(client, url, params, alone, world)
    assert not problems, problems[:20]
    assert snapshot() == before
