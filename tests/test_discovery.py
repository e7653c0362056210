"""Feeds, the iCalendar of visits, sitemap.xml and robots.txt (registry/views/discovery.py,
registry/views/calendar.py): valid documents, honest dates, no drafts, and a fixed query count."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from registry.models import Appointment, Organisation, Participation, Status, Visit
from registry.seed.loader import load_seed
from registry.views.calendar import calendar_days
from tests.factories import create_leg, create_topic, create_visit
from tests.test_search import grow, make_drafts

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RSS_URL, ATOM_URL, ICS_URL = (
    "/en/visits/feed/rss/",
    "/en/visits/feed/atom/",
    "/en/visits/calendar.ics",
)
STOLTENBERG = "secretary-general-south-caucasus-march-2024"
SHEKERINSKA = "deputy-secretary-general-azerbaijan"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seed(seeded, db):
    return None


def get(client, url: str, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return response


# --- RSS and Atom ----------------------------------------------------------------------


def test_rss_feed_of_visits(seed, client):
    response = get(client, RSS_URL)
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "Visits – Partnership Registry"
    assert channel.findtext("link") == "http://testserver/en/visits/"
    items = channel.findall("item")
    assert {item.findtext("link") for item in items} == {
        f"http://testserver/en/visits/{STOLTENBERG}/",
        f"http://testserver/en/visits/{SHEKERINSKA}/",
    }
    guids = [item.find("guid") for item in items]
    assert all(g.get("isPermaLink") == "false" and g.text.startswith("urn:uuid:") for g in guids)
    assert len({g.text for g in guids}) == len(items)
    [visit] = [i for i in items if i.findtext("link").endswith(f"/{STOLTENBERG}/")]
    assert visit.findtext("title") == "Secretary General's visit to Armenia, Georgia and Azerbaijan"
    description = visit.findtext("description")
    assert "<p>Dates: 17–19 March 2024</p>" in description
    assert "Traveller: Jens Stoltenberg, NATO Secretary General" in description
    # Seed 002 names the three countries but not the order of the stops.
    assert "Itinerary: Armenia, Azerbaijan and Georgia; the sources give no order" in description
    assert [c.text for c in visit.findall("category")] == [
        "Partnership programmes",
        "Territorial integrity and sovereignty",
    ]
    [undated] = [i for i in items if i.findtext("link").endswith(f"/{SHEKERINSKA}/")]
    assert "<p>Dates: Dates not recorded (2-day visit)</p>" in undated.findtext("description")


def test_atom_feed_of_visits(seed, client):
    response = get(client, ATOM_URL)
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id").startswith("urn:uuid:")
    assert feed.findtext(f"{ATOM}updated")
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Partnership Registry"
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == f"http://testserver{ATOM_URL}"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{ATOM}{name}"), name
        assert entry.find(f"{ATOM}summary").get("type") == "html"
    by_title = {entry.findtext(f"{ATOM}title"): entry for entry in entries}
    # "published" is when the visit happened, not when the registry recorded it; "updated"
    # is the record's last change. A visit the sources do not date claims no date.
    stoltenberg = by_title["Secretary General's visit to Armenia, Georgia and Azerbaijan"]
    assert stoltenberg.findtext(f"{ATOM}published").startswith("2024-03-17")
    assert not stoltenberg.findtext(f"{ATOM}updated").startswith("2024")
    undated = by_title["Deputy Secretary General's visit to Azerbaijan"]
    assert undated.find(f"{ATOM}published") is None
    titles = set(by_title)
    assert "Deputy Secretary General's visit to Azerbaijan" in titles  # plain text, unescaped


def test_feeds_and_calendar_share_stable_ids(seed, client):
    rss = ET.fromstring(get(client, RSS_URL).content)
    atom = ET.fromstring(get(client, ATOM_URL).content)
    rss_ids = {i.findtext("guid") for i in rss.iter("item")}
    atom_ids = {e.findtext(f"{ATOM}id") for e in atom.iter(f"{ATOM}entry")}
    assert rss_ids == atom_ids
    ics = unfold(get(client, ICS_URL).content.decode())
    uid = [line[4:] for line in ics if line.startswith("UID:")]
    assert f"urn:uuid:{uid[0]}" in rss_ids


def test_feed_text_is_escaped_as_html(seed, client):
    create_visit(
        title="Talks <b>bold</b> & more", summary='<script>alert("x")</script>', start="2024-01-02"
    )
    rss = ET.fromstring(get(client, RSS_URL).content)
    [item] = [i for i in rss.iter("item") if "bold" in i.findtext("title")]
    assert item.findtext("title") == "Talks &lt;b&gt;bold&lt;/b&gt; &amp; more"
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in item.findtext("description")
    assert "<script>" not in item.findtext("description")
    atom = ET.fromstring(get(client, ATOM_URL).content)
    titles = [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")]
    assert "Talks <b>bold</b> & more" in titles  # type="text": the reader shows it as is


def test_the_feed_lists_the_fifty_newest_visits(seed, client):
    for n in range(55):
        create_visit(title=f"Trip {n}")
    items = ET.fromstring(get(client, RSS_URL).content).findall("channel/item")
    assert len(items) == 50
    assert items[0].findtext("title") == "Trip 54"


# --- iCalendar -------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def events(lines: list[str]) -> list[dict[str, str]]:
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def check_structure(body: bytes) -> list[str]:
    """RFC 5545 form: CRLF lines of at most 75 octets, folded lines start with a space,
    balanced BEGIN/END, one VCALENDAR, the required properties, unique UIDs."""
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"") and b"\r" not in body.replace(b"\r\n", b"")
    for raw in body.split(b"\r\n")[:-1]:
        assert len(raw) <= 75, raw
        raw.decode("utf-8")  # folding never splits a character
    lines = unfold(body.decode("utf-8"))
    stack = []
    for line in lines:
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
        elif line.startswith("END:"):
            assert stack.pop() == line[4:]
    assert not stack
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    found = events(lines)
    for event in found:
        for name in ("UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"):
            assert name in event, (name, event)
        assert event["DTSTART;VALUE=DATE"] < event["DTEND;VALUE=DATE"]
    uids = [event["UID"] for event in found]
    assert len(uids) == len(set(uids))
    return lines


def test_calendar_of_the_seed_visits(seed, client):
    response = get(client, ICS_URL)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "partnership-registry-visits.ics" in response["Content-Disposition"]
    lines = check_structure(response.content)
    [event] = events(lines)  # the undated visit is left out
    assert event["SUMMARY"] == "Secretary General's visit to Armenia\\, Georgia and Azerbaijan"
    assert event["DTSTART;VALUE=DATE"] == "20240317"
    assert event["DTEND;VALUE=DATE"] == "20240320"  # exclusive: the 17th to the 19th
    assert event["URL;VALUE=URI"] == f"http://testserver/en/visits/{STOLTENBERG}/"
    assert event["LOCATION"] == "Armenia\\, Azerbaijan and Georgia\\; the sources give no order"
    assert event["DESCRIPTION"].startswith("Dates: 17–19 March 2024.\\n\\nTraveller: Jens")
    assert event["DTSTAMP"].endswith("Z")
    omitted = [line for line in lines if line.startswith("X-PARTNERSHIP-REGISTRY-OMITTED:")]
    assert omitted == [
        "X-PARTNERSHIP-REGISTRY-OMITTED:Deputy Secretary General's visit to Azerbaijan "
        f"(dates not recorded): http://testserver/en/visits/{SHEKERINSKA}/"
    ]
    assert any("are left out" in line for line in lines if line.startswith("X-WR-CALDESC:"))


def test_calendar_never_claims_days_it_does_not_know(seed, client):
    create_visit(title="Known to the month", start="March 2023", end="March 2023")
    create_visit(title="Known to the year", start="2019")
    create_visit(title="First day and length", start="2022-05-30", duration_days=3)
    create_visit(title="First day only", start="2021-09-10")
    create_visit(title="Ends within a month", start="2020-06-29", end="July 2020")
    lines = check_structure(get(client, ICS_URL).content)
    by_title = {e["SUMMARY"]: e for e in events(lines)}
    assert "Known to the month" not in by_title and "Known to the year" not in by_title
    omitted = "\n".join(line for line in lines if "OMITTED" in line)
    assert "Known to the month (dates known only to the month: March 2023): http" in omitted
    assert "Known to the year (dates known only to the year: From 2019\\; end not recorded)" in (
        omitted
    )
    length = by_title["First day and length"]
    assert (length["DTSTART;VALUE=DATE"], length["DTEND;VALUE=DATE"]) == ("20220530", "20220602")
    assert "first day and the length (3 days)" in length["DESCRIPTION"]
    single = by_title["First day only"]
    assert (single["DTSTART;VALUE=DATE"], single["DTEND;VALUE=DATE"]) == ("20210910", "20210911")
    assert "Only the first day is recorded." in single["DESCRIPTION"]
    month_end = by_title["Ends within a month"]
    assert month_end["DTEND;VALUE=DATE"] == "20200630"
    assert "ended in July 2020" in month_end["DESCRIPTION"]


def test_calendar_days_policy():
    visit = Visit(title="x")
    assert calendar_days(visit) is None
    visit.start, visit.end = "2024-03-17", "2024-03-19"
    assert calendar_days(visit) == (dt.date(2024, 3, 17), dt.date(2024, 3, 20), "")
    visit.start, visit.end = "2024-03", "2024-03"
    assert calendar_days(visit) is None


def test_calendar_text_is_escaped_and_folded(seed, client):
    visit = create_visit(
        title="Talks; on A,B \\ C\nand Ünïcödé " + "é" * 80,
        start="2024-02-01",
        end="2024-02-02",
        purpose="Line one.\r\nLine two.",
    )
    topic = create_topic(name="Cyber, and; more")
    visit.topics.add(topic)
    create_leg(visit=visit, country=None, order=1, city="Baku")
    lines = check_structure(get(client, ICS_URL).content)
    event = next(e for e in events(lines) if e["SUMMARY"].startswith("Talks"))
    assert event["SUMMARY"] == "Talks\\; on A\\,B \\\\ C\\nand Ünïcödé " + "é" * 80
    assert "Line one. Line two." in event["DESCRIPTION"]
    assert event["CATEGORIES"] == "Cyber\\, and\\; more"
    assert event["LOCATION"].startswith("Baku\\, ")


def test_the_calendar_reads_back_as_written(client, db):
    """Parsed by the library that wrote it, every text comes back as stored: escaping and
    folding are the library's, and no line passes 75 octets."""
    from icalendar import Calendar

    visit = create_visit(
        title="Talks; on A,B \\ C and " + "é" * 80, start="2024-03-17", end="2024-03-18"
    )
    visit.topics.add(create_topic(name="Cyber, and; more"))
    body = get(client, ICS_URL).content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    [event] = [
        e for e in Calendar.from_ical(body).walk("VEVENT") if str(e["SUMMARY"]).startswith("Talks")
    ]
    assert str(event["SUMMARY"]) == visit.title
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Cyber, and; more"]
    assert event.decoded("DTSTART") == dt.date(2024, 3, 17)
    assert event.decoded("DTEND") == dt.date(2024, 3, 19)


