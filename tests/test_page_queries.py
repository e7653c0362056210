"""Every public page runs a fixed number of SQL queries, whatever the amount of data: the
count of each page type on the seed equals its count with about ten times more records.

Django skips a prefetch query when the list it would fill is empty, so the small size is
the seed with one more record of each kind around the pages measured (every list on every
page then has a row); the large size adds ten times as many."""

from __future__ import annotations

import traceback

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import (
    Country,
    Event,
    Meeting,
    Office,
    Organisation,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Status,
    Topic,
    Visit,
)
from tests import factories as f
from tests.test_pages import PAGE_TYPES, seeded_module  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_module")]


@pytest.fixture(autouse=True)
def uncached(settings):
    """Count the views' own queries: the public cache would answer with none (test_cache.py)."""
    settings.PUBLIC_CACHE_ENABLED = False


# Besides one URL of each page type: filtered and paginated lists, and the 404 page.
URLS = {
    **PAGE_TYPES,
    "country-azerbaijan": "/en/countries/azerbaijan/",
    "region-central-asia": "/en/regions/central-asia/",
    "visit-three-countries": "/en/visits/secretary-general-south-caucasus-march-2024/",
    "person-counterpart": "/en/people/jeyhun-bayramov/",
    "visit-list-filtered": "/en/visits/?country=georgia&year=2024",
    "visit-list-person": "/en/visits/?person=radmila-shekerinska&region=south-caucasus",
    "visit-list-bad": "/en/visits/?year=abc",
    "timeline-filtered": "/en/timeline/?country=georgia",
    "timeline-kind": "/en/timeline/?kind=visit",
    "not-found": "/en/offices/no-such-office/",
}


def count_queries(client) -> dict[str, int]:
    counts = {}
    for name, url in URLS.items():
        client.get(url)  # warm caches (content types) so that only the page's own queries count
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code in {200, 400, 404}, (url, response.status_code)
        counts[name] = len(queries)
    return counts


