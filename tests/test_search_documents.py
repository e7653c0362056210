"""The stored search documents (migration 0011) and the bounded search (registry/search.py):
documents follow every edit, of the record and of the records whose names it holds; the
search ranks at most MAX_CANDIDATES of a kind and says "more than"; its queries do not grow
with the data; the `q` filter of lists and the API uses the same documents.

Runs on both databases; PostgreSQL-only tests skip on SQLite at run time."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from registry import search as search_module
from registry.models import Appointment, Participation, Person, Status, Visit
from registry.search import KINDS, filter_matching, search
from registry.seed.loader import load_seed
from registry.views.discovery import SearchView
from tests.factories import (
    create_appointment,
    create_country,
    create_participation,
    create_person,
    create_position,
    create_programme,
    create_source,
    create_visit,
)
from tests.test_search import found, grow

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed, loaded once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seed(seeded, db):
    return None


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search only.")


@pytest.fixture
def sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("The SQLite fallback only.")


def stored_document(record) -> str | None:
    """The document PostgreSQL stores for `record`, as text."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT search_document::text FROM {record._meta.db_table} WHERE id = %s",
            [record.pk],
        )
        return cursor.fetchone()[0]


# --- Documents stay current ------------------------------------------------------------


def test_editing_a_record_updates_its_document(seed):
    person = create_person(name="Oswin Quarrington", summary="An envoy.")
    assert ("person", person.slug) in found("Quarrington")
    person.name = "Oswin Vellacott"
    person.save()
    assert ("person", person.slug) in found("Vellacott")
    assert found("Quarrington") == []
    # Writes that bypass save() and its signals too.
    Person.objects.filter(pk=person.pk).update(summary="A negotiator of Pemberley accords.")
    assert found("Pemberley") == [("person", person.slug)]


def test_renaming_a_person_or_a_post_updates_their_appointments(seed):
    person = create_person(name="Ildiko Brannagh")
    position = create_position(title="Envoy for Windermere")
    appointment = create_appointment(person=person, position=position, start="2020")
    assert ("appointment", "Ildiko Brannagh: Envoy for Windermere") in found("Brannagh Windermere")
    person.name = "Ildiko Castellane"
    person.save()
    position.title = "Envoy for Ullswater"
    position.save()
    hits = found("Castellane Ullswater")
    assert ("appointment", "Ildiko Castellane: Envoy for Ullswater") in hits
    assert found("Brannagh") == found("Windermere") == []
    # The appointment itself was not saved: its document followed the names.
    assert Appointment.objects.get(pk=appointment.pk).updated_at == appointment.updated_at


def test_renaming_a_country_or_a_programme_updates_their_participations(seed):
    country = create_country(name="Arvandia")
    programme = create_programme(name="Lowmoor Initiative", short_name="LMI")
    participation = create_participation(country=country, programme=programme, summary="A.")
    assert [k for k, _ in found("Arvandia Lowmoor", kinds=["participation"])] == ["participation"]
    country.name = "Bellmaria"
    country.save()
    programme.short_name = "QXP"
    programme.save(update_fields=["short_name"])
    results = search("Bellmaria QXP", kinds=["participation"])
    assert [hit.title for hit in results.hits] == ["Bellmaria in Lowmoor Initiative (QXP)"]
    assert results.hits[0].record.pk == participation.pk
    assert search("Arvandia", kinds=["participation"]).total == 0
    assert search("LMI", kinds=["participation"]).total == 0


def test_a_linked_record_turned_draft_hides_what_names_it(seed):
    person = create_person(name="Tamsin Orlebar")
    create_appointment(person=person, position=create_position(), start="2021")
    visit = create_visit(title="Orlebar in Bishkek", traveller=person)
    assert {kind for kind, _ in found("Orlebar")} == {"person", "appointment", "visit"}
    person.status = Status.DRAFT
    person.save()
    assert found("Orlebar") == []
    assert visit.pk in Visit.objects.values_list("pk", flat=True)  # hidden, not gone


