"""The public change log's page, feed and API (views/changes.py, api/changes.py): what they
show of each change, their filters, and what they never show."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from registry.models import PublicChange, Visit
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
Kind = PublicChange.Kind
ATOM = "{http://www.w3.org/2005/Atom}"


def change(record: Any, kind: str = Kind.CORRECTED, at: dt.datetime = NOW, **kw: Any):
    return PublicChange.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        label=str(record),
        path=record.get_absolute_url(),
        kind=kind,
        at=at,
        **kw,
    )


@pytest.fixture
def logged() -> dict[str, PublicChange]:
    visit = f.create_visit(title="Secretary General visits Georgia")
    other = f.create_country(name="Zephyria", slug="zephyria")
    return {
        "published": change(visit, Kind.PUBLISHED, NOW - dt.timedelta(days=10)),
        "corrected": change(
            visit,
            fields=[{"field": "From", "before": "18 March 2024", "after": "June 2004"}],
            note="Date corrected from the source.",
            editor="pat",
        ),
        "country": change(other, Kind.UNPUBLISHED, NOW - dt.timedelta(days=1)),
        "future": change(other, Kind.PUBLISHED, NOW + dt.timedelta(days=1)),
    }


def test_the_page_lists_changes_newest_first_with_before_and_after(client: Client, logged):
    with time_machine.travel(NOW, tick=False):
        page = client.get("/en/changes/").content.decode()
    corrected, unpublished, published = (
        page.index(f'id="change-{logged[name].pk}"')
        for name in ("corrected", "country", "published")
    )
    assert corrected < unpublished < published
    assert 'Corrected: <a href="/en/visits/' in page
    assert "<td>18 March 2024</td><td>June 2004</td>" in page
    assert "Date corrected from the source." in page
    assert f'id="change-{logged["future"].pk}"' not in page  # not before its time
    assert "pat" not in page  # editors are not named by default
    assert 'rel="alternate" type="application/atom+xml" title="Changes (Atom)"' in page


def test_the_editor_is_named_when_the_settings_say_so(client: Client, logged, settings):
    settings.CHANGE_LOG_NAMES_EDITORS = True
    with time_machine.travel(NOW, tick=False):
        assert "· by pat" in client.get("/en/changes/").content.decode()
        assert client.get(f"/api/v1/changes/{logged['corrected'].pk}/").json()["editor"] == "pat"


@pytest.mark.parametrize(
    "query, shown",
    [
        ("kind=corrected", {"corrected"}),
        ("type=country", {"country"}),
        ("since=2026-05-30", {"corrected", "country"}),
        ("until=2026-05-30", {"published"}),
    ],
)
def test_the_filters(client: Client, logged, query: str, shown: set[str]):
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/en/changes/?{query}").content.decode()
        answer = client.get(f"/api/v1/changes/?{query}").json()
    assert {n for n, c in logged.items() if f'id="change-{c.pk}"' in page} == shown
    assert {c["id"] for c in answer["results"]} == {logged[n].pk for n in shown}


def test_one_records_history(client: Client, logged):
    visit = Visit.objects.get()
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/en/changes/?type=visit&record={visit.pk}").content.decode()
        record_page = client.get(visit.get_absolute_url()).content.decode()
    assert f'id="change-{logged["corrected"].pk}"' in page
    assert f'id="change-{logged["country"].pk}"' not in page
    assert f'href="/en/changes/?type=visit&amp;record={visit.pk}">What changed on this record' in (
        record_page
    )


@pytest.mark.parametrize("query", ["kind=rumour", "since=yesterday", "record=-1", "type=user"])
def test_bad_filters_are_a_clear_400(client: Client, logged, query: str):
    page = client.get(f"/en/changes/?{query}")
    assert page.status_code == 400
    assert "Some of the filters could not be used" in page.content.decode()
    answer = client.get(f"/api/v1/changes/?{query}")
    assert answer.status_code == 400
    assert "Traceback" not in answer.content.decode()


def test_the_api_gives_each_change_in_full(client: Client, logged):
    with time_machine.travel(NOW, tick=False):
        answer = client.get(f"/api/v1/changes/{logged['corrected'].pk}/").json()
        assert client.get(f"/api/v1/changes/{logged['future'].pk}/").status_code == 404
        assert client.get("/api/v1/changes/999999/").status_code == 404
    visit = Visit.objects.get()
    assert answer == {
        "id": logged["corrected"].pk,
        "at": "2026-06-01T12:00:00Z",
        "kind": "corrected",
        "record_type": "visit",
        "record_id": visit.pk,
        "label": "Secretary General visits Georgia",
        "html_url": f"http://testserver{visit.get_absolute_url()}",
        "fields": [{"field": "From", "before": "18 March 2024", "after": "June 2004"}],
        "note": "Date corrected from the source.",
        "editor": None,
        "url": f"http://testserver/api/v1/changes/{logged['corrected'].pk}/",
    }


def test_the_atom_feed(client: Client, logged):
    with time_machine.travel(NOW, tick=False):
        response = client.get("/en/changes/feed/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == [
        "Corrected: Secretary General visits Georgia",
        "Unpublished: Zephyria",
        "Published: Secretary General visits Georgia",
    ]
    assert "18 March 2024 → June 2004" in response.content.decode()


def test_a_deleted_records_address_points_to_its_changes(client: Client):
    visit = f.create_visit(title="Removed visit")
    url, pk = visit.get_absolute_url(), visit.pk
    visit.delete()
    page = client.get(url).content.decode()
    assert f'href="/en/changes/?type=visit&amp;record={pk}">change log</a>' in page


def test_the_page_costs_the_same_queries_for_ten_changes_or_fifty(
    client: Client, django_assert_max_num_queries
):
    visit = f.create_visit()
    for n in range(10):
        change(visit, at=NOW - dt.timedelta(hours=n))
    with time_machine.travel(NOW, tick=False):
        client.get("/en/changes/?since=2000-01-01")  # the version state, read once per change
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(4) as few:
        client.get("/en/changes/")
    for n in range(10, 60):
        change(visit, at=NOW - dt.timedelta(hours=n))
    with time_machine.travel(NOW, tick=False):
        client.get("/en/changes/?since=2000-01-01")
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(4) as many:
        page = client.get("/en/changes/").content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert page.count('class="record change ') == 50
