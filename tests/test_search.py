"""Site search (registry/search.py, /search/): what it finds in the seed content, ranking,
drafts, odd input, safe snippets, the query count, and the PostgreSQL index (the stored
documents and the bound: tests/test_search_documents.py).

Runs on both databases; tests of one backend skip on the other at run time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry import search as search_module
from registry.models import Status
from registry.search import (
    KINDS,
    KINDS_BY_KEY,
    MAX_QUERY_LENGTH,
    MAX_TERMS,
    PostgresBackend,
    StoredDocument,
    highlight,
    parse_query,
    search,
    snippet,
)
from registry.seed.loader import load_seed
from tests.factories import (
    create_appointment,
    create_country,
    create_event,
    create_leg,
    create_office,
    create_organisation,
    create_participation,
    create_person,
    create_position,
    create_programme,
    create_region,
    create_source,
    create_topic,
    create_visit,
)

DRAFT = Status.DRAFT


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed, loaded once for the module in a transaction rolled back at its end; each
    test runs in a savepoint inside it."""
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


def found(query: str, **kwargs) -> list[tuple[str, str]]:
    """(kind, slug or title) of every hit."""
    results = search(query, limit=200, **kwargs)
    return [(hit.kind.key, getattr(hit.record, "slug", hit.title)) for hit in results.hits]


def grow(n: int = 60) -> None:
    """About ten times the seed's records, of every kind, in text that the searches, feeds
    and sitemap of the query-count tests find."""
    region = create_region(name="Grown region", summary="NATO partnership in the region.")
    topics = [create_topic(name=f"Grown theme {i}", description="A NATO theme.") for i in range(4)]
    for i in range(n):
        country = create_country(region=region, profile=f"NATO partner {i}, near Tbilisi.")
        organisation = create_organisation(
            name=f"Grown organisation {i}", description="A NATO body."
        )
        programme = create_programme(
            name=f"Grown programme {i}", description="A NATO Intensified Dialogue.", start="1994"
        )
        create_participation(country=country, programme=programme, summary="NATO partner.")
        office = create_office(
            name=f"Grown office {i}",
            city="Tbilisi",
            host_country=country,
            description="A NATO office.",
            start="2013",
        )
        position = create_position(
            title=f"Grown post {i}", organisation=organisation, office=office, duties="For NATO."
        )
        person = create_person(name=f"Grown Shekerinska {i}", summary="A NATO official.")
        create_appointment(person=person, position=position, start="2020", notes="NATO.")
        create_event(name=f"Grown summit {i}", summary="A NATO summit.", start=str(2000 + i % 20))
        dates = [
            {"start": f"2023-{1 + i % 12:02d}-{1 + i % 27:02d}", "end": None},
            {"start": f"2022-{1 + i % 12:02d}", "end": f"2022-{1 + i % 12:02d}"},
            {"start": None, "end": None, "duration_days": 2},
        ][i % 3]
        visit = create_visit(
            title=f"Grown visit {i} to Tbilisi",
            traveller=person,
            traveller_position=position,
            purpose="NATO partnership.",
            summary="A NATO visit to Tbilisi with Shekerinska.",
            **dates,
        )
        create_leg(visit=visit, country=country, order=1, city="Tbilisi")
        visit.topics.set(topics[: 1 + i % 3])
        create_topic(name=f"Grown topic {i}", description="NATO.")
        create_source(
            title=f"Grown source {i}", full_text="NATO liaison in Tbilisi. " * 40, author="Ed"
        )


# --- The seed content ------------------------------------------------------------------


def test_tbilisi_finds_the_liaison_office(seed):
    assert ("office", "nato-liaison-office-georgia") in found("Tbilisi")


def test_intensified_dialogue_finds_the_programme_and_georgias_participation(seed):
    hits = search("Intensified Dialogue", limit=50).hits
    keys = {(hit.kind.key, hit.url) for hit in hits}
    assert ("programme", "/en/programmes/intensified-dialogue/") in keys
    participation = [hit for hit in hits if hit.kind.key == "participation"]
    assert [hit.title for hit in participation] == ["Georgia in Intensified Dialogue"]
    assert participation[0].url == "/en/countries/georgia/"  # shown on Georgia's page
    assert ("country", "/en/countries/georgia/") in keys


def test_shekerinska_finds_the_person_and_the_visit(seed):
    hits = found("Shekerinska")
    assert ("person", "radmila-shekerinska") in hits
    assert ("visit", "deputy-secretary-general-azerbaijan") in hits