def test_documents_are_stored_with_their_weights(seed, postgresql):
    source = create_source(title="Almanac", author="Hollis", full_text="Glaciers melt.")
    document = stored_document(source)
    assert "'almanac':1A" in document
    assert "'holli':2C" in document  # "Hollis", stemmed
    assert "'glacier':3" in document and "'glacier':3D" not in document  # D is shown bare
    # bulk_create never calls save(): the trigger still fills the document.
    [bulk] = Person.objects.bulk_create([Person(name="Bulk Fenwick", slug="bulk-fenwick")])
    bulk.status = Status.PUBLISHED
    Person.objects.filter(pk=bulk.pk).update(status=Status.PUBLISHED)
    assert stored_document(bulk) == "'bulk':1A 'fenwick':2A"
    assert ("person", "bulk-fenwick") in found("Fenwick")


def test_the_rebuild_command_refills_every_document(seed, postgresql):
    person = create_person(name="Perpetua Hasselby")
    with connection.cursor() as cursor:
        # Triggers off, as in a data-only restore with --disable-triggers.
        cursor.execute("SET session_replication_role = replica")
        for kind in KINDS:
            cursor.execute(f"UPDATE {kind.model._meta.db_table} SET search_document = NULL")
        cursor.execute("SET session_replication_role = DEFAULT")
    assert found("Hasselby") == []
    call_command("rebuild_search_documents", verbosity=0)
    assert found("Hasselby") == [("person", person.slug)]
    with connection.cursor() as cursor:
        for kind in KINDS:
            cursor.execute(
                f"SELECT count(*) FROM {kind.model._meta.db_table} WHERE search_document IS NULL"
            )
            assert cursor.fetchone()[0] == 0, kind.key


# --- The bound -------------------------------------------------------------------------


@pytest.fixture
def small_bound(monkeypatch):
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 5)
    monkeypatch.setattr(SearchView, "per_page", 3)
    for i in range(12):
        create_visit(title=f"Zanzibari talks {i}", summary="Talks.")
    create_person(name="Zanzibari Official")


def test_more_matches_than_the_bound_are_neither_ranked_nor_counted(seed, small_bound):
    results = search("Zanzibari", limit=20)
    assert results.counts["visit"] == 5 and results.counts["person"] == 1
    assert results.bounded == {"visit"} and results.more
    assert results.total == 6
    assert len(results.hits) == 6  # at most the bound of each kind is ranked
    assert [f.label for f in results.facets] == ["1", "5+"]
    only_people = search("Zanzibari", kinds=["person"])
    assert not only_people.more and only_people.all_more
    assert not search("Zanzibari Official").more


def test_the_page_says_more_than_the_bound_and_shows_one_page(seed, small_bound, client):
    html = client.get("/en/search/", {"q": "Zanzibari"}).content.decode()
    assert "More than 6 results for “Zanzibari” · page 1 of 2." in html
    assert html.count('search-hit">') == 3
    assert "Visits (5+)" in html and "All kinds (6+)" in html
    assert "More than 5 records of a kind match" in html
    assert '<meta name="description" content="More than 6 published records' in html
    html = client.get("/en/search/", {"q": "Zanzibari", "page": "2"}).content.decode()
    assert html.count('search-hit">') == 3
    html = client.get("/en/search/", {"q": "Zanzibari Official"}).content.decode()
    assert "1 result for “Zanzibari Official”" in html and "More than" not in html


def test_the_bound_is_in_the_sql(seed, small_bound):
    with CaptureQueriesContext(connection) as queries:
        search("Zanzibari", kinds=["visit"])
    visit_queries = [q["sql"] for q in queries if 'FROM "registry_visit"' in q["sql"]]
    assert visit_queries and all(re.search(r"LIMIT 6\b", sql) for sql in visit_queries)


# --- Queries and the index -------------------------------------------------------------

PAGES = [
    {"q": "NATO"},
    {"q": "Shekerinska", "kind": "person"},
    {"q": '"Intensified Dialogue" or Tbilisi -Kabul', "page": "2"},
    {"q": "zzyzx"},
]