# --- Sitemap and robots.txt ------------------------------------------------------------


def sitemap_locations(client) -> list[str]:
    """Every page address in the sitemap, following the index to each section file."""
    index = ET.fromstring(get(client, "/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    locations = []
    for entry in index.findall(f"{SITEMAP}sitemap"):
        section = get(client, entry.findtext(f"{SITEMAP}loc").removeprefix("http://testserver"))
        root = ET.fromstring(section.content)
        locations += [url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")]
    return locations


def test_sitemap_lists_every_published_page(seed, client):
    locations = sitemap_locations(client)
    assert len(locations) == len(set(locations))
    assert all(loc.startswith("http://testserver/") for loc in locations)
    for path in [
        "/en/",
        "/en/visits/",
        f"/en/visits/{STOLTENBERG}/",
        "/en/countries/georgia/",
        "/en/regions/central-asia/",
        "/en/offices/nato-liaison-office-georgia/",
        "/en/positions/nato-deputy-secretary-general/",
        "/en/people/radmila-shekerinska/",
        "/en/programmes/intensified-dialogue/",
        "/en/events/istanbul-summit-2004/",
        "/en/topics/demining/",
        "/en/sources/partners-in-the-southern-caucasus/",
    ]:
        assert f"http://testserver{path}" in locations, path
    # 2 regions, 9 countries, 8 programmes, 3 offices, 9 posts, 6 people, 3 events,
    # 2 visits, 14 topics and 7 sources, the organisations, appointments and
    # participations, with the home and list pages.
    records = [loc for loc in locations if loc.count("/") == 6 and "/en/" in loc]
    counted = (Organisation, Appointment, Participation)
    assert len(records) == 63 + sum(m.objects.published().count() for m in counted)
    # Every page is listed in French as well.
    french = {loc.replace("/fr/", "/en/", 1) for loc in locations if "/fr/" in loc}
    assert french == {loc for loc in locations if "/en/" in loc}


def test_sitemap_names_each_pages_other_language_and_the_default(seed, client):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    first = index.find(f"{SITEMAP}sitemap").findtext(f"{SITEMAP}loc")
    section = client.get(first.removeprefix("http://testserver")).content.decode()
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in section
    home = '<xhtml:link rel="alternate" hreflang="{}" href="http://testserver{}"/>'
    for language, path in [("en", "/en/"), ("fr", "/fr/"), ("x-default", "/")]:
        assert home.format(language, path) in section, language


def test_sitemap_pages_resolve(seed, client):
    for location in sitemap_locations(client):
        assert client.get(location.removeprefix("http://testserver")).status_code == 200


def test_robots_txt(seed, client):
    response = get(client, "/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nAllow: /\nDisallow: /admin/\n\nSitemap: http://testserver/sitemap.xml\n"
    )


# --- Drafts ----------------------------------------------------------------------------


def test_no_draft_in_feeds_calendar_or_sitemap(seed, client):
    drafts = make_drafts()
    drafts["dated draft visit"] = create_visit(
        title="Quokkadraft dated", start="2024-04-01", end="2024-04-02", status=Status.DRAFT
    )
    drafts["dated visit of a draft traveller"] = create_visit(
        title="Quokkadraft dated trip",
        start="2024-04-05",
        end="2024-04-06",
        traveller=drafts["person"],
    )
    for url in (RSS_URL, ATOM_URL, ICS_URL, "/sitemap.xml"):
        body = get(client, url).content.decode()
        assert "quokkadraft" not in body.lower(), url
        assert "hushword" not in body.lower(), url
        for record in drafts.values():
            if hasattr(record, "get_absolute_url"):
                assert record.get_absolute_url() not in body, (url, record)
    # The published visit with a draft topic and a stop in a draft country is there.
    assert "Open visit" in get(client, ICS_URL).content.decode()
    assert "Open visit" in get(client, RSS_URL).content.decode()


# --- Query counts ----------------------------------------------------------------------

PAGES = [
    ("/en/search/", {"q": "NATO"}),
    ("/en/search/", {"q": "Shekerinska", "kind": "person"}),
    ("/en/search/", {"q": "zzyzx"}),
    ("/en/search/", {}),
    (RSS_URL, {}),
    (ATOM_URL, {}),
    (ICS_URL, {}),
    ("/sitemap.xml", {}),
    ("/robots.txt", {}),
]


def test_query_counts_do_not_grow_with_the_data(seed, client, settings):
    settings.PUBLIC_CACHE_ENABLED = False  # the views' own queries (see test_cache.py)

    def counts() -> dict[str, int]:
        result = {}
        for url, params in PAGES:
            with CaptureQueriesContext(connection) as queries:
                get(client, url, params)
            result[f"{url}?{params}"] = len(queries)
        return result

    before = counts()
    grow()
    after = counts()
    assert before == after
    assert before["/en/search/?{'q': 'NATO'}"] == 13  # one per kind of record
    assert before[f"{RSS_URL}?{{}}"] == before[f"{ICS_URL}?{{}}"] == 3
    assert before["/robots.txt?{}"] == 0
    # The grown data is there: 50 feed items and many more calendar events and URLs.
    assert len(ET.fromstring(get(client, RSS_URL).content).findall("channel/item")) == 50
    assert len(events(unfold(get(client, ICS_URL).content.decode()))) > 15
    assert len(sitemap_locations(client)) > 600
