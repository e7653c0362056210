"""The site and the API in French: addresses under /fr/ and /en/, the switcher and hreflang,
the first visit following Accept-Language, French pages of the seed, the fallback to
English marked as such, the note of an English newer than its French, French search, the
API's language, and query counts that do not depend on the language."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from registry.models import Country
from registry.seed.loader import load_seed
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_module")]

GEORGIA = "countries/georgia/"


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        yield
        transaction.set_rollback(True)


def page(client, path: str, **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- addresses and languages ---------------------------------------------------------------


def test_the_home_page_in_french(client):
    html = page(client, "/fr/")
    assert '<html lang="fr">' in html
    text = text_of(html)
    assert "Registre des partenariats" in text
    assert "Visites" in text and "Sources" in text
    assert "Skip to main content" not in text


def test_the_home_page_in_english_is_british_english(client):
    html = page(client, "/en/")
    assert '<html lang="en-GB">' in html
    assert "Partnership Registry" in html


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("fr-FR,fr;q=0.9,en;q=0.8", "/fr/"),
        ("fr-CA", "/fr/"),
        ("en-US,en;q=0.9", "/en/"),
        ("de-DE", "/en/"),
        ("", "/en/"),
    ],
)
def test_a_first_visit_follows_accept_language(client, accept, expected):
    response = client.get(f"/{GEORGIA}", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == f"{expected}{GEORGIA}"
    assert "Accept-Language" in response["Vary"]


def test_a_language_in_the_address_wins_over_accept_language(client):
    html = page(client, f"/en/{GEORGIA}", HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="en-GB">' in html


def test_the_switcher_keeps_the_visitor_on_the_same_record(client):
    english = page(client, f"/en/{GEORGIA}")
    assert f'<a href="/fr/{GEORGIA}" hreflang="fr" lang="fr">Français</a>' in english
    french = page(client, f"/fr/{GEORGIA}")
    assert f'<a href="/en/{GEORGIA}" hreflang="en" lang="en">English</a>' in french
    assert '<span aria-current="true" lang="fr">Français</span>' in french


def test_the_switcher_keeps_the_query(client):
    html = page(client, "/en/search/?q=tbilisi")
    assert 'href="/fr/search/?q=tbilisi"' in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_page_names_both_versions_and_the_default(client, language):
    html = page(client, f"/{language}/{GEORGIA}")
    for code in ("en", "fr"):
        assert (
            f'<link rel="alternate" hreflang="{code}" href="http://testserver/{code}/{GEORGIA}">'
            in html
        )
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver/{GEORGIA}">' in html


# --- record content in French --------------------------------------------------------------


def test_a_french_country_page_has_its_french_name_and_a_french_date(client):
    html = page(client, f"/fr/{GEORGIA}")
    assert "<h1>Géorgie</h1>" in html
    text = text_of(html)
    assert "septembre 2006" in text


def test_a_missing_translation_falls_back_to_the_english_and_says_so(client):
    html = page(client, f"/fr/{GEORGIA}")
    profile = Country.objects.get(slug="georgia").profile
    assert '<div class="prose lede" lang="en"><p>A NATO partner in the South Caucasus.' in html
    assert profile.split(".")[0] in html
    assert 'class="untranslated"' in html
    assert "pas encore traduit" in text_of(html).lower()
    # The English page says nothing of translation.
    english = page(client, f"/en/{GEORGIA}")
    assert 'class="untranslated"' not in english and "translation-note" not in english


def test_names_in_lists_fall_back_to_english_marked_lang_en(client):
    f.create_topic(name="Border security", slug="border-security")
    html = page(client, "/fr/topics/")
    assert '<span lang="en">Border security</span>' in html


def test_a_french_text_is_shown_when_there_is_one(client):
    country = Country.objects.get(slug="georgia")
    country.profile_fr = "Un partenaire de l’OTAN dans le Caucase du Sud."
    country.save()
    html = page(client, f"/fr/{GEORGIA}")
    assert '<div class="prose lede"><p>Un partenaire de l’OTAN dans le Caucase du Sud.</p>' in html
    assert "translation-note" not in html


def test_an_english_edit_tells_french_visitors_the_english_is_newer(client):
    country = Country.objects.get(slug="georgia")
    country.profile_fr = "Un partenaire de l’OTAN."
    country.save()
    country = Country.objects.get(pk=country.pk)
    country.profile = country.profile + " A new sentence."
    country.save()
    html = page(client, f"/fr/{GEORGIA}")
    note = html[html.index('class="note translation-note"') :]
    note = note[: note.index("</p>")]
    assert f'href="/en/{GEORGIA}" hreflang="en"' in note
    # The French still shows: publishing is allowed, the visitor is told.
    assert "Un partenaire de l’OTAN." in html


# --- search in French ----------------------------------------------------------------------


def test_french_search_finds_an_accented_word_without_its_accent(client):
    html = page(client, "/fr/search/?q=georgie")
    assert f'href="/fr/{GEORGIA}"' in html
    assert "Géorgie" in html


def test_french_search_finds_french_text_by_its_stem(client):
    country = Country.objects.get(slug="georgia")
    country.profile_fr = "Des réformes de la sécurité et de la défense."
    country.save()
    html = page(client, "/fr/search/?q=securite+defense")
    assert f'href="/fr/{GEORGIA}"' in html


def test_english_search_does_not_read_the_french(client):
    country = Country.objects.get(slug="kazakhstan")
    country.profile_fr = "Coopération exceptionnellement singulière."
    country.save()
    assert "/en/countries/kazakhstan/" not in page(client, "/en/search/?q=singuliere")
    assert "/fr/countries/kazakhstan/" in page(client, "/fr/search/?q=singuliere")


# --- the API -------------------------------------------------------------------------------


def test_the_api_answers_in_the_language_asked_for(client):
    english = client.get("/api/v1/countries/georgia/")
    assert english["Content-Language"] == "en"
    assert english.json()["name"] == "Georgia"
    assert english.json()["untranslated"] == []
    french = client.get("/api/v1/countries/georgia/", HTTP_ACCEPT_LANGUAGE="fr")
    assert french["Content-Language"] == "fr"
    body = french.json()
    assert body["name"] == "Géorgie"
    assert body["untranslated"] == ["profile"]
    assert body["profile"].startswith("A NATO partner")
    assert body["html_url"] == f"http://testserver/fr/{GEORGIA}"
    assert body["french_out_of_date"] is False
    by_parameter = client.get("/api/v1/countries/georgia/?lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    assert by_parameter["Content-Language"] == "fr"
    assert by_parameter.json()["name"] == "Géorgie"


def test_the_api_names_linked_records_in_the_language_asked_for(client):
    body = client.get("/api/v1/offices/?lang=fr").json()
    names = {c["name"] for office in body["results"] for c in office["countries_covered"]}
    assert "Géorgie" in names


def test_the_api_refuses_an_unknown_language(client):
    response = client.get("/api/v1/countries/?lang=de")
    assert response.status_code == 400
    assert "lang" in response.json()


def test_the_api_cache_keeps_the_languages_apart(client):
    assert client.get("/api/v1/countries/georgia/").json()["name"] == "Georgia"
    french = client.get("/api/v1/countries/georgia/", HTTP_ACCEPT_LANGUAGE="fr")
    assert french.json()["name"] == "Géorgie"
    assert client.get("/api/v1/countries/georgia/").json()["name"] == "Georgia"


def test_the_api_flags_a_french_out_of_date(client):
    country = Country.objects.get(slug="georgia")
    country.name = "Georgia (renamed)"
    country.save()
    body = client.get("/api/v1/countries/georgia/?lang=fr").json()
    assert body["french_out_of_date"] is True
    assert body["name"] == "Géorgie"


# --- the same work in both languages -------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "",
        GEORGIA,
        "regions/south-caucasus/",
        "visits/",
        "offices/nato-liaison-office-georgia/",
        "positions/nato-deputy-secretary-general/",
        "timeline/",
        "search/?q=tbilisi",
    ],
)
def test_query_counts_are_the_same_in_both_languages(client, settings, path):
    settings.PUBLIC_CACHE_ENABLED = False
    counts = {}
    for language in ("en", "fr"):
        page(client, f"/{language}/{path}")  # warm the per-process caches
        with CaptureQueriesContext(connection) as queries:
            page(client, f"/{language}/{path}")
        counts[language] = len(queries)
    assert counts["en"] == counts["fr"], counts


def test_a_page_not_found_names_no_other_version_and_its_switcher_leads_home(client):
    response = client.get("/fr/countries/no-such-country/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'hreflang="en" href="http' not in html and "x-default" not in html
    assert '<a href="/en/" hreflang="en" lang="en">English</a>' in html
    assert "no-such-country" not in html.split("<main")[0]