@pytest.mark.parametrize(
    ("word", "source"),
    [
        ("crossroads", "partners-in-the-southern-caucasus"),
        ("militants", "afghanistan-in-cenasia-after-the-nato-summit"),
    ],
)
def test_a_word_only_in_a_source_text_finds_the_source(seed, word, source):
    assert found(word) == [("source", source)]
    hit = search(word).hits[0]
    assert f"<mark>{word}" in hit.snippet_html.lower()


def test_phrases_or_and_excluded_words(seed):
    assert ("programme", "partnership-for-peace") in found('"Partnership for Peace"')
    # A phrase needs its words in order.
    assert ("programme", "partnership-for-peace") not in found('"Peace for Partnership"')
    either = found("Shekerinska or Stoltenberg")
    assert ("person", "radmila-shekerinska") in either
    assert ("person", "jens-stoltenberg") in either
    # `or` joins only its neighbours: both people are found, and NATO must match too.
    assert ("person", "jens-stoltenberg") in found("Stoltenberg or Shekerinska NATO")
    # Jens Stoltenberg's own summary and the source name Azerbaijan; his appointment does not.
    assert found("Stoltenberg -Azerbaijan") == [
        ("appointment", "Jens Stoltenberg: NATO Secretary General")
    ]


def test_every_word_must_match(seed):
    assert found("Tbilisi militants") == []  # each is found alone
    assert ("office", "nato-liaison-office-georgia") in found("Tbilisi liaison")


def test_kinds_restrict_the_hits_but_count_every_kind(seed):
    results = search("Tbilisi", kinds=["source"])
    assert {hit.kind.key for hit in results.hits} == {"source"}
    assert results.total == results.counts["source"] == 2
    assert results.counts["office"] == 1
    assert search("Tbilisi", kinds=["nonsense"]).total == search("Tbilisi").total


def test_paging_through_results(seed):
    everything = search("NATO", limit=200)
    assert everything.total > 25
    first, second = search("NATO", limit=10), search("NATO", limit=10, offset=10)
    assert [h.title for h in first.hits + second.hits] == [h.title for h in everything.hits[:20]]


def test_results_link_to_published_pages(seed, client):
    hits = search("NATO", limit=200).hits
    assert len({hit.kind.key for hit in hits}) >= 10
    for url in {hit.url for hit in hits if hit.url}:
        assert client.get(url).status_code == 200, url


def test_dates_are_shown_at_their_precision(seed):
    [event] = [h for h in search("Istanbul Summit").hits if h.kind.key == "event"]
    assert "June 2004" in event.context
    assert not re.search(r"\b\d{1,2} June 2004", event.context)
    [visit] = [h for h in search("Shekerinska").hits if h.kind.key == "visit"]
    assert visit.context == "Dates not recorded (2-day visit)"


# --- Ranking ---------------------------------------------------------------------------


def test_a_title_match_ranks_above_a_body_match(seed):
    create_visit(title="Meeting in Brussels", summary="Talks with Zorblax about reform.")
    create_source(title="A long report", full_text="Zorblax and the Alliance. " * 60)
    create_person(name="Ada Zorblax", summary="An official.")
    hits = search("zorblax").hits
    assert [hit.kind.key for hit in hits] == ["person", "visit", "source"]
    assert hits[0].rank > hits[1].rank > hits[2].rank


def test_ranking_on_postgresql_uses_ts_rank(seed, postgresql):
    results = search("Intensified Dialogue")
    assert results.backend == "postgresql"
    assert results.hits[0].kind.key in {"programme", "participation"}
    assert all(0 < hit.rank <= 1 for hit in results.hits)


# --- The SQLite fallback ---------------------------------------------------------------


def test_the_fallback_runs_on_sqlite(seed, sqlite):
    results = search("Tbilisi")
    assert results.backend == "fallback"
    assert ("office", "nato-liaison-office-georgia") in found("Tbilisi")


def test_the_fallback_matches_word_starts_in_any_script(seed, sqlite):
    create_person(name="Şəhla Ələkbərova", summary="Öffentliche Sprecherin.")
    assert ("person", "radmila-shekerinska") in found("shekerin")  # the start of a word
    assert found("erinska") == []  # not the middle of one
    assert [k for k, _ in found("ŞƏHLA")] == ["person"]  # case-insensitive beyond ASCII
    assert [k for k, _ in found("öffentliche")] == ["person"]
    assert ("visit", "deputy-secretary-general-azerbaijan") in found("visits")  # "visit"


