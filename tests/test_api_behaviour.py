"""The API's behaviour around the data: drafts never show, bad parameters are 400s naming
the parameter, CSV, conditional GET and caching, throttling and CORS."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry.models import Status
from tests import factories as f
from tests.conftest import clear_caches

API = "/api/v1"
DRAFT = Status.DRAFT
# Far from midnight, when max-age is capped by the day's end (the `current` filters change).
NOON = dt.datetime(2030, 6, 12, 12, 0, tzinfo=dt.UTC)
LISTS = [
    "regions",
    "countries",
    "programmes",
    "participations",
    "offices",
    "positions",
    "people",
    "appointments",
    "visits",
    "events",
    "topics",
    "sources",
]


@pytest.fixture
def api(db, client):
    clear_caches()
    return client


# --- Drafts -------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """Published records linked to drafts of every kind; every draft's name holds SECRET."""
    region = f.create_region(slug="caucasus")
    country = f.create_country(name="Georgia", iso_code="GE", slug="georgia", region=region)
    f.create_country(name="SECRET land", iso_code="ZZ", slug="secret-land", status=DRAFT)
    f.create_region(name="SECRET region", slug="secret-region", status=DRAFT)
    hidden_source = f.create_source(title="SECRET source", slug="secret-source", status=DRAFT)
    source = f.create_source(title="Open source", slug="open-source")
    draft_office = f.create_office(name="SECRET office", slug="secret-office", status=DRAFT)
    office = f.create_office(
        name="Open office", slug="open-office", host_country=country, succeeded_by=draft_office
    )
    office.countries_covered.add(country, f.create_country(name="SECRET two", status=DRAFT))
    f.create_citation(record=office, source=source, quote="public quote")
    f.create_citation(record=office, source=hidden_source, quote="SECRET quote")
    draft_org = f.create_organisation(name="SECRET organisation", status=DRAFT)
    position = f.create_position(title="Open post", slug="open-post", organisation=draft_org)
    draft_post = f.create_position(title="SECRET post", slug="secret-post", status=DRAFT)
    person = f.create_person(name="Open Person", slug="open-person")
    draft_person = f.create_person(name="SECRET Person", slug="secret-person", status=DRAFT)
    f.create_appointment(person=draft_person, position=position, start="2001", end="2002")
    f.create_appointment(person=person, position=draft_post, start="2003", end="2004")
    f.create_appointment(person=person, position=position, start="2005", status=DRAFT)
    programme = f.create_programme(name="Open programme", slug="open-programme")
    draft_programme = f.create_programme(name="SECRET programme", status=DRAFT)
    f.create_participation(country=country, programme=draft_programme, summary="SECRET")
    f.create_participation(country=country, programme=programme, status=DRAFT, summary="SECRET")
    topic = f.create_topic(name="Open topic", slug="open-topic")
    draft_topic = f.create_topic(name="SECRET topic", slug="secret-topic", status=DRAFT)
    event = f.create_event(name="Open event", slug="open-event", start="2004")
    event.topics.add(topic, draft_topic)
    f.create_event(name="SECRET event", status=DRAFT)
    visit = f.create_visit(title="Open visit", slug="open-visit", traveller=person, start="2024")
    visit.topics.add(draft_topic)
    f.create_leg(visit=visit, country=country, order=1)
    f.create_meeting(visit=visit, counterpart=draft_person, counterpart_group="")
    f.create_meeting(visit=visit, counterpart=draft_person, counterpart_group="Officials")
    f.create_visit(title="SECRET visit", slug="secret-visit", traveller=draft_person)
    f.create_visit(title="SECRET draft visit", status=DRAFT, traveller=person)
    return {"office": office, "visit": visit, "position": position}


def test_drafts_never_appear_in_any_list(api, world):
    for endpoint in LISTS:
        for params in ({}, {"format": "csv"}, {"as_of": "2001-06-01"}, {"q": "SECRET"}):
            if "as_of" in params and endpoint not in {
                "programmes",
                "participations",
                "offices",
                "positions",
                "appointments",
            }:
                continue
            response = api.get(f"{API}/{endpoint}/", {"page_size": 100, **params})
            assert response.status_code == 200, (endpoint, params, response.content)
            assert b"SECRET" not in response.content, (endpoint, params)
            assert b"secret" not in response.content, (endpoint, params)