def grow(times: int = 10, first: int = 0) -> None:
    """Add `times` records of each kind around the pages measured, drafts included."""
    south = Region.objects.get(slug="south-caucasus")
    georgia = Country.objects.get(slug="georgia")
    azerbaijan = Country.objects.get(slug="azerbaijan")
    tbilisi = Office.objects.get(slug="nato-liaison-office-georgia")
    tashkent = Office.objects.get(slug="nato-liaison-officer-central-asia-office")
    special = Position.objects.get(slug="special-representative-caucasus-central-asia")
    deputy = Position.objects.get(slug="nato-deputy-secretary-general")
    shekerinska = Person.objects.get(slug="radmila-shekerinska")
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    eapc = Programme.objects.get(slug="euro-atlantic-partnership-council")
    istanbul = Event.objects.get(slug="istanbul-summit-2004")
    energy = Topic.objects.get(slug="energy-security")
    brochure = Source.objects.get(slug="partners-in-the-southern-caucasus")
    nato = Organisation.objects.get(slug="nato")
    ministry = Organisation.objects.get(slug="government-of-azerbaijan")
    for n in range(first, first + times):
        status = Status.DRAFT if n % 4 == 3 else Status.PUBLISHED
        country = f.create_country(name=f"Grown country {n}", region=south, status=status)
        topic = f.create_topic(name=f"Grown topic {n}")
        source = f.create_source(title=f"Grown source {n}", full_text="Grown text.\nSecond line.")
        programme = f.create_programme(
            name=f"Grown programme {n}", start=f"{1995 + n}", replaces=eapc, status=status
        )
        f.create_participation(country=georgia, programme=programme, start=f"{1996 + n}")
        f.create_participation(country=country, programme=eapc, start=f"{1998 + n}-05")
        event = f.create_event(
            name=f"Grown summit {n}", start=f"{2005 + n}-06", country=georgia, city="Tbilisi"
        )
        event.topics.add(energy, topic)
        programme.launched_at = istanbul
        programme.save()
        office = f.create_office(
            name=f"Grown office {n}",
            host_country=georgia,
            start=f"{2000 + n}",
            end=f"{2010 + n}",
            succeeded_by=tbilisi,
            status=status,
        )
        office.countries_covered.add(georgia, country)
        if n == 0:
            tashkent.succeeded_by = office
            tashkent.save()
        post = f.create_position(
            title=f"Grown post {n}",
            organisation=nato if n % 2 else ministry,
            office=tbilisi,
            established_by=istanbul,
            ongoing=True,
            start=f"{2004 + n}",
        )
        holder = f.create_person(name=f"Grown holder {n}", status=status)
        f.create_appointment(person=holder, position=post, start=f"{2010 + n}", ongoing=True)
        f.create_appointment(person=holder, position=special, notes=f"Grown holder {n}")
        f.create_appointment(
            person=shekerinska, position=post, start=f"{2001 + n}", end=f"{2002 + n}"
        )
        trip = f.create_visit(
            title=f"Grown visit {n}",
            traveller=shekerinska if n % 2 else holder,
            traveller_position=deputy if n % 2 else special,
            start=f"2024-0{1 + n % 9}-0{1 + n % 9}",
            status=status,
        )
        trip.topics.add(energy, topic)
        for order, place in enumerate([georgia, azerbaijan, country], start=1):
            f.create_leg(visit=trip, country=place, order=order, city=f"City {order}")
        f.create_leg(visit=visit, country=country, order=10 + n)
        met = Meeting.objects.create(
            visit=visit, counterpart=holder, counterpart_position=special, order=10 + n
        )
        met.topics.add(energy, topic)
        other = Meeting.objects.create(
            visit=trip, counterpart=shekerinska, counterpart_position=deputy, order=1
        )
        other.topics.add(energy)
        Meeting.objects.create(visit=trip, counterpart_group=f"Students {n}", order=2)
        visit.topics.add(topic)
        for record in [
            georgia, country, south, tbilisi, tashkent, special, post, shekerinska, holder,
            trip, visit, eapc, programme, istanbul, event, energy, topic, office,
        ]:  # fmt: skip
            f.create_citation(record=record, source=source, quote=f"Grown quote {n}")
            f.create_citation(record=record, source=brochure, quote=f"Brochure quote {n}")


def test_query_counts_do_not_grow_with_the_data(client):
    grow(1)
    small = count_queries(client)
    grow(10, first=1)
    large = count_queries(client)
    report = {name: (small[name], large[name]) for name in URLS}
    assert small == large, {name: counts for name, counts in report.items() if len(set(counts)) > 1}
    # Keep the report of the counts for the record (shown with -s or on failure).
    print("\nQueries per page type (seed, ten times more):", report)


def test_grown_data_shows_on_the_pages(client):
    """The growth above really reaches the pages measured (else the test proves nothing)."""
    grow(3)
    assert "Grown visit 0" in client.get("/en/countries/georgia/").content.decode()
    assert "Grown holder 0" in client.get(PAGE_TYPES["position"]).content.decode()
    assert "Grown post 0" in client.get(PAGE_TYPES["office-open"]).content.decode()
    assert "Brochure quote 0" in client.get(PAGE_TYPES["source"]).content.decode()
    assert "Grown holder 0" in client.get(PAGE_TYPES["visit"]).content.decode()
    assert "Grown summit 0" in client.get(PAGE_TYPES["topic"]).content.decode()
    assert "Grown holder 2" in client.get(PAGE_TYPES["home"]).content.decode()


def test_templates_run_no_queries(client):
    """Views hand templates loaded lists: no query runs while a template renders."""
    grow(1)
    from_templates = []

    def watch(execute, sql, params, many, context):
        if any("django/template/" in frame.filename for frame in traceback.extract_stack()):
            from_templates.append(sql)
        return execute(sql, params, many, context)

    for url in URLS.values():
        with connection.execute_wrapper(watch):
            client.get(url)
    assert from_templates == []
