"""The public pages: every page type on the seed shows the facts it should, with its
sources; filters and pagination refuse bad input kindly; drafts appear nowhere; errors are
styled.

The helpers at the top (the seed loaded once per module, a page's text, title, canonical
URL and JSON-LD, one URL of each page type) are shared with test_page_queries and
test_browser."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone

from registry.models import (
    Country,
    Event,
    Meeting,
    Office,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Status,
    Topic,
    Visit,
)
from registry.seed.loader import load_seed
from tests import factories as f

# One URL of each page type on the seed content, named for the reports.
PAGE_TYPES = {
    "home": "/en/",
    "region": "/en/regions/south-caucasus/",
    "country": "/en/countries/georgia/",
    "office-list": "/en/offices/",
    "office-open": "/en/offices/nato-liaison-office-georgia/",
    "office-closed": "/en/offices/nato-liaison-officer-central-asia-office/",
    "position-list": "/en/positions/",
    "position": "/en/positions/special-representative-caucasus-central-asia/",
    "person-list": "/en/people/",
    "person": "/en/people/radmila-shekerinska/",
    "visit-list": "/en/visits/",
    "visit": "/en/visits/deputy-secretary-general-azerbaijan/",
    "programme-list": "/en/programmes/",
    "programme": "/en/programmes/euro-atlantic-partnership-council/",
    "event-list": "/en/events/",
    "event": "/en/events/istanbul-summit-2004/",
    "topic-list": "/en/topics/",
    "topic": "/en/topics/energy-security/",
    "source-list": "/en/sources/",
    "source": "/en/sources/partners-in-the-southern-caucasus/",
    "timeline": "/en/timeline/",
}


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    """The seed content, loaded once for a module inside a transaction rolled back at its
    end; each test runs in a savepoint within it, so tests may add records freely."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        yield
        transaction.set_rollback(True)


