"""No public output shows a record the public may not see.

For every publishable model there is a record in each non-public state (draft, scheduled,
expired) and records hidden through what they depend on (a published visit of a draft
person or post, an appointment to a draft post, a participation of a draft country or
programme), with meetings, legs and citations hanging from them, and public records linked
to them (a country in a draft region, a visit meeting a draft person, a citation of a draft
source). Each hidden record carries its own marker in every text field; every public page,
feed, calendar, sitemap and API list and detail, in JSON and CSV, unfiltered, with every
filter value that would select it and page by page, must show none of them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import TestCase

from registry.models import PublicChange
from registry.releases import make_release

from . import probes
from .records import World, build_leak_world, publishable_models

pytestmark = pytest.mark.django_db

CANARY = "Zqcanary"  # in a public visit's title: the probes must find it, or they see nothing


@pytest.fixture(scope="module")
def leak_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # What waits for the commit runs too: the change log is a public output.
        with TestCase.captureOnCommitCallbacks(execute=True):
            world = build_leak_world()
            world.base.visit.title = f"{CANARY} {world.base.visit.title}"
            world.base.visit.save()
        assert PublicChange.objects.exists()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(leak_world: World, db, settings) -> World:
    settings.API_THROTTLE_ANON = "1000000/min"
    make_release()  # a data release is a public output too
    return leak_world


def leaks(found: list[probes.Probe], world: World) -> list[str]:
    """Each probe that shows a hidden record's marker, or links to its page."""
    paths = {
        # Records addressed by id are named in a request by their whole address.
        marker: (record.get_absolute_url(), getattr(record, "slug", record.get_absolute_url()))
        for marker, record in world.hidden.items()
        if hasattr(record, "get_absolute_url")
    }
    problems = []
    for probe in found:
        for marker, record in world.hidden.items():
            if marker in probe.text:
                problems.append(f"{probe.url} shows {marker}: {record!r}")
        for marker, (path, slug) in paths.items():
            # A request naming the slug (a filter refused, the page's own 404) may echo it.
            if slug not in probe.url and path in probe.text:
                problems.append(f"{probe.url} links to {path} ({marker})")
    return problems


def assert_sees_the_canary(found: list[probes.Probe], kinds: set[str]) -> None:
    seen = {probe.content_type for probe in found if CANARY in probe.text}
    assert kinds <= seen, f"the probes never saw the public canary in {kinds - seen}"


def test_the_world_has_every_kind_of_hidden_record(world: World) -> None:
    names = {type(record)._meta.model_name for record in world.hidden.values()}
    assert names == {model._meta.model_name for model in publishable_models()}
    assert len(world.hidden) >= 13 * 3 + 8


def test_every_root_entry_is_known() -> None:
    unknown = set(probes.root_entries()) - set(probes.ROOT_ENTRIES)
    assert not unknown, f"decide how the adversarial probes cover {sorted(unknown)}"


def test_no_public_page_shows_a_hidden_record(client: Any, world: World) -> None:
    found = list(probes.public_probes(client, world.records()))
    assert len(found) > 100
    assert not leaks(found, world)
    assert_sees_the_canary(
        found,
        {"text/html", "application/rss+xml", "application/atom+xml", "text/calendar"},
    )


def test_no_api_answer_shows_a_hidden_record(client: Any, world: World) -> None:
    found = list(probes.api_probes(client, world.records()))
    assert len(found) > 100
    assert not leaks(found, world)
    assert_sees_the_canary(found, {"application/json", "text/csv"})


def test_a_hidden_records_own_page_and_api_detail_are_not_found(client: Any, world: World) -> None:
    endpoints = {endpoint.model: endpoint for endpoint in probes.api_endpoints()}
    for marker, record in world.hidden.items():
        if hasattr(record, "get_absolute_url"):
            page = probes.fetch(client, record.get_absolute_url())
            assert page.status == 404, marker
            assert marker not in page.text
        endpoint = endpoints.get(type(record))  # organisations have no endpoint of their own
        for format in ("json", "csv") if endpoint else ():
            detail = probes.fetch(client, endpoint.detail_url(record), {"format": format})
            assert detail.status == 404, (marker, format)
            assert marker not in detail.text


def test_searching_for_a_hidden_records_marker_finds_nothing(client: Any, world: World) -> None:
    """The search page repeats what was searched for: with the marker replaced, it must read
    exactly as a search for a word that is nowhere."""
    nowhere = "Zq0nowhere"
    for marker in list(world.hidden)[:: max(1, len(world.hidden) // 12)]:
        for url in ["/en/search/", *(e.list_url for e in probes.api_endpoints())]:
            found = probes.fetch(client, url, {"q": marker})
            empty = probes.fetch(client, url, {"q": nowhere})
            assert found.status == empty.status == 200, found.url
            assert found.text.replace(marker, "?") == empty.text.replace(nowhere, "?"), found.url