def test_punctuation_and_regex_characters_are_not_operators(seed):
    for text in ["zzq.*", "zzq|Tbilisi", "(zzq", "[zzq]+", "^zzq$", "zzq\\", "zzq & Tbilisi"]:
        assert search(text).total == 0, text
    assert search("Tbilisi.*").total == search("(Tbilisi)").total == search("Tbilisi").total


# --- Drafts ----------------------------------------------------------------------------


def make_drafts(word: str = "Quokkadraft") -> dict[str, object]:
    """A draft of every publishable kind, and records hidden because what they link to is a
    draft, each with `word` in its name and its text. Their parents are published."""
    country, programme = create_country(), create_programme()
    person, position = create_person(), create_position()
    text = f"Hushword {word} text."
    drafts = {
        "region": create_region(name=f"{word} region", summary=text, status=DRAFT),
        "country": create_country(name=f"{word} country", profile=text, status=DRAFT),
        "organisation": create_organisation(
            name=f"{word} organisation", description=text, status=DRAFT
        ),
        "programme": create_programme(name=f"{word} programme", description=text, status=DRAFT),
        "participation": create_participation(
            country=country, programme=programme, summary=text, status=DRAFT
        ),
        "office": create_office(name=f"{word} office", description=text, status=DRAFT),
        "position": create_position(title=f"{word} post", duties=text, status=DRAFT),
        "person": create_person(name=f"{word} person", summary=text, status=DRAFT),
        "appointment": create_appointment(
            person=person, position=position, notes=text, status=DRAFT
        ),
        "event": create_event(name=f"{word} summit", summary=text, status=DRAFT),
        "visit": create_visit(title=f"{word} visit", summary=text, status=DRAFT),
        "topic": create_topic(name=f"{word} topic", description=text, status=DRAFT),
        "source": create_source(title=f"{word} source", full_text=text, status=DRAFT),
    }
    hidden_person = drafts["person"]
    drafts["visit of a draft traveller"] = create_visit(
        title=f"{word} trip", summary=text, traveller=hidden_person
    )
    drafts["participation of a draft country"] = create_participation(
        country=drafts["country"], programme=programme, summary=text
    )
    drafts["appointment of a draft person"] = create_appointment(
        person=hidden_person, position=create_position(), notes=text
    )
    # Published, but not public now: scheduled for later, or expired.
    now = timezone.now()
    drafts["scheduled visit"] = create_visit(
        title=f"{word} scheduled", summary=text, publish_at=now + dt.timedelta(days=1)
    )
    drafts["expired source"] = create_source(
        title=f"{word} expired", full_text=text, expire_at=now - dt.timedelta(minutes=1)
    )
    # A published visit naming a draft topic and stopping in a draft country.
    visit = create_visit(title="Open visit", start="2024-05-02", end="2024-05-03")
    visit.topics.add(drafts["topic"])
    create_leg(visit=visit, country=drafts["country"], order=1)
    return drafts


def test_drafts_of_every_kind_are_never_found(seed):
    drafts = make_drafts()
    publishable = {kind.model for kind in KINDS}
    assert {type(record) for record in drafts.values()} == publishable
    for kind in KINDS:
        assert search("Quokkadraft", kinds=[kind.key]).counts[kind.key] == 0
    assert search("Quokkadraft").total == 0
    assert search("Hushword").total == 0
    # The same word in a published record is found: the search itself works.
    create_person(name="Quokkadraft Control")
    assert [hit.title for hit in search("Quokkadraft").hits] == ["Quokkadraft Control"]
    assert found("quokkadraft organisation") == []


def test_drafts_never_reach_the_search_page(seed, client):
    drafts = make_drafts()
    for query in ["Quokkadraft", "Hushword", "Quokkadraft or Hushword"]:
        html = client.get("/en/search/", {"q": query}).content.decode()
        assert "No published record matches" in html
        assert "search-hit" not in html
        for record in drafts.values():
            if hasattr(record, "get_absolute_url"):
                assert record.get_absolute_url() not in html


# --- The query -------------------------------------------------------------------------