class _Text(HTMLParser):
    SKIP = {"script", "style", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    BLOCKS = {"p", "li", "dt", "dd", "div", "td", "th", "tr", "br", "section", "blockquote"}
    BLOCKS |= {"h1", "h2", "h3", "h4", "ul", "ol", "dl", "table", "header", "footer", "nav"}

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


@dataclass
class Page:
    status: int
    html: str

    @property
    def text(self) -> str:
        parser = _Text()
        parser.feed(self.html)
        return " ".join("".join(parser.parts).split())

    def _meta(self, pattern: str) -> str:
        match = re.search(pattern, self.html, re.S)
        return unescape(match.group(1)) if match else ""

    @property
    def title(self) -> str:
        return " ".join(self._meta(r"<title>(.*?)</title>").split())

    @property
    def description(self) -> str:
        return self._meta(r'<meta name="description" content="(.*?)">')

    @property
    def canonical(self) -> str:
        return self._meta(r'<link rel="canonical" href="(.*?)">')

    @property
    def jsonld(self) -> list[dict]:
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', self.html, re.S)
        return [json.loads(block) for block in blocks]

    def jsonld_types(self) -> set[str]:
        types = set()
        for block in self.jsonld:
            for item in block.get("@graph", [block]):
                types.add(item["@type"])
        return types

    def section(self, heading_id: str) -> str:
        """The text of the <section> labelled by the heading with this id."""
        match = re.search(
            rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', self.html, re.S
        )
        assert match, f"no section {heading_id}"
        return Page(self.status, match.group(1)).text

    def assert_order(self, *snippets: str) -> None:
        text = self.text
        positions = [text.find(snippet) for snippet in snippets]
        assert all(p >= 0 for p in positions), list(zip(snippets, positions, strict=True))
        assert positions == sorted(positions), list(zip(snippets, positions, strict=True))


def get(client, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return Page(response.status_code, response.content.decode())


# --- Every page type on the seed ----------------------------------------------------------

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_module")]

EXPECTED = {
    "home": [
        "South Caucasus",
        "Central Asia",
        "Kyrgyz Republic",
        "Secretary General's Special Representative for the Caucasus and Central Asia",
        "Robert Simmons",
        "Secretary General's visit to Armenia, Georgia and Azerbaijan",
        "17–19 March 2024",
        "NATO Liaison Office in Georgia",
        "+995 (32) 293 38 01",
    ],
    "region": ["South Caucasus", "Armenia", "Azerbaijan", "Georgia", "September 2006"],
    "country": [
        "Georgia",
        "Intensified Dialogue",
        "September 2006",
        "NATO Liaison Office in Georgia",
        "Secretary General's visit to Armenia, Georgia and Azerbaijan",
        "NATO Liaison Officer for the South Caucasus",
    ],
    "office-list": ["NATO Liaison Office in Georgia", "Open", "Closed", "2013–2017"],
    "office-open": ["162 Tsinamdzgvrishvili", "0112 Tbilisi", "+995 (32) 293 38 01", "Open"],
    "office-closed": ["This office is closed", "2017", "shifted to NATO Headquarters"],
    "position-list": ["NATO Deputy Secretary General", "Robert Simmons"],
    "position": [
        "Last recorded holder",
        "Recorded holders",
        "Robert Simmons",
        "first holder",
    ],
    "person-list": ["Simmons", "Shekerinska", "Bayramov"],
    "person": ["Radmila Shekerinska", "NATO Deputy Secretary General", "visit to Azerbaijan"],
    "visit-list": ["Secretary General's visit to Armenia, Georgia and Azerbaijan", "2 visits"],
    "visit": ["Jeyhun Bayramov", "Foreign Minister of Azerbaijan", "Students at ADA University"],
    "programme-list": ["North Atlantic Cooperation Council", "December 1991 – 1997"],
    "programme": ["Euro-Atlantic Partnership Council", "North Atlantic Cooperation Council"],
    "event-list": ["Prague Summit", "Istanbul Summit", "Brussels Summit", "June 2004"],
    "event": ["Istanbul Summit", "June 2004", "Appoint a Special Representative"],
    "topic-list": ["Energy security", "Demining", "Cyber defence"],
    "topic": ["Energy security", "Deputy Secretary General's visit to Azerbaijan"],
    "source-list": ["Partners in the southern Caucasus", "Fabio Indeo", "July 2018"],
    "source": ["Partners in the southern Caucasus", "Cited by", "Intensified Dialogue"],
    "timeline": ["December 1991", "1994", "June 2004", "September 2006", "17 March 2024"],
}


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_shows_its_facts_and_the_common_parts(client, kind):
    page = get(client, PAGE_TYPES[kind])
    text = page.text
    for fact in EXPECTED[kind]:
        assert fact in text, (kind, fact)
    assert '<html lang="en-GB">' in page.html
    assert "Partnership Registry" in page.title and len(page.title) > 25
    assert len(page.description) > 40
    assert page.canonical == f"http://testserver{PAGE_TYPES[kind]}"
    assert 'aria-label="Breadcrumb"' in page.html
    assert '<a class="skip-link" href="#main">' in page.html and '<main id="main"' in page.html
    # The registry's change date, told apart from the dates of the facts.
    assert "records were last changed in the registry on" in text
    assert "the dates of the facts are those the sources give" in text
    assert "BreadcrumbList" in page.jsonld_types()
    # Static files have hashed names (WhiteNoise's manifest storage), never a CDN.
    assert re.search(r'href="/static/css/site\.[0-9a-f]{12}\.css"', page.html)
    assert "//cdn" not in page.html and "fonts.googleapis" not in page.html
    if kind not in {"source-list", "source"}:
        assert 'id="sources-heading"' in page.html, kind


def test_titles_are_unique():
    from django.test import Client

    client = Client()
    titles = [get(client, url).title for url in PAGE_TYPES.values()]
    assert len(set(titles)) == len(titles), titles


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        ("person", "Person"),
        ("visit", "Event"),
        ("event", "Event"),
        ("office-open", "GovernmentOrganization"),
        ("country", "Country"),
        ("region", "Place"),
        ("source", "Report"),
        ("home", "WebSite"),
    ],
)
def test_json_ld(client, kind, schema_type):
    page = get(client, PAGE_TYPES[kind])
    assert schema_type in page.jsonld_types()


def test_json_ld_of_the_office_gives_the_phone_and_address(client):
    page = get(client, PAGE_TYPES["office-open"])
    office = next(i for i in page.jsonld[0]["@graph"] if i["@type"] == "GovernmentOrganization")
    assert office["telephone"] == "+995 (32) 293 38 01"
    assert office["address"]["addressCountry"] == "GE"
    assert office["address"]["addressLocality"] == "Tbilisi"


def test_json_ld_cannot_break_out_of_its_script(client):
    f.create_person(name="Eve </script><script>alert(1)</script>", slug="eve", summary="a & b")
    page = get(client, "/en/people/eve/")
    assert "</script><script>alert(1)" not in page.html
    person = next(i for i in page.jsonld[0]["@graph"] if i["@type"] == "Person")
    assert person["name"] == "Eve </script><script>alert(1)</script>"


# --- Home ---------------------------------------------------------------------------------


def test_home_lists_regions_countries_open_offices_and_key_posts(client):
    page = get(client, "/en/")
    regions = page.section("regions-heading")
    for name in ["Armenia", "Azerbaijan", "Georgia", "Kazakhstan", "Uzbekistan"]:
        assert name in regions
    assert "Afghanistan" not in regions  # in no region
    offices = page.html[page.html.index('id="offices-heading"') :]
    offices = offices[: offices.index("</aside>")]
    assert "NATO Liaison Office in Georgia" in offices
    assert "Central Asia" not in Page(200, offices).text.split("All offices")[0]
    assert 'href="tel:+995322933801"' in offices
    posts = page.section("posts-heading")
    # No source says who holds a post today; each names the last holder it records, and when.
    assert "Last recorded holder: Jens Stoltenberg[source 4]: in post in March 2024" in posts
    assert "Last recorded holder: Radmila Shekerinska" in posts
    assert "in post at Deputy Secretary General's visit to Azerbaijan (dates not recorded)" in posts
    assert "Robert Simmons[source 3]: dates not recorded; the first holder of the post." in posts
    assert "No current holder recorded" not in posts
    visits = Page(200, page.html[page.html.index('id="visits-heading"') :])
    visits.assert_order("Secretary General's visit to Armenia", "Deputy Secretary General's visit")


