"""The public API on the seed content: what each endpoint says, its filters, ordering,
pagination and `as_of` answers on the real facts (docs/api.md)."""

from __future__ import annotations

import pytest
from django.db import transaction

from registry.models import Appointment, Participation
from registry.seed.loader import load_seed
from tests.conftest import clear_caches

API = "/api/v1"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed, loaded once for the module in a transaction rolled back at its end; each
    test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def api(seeded, db, client):
    clear_caches()  # throttling counts live in the cache
    return client


def get(client, path: str, **params):
    response = client.get(f"{API}/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()


def slugs(data) -> list[str]:
    return [record["slug"] for record in data["results"]]


# --- Regions and countries ----------------------------------------------------------------


def test_regions_in_their_order_with_their_countries(api):
    data = get(api, "regions/")
    assert data["count"] == 2
    assert slugs(data) == ["south-caucasus", "central-asia"]
    caucasus = data["results"][0]
    assert [c["slug"] for c in caucasus["countries"]] == ["armenia", "azerbaijan", "georgia"]
    assert caucasus["url"] == "http://testserver/api/v1/regions/south-caucasus/"
    assert caucasus["html_url"] == "http://testserver/en/regions/south-caucasus/"
    assert caucasus["citations"][0]["source"] == "nato-special-representative-caucasus-central-asia"
    assert caucasus["citations"][0]["source_url"].endswith(
        "/api/v1/sources/nato-special-representative-caucasus-central-asia/"
    )


def test_country_detail(api):
    georgia = get(api, "countries/georgia/")
    assert georgia["name"] == "Georgia"
    assert georgia["iso_code"] == "GE"
    assert georgia["is_partner"] is True
    assert georgia["region"] == {
        "slug": "south-caucasus",
        "name": "South Caucasus",
        "url": "http://testserver/api/v1/regions/south-caucasus/",
    }
    quotes = [c["quote"] for c in georgia["citations"]]
    assert any(
        "in September 2006, NATO launched an Intensified Dialogue with Georgia" in q for q in quotes
    )
    assert georgia["updated_at"].endswith("Z")


def test_country_filters_and_ordering(api):
    assert get(api, "countries/")["count"] == 9
    assert slugs(get(api, "countries/", region="central-asia")) == [
        "kazakhstan",
        "kyrgyz-republic",
        "tajikistan",
        "turkmenistan",
        "uzbekistan",
    ]
    # No source says Afghanistan is or is not a partner: it is neither true nor false.
    assert slugs(get(api, "countries/", is_partner="false")) == []
    assert slugs(get(api, "countries/", is_partner="unknown")) == ["afghanistan"]
    assert len(slugs(get(api, "countries/", is_partner="true"))) == 8
    assert get(api, "countries/afghanistan/")["is_partner"] is None
    assert slugs(get(api, "countries/", q="kyrgyz")) == ["kyrgyz-republic"]
    assert slugs(get(api, "countries/", ordering="-iso_code"))[:2] == ["uzbekistan", "turkmenistan"]


def test_page_number_pagination(api):
    first = get(api, "countries/", page_size=4)
    assert first["count"] == 9
    assert slugs(first) == ["afghanistan", "armenia", "azerbaijan", "georgia"]
    assert first["previous"] is None
    third = api.get(first["next"].replace("page=2", "page=3")).json()
    assert slugs(third) == ["uzbekistan"]
    assert third["next"] is None
    response = api.get(f"{API}/countries/", {"page_size": 4})
    assert 'rel="next"' in response["Link"]


# --- Programmes and participations ------------------------------------------------------


def test_programme_dates_keep_their_precision(api):
    nacc = get(api, "programmes/north-atlantic-cooperation-council/")
    assert (nacc["start"], nacc["start_precision"]) == ("1991-12", "month")
    assert (nacc["end"], nacc["end_precision"]) == ("1997", "year")
    assert nacc["ongoing"] is False
    assert nacc["as_of"] is None
    eapc = get(api, "programmes/euro-atlantic-partnership-council/")
    assert eapc["replaces"]["slug"] == "north-atlantic-cooperation-council"
    ipap = get(api, "programmes/individual-partnership-action-plan/")
    assert ipap["launched_at"]["slug"] == "prague-summit-2002"
    ipp = get(api, "programmes/individual-partnership-programme/")
    assert ipp["part_of"]["slug"] == "partnership-for-peace"
    assert (ipp["start"], ipp["start_precision"], ipp["end"]) == (None, None, None)


def test_dates_read_as_the_site_words_them(api):
    """`dates_text` is the site's wording (`describe_span`): a summit is a dated point, an
    end the sources do not give is said to be unrecorded."""
    nacc = get(api, "programmes/north-atlantic-cooperation-council/")
    assert nacc["dates_text"] == "December 1991 – 1997"
    eapc = get(api, "programmes/euro-atlantic-partnership-council/")
    assert eapc["dates_text"] == "From 1997; end not recorded"
    istanbul = get(api, "events/istanbul-summit-2004/")
    assert istanbul["dates_text"] == "June 2004"
    visit = get(api, "visits/")["results"][0]
    assert visit["dates_text"] and all("dates_text" in leg for leg in visit["legs"])
    # As the visit's page, feeds and search word it: known only by its length.
    baku = get(api, "visits/deputy-secretary-general-azerbaijan/")
    assert baku["dates_text"] == "Dates not recorded (2-day visit)"


def test_programme_filters(api):
    assert slugs(get(api, "programmes/", kind="forum")) == [
        "north-atlantic-cooperation-council",
        "euro-atlantic-partnership-council",
    ]
    georgia = set(slugs(get(api, "programmes/", country="GE")))
    assert georgia == {
        "north-atlantic-cooperation-council",
        "partnership-for-peace",
        "individual-partnership-action-plan",
        "intensified-dialogue",
    }
    assert slugs(get(api, "programmes/", part_of="partnership-for-peace")) == [
        "individual-partnership-programme"
    ]
    assert slugs(get(api, "programmes/", start_after="1995-01-01")) == [
        "euro-atlantic-partnership-council",
        "individual-partnership-action-plan",
        "intensified-dialogue",
    ]
    assert slugs(get(api, "programmes/", end_before="1999-12-31")) == [
        "north-atlantic-cooperation-council"
    ]


def test_programmes_as_of(api):
    data = get(api, "programmes/", as_of="1995-01-01")
    found = {r["slug"]: r["as_of"]["certainty"] for r in data["results"]}
    # December 1991 to 1997: surely running on 1 January 1995.
    assert found["north-atlantic-cooperation-council"] == "certain"
    # From 1994 with no end given: it may have ended since, so only possible.
    assert found["partnership-for-peace"] == "possible"
    # Launched in 1997, 2002 and September 2006: not yet.
    assert "euro-atlantic-partnership-council" not in found
    assert "individual-partnership-action-plan" not in found
    assert "intensified-dialogue" not in found
    # No dates at all: possible on any day.
    assert found["individually-tailored-partnership-programme"] == "possible"


def test_participations_by_country_and_programme(api):
    data = get(api, "participations/", country="georgia")
    assert {r["programme"]["slug"] for r in data["results"]} == {
        "north-atlantic-cooperation-council",
        "partnership-for-peace",
        "individual-partnership-action-plan",
        "intensified-dialogue",
    }
    dialogue = get(api, "participations/", programme="intensified-dialogue")["results"]
    assert len(dialogue) == 1
    assert (dialogue[0]["start"], dialogue[0]["start_precision"]) == ("2006-09", "month")
    assert dialogue[0]["html_url"] == f"http://testserver/en/participations/{dialogue[0]['id']}/"
    detail = get(api, f"participations/{dialogue[0]['id']}/")
    assert detail["country"]["slug"] == "georgia"
    assert detail["url"] == f"http://testserver/api/v1/participations/{dialogue[0]['id']}/"
    preparing = get(api, "participations/", stage="preparation", region="south-caucasus")
    assert {r["country"]["slug"] for r in preparing["results"]} == {"armenia", "azerbaijan"}


def test_kazakhstan_ipap_as_of(api):
    """From "2005", no end given and not marked ongoing (see docs/api.md)."""
    ipap = Participation.objects.get(country__slug="kazakhstan")
    for day, expected in [("2005-03-01", "possible"), ("2006-01-01", "possible")]:
        data = get(api, "participations/", country="KZ", as_of=day)
        assert [r["id"] for r in data["results"]] == [ipap.pk]
        assert data["results"][0]["as_of"] == {"date": day, "certainty": expected}
    assert get(api, "participations/", country="KZ", as_of="2004-12-31")["count"] == 0
    detail = get(api, f"participations/{ipap.pk}/", as_of="2004-12-31")
    assert detail["as_of"]["certainty"] == "not_active"


# --- Offices ------------------------------------------------------------------------------

TASHKENT = "nato-liaison-officer-central-asia-office"
TBILISI = "nato-liaison-office-georgia"
KABUL = "nato-senior-civilian-representative-afghanistan-office"


def test_office_detail(api):
    tbilisi = get(api, f"offices/{TBILISI}/")
    assert tbilisi["city"] == "Tbilisi"
    assert tbilisi["phone"] == "+995 (32) 293 38 01"
    assert tbilisi["ongoing"] is True
    assert tbilisi["closed"] is False
    assert [c["slug"] for c in tbilisi["countries_covered"]] == ["georgia"]  # as a source says
    tashkent = get(api, f"offices/{TASHKENT}/")
    assert (tashkent["start"], tashkent["end"], tashkent["closed"]) == ("2013", "2017", True)
    assert tashkent["host_country"]["slug"] == "uzbekistan"


def test_tashkent_office_as_of(api):
    on = {}
    for day in ["2015-01-01", "2013-06-01", "2018-01-01"]:
        results = get(api, "offices/", as_of=day)["results"]
        on[day] = {r["slug"]: r["as_of"]["certainty"] for r in results}
    assert on["2015-01-01"][TASHKENT] == "certain"
    assert on["2013-06-01"][TASHKENT] == "possible"  # opened at some time in 2013
    assert TASHKENT not in on["2018-01-01"]  # closed in 2017
    # Tbilisi: still open, opening date unknown; Kabul: until 2021, opening unknown.
    assert on["2018-01-01"] == {TBILISI: "possible", KABUL: "possible"}
    detail = get(api, f"offices/{TASHKENT}/", as_of="2018-01-01")
    assert detail["as_of"] == {"date": "2018-01-01", "certainty": "not_active"}


def test_office_filters(api):
    assert slugs(get(api, "offices/", current="true")) == [TBILISI]
    assert slugs(get(api, "offices/", current="false")) == [KABUL, TASHKENT]  # by name
    assert slugs(get(api, "offices/", country="KZ")) == [TASHKENT]  # covers Kazakhstan
    assert slugs(get(api, "offices/", country="georgia")) == [TBILISI]
    assert slugs(get(api, "offices/", region="central-asia")) == [TASHKENT]
    assert slugs(get(api, "offices/", q="tashkent")) == [TASHKENT]
    assert slugs(get(api, "offices/", ordering="-end"))[0] == KABUL


# --- Positions, people and appointments ---------------------------------------------------

SPECIAL_REPRESENTATIVE = "special-representative-caucasus-central-asia"


def test_position_detail(api):
    post = get(api, f"positions/{SPECIAL_REPRESENTATIVE}/")
    assert post["organisation"] == {
        "slug": "nato",
        "name": "North Atlantic Treaty Organization",
        "short_name": "NATO",
        "kind": "international",
        "country": None,
    }
    assert post["established_by"]["slug"] == "istanbul-summit-2004"
    assert post["ongoing"] is False  # no source says that the post continues today
    assert post["max_holders"] == 1
    assert post["holders_on_date"] is None and post["vacant"] is None


def test_special_representative_holder_in_2005(api):
    post = get(api, f"positions/{SPECIAL_REPRESENTATIVE}/", as_of="2005-01-01")
    simmons = Appointment.objects.get(person__slug="robert-simmons")
    assert post["vacant"] is False
    assert post["holders_on_date"] == [
        {
            "person": {
                "slug": "robert-simmons",
                "name": "Robert Simmons",
                "url": "http://testserver/api/v1/people/robert-simmons/",
            },
            "appointment": {
                "id": simmons.pk,
                "url": f"http://testserver/api/v1/appointments/{simmons.pk}/",
            },
            "capacity": "substantive",
            # The sources give no dates for his appointment: possible, never certain.
            "certainty": "possible",
        }
    ]
    # The post's own dates are unknown too (created after June 2004, date not stored).
    assert post["as_of"] == {"date": "2005-01-01", "certainty": "possible"}


def test_positions_as_of_reports_vacancies(api):
    data = get(api, "positions/", as_of="2015-01-01")
    by_slug = {r["slug"]: r for r in data["results"]}
    assert by_slug["nato-liaison-officer-central-asia"]["vacant"] is True
    assert by_slug["nato-liaison-officer-central-asia"]["holders_on_date"] == []
    assert by_slug[SPECIAL_REPRESENTATIVE]["vacant"] is False


def test_position_filters(api):
    assert slugs(get(api, "positions/", person="robert-simmons")) == [SPECIAL_REPRESENTATIVE]
    assert slugs(get(api, "positions/", office=TBILISI)) == ["nato-liaison-officer-south-caucasus"]
    assert set(slugs(get(api, "positions/", country="AZ"))) == {
        "foreign-minister-of-azerbaijan",
        "presidential-representative-azerbaijan",
        "speaker-of-the-parliament-of-azerbaijan",
    }
    assert get(api, "positions/", organisation="nato")["count"] == 6
    assert slugs(get(api, "positions/", q="Kabul")) == [
        "nato-senior-civilian-representative-afghanistan"
    ]


def test_people(api):
    data = get(api, "people/")
    assert data["count"] == 6
    assert slugs(data)[0] == "elchin-amirbayov"  # by family name
    assert slugs(get(api, "people/", position=SPECIAL_REPRESENTATIVE)) == ["robert-simmons"]
    simmons = get(api, "people/robert-simmons/")
    assert simmons["summary"].startswith("The first Secretary General's Special Representative")
    assert simmons["html_url"] == "http://testserver/en/people/robert-simmons/"


def test_appointments(api):
    data = get(api, "appointments/", position=SPECIAL_REPRESENTATIVE)
    [simmons] = data["results"]
    assert simmons["person"]["slug"] == "robert-simmons"
    assert simmons["ordinal"] == 1
    assert (simmons["start"], simmons["end"], simmons["ongoing"]) == (None, None, False)
    assert get(api, "appointments/", person="jens-stoltenberg")["count"] == 1
    assert get(api, "appointments/", current="true")["count"] == 0  # no term is dated
    assert get(api, "appointments/", as_of="2005-01-01")["count"] == 6  # all possible
    detail = get(api, f"appointments/{simmons['id']}/")
    assert detail["position"]["slug"] == SPECIAL_REPRESENTATIVE


# --- Visits -------------------------------------------------------------------------------


def test_visit_with_legs_and_meetings(api):
    visit = get(api, "visits/secretary-general-south-caucasus-march-2024/")
    assert visit["traveller"]["slug"] == "jens-stoltenberg"
    assert visit["traveller_position"]["slug"] == "nato-secretary-general"
    assert (visit["start"], visit["end"], visit["start_precision"]) == (
        "2024-03-17",
        "2024-03-19",
        "day",
    )
    # The source names the countries without their order: they are listed by name, and
    # their order numbers, which only key the legs, do not follow the listing.
    assert visit["stop_order_known"] is False
    assert [leg["country"]["slug"] for leg in visit["legs"]] == ["armenia", "azerbaijan", "georgia"]
    assert sorted(leg["order"] for leg in visit["legs"]) == [1, 2, 3]
    assert [m["counterpart_group"] for m in visit["meetings"]] == [
        "Top officials of Armenia",
        "Top officials of Georgia",
        "Top officials of Azerbaijan",
    ]
    assert [m["leg"] for m in visit["meetings"]] == [1, 2, 3]
    assert {t["slug"] for t in visit["topics"]} == {
        "territorial-integrity-and-sovereignty",
        "partnership-programmes",
    }


def test_undated_visit_and_named_counterparts(api):
    visit = get(api, "visits/deputy-secretary-general-azerbaijan/")
    assert visit["start"] is None and visit["duration_days"] == 2
    first = visit["meetings"][0]
    assert first["counterpart"]["slug"] == "jeyhun-bayramov"
    assert first["counterpart_position"]["slug"] == "foreign-minister-of-azerbaijan"
    assert first["city"] == "Baku"
    assert {t["slug"] for t in first["topics"]} == {
        "armenia-azerbaijan-normalisation",
        "black-sea-security",
    }
    assert visit["meetings"][3]["counterpart"] is None
    assert visit["meetings"][3]["counterpart_group"] == "Students at ADA University"


def test_visit_list_filters_and_cursor(api):
    data = get(api, "visits/")
    # Newest first; the undated visit last.
    assert slugs(data) == [
        "secretary-general-south-caucasus-march-2024",
        "deputy-secretary-general-azerbaijan",
    ]
    assert "count" not in data
    first = get(api, "visits/", page_size=1)
    assert first["previous"] is None
    second = api.get(first["next"]).json()
    assert slugs(second) == ["deputy-secretary-general-azerbaijan"]
    assert second["next"] is None
    back = api.get(second["previous"]).json()
    assert slugs(back) == ["secretary-general-south-caucasus-march-2024"]
    assert slugs(get(api, "visits/", country="GE")) == [
        "secretary-general-south-caucasus-march-2024"
    ]
    assert slugs(get(api, "visits/", person="sahiba-gafarova")) == [
        "deputy-secretary-general-azerbaijan"
    ]
    assert slugs(get(api, "visits/", topic="demining")) == ["deputy-secretary-general-azerbaijan"]
    assert slugs(get(api, "visits/", q="black sea")) == ["deputy-secretary-general-azerbaijan"]
    assert slugs(get(api, "visits/", year=2024)) == ["secretary-general-south-caucasus-march-2024"]
    assert get(api, "visits/", ordering="start")["results"][-1]["start"] is None


# --- Events, topics and sources -----------------------------------------------------------


def test_events(api):
    data = get(api, "events/")
    assert slugs(data) == ["prague-summit-2002", "istanbul-summit-2004", "brussels-summit-2018"]
    istanbul = data["results"][1]
    assert (istanbul["start"], istanbul["start_precision"]) == ("2004-06", "month")
    assert len(istanbul["decisions"]) == 3
    assert istanbul["decisions"][2].startswith("Appoint a Special Representative")
    assert slugs(get(api, "events/", topic="afghanistan")) == ["brussels-summit-2018"]
    assert slugs(get(api, "events/", year=2004)) == ["istanbul-summit-2004"]
    assert slugs(get(api, "events/", ordering="-start"))[0] == "brussels-summit-2018"


def test_topics(api):
    data = get(api, "topics/")
    assert data["count"] == 14
    assert slugs(get(api, "topics/", q="demining")) == ["demining"]
    demining = get(api, "topics/demining/")
    assert demining["citations"][0]["source"] == "deputy-secretary-general-visit-azerbaijan"


def test_sources(api):
    data = get(api, "sources/")
    assert data["count"] == 7  # the five documents and the two one of them cites
    assert "full_text" not in data["results"][0]
    news = get(api, "sources/secretary-general-visit-south-caucasus-2024/")
    assert (news["date"], news["date_precision"]) == ("2024-03-16", "day")
    assert news["kind"] == "news"
    assert news["document_url"] is None
    assert "Jens Stoltenberg" in news["full_text"]
    analysis = get(api, "sources/afghanistan-in-cenasia-after-the-nato-summit/")
    assert (analysis["date"], analysis["date_precision"], analysis["author"]) == (
        "2018-07",
        "month",
        "Fabio Indeo",
    )
    assert [s["slug"] for s in analysis["cites"]] == [
        "brussels-summit-declaration-2018",
        "partners-in-central-asia-2014",
    ]
    assert analysis["cited_in"] == []
    declaration = get(api, "sources/brussels-summit-declaration-2018/")
    assert declaration["cited_in"] == [
        {
            "slug": "afghanistan-in-cenasia-after-the-nato-summit",
            "name": "Afghanistan in Cenasia after the NATO summit",
            "url": "http://testserver/api/v1/sources/afghanistan-in-cenasia-after-the-nato-summit/",
        }
    ]
    assert declaration["full_text"] == ""  # known only from the analysis's reference
    assert (declaration["date"], declaration["kind"]) == ("2018-07-11", "official_text")
    assert declaration["document_url"] == (
        "https://www.nato.int/cps/en/natohq/official_texts_156624.htm"
    )
    assert slugs(get(api, "sources/", kind="analysis")) == [
        "afghanistan-in-cenasia-after-the-nato-summit"
    ]
    assert slugs(get(api, "sources/", ordering="-date"))[0] == (
        "secretary-general-visit-south-caucasus-2024"
    )