def test_drafts_are_404_on_detail(api, world):
    for path in [
        "countries/secret-land/",
        "regions/secret-region/",
        "sources/secret-source/",
        "offices/secret-office/",
        "positions/secret-post/",
        "people/secret-person/",
        "topics/secret-topic/",
        "visits/secret-visit/",  # published, but its traveller is a draft
    ]:
        response = api.get(f"{API}/{path}")
        assert response.status_code == 404, path
        assert response.json()["detail"]


def test_links_to_drafts_are_null_or_left_out(api, world):
    office = api.get(f"{API}/offices/open-office/").json()
    assert office["succeeded_by"] is None
    assert [c["slug"] for c in office["countries_covered"]] == ["georgia"]
    assert [c["source"] for c in office["citations"]] == ["open-source"]
    post = api.get(f"{API}/positions/open-post/", {"as_of": "2001-06-01"}).json()
    assert post["organisation"] is None
    assert post["holders_on_date"] == [] and post["vacant"] is True
    visit = api.get(f"{API}/visits/open-visit/").json()
    assert visit["topics"] == []
    assert [m["counterpart"] for m in visit["meetings"]] == [None, None]
    assert [m["counterpart_group"] for m in visit["meetings"]] == ["", "Officials"]
    event = api.get(f"{API}/events/open-event/").json()
    assert [t["slug"] for t in event["topics"]] == ["open-topic"]


def test_filters_cannot_reach_drafts(api, world):
    for path, params in [
        ("countries/", {"region": "secret-region"}),
        ("visits/", {"person": "secret-person"}),
        ("visits/", {"topic": "secret-topic"}),
        ("appointments/", {"position": "secret-post"}),
        ("offices/", {"country": "ZZ"}),
    ]:
        response = api.get(f"{API}/{path}", params)
        assert response.status_code == 400, (path, params)
        assert set(response.json()) == set(params)
    assert api.get(f"{API}/programmes/", {"country": "GE"}).json()["count"] == 0
    assert api.get(f"{API}/positions/", {"person": "open-person"}).json()["count"] == 0


# --- Bad parameters -----------------------------------------------------------------------

BAD = [
    ("countries/", "page", "abc"),
    ("countries/", "page", "0"),
    ("countries/", "page", "9" * 40),
    ("countries/", "page_size", "0"),
    ("countries/", "page_size", "101"),
    ("countries/", "page_size", "1e3"),
    ("countries/", "page_size", "9" * 40),
    ("countries/", "ordering", "nonsense"),
    ("countries/", "format", "xml"),
    ("countries/", "region", "\x00"),
    ("countries/", "region", "x" * 5000),
    ("countries/", "is_partner", "maybe"),
    ("countries/", "q", "a\x00b"),
    ("countries/", "q", "x" * 201),
    ("visits/", "cursor", "not-a-cursor"),
    ("visits/", "cursor", "\x00"),
    ("visits/", "country", "\x00"),
    ("visits/", "country", "XX"),
    ("visits/", "country", "%Y-%m-%d"),  # found by schemathesis: once a 500
    ("programmes/", "country", "100%"),
    ("countries/", "region", "%s%s"),
    ("visits/", "year", "9" * 40),
    ("visits/", "year", "NaN"),
    ("visits/", "start_after", "2024-02-30"),
    ("visits/", "ordering", "title"),
    ("offices/", "as_of", "2015-1-1x"),
    ("offices/", "as_of", "01/01/2015"),
    ("offices/", "as_of", "\x00"),
    ("offices/", "as_of", "99999-01-01"),
    ("offices/", "current", "\x00"),
    ("programmes/", "kind", "summit"),
    ("events/", "kind", "\x00"),
    ("positions/", "person", "9" * 40),
    ("appointments/", "capacity", "boss"),
    ("participations/", "stage", "\x00"),
    ("sources/", "kind", "book"),
    ("offices/open-office/", "as_of", "yesterday"),
    ("positions/open-post/", "as_of", "2015-02-29"),
]