# --- Regions and countries ----------------------------------------------------------------


def test_country_timeline_in_date_order_with_unknown_dates_last(client):
    page = get(client, "/en/countries/georgia/")
    timeline = page.section("timeline-heading")
    assert timeline.index("September 2006") < timeline.index("17 March 2024")
    assert timeline.index("17 March 2024") < timeline.index("Date unknown")
    assert '<time datetime="2006-09">September 2006</time>' in page.html
    assert "1 September 2006" not in page.text


def test_country_shows_stage_in_preparation(client):
    page = get(client, "/en/countries/armenia/")
    timeline = page.section("timeline-heading")
    assert "Individually Tailored Partnership Programme" in timeline
    assert "In preparation" in timeline


def test_country_shows_officials_met_with_their_post(client):
    page = get(client, "/en/countries/azerbaijan/")
    met = page.section("met-heading")
    for name, post in [
        ("Jeyhun Bayramov", "Foreign Minister of Azerbaijan"),
        ("Sahiba Gafarova", "Speaker of the Parliament of Azerbaijan"),
        ("Elchin Amirbayov", "Presidential Representative of Azerbaijan"),
    ]:
        assert name in met and post in met
    posts = page.section("posts-heading")
    assert "Foreign Minister of Azerbaijan" in posts
    visits = page.section("visits-heading")
    assert "Deputy Secretary General's visit to Azerbaijan" in visits
    assert "Dates not recorded (2-day visit)" in visits


def test_region_covers_its_countries(client):
    page = get(client, "/en/regions/central-asia/")
    assert "Office of the NATO Liaison Officer for Central Asia" in page.section("offices-heading")
    timeline = page.section("timeline-heading")
    assert "Kazakhstan: Individual Partnership Action Plan (IPAP)" in timeline
    assert "2005" in timeline


def test_afghanistan_is_reachable_from_the_kabul_office(client):
    page = get(client, "/en/offices/nato-senior-civilian-representative-afghanistan-office/")
    assert 'href="/en/countries/afghanistan/"' in page.html
    assert "Closed" in page.text and "2021" in page.text
    afghanistan = get(client, "/en/countries/afghanistan/")
    # No source says whether Afghanistan is a partner: the page says so, not "No".
    assert '<dd><span class="unknown">Not stated in the sources</span></dd>' in afghanistan.html
    assert "Country on record" in afghanistan.text
    georgia = get(client, "/en/countries/georgia/")
    assert "<dt>Partner of NATO in the region</dt><dd>Yes</dd>" in georgia.html


# --- Offices ------------------------------------------------------------------------------


def test_office_phone_is_a_tel_link_and_the_address_an_address(client):
    page = get(client, "/en/offices/nato-liaison-office-georgia/")
    assert '<a class="phone" href="tel:+995322933801">+995 (32) 293 38 01</a>' in page.html
    assert re.search(
        r"<address>162 Tsinamdzgvrishvili<br>0112 Tbilisi<br>Georgia</address>", page.html
    )
    assert '<span class="badge badge-open">Open</span>' in page.html
    assert "Closed" not in page.text.split("Sources")[0].replace("Closed Still open", "")


def test_email_is_a_mailto_link(client):
    f.create_office(
        name="Test Office", slug="test-office", email="office@example.org", ongoing=True
    )
    page = get(client, "/en/offices/test-office/")
    assert '<a href="mailto:office@example.org">office@example.org</a>' in page.html


def test_closed_office_is_marked_closed_with_what_replaced_it(client):
    closed = Office.objects.get(slug="nato-liaison-officer-central-asia-office")
    closed.succeeded_by = f.create_office(name="Successor Office", slug="successor", ongoing=True)
    closed.save()
    page = get(client, "/en/offices/nato-liaison-officer-central-asia-office/")
    assert '<span class="badge badge-closed">Closed</span>' in page.html
    assert "This office is closed." in page.text
    assert "Its work passed to Successor Office" in page.text
    assert '<time datetime="2013">2013</time>' in page.html
    listing = get(client, "/en/offices/")
    assert "Office of the NATO Liaison Officer for Central Asia" in listing.text
    successor = get(client, "/en/offices/successor/")
    assert "Took over from Office of the NATO Liaison Officer for Central Asia" in successor.text


# --- Posts and people ---------------------------------------------------------------------