def test_parsing_the_query():
    parsed = parse_query('  NATO  "Liaison   Office" or Tbilisi -Kabul  the ')
    assert parsed.text == 'NATO "Liaison Office" or Tbilisi -Kabul the'
    assert [
        ([str(t) for t in clause.alternatives], clause.negated) for clause in parsed.clauses
    ] == [(["nato"], False), (["liaison office", "tbilisi"], False), (["kabul"], True)]
    assert parsed.common_words == ["the"]
    assert parse_query("Euro-Atlantic").clauses[0].alternatives[0].words == ("euro", "atlantic")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   \t\n ", "empty"),
        ("!!!", "no_words"),
        ("-", "no_words"),
        ("🇬🇪🙂", "no_words"),
        ("\x00", "empty"),
        ('""', "no_words"),
        ("the of and", "common_words"),
        ("or", "common_words"),
        ("-georgia", "only_excluded"),
        ("Georgia", ""),
        ("Tbilisi 🙂", ""),
        ("'; DROP TABLE registry_person; --", ""),
        ('"unbalanced quote', ""),
    ],
)
def test_what_cannot_be_searched_is_said(text, problem):
    assert parse_query(text).problem == problem


def test_long_and_dirty_queries_are_cleaned():
    parsed = parse_query("Tbilisi\x00office " + "word " * 5000)
    assert parsed.removed_characters and parsed.shortened
    assert len(parsed.text) <= MAX_QUERY_LENGTH
    assert "\x00" not in parsed.text
    assert sum(len(c.alternatives) for c in parsed.clauses) == MAX_TERMS
    assert len(parse_query("x" * 10_000).text) == MAX_QUERY_LENGTH
    assert parse_query("\u202eTbilisi\u2066").text == "Tbilisi"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "!!!",
        "a" * 10_000,
        "x\x00y",
        "\x00",
        "'; DROP TABLE registry_person; --",
        "1' OR '1'='1",
        '"unbalanced',
        'Tbilisi "',
        "-",
        "--",
        "- -",
        "🇬🇪🙂",
        "Tbilisi 🙂",
        "or or or",
        "Tbilisi or",
        "or Tbilisi",
        "a & b | !c",
        "foo:* <-> bar",
        "\\",
        "%_%",
        "(((",
        "日本語 テスト",
        "\u202eTbilisi",
        "<script>alert(1)</script>",
        "the",
    ],
)
def test_odd_queries_never_fail(seed, text):
    results = search(text)
    assert results.total >= 0
    assert results.counts == {} or set(results.counts) == set(KINDS_BY_KEY)


# --- Snippets and safety ---------------------------------------------------------------


def test_highlighting_escapes_first():
    pattern = parse_query("Tbilisi amp").highlight_pattern
    html = highlight('<b>Tbilisi</b> & "amp" <script>', pattern)
    assert html == (
        "&lt;b&gt;<mark>Tbilisi</mark>&lt;/b&gt; &amp; &quot;<mark>amp</mark>&quot; &lt;script&gt;"
    )
    assert highlight("<i>x</i>", None) == "&lt;i&gt;x&lt;/i&gt;"


def test_excluded_words_are_not_marked():
    pattern = parse_query("Tbilisi -Kabul").highlight_pattern
    assert highlight("Tbilisi and Kabul", pattern) == "<mark>Tbilisi</mark> and Kabul"


def test_snippets_are_cut_around_the_first_match():
    text = "Start. " + "filler " * 100 + "the Tbilisi office " + "more " * 100
    html = snippet(["", text], parse_query("tbilisi").highlight_pattern)
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>Tbilisi</mark>" in html
    assert len(html) < 300
    assert snippet([], None) == ""


def test_editor_text_is_escaped_on_the_page(seed, client):
    create_person(
        name='<script>alert("x")</script> Xsstoken', summary="<img src=x onerror=alert(1)>"
    )
    html = client.get("/en/search/", {"q": "Xsstoken"}).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Xsstoken</mark>" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    main = html.split("<main", 1)[1]
    assert "<script" not in main and "<img" not in main


def test_the_query_is_escaped_wherever_it_is_echoed(seed, client):
    query = '"><img src=y onerror="alert(2)"> Tbilisi'
    html = client.get("/en/search/", {"q": query}).content.decode()
    assert "<img src=y" not in html and "<img" not in html.split("<main", 1)[1]
    assert 'value="&quot;&gt;&lt;img src=y onerror=&quot;alert(2)&quot;&gt; Tbilisi"' in html


# --- The search page -------------------------------------------------------------------