@pytest.mark.parametrize(("path", "name", "value"), BAD)
def test_bad_parameters_are_400_naming_the_parameter(api, world, path, name, value):
    response = api.get(f"{API}/{path}", {name: value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [name]
    assert all(isinstance(message, str) and message for message in body[name])


def test_unknown_records_and_paths_are_json_404(api, world):
    for path in [
        "countries/nowhere/",
        "appointments/99999999/",
        "appointments/" + "9" * 30 + "/",
        "participations/abc/",
        "nothing/",
    ]:
        response = api.get(f"{API}/{path}")
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("application/json")
    assert api.get(f"{API}/countries/", {"page": 99}).status_code == 404


def test_read_only(api, world):
    assert api.post(f"{API}/countries/", {"name": "x"}).status_code == 405
    assert api.delete(f"{API}/offices/open-office/").status_code == 405


# --- CSV ----------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_csv_by_format_or_accept(api, world):
    by_format = read_csv(api.get(f"{API}/offices/", {"format": "csv"}))
    by_accept = read_csv(api.get(f"{API}/offices/", HTTP_ACCEPT="text/csv"))
    assert by_format == by_accept
    [row] = by_format
    assert row["slug"] == "open-office"
    assert row["host_country"] == "georgia"  # a linked record by its slug
    assert row["countries_covered"] == "georgia"
    assert row["citations"] == "open-source"
    assert row["succeeded_by"] == ""
    assert row["ongoing"] == "false"
    assert row["start"] == "" and row["start_precision"] == ""


def test_csv_flattens_dates_lists_and_nested_objects(api, world):
    f.create_office(name="Second", slug="second", start="June 2004", ongoing=True)
    rows = {r["slug"]: r for r in read_csv(api.get(f"{API}/offices/", {"format": "csv"}))}
    assert (rows["second"]["start"], rows["second"]["start_precision"]) == ("2004-06", "month")
    rows = read_csv(api.get(f"{API}/offices/", {"format": "csv", "as_of": "2010-01-01"}))
    assert rows[0]["as_of"] == "date: 2010-01-01, certainty: possible"
    [visit] = read_csv(api.get(f"{API}/visits/", {"format": "csv"}))
    assert visit["legs"] == (
        "order: 1, country: georgia, country_name_then: Georgia, dates_text: Dates not recorded"
    )
    assert visit["meetings"] == "order: 0; order: 0, counterpart_group: Officials"


def test_csv_header_when_empty_and_formulas_neutralised(api, world):
    empty = api.get(f"{API}/topics/", {"format": "csv", "q": "nothing-matches"})
    header = (
        '"slug","name","description","url","html_url","updated_at","citations",'
        '"french_out_of_date","untranslated"'
    )
    assert empty.content.decode().splitlines() == [header]
    f.create_topic(name="=HYPERLINK(1)", slug="formula")
    rows = read_csv(api.get(f"{API}/topics/", {"format": "csv", "ordering": "name"}))
    assert rows[0]["name"] == "'=HYPERLINK(1)"
    f.create_office(name="Phone", slug="phone", phone="+995 (32) 293 38 01")
    [office] = read_csv(api.get(f"{API}/offices/", {"format": "csv", "q": "phone"}))
    # Only a plain number is left alone; a phone number could be evaluated (csv_safety.py).
    assert office["phone"] == "'+995 (32) 293 38 01"


def test_errors_are_json_even_when_csv_was_asked_for(api, world):
    response = api.get(f"{API}/offices/", {"format": "csv", "as_of": "never"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["as_of"]


# --- Conditional GET and caching ----------------------------------------------------------


@pytest.mark.time_machine(NOON, tick=False)
def test_etag_and_304(api, world):
    for path in ["offices/", "offices/open-office/", "visits/", "visits/open-visit/"]:
        first = api.get(f"{API}/{path}")
        assert first.status_code == 200
        etag = first["ETag"]
        assert etag.startswith('"') and etag.endswith('"')
        assert first["Cache-Control"] == "public, max-age=300"
        assert "Last-Modified" in first
        assert "Accept" in first["Vary"]
        again = api.get(f"{API}/{path}", HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, path
        assert again["ETag"] == etag
        assert again.content == b""
        assert api.get(f"{API}/{path}", HTTP_IF_NONE_MATCH='"other"').status_code == 200
        head = api.head(f"{API}/{path}")
        assert head.status_code == 200 and head["ETag"] == etag


def test_etag_changes_with_content_and_format(api, world):
    before = api.get(f"{API}/offices/")["ETag"]
    assert api.get(f"{API}/offices/", {"format": "csv"})["ETag"] != before
    world["office"].countries_covered.clear()  # a change of a link, not of the office row
    assert api.get(f"{API}/offices/")["ETag"] != before


def test_if_modified_since_holds_until_anything_public_changes(api, world, time_machine):
    # Last-Modified is the last change of the registry as a whole, so it is right for a list
    # too: a list that loses a record changes the registry's version.
    time_machine.move_to(NOON, tick=False)
    since = api.get(f"{API}/offices/open-office/")["Last-Modified"]
    for path in ["offices/open-office/", "offices/"]:
        assert api.get(f"{API}/{path}", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    time_machine.move_to(NOON + dt.timedelta(seconds=5), tick=False)
    world["visit"].topics.clear()  # not shown by either response, but public
    for path in ["offices/open-office/", "offices/"]:
        fresh = api.get(f"{API}/{path}", HTTP_IF_MODIFIED_SINCE=since)
        assert fresh.status_code == 200 and "Open office" in fresh.text
        assert fresh["Last-Modified"] == "Wed, 12 Jun 2030 12:00:05 GMT"


def test_errors_are_not_cached_publicly(api, world):
    response = api.get(f"{API}/offices/", {"as_of": "never"})
    assert "public" not in response.get("Cache-Control", "")
    assert "ETag" not in response


@pytest.mark.time_machine(NOON, tick=False)
def test_cache_max_age_is_configurable(api, world, settings):
    settings.API_CACHE_MAX_AGE = 60
    assert api.get(f"{API}/topics/")["Cache-Control"] == "public, max-age=60"


# --- Throttling and CORS ------------------------------------------------------------------


def test_anonymous_throttling_gives_a_clear_429(api, world, settings):
    settings.API_THROTTLE_ANON = "2/min"
    assert api.get(f"{API}/topics/").status_code == 200
    assert api.get(f"{API}/topics/", {"page": 1}).status_code == 200
    response = api.get(f"{API}/topics/", {"page_size": 5})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many requests" in response.json()["detail"]
    assert "no-store" in response["Cache-Control"]
    # Another address has its own allowance.
    assert api.get(f"{API}/topics/", {"page_size": 5}, REMOTE_ADDR="192.0.2.9").status_code == 200
    # An answer from the public cache costs nothing and counts against no allowance.
    assert api.get(f"{API}/topics/").status_code == 200


def test_cors_open_for_reading(api, world):
    response = api.get(f"{API}/offices/", HTTP_ORIGIN="https://newsroom.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = api.options(
        f"{API}/offices/",
        HTTP_ORIGIN="https://newsroom.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_api_root_lists_the_endpoints(api, world):
    root = api.get(f"{API}/").json()
    # The change log and the data releases are lists of their own.
    assert set(root) == {*LISTS, "changes", "releases"}
    assert root["visits"] == "http://testserver/api/v1/visits/"


def test_malformed_throttle_rate_stops_the_program():
    env = {**os.environ, "API_THROTTLE_ANON": "lots", "DJANGO_SECRET_KEY": "k" * 60}
    result = subprocess.run(
        [sys.executable, "-c", "import partnership_site.settings"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "API_THROTTLE_ANON" in result.stderr