def test_position_page_current_and_past_holders(client):
    page = get(client, "/en/positions/special-representative-caucasus-central-asia/")
    last = page.section("current-heading")
    assert "Last recorded holder" in last
    assert "Robert Simmons" in last and "dates not recorded" in last
    assert "the first holder of the post" in last
    assert "Whether they hold it today, the sources do not say." in last
    assert "No other holder is recorded." in page.section("past-heading")
    secretary_general = get(client, "/en/positions/nato-secretary-general/")
    last = secretary_general.section("current-heading")
    assert "Jens Stoltenberg" in last
    assert "in post in March 2024, at Secretary General's visit" in last
    assert "Carries forward the Alliance's policy" in page.section("duties-heading")
    assert "Istanbul Summit" in page.text and "June 2004" in page.text


def test_position_page_shows_an_ongoing_holder_as_current(client):
    position = Position.objects.get(slug="special-representative-caucasus-central-asia")
    person = f.create_person(name="Nova Holder", slug="nova-holder")
    f.create_appointment(person=person, position=position, start="2024-05", ongoing=True)
    page = get(client, "/en/positions/special-representative-caucasus-central-asia/")
    current = page.section("current-heading")
    assert "Nova Holder" in current and "May 2024 – present" in current
    assert "Nova Holder" not in page.section("past-heading")
    assert {"Person"} <= page.jsonld_types()
    home = get(client, "/en/")
    assert "Current holder: Nova Holder" in home.section("posts-heading")


def test_person_page_posts_visits_and_meetings(client):
    page = get(client, "/en/people/radmila-shekerinska/")
    assert "NATO Deputy Secretary General" in page.section("posts-heading")
    assert "Deputy Secretary General's visit to Azerbaijan" in page.section("visits-heading")
    met = get(client, "/en/people/jeyhun-bayramov/")
    meetings = met.section("meetings-heading")
    assert "With Radmila Shekerinska, NATO Deputy Secretary General" in meetings
    assert "As Foreign Minister of Azerbaijan" in meetings
    assert "Black Sea security" in meetings


def test_person_page_says_meetings_are_those_met_as_counterpart(client):
    # She held all six meetings of her visit: none of them was "attended" as a counterpart.
    page = get(client, "/en/people/radmila-shekerinska/")
    meetings = page.section("meetings-heading")
    assert "Met as a counterpart" in meetings
    assert "No meeting with Radmila Shekerinska as the counterpart is recorded." in meetings
    assert "listed with each visit above" in meetings
    assert "No meeting attended" not in page.text
    met = get(client, "/en/people/jeyhun-bayramov/")
    assert "listed with each visit above" not in met.section("meetings-heading")


@pytest.mark.parametrize(
    "url, shown",
    [
        ("/en/events/istanbul-summit-2004/", "June 2004"),
        ("/en/events/prague-summit-2002/", "2002"),
        ("/en/events/brussels-summit-2018/", "July 2018"),
    ],
)
def test_summits_are_dated_points_not_open_spans(client, url, shown):
    page = get(client, url)
    assert f"{shown} · " in page.text
    assert "end not recorded" not in page.text
    listing = get(client, "/en/events/")
    assert "end not recorded" not in listing.text


def test_intensified_dialogue_launch_date_agrees_with_its_participation(client):
    page = get(client, "/en/programmes/intensified-dialogue/")
    assert '<dt>Launched</dt><dd><time datetime="2006-09">September 2006</time></dd>' in page.html
    assert "Date not recorded" not in page.text


@pytest.mark.parametrize(
    "url", ["/en/", "/en/visits/", "/en/visits/secretary-general-south-caucasus-march-2024/"]
)
def test_visit_pages_announce_the_feeds_and_calendar(client, url):
    page = get(client, url)
    head = page.html.split("</head>", 1)[0]
    for kind, href in [
        ("application/rss+xml", "/en/visits/feed/rss/"),
        ("application/atom+xml", "/en/visits/feed/atom/"),
        ("text/calendar", "/en/visits/calendar.ics"),
    ]:
        assert f'<link rel="alternate" type="{kind}"' in head
        assert f'href="{href}"' in head
    footer = page.html.split('class="site-footer"', 1)[1]
    assert '<a href="/en/visits/feed/atom/" type="application/atom+xml">Atom</a>' in footer
    assert '<a href="/en/visits/calendar.ics" type="text/calendar">calendar (iCal)</a>' in footer


def test_pages_without_visits_link_the_feeds_only_in_the_footer(client):
    page = get(client, "/en/sources/")
    assert 'rel="alternate" type="application/atom+xml"' not in page.html.split("</head>", 1)[0]
    assert "Subscribe to the visits" in page.text


# --- Visits -------------------------------------------------------------------------------