def test_the_empty_search_page_explains_what_to_search(seed, client):
    response = client.get("/en/search/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en' in html
    assert "<title>Search – Partnership Registry</title>" in html
    assert '<meta name="description" content="Search the Partnership Registry' in html
    assert '<link rel="canonical" href="http://testserver/en/search/">' in html
    assert 'aria-label="Breadcrumb"' in html
    assert '<label id="search-q-label" for="search-q">' in html
    assert "What you can search" in html
    assert 'href="/en/search/?q=Tbilisi"' in html
    assert "noindex" not in html


def test_a_results_page(seed, client):
    response = client.get("/en/search/", {"q": "Tbilisi"})
    html = response.content.decode()
    assert "<title>Search results for “Tbilisi” – Partnership Registry</title>" in html
    assert 'value="Tbilisi"' in html
    assert '<link rel="canonical" href="http://testserver/en/search/?q=Tbilisi">' in html
    assert '<meta name="robots" content="noindex, follow">' in html
    assert "5 results for “Tbilisi”" in html
    assert (
        '<a href="/en/offices/nato-liaison-office-georgia/">NATO Liaison Office in Georgia</a>'
        in html
    )
    assert "<mark>Tbilisi</mark>" in html
    assert 'href="/en/search/?q=Tbilisi&amp;kind=source">Sources (2)</a>' in html


def test_titles_differ_by_query_kind_and_page(seed, client):
    titles = set()
    for params in [{}, {"q": "NATO"}, {"q": "NATO", "page": "2"}, {"q": "NATO", "kind": "visit"}]:
        html = client.get("/en/search/", params).content.decode()
        titles.add(re.search(r"<title>(.*?)</title>", html).group(1))
    assert len(titles) == 4


def test_no_results_page_suggests(seed, client):
    html = client.get("/en/search/", {"q": "Tbilisi", "kind": "visit"}).content.decode()
    assert "No published record matches “Tbilisi” among visits" in html
    assert "5 results among all kinds of record" in html
    html = client.get("/en/search/", {"q": "zzyzx"}).content.decode()
    assert "Check the spelling" in html and "Examples" in html


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"q": "!!!"}, "There is nothing to search for"),
        ({"q": "the of"}, "too common to search for"),
        ({"q": "-Georgia"}, "Add a word to look for"),
        ({"q": "NATO\x00"}, "Invisible control characters were removed"),
        ({"q": "NATO " * 3000}, "Your search was long"),
        ({"q": "NATO", "page": "9999"}, "the first page is shown"),
        ({"q": "Shekerinska", "page": "2"}, "There is no page 2 of these results"),
        ({"q": "NATO", "page": "abc"}, "results for “NATO”"),
        ({"q": "NATO", "page": "-1"}, "results for “NATO”"),
        ({"q": "NATO", "kind": "<script>"}, "results for “NATO”"),
        ({"q": ["NATO", "Tbilisi"]}, "results for “Tbilisi”"),
    ],
)
def test_odd_requests_get_a_helpful_page(seed, client, params, says):
    response = client.get("/en/search/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert says in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_pagination_links(seed, client):
    html = client.get("/en/search/", {"q": "NATO", "page": "2"}).content.decode()
    assert 'rel="prev"' in html and 'href="/en/search/?q=NATO"' in html
    assert '<span aria-current="page"><span class="visually-hidden">Page </span>2</span>' in html


# --- Query count and the index ---------------------------------------------------------


def test_one_query_per_kind_whatever_the_data(seed):
    def count(query: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            search(query)
        return len(queries)

    queries = ["NATO", "Shekerinska", '"Intensified Dialogue" or Tbilisi -Kabul', "zzyzx"]
    before = {q: count(q) for q in queries}
    grow()
    after = {q: count(q) for q in queries}
    assert before == after == dict.fromkeys(queries, len(KINDS))
    assert search("Shekerinska").total > 60  # the grown data is found
    assert count("") == count("!!!") == 0


def test_every_kind_uses_the_gin_index_on_its_stored_document(seed, postgresql):
    """Joined names included: participations and appointments use their index too."""
    query = PostgresBackend().tsquery(parse_query("Tbilisi liaison"))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for kind in KINDS:
            # Unordered, as the search reads its candidates (it ranks them itself): an
            # ordering by name would let the planner walk the name index instead.
            matches = kind.model.objects.alias(document=StoredDocument()).filter(document=query)
            plan = matches.order_by().explain()
            assert f"Bitmap Index Scan on {kind.index_name}" in plan, (kind.key, plan)


def test_the_migration_stores_what_the_search_matches():
    from importlib import import_module

    migration = import_module("registry.migrations.0011_search_documents")
    stored = {kind.model._meta.model_name: kind.weights for kind in KINDS}
    assert stored == migration.DOCUMENTS
    assert migration.CONFIG == search_module.CONFIG
