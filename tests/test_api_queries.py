"""Each API request costs a fixed number of SQL queries, whatever the page or data size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Appointment, Participation, Visit
from registry.seed.loader import load_seed
from tests import factories as f
from tests.conftest import clear_caches

API = "/api/v1"
LISTS = [
    ("regions/", {}),
    ("countries/", {}),
    ("programmes/", {"as_of": "2002-06-01"}),
    ("participations/", {"as_of": "2002-06-01"}),
    ("offices/", {}),
    ("offices/", {"as_of": "2012-01-01", "country": "GE"}),
    ("positions/", {}),
    ("positions/", {"as_of": "2002-06-01"}),
    ("people/", {}),
    ("appointments/", {"as_of": "2002-06-01"}),
    ("visits/", {}),
    ("visits/", {"country": "AZ", "q": "visit"}),
    ("events/", {}),
    ("topics/", {}),
    ("sources/", {}),
]


def grow(n: int) -> None:
    """Add `n` linked records of every kind, each citing a source and tagged with topics."""
    region = f.create_region()
    for _ in range(n):
        country = f.create_country(region=region)
        source = f.create_source()
        topic = f.create_topic()
        programme = f.create_programme(start="2001")
        participation = f.create_participation(country=country, programme=programme, start="2002")
        office = f.create_office(host_country=country, start="2010", ongoing=True)
        office.countries_covered.add(country)
        person = f.create_person()
        position = f.create_position(office=office, start="2000")
        appointment = f.create_appointment(person=person, position=position, start="2001")
        event = f.create_event(country=country, start="2005")
        event.topics.add(topic)
        visit = f.create_visit(
            traveller=person, traveller_position=position, start="2010-01-01", end="2010-01-03"
        )
        visit.topics.add(topic)
        leg = f.create_leg(visit=visit, country=country, order=1)
        meeting = f.create_meeting(visit=visit, counterpart=person, leg=leg)
        meeting.topics.add(topic)
        for record in (country, topic, programme, participation, office, person, position):
            f.create_citation(record=record, source=source, quote="q")
        for record in (appointment, event, visit, region):
            f.create_citation(record=record, source=source, quote="q")


@pytest.fixture(autouse=True)
def uncached(settings):
    """Count the views' own queries: the public cache would answer with none (test_cache.py)."""
    settings.PUBLIC_CACHE_ENABLED = False


def count_queries(client, path: str, params: dict) -> int:
    clear_caches()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/{path}", {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    return len(queries)


def detail_paths() -> list[tuple[str, dict]]:
    appointment = Appointment.objects.order_by("pk").first()
    participation = Participation.objects.order_by("pk").first()
    paths = [
        "regions/central-asia/",
        "countries/georgia/",
        "programmes/individual-partnership-action-plan/",
        f"participations/{participation.pk}/",
        "offices/nato-liaison-office-georgia/",
        "positions/special-representative-caucasus-central-asia/",
        "people/robert-simmons/",
        f"appointments/{appointment.pk}/",
        "visits/deputy-secretary-general-azerbaijan/",
        "events/istanbul-summit-2004/",
        "topics/demining/",
        "sources/partners-in-the-southern-caucasus/",
    ]
    as_of = {"as_of": "2005-01-01"}
    return [(path, {}) for path in paths] + [
        ("positions/special-representative-caucasus-central-asia/", as_of),
        ("offices/nato-liaison-office-georgia/", as_of),
    ]


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(client):
    load_seed()
    paths = LISTS + detail_paths()
    for path, params in paths:  # warm the content-type cache once
        count_queries(client, path, params)
    small = {(path, str(params)): count_queries(client, path, params) for path, params in paths}
    visits_before = Visit.objects.count()
    grow(25)
    assert Visit.objects.count() >= 10 * visits_before
    large = {(path, str(params)): count_queries(client, path, params) for path, params in paths}
    assert large == small
    # And the numbers are small: one per linked list, never one per row (the most: a visit
    # list's legs, their countries' other names, meetings, topics, citations).
    assert max(small.values()) <= 9, small