def test_visit_page_lists_stops_of_unknown_order_as_a_set(client):
    # Seed 002 names Armenia, Georgia and Azerbaijan but gives no order of the stops.
    page = get(client, "/en/visits/secretary-general-south-caucasus-march-2024/")
    itinerary = page.section("itinerary-heading")
    assert "The sources name these stops but not the order in which they came" in itinerary
    Page(200, itinerary).assert_order(
        "Armenia",
        "Top officials of Armenia",
        "Azerbaijan",
        "Top officials of Azerbaijan",
        "Georgia",
    )
    assert '<ul class="itinerary">' in page.html and '<ol class="itinerary">' not in page.html
    assert "17–19 March 2024" in page.text
    assert "Territorial integrity and sovereignty" in page.text
    assert "NATO Secretary General Jens Stoltenberg embarks" in page.section("sources-heading")
    home = get(client, "/en/")
    assert "Stops: Armenia, Azerbaijan and Georgia; the sources give no order" in home.text
    assert "→" not in home.text


def test_visit_with_a_known_order_shows_its_itinerary_in_order(client):
    visit = f.create_visit(title="Known order visit", slug="known-order")
    for order, name in enumerate(["Uzbekistan", "Kazakhstan"], start=1):
        f.create_leg(visit=visit, country=Country.objects.get(name=name), order=order)
    page = get(client, "/en/visits/known-order/")
    itinerary = page.section("itinerary-heading")
    Page(200, itinerary).assert_order("Uzbekistan", "Kazakhstan")
    assert "not the order" not in itinerary
    assert '<ol class="itinerary">' in page.html
    listing = get(client, "/en/visits/")
    assert "Itinerary: Uzbekistan → Kazakhstan" in listing.text
    visit.stop_order_known = False
    visit.save()
    listing = get(client, "/en/visits/")
    assert "Stops: Kazakhstan and Uzbekistan; the sources give no order" in listing.text
    assert visit.itinerary_text() == "Kazakhstan and Uzbekistan; the sources give no order"


def test_meeting_with_a_draft_counterpart_hides_the_name(client):
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    secret = f.create_person(name="Hidden Draftperson", slug="hidden", status=Status.DRAFT)
    Meeting.objects.create(visit=visit, counterpart=secret, order=9, summary="Talks on demining.")
    page = get(client, "/en/visits/deputy-secretary-general-azerbaijan/")
    assert "Hidden Draftperson" not in page.html and "/en/people/hidden/" not in page.html
    assert "A counterpart not yet named in the registry" in page.text
    assert "Talks on demining." in page.text


VISIT_FILTERS = [
    ("?country=georgia", ["Secretary General's visit"], ["Deputy Secretary General's visit"]),
    ("?country=GE", ["Secretary General's visit"], ["Deputy Secretary General's visit"]),
    ("?country=azerbaijan", ["Secretary General's visit", "Deputy Secretary General's"], []),
    ("?region=central-asia", [], ["Secretary General's visit", "Deputy Secretary General's"]),
    ("?year=2024", ["Secretary General's visit"], ["Deputy Secretary General's visit"]),
    ("?year=2019", [], ["Secretary General's visit"]),
    ("?person=jeyhun-bayramov", ["Deputy Secretary General's visit"], ["Jens Stoltenberg"]),
    ("?person=jens-stoltenberg&year=2024&region=south-caucasus", ["Jens Stoltenberg"], []),
]


@pytest.mark.parametrize(("query", "present", "absent"), VISIT_FILTERS)
def test_visit_list_filters(client, query, present, absent):
    page = get(client, "/en/visits/" + query)
    results = page.html.split('class="count"', 1)[1].split('id="sources-heading"')[0]
    text = Page(200, results).text
    for title in present:
        assert title in text, (query, title)
    for title in absent:
        assert title not in text, (query, title)
    if not present:
        assert "No visits match these filters" in text


def test_visit_list_titles_and_canonical_follow_the_filters(client):
    page = get(client, "/en/visits/?country=GE&year=2024")
    assert page.title.startswith("Visits to Georgia in 2024")
    assert page.canonical == "http://testserver/en/visits/?country=georgia&year=2024"
    assert '<option value="georgia" selected>' in page.html
    assert '<option value="2024" selected>' in page.html


BAD_VISIT_QUERIES = [
    ("?year=abc", 400, "Year"),
    ("?year=1200", 400, "Year"),
    ("?country=XX", 400, "Unknown country"),
    ("?country=ge%00", 400, "Country"),
    ("?person=%00", 400, "Person"),
    ("?region=nowhere", 400, "Region"),
    ("?year=2%002", 400, "Year"),
    ("?page=abc", 400, "A page number is a whole number"),
    ("?page=0", 400, "A page number is a whole number"),
    ("?page=-1", 400, "A page number is a whole number"),
    ("?page=%00", 400, "A page number is a whole number"),
    ("?page=999999999999999999999", 400, "A page number is a whole number"),
    ("?page=99", 404, "There is no page 99: this list has 1 page."),
]


@pytest.mark.parametrize(("query", "status", "message"), BAD_VISIT_QUERIES)
def test_visit_list_refuses_bad_parameters_kindly(client, query, status, message):
    page = get(client, "/en/visits/" + query, status=status)
    assert message in page.text
    assert 'role="alert"' in page.html
    assert "Show the whole list from the first page" in page.text
    assert '<form class="filters"' in page.html  # the visitor can correct the filters