def test_the_search_page_runs_as_many_queries_whatever_the_data(
    seed, client, django_assert_num_queries
):
    def counts() -> list[int]:
        result = []
        for params in PAGES:
            client.get("/en/search/", params)  # warm caches
            with CaptureQueriesContext(connection) as queries:
                client.get("/en/search/", params)
            result.append(len(queries))
        return result

    before = counts()
    grow()
    assert counts() == before
    with django_assert_num_queries(before[0]):
        client.get("/en/search/", PAGES[0])


# --- SQLite ----------------------------------------------------------------------------


def test_sqlite_finds_seed_records_by_name(seed, sqlite):
    assert search("Shekerinska").backend == "fallback"
    assert ("person", "radmila-shekerinska") in found("Radmila Shekerinska")
    assert ("country", "georgia") in found("Georgia")
    assert ("programme", "partnership-for-peace") in found('"Partnership for Peace"')


# --- The q filter of lists and the API -------------------------------------------------


def test_the_list_filter_uses_the_search_documents(seed):
    visits = Visit.objects.published()
    assert list(filter_matching(visits, "").order_by("pk")) == list(visits.order_by("pk"))
    assert not filter_matching(visits, "the of").exists()  # only common words
    assert not filter_matching(visits, "!!!").exists()
    slugs = set(filter_matching(visits, '"Black Sea"').values_list("slug", flat=True))
    assert slugs == {"deputy-secretary-general-azerbaijan"}
    assert slugs.isdisjoint(filter_matching(visits, "-sea").values_list("slug", flat=True))
    country, programme = create_country(name="Corvania"), create_programme(name="Rookwood")
    participation = create_participation(country=country, programme=programme)
    found_ids = filter_matching(Participation.objects.published(), "Corvania")
    assert list(found_ids) == [participation]


def test_the_api_q_parameter_uses_the_search_documents(seed, client):
    cache.clear()  # throttling counts live in the cache
    create_visit(title="Talks on glaciers", summary="Glacial retreat in the Pamirs.")
    create_visit(title="Draft glaciers", summary="Glaciers.", status=Status.DRAFT)
    response = client.get("/api/v1/visits/", {"q": "glacier"})
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    assert titles == ["Talks on glaciers"]  # stemmed; the draft never
    response = client.get("/api/v1/visits/", {"q": "glacier -pamirs"})
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("regions", "Caucasus", "south-caucasus"),
        ("countries", "Georgia", "georgia"),
        ("programmes", '"Partnership for Peace"', "partnership-for-peace"),
        ("offices", "Tbilisi", "nato-liaison-office-georgia"),
        ("people", "Shekerinska", "radmila-shekerinska"),
        ("visits", "Shekerinska", "deputy-secretary-general-azerbaijan"),
        ("events", "Istanbul", "istanbul-summit-2004"),
        ("topics", "energy", "energy-security"),
        ("sources", "crossroads", "partners-in-the-southern-caucasus"),
    ],
)
def test_every_api_list_searches_with_q(seed, client, path, query, expected):
    cache.clear()
    response = client.get(f"/api/v1/{path}/", {"q": query, "ordering": "-slug"})
    if response.status_code == 400:  # a list without that ordering
        response = client.get(f"/api/v1/{path}/", {"q": query})
    assert response.status_code == 200, response.content
    assert expected in [row.get("slug") for row in response.json()["results"]]


@pytest.mark.parametrize("path", ["participations", "positions", "appointments"])
def test_api_lists_without_slugs_search_with_q(seed, client, path):
    cache.clear()
    everything = client.get(f"/api/v1/{path}/").json()["results"]
    response = client.get(f"/api/v1/{path}/", {"q": "NATO or Georgia"})
    assert response.status_code == 200, response.content
    assert 0 < len(response.json()["results"]) <= len(everything)
    assert client.get(f"/api/v1/{path}/", {"q": "zzyzx"}).json()["results"] == []