def test_visit_list_paginates_and_keeps_the_filters(client):
    georgia = Country.objects.get(slug="georgia")
    for n in range(25):
        visit = f.create_visit(title=f"Visit number {n:02d}", start=f"2023-01-{n + 1:02d}")
        f.create_leg(visit=visit, country=georgia, order=1)
    first = get(client, "/en/visits/?country=georgia")
    assert "26 visits match the filters" in first.text and "page 1 of 2" in first.text
    assert 'href="?country=georgia&amp;page=2"' in first.html
    second = get(client, "/en/visits/?country=georgia&page=2")
    assert second.title.startswith("Visits to Georgia, page 2")
    assert second.canonical == "http://testserver/en/visits/?country=georgia&page=2"
    assert "Visit number 00" in second.text  # oldest last
    assert "Visit number 24" not in second.text
    get(client, "/en/visits/?country=georgia&page=3", status=404)


@pytest.mark.parametrize(
    "url",
    [
        "/en/offices/?page=x",
        "/en/people/?page=0",
        "/en/sources/?page=9%009",
        "/en/topics/?page=1.5",
    ],
)
def test_other_lists_refuse_bad_pages(client, url):
    page = get(client, url, status=400)
    assert "A page number is a whole number" in page.text


@pytest.mark.parametrize(
    "url", ["/en/programmes/?page=5", "/en/events/?page=2", "/en/positions/?page=7"]
)
def test_other_lists_past_the_end_are_404_with_a_message(client, url):
    page = get(client, url, status=404)
    assert "There is no page" in page.text


# --- Programmes, events, topics, sources --------------------------------------------------


def test_programme_replaced_and_replacing(client):
    eapc = get(client, "/en/programmes/euro-atlantic-partnership-council/")
    assert "Replaced North Atlantic Cooperation Council (NACC)" in eapc.text
    nacc = get(client, "/en/programmes/north-atlantic-cooperation-council/")
    assert "Replaced by Euro-Atlantic Partnership Council (EAPC)" in nacc.text
    assert "December 1991" in nacc.text
    participants = nacc.section("participants-heading")
    for country in ["Armenia", "Azerbaijan", "Georgia"]:
        assert country in participants
    pfp = get(client, "/en/programmes/partnership-for-peace/")
    assert "Includes Individual Partnership Programme (IPP)" in pfp.text
    itpp = get(client, "/en/programmes/individually-tailored-partnership-programme/")
    assert "In preparation" in itpp.section("participants-heading")
    ipap = get(client, "/en/programmes/individual-partnership-action-plan/")
    assert "Launched at Prague Summit (2002)" in ipap.text


def test_event_page_decisions_and_posts_established(client):
    page = get(client, "/en/events/istanbul-summit-2004/")
    decisions = page.section("decisions-heading")
    assert "Appoint a Special Representative for the Caucasus and Central Asia" in decisions
    assert "Secretary General's Special Representative" in page.text
    assert "Posts established" in page.text


def test_topic_page_lists_visits_meetings_and_events(client):
    page = get(client, "/en/topics/black-sea-security/")
    assert "Deputy Secretary General's visit to Azerbaijan" in page.section("visits-heading")
    assert "Jeyhun Bayramov" in page.section("meetings-heading")
    summits = get(client, "/en/topics/afghanistan/")
    assert "Brussels Summit" in summits.section("events-heading")


def test_source_page_keeps_line_breaks_escapes_text_and_lists_citing_records(client):
    page = get(client, "/en/sources/partners-in-the-southern-caucasus/")
    assert "<br>" in page.section("text-heading") or "<br>" in page.html
    cited = page.section("cited-heading")
    for heading in ["Countries", "Programmes", "Posts", "People", "Summits and events"]:
        assert heading in cited
    assert "Georgia in the Intensified Dialogue" in cited
    source = f.create_source(
        title="Odd text", slug="odd", full_text="line one\nline <b>two</b> & <script>x</script>"
    )
    odd = get(client, "/en/sources/odd/")
    assert (
        "line one<br>line &lt;b&gt;two&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in odd.html
    )
    assert "No published record cites this source yet." in odd.text
    assert source.pk


def test_a_source_page_links_the_documents_it_cites_and_the_source_citing_it(client):
    analysis = get(client, "/en/sources/afghanistan-in-cenasia-after-the-nato-summit/")
    cites = analysis.section("cites-heading")
    assert "Brussels Summit Declaration (11 July 2018)" in cites
    assert "Partners in Central Asia (2014)" in cites
    assert 'href="/en/sources/brussels-summit-declaration-2018/"' in analysis.html
    declaration = get(client, "/en/sources/brussels-summit-declaration-2018/")
    cited_in = declaration.section("cited-in-heading")
    assert "Afghanistan in Cenasia after the NATO summit" in cited_in
    assert "The registry knows this document from its citation in" in cited_in
    assert "The text of this source is not recorded." in declaration.text
    assert 'href="https://www.nato.int/cps/en/natohq/official_texts_156624.htm"' in declaration.html


def test_sources_section_numbers_the_sources_with_quotes_and_locators(client):
    page = get(client, "/en/programmes/individual-partnership-action-plan/")
    sources = page.section("sources-heading")
    assert "Partners in the southern Caucasus" in sources
    assert "box p. 2" in sources
    assert 'href="#source-1"' in page.html and 'id="source-1"' in page.html


# --- Timeline -----------------------------------------------------------------------------


def test_timeline_has_every_kind_of_dated_fact_in_order(client):
    page = get(client, "/en/timeline/")
    facts = Page(200, page.html.split('role="status"')[1])
    facts.assert_order(
        "December 1991",
        "1994",
        "1997",
        "2002",
        "June 2004",
        "2005",
        "September 2006",
        "2013",
        "2017",
        "July 2018",
        "2021",
        "17 March 2024",
    )
    for label in [
        "Programme launched",
        "Partnership began",
        "Office opened",
        "Office closed",
        "Summit",
        "Visit",
    ]:
        assert label in page.text, label
    assert "Date unknown" not in page.text


def test_timeline_filters(client):
    page = get(client, "/en/timeline/?country=georgia")
    assert "Intensified Dialogue" in page.text and "Office of the NATO Liaison" not in page.text
    assert page.title.startswith("Timeline for Georgia")
    visits = get(client, "/en/timeline/?kind=visit")
    assert "17 March 2024" in visits.text and "Partnership began" not in visits.text
    both = get(client, "/en/timeline/?country=uzbekistan&kind=office")
    assert "Office opened" in both.text and "2013" in both.text


@pytest.mark.parametrize(
    "query", ["?country=atlantis", "?kind=gossip", "?country=%00", "?kind=visit%00"]
)
def test_timeline_refuses_bad_parameters_kindly(client, query):
    page = get(client, "/en/timeline/" + query, status=400)
    assert "Some of the filters could not be used" in page.text
    assert "\x00" not in page.html


# --- Drafts appear nowhere ----------------------------------------------------------------

MARK = "Zyxdraft"


def make_drafts() -> dict[str, str]:
    """A draft of every publishable kind, each linked to published records so that it
    would show if a page forgot to filter; returns the URL of each draft's own page."""
    draft = Status.DRAFT
    georgia = Country.objects.get(slug="georgia")
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    position = Position.objects.get(slug="special-representative-caucasus-central-asia")
    programme = Programme.objects.get(slug="partnership-for-peace")
    source = Source.objects.get(slug="partners-in-the-southern-caucasus")
    nato = position.organisation
    region = f.create_region(name=f"{MARK} Region", slug="d-region", status=draft)
    f.create_country(name="Country of a draft region", slug="p-in-d-region", region=region)
    country = f.create_country(
        name=f"{MARK} Country",
        slug="d-country",
        region=Region.objects.get(slug="central-asia"),
        status=draft,
    )
    f.create_leg(visit=visit, country=country, order=7, city=f"{MARK} City")
    organisation = f.create_organisation(name=f"{MARK} Organisation", slug="d-org", status=draft)
    f.create_position(
        title="Post of a draft organisation", organisation=organisation, slug="p-draft-org"
    )
    d_programme = f.create_programme(
        name=f"{MARK} Programme", slug="d-programme", status=draft, start="2010", replaces=programme
    )
    f.create_participation(country=georgia, programme=d_programme, start="2011")
    f.create_participation(
        country=georgia,
        programme=programme,
        start="2012",
        status=draft,
        summary=f"{MARK} participation",
    )
    office = f.create_office(
        name=f"{MARK} Office", slug="d-office", status=draft, start="2015", host_country=georgia
    )
    office.countries_covered.add(georgia)
    old = Office.objects.get(slug="nato-liaison-officer-central-asia-office")
    old.succeeded_by = office
    old.save()
    d_position = f.create_position(
        title=f"{MARK} Post",
        slug="d-position",
        organisation=nato,
        status=draft,
        start="2016",
        office=Office.objects.get(slug="nato-liaison-office-georgia"),
    )
    person = f.create_person(name=f"{MARK} Person", slug="d-person", status=draft)
    f.create_appointment(person=person, position=position, start="2020", end="2021")
    Meeting.objects.create(
        visit=visit,
        counterpart=person,
        counterpart_position=d_position,
        order=8,
        counterpart_group="",
    )
    f.create_appointment(
        person=Person.objects.get(slug="robert-simmons"),
        position=d_position,
        start="2019",
        end="2020",
    )
    f.create_appointment(
        person=Person.objects.get(slug="jeyhun-bayramov"),
        position=position,
        start="2022",
        end="2022",
        status=draft,
        notes=f"{MARK} appointment",
    )
    event = f.create_event(
        name=f"{MARK} Event", slug="d-event", status=draft, start="2018", country=georgia
    )
    d_visit = f.create_visit(
        title=f"{MARK} Visit",
        slug="d-visit",
        status=draft,
        start="2023",
        traveller=Person.objects.get(slug="jens-stoltenberg"),
    )
    f.create_leg(visit=d_visit, country=georgia, order=1)
    hidden_traveller = f.create_visit(
        title="Trip of a draft person", slug="d-traveller-visit", start="2023", traveller=person
    )
    f.create_leg(visit=hidden_traveller, country=georgia, order=1)
    topic = f.create_topic(name=f"{MARK} Topic", slug="d-topic", status=draft)
    visit.topics.add(topic)
    # Published but not public: scheduled for later, or expired.
    later = timezone.now() + dt.timedelta(days=2)
    f.create_office(
        name=f"{MARK} Scheduled office",
        slug="d-scheduled",
        host_country=georgia,
        ongoing=True,
        publish_at=later,
    )
    expired = f.create_person(
        name=f"{MARK} Expired person",
        slug="d-expired",
        expire_at=timezone.now() - dt.timedelta(days=1),
    )
    f.create_appointment(person=expired, position=position, start="2005", end="2006")
    d_source = f.create_source(title=f"{MARK} Source", slug="d-source", status=draft)
    for record in [
        georgia,
        visit,
        position,
        programme,
        Office.objects.get(slug="nato-liaison-office-georgia"),
        Event.objects.get(slug="istanbul-summit-2004"),
    ]:
        f.create_citation(record=record, source=d_source, quote=f"{MARK} quote")
    f.create_citation(record=event, source=source, quote="draft event citation")
    return {
        "region": "/en/regions/d-region/",
        "country": "/en/countries/d-country/",
        "programme": "/en/programmes/d-programme/",
        "office": "/en/offices/d-office/",
        "position": "/en/positions/d-position/",
        "person": "/en/people/d-person/",
        "event": "/en/events/d-event/",
        "visit": "/en/visits/d-visit/",
        "traveller-visit": "/en/visits/d-traveller-visit/",
        "topic": "/en/topics/d-topic/",
        "source": "/en/sources/d-source/",
        "scheduled-office": "/en/offices/d-scheduled/",
        "expired-person": "/en/people/d-expired/",
    }


def public_urls() -> list[str]:
    """Every public page of the published records, every list and filter page, and the
    other engineer's search, feeds and sitemap where their routes exist."""
    urls = list(PAGE_TYPES.values())
    for model in [
        Region,
        Country,
        Programme,
        Office,
        Position,
        Person,
        Event,
        Visit,
        Topic,
        Source,
    ]:
        urls += [record.get_absolute_url() for record in model.objects.published()]
    urls += [
        "/en/visits/?country=georgia",
        "/en/visits/?region=south-caucasus",
        "/en/visits/?year=2023",
        "/en/visits/?person=jens-stoltenberg",
        "/en/timeline/?country=georgia",
        "/en/timeline/?kind=visit",
        "/en/timeline/?kind=office",
        "/en/timeline/?kind=appointment",
    ]
    for name, query in [
        ("search", f"?q={MARK[:4]}"),
        ("search", "?q=Georgia"),
        ("visit-feed-rss", ""),
        ("visit-feed-atom", ""),
        ("visit-calendar", ""),
        ("sitemap", ""),
    ]:
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(f"registry:{name}") + query)
    return urls


def test_drafts_of_every_kind_appear_on_no_page(client):
    draft_urls = make_drafts()
    for kind, url in draft_urls.items():
        response = client.get(url)
        assert response.status_code == 404, (kind, url)
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert MARK not in body, (url, body[body.find(MARK) - 200 : body.find(MARK) + 100])
        for draft_url in draft_urls.values():
            assert f'href="{draft_url}"' not in body, (url, draft_url)
    # The draft person's own trip is hidden with them.
    assert "Trip of a draft person" not in get(client, "/en/visits/").text
    # A post of a draft organisation shows, without naming the organisation.
    assert "Post of a draft organisation" in get(client, "/en/positions/").text


# --- Errors -------------------------------------------------------------------------------


def test_unpublished_record_is_a_styled_404(client):
    f.create_office(name="Unreleased office", slug="unreleased", status=Status.DRAFT)
    page = get(client, "/en/offices/unreleased/", status=404)
    assert "Page not found" in page.title
    assert "Unreleased office" not in page.html
    assert re.search(r'href="/static/css/site\.[0-9a-f]{12}\.css"', page.html)
    assert '<meta name="robots" content="noindex">' in page.html
    assert 'aria-current="page">Page not found' in page.html


def test_unknown_address_is_a_styled_404(client):
    page = get(client, "/no/such/page/", status=404)
    assert "There is no public page at this address" in page.text
    assert '<html lang="en-GB">' in page.html


def test_500_page_renders_without_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Sorry, something went wrong" in html
    assert '<html lang="en-GB">' in html and "<title>" in html


def broken_view(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken_view)]


def test_server_error_shows_the_500_page(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()
