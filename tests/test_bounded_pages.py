"""Pages stay bounded as the data grows: each section of a record page shows at most its cap,
says how many there are in all and links to the full, filtered list, which then shows them;
the timeline is paged by the database; the sitemap is an index of bounded sections; filters
never list every person."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest

from registry.models import Status
from registry.queries import sections
from registry.queries.sections import SECTION_CAP
from registry.views import discovery
from registry.views.places import TIMELINE_CAP
from tests import factories as f

pytestmark = pytest.mark.django_db

MORE = SECTION_CAP + 3


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(unescape(body).split())


def section(response, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`."""
    html = response.content.decode()
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def more_link(html: str) -> str:
    match = re.search(r'<p class="more"><a href="([^"]+)">([^<]+)</a>', html)
    assert match, "no 'See all' link"
    return unescape(match.group(1))


def visit_titles(html: str) -> list[str]:
    return re.findall(r'<a href="/en/visits/[^"]+/">([^<]+)</a>', html)


def country_with_visits(count: int):
    country = f.create_country(name="Georgia", slug="georgia", iso_code="GE")
    traveller = f.create_person(name="Traveller One")
    visits = []
    for day in range(1, count + 1):
        visit = f.create_visit(
            title=f"Visit number {day:02d}", traveller=traveller, start=f"2020-01-{day:02d}"
        )
        f.create_leg(visit=visit, country=country)
        visits.append(visit)
    return country, traveller, visits


def test_country_page_caps_visits_with_the_count_and_a_link_that_shows_them_all(client):
    country, _, visits = country_with_visits(MORE)
    draft = f.create_visit(title="Draft visit", status=Status.DRAFT, start="2021-01-01")
    f.create_leg(visit=draft, country=country)

    page = client.get("/en/countries/georgia/")
    visits_html = section(page, "visits-heading")
    shown = visit_titles(visits_html)
    # The latest ten, newest first; the draft neither shown nor counted.
    assert shown == [f"Visit number {day:02d}" for day in range(MORE, MORE - SECTION_CAP, -1)]
    assert f"See all {MORE} visits" in text_of(visits_html)
    url = more_link(visits_html)
    assert url == "/en/visits/?country=georgia"

    full = client.get(url)
    assert full.status_code == 200
    listed = visit_titles(full.content.decode())
    assert sorted(listed) == sorted(v.title for v in visits)
    assert "Draft visit" not in full.content.decode()
    assert "Visits to Georgia" in text(full)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_section_under_its_cap_shows_everything_and_no_link(client):
    country_with_visits(3)
    visits_html = section(client.get("/en/countries/georgia/"), "visits-heading")
    assert len(visit_titles(visits_html)) == 3
    assert 'class="more"' not in visits_html


def test_region_page_caps_its_sections_and_links_to_lists_filtered_by_region(client):
    region = f.create_region(name="South Caucasus", slug="south-caucasus")
    country = f.create_country(name="Armenia", slug="armenia", region=region)
    organisation = f.create_organisation(country=country, kind="government")
    for n in range(MORE):
        f.create_position(title=f"Minister {n:02d}", organisation=organisation)
        visit = f.create_visit(title=f"Trip {n:02d}", start=f"2019-02-{n + 1:02d}")
        leg = f.create_leg(visit=visit, country=country)
        f.create_meeting(visit=visit, leg=leg, counterpart=f.create_person(name=f"Met {n:02d}"))
    page = client.get("/en/regions/south-caucasus/")
    assert page.status_code == 200

    posts = section(page, "posts-heading")
    assert len(re.findall(r"<h3><a href=\"/en/positions/", posts)) == SECTION_CAP
    assert more_link(posts) == "/en/positions/?region=south-caucasus"
    listed = client.get("/en/positions/?region=south-caucasus")
    assert len(re.findall(r'<h2><a href="/en/positions/', listed.content.decode())) == MORE

    met = section(page, "met-heading")
    assert len(re.findall(r'<td data-label="Official">', met)) == SECTION_CAP
    assert f"See all {MORE} meetings" in text_of(met)
    assert more_link(met) == "/en/meetings/?region=south-caucasus"
    meetings = client.get("/en/meetings/?region=south-caucasus")
    assert len(re.findall(r'<td data-label="Official">', meetings.content.decode())) == MORE

    visits = section(page, "visits-heading")
    assert more_link(visits) == "/en/visits/?region=south-caucasus"
    for n in range(TIMELINE_CAP):
        f.create_event(name=f"Summit {n:02d}", start=f"{1990 + n}", country=country)
    timeline = section(client.get("/en/regions/south-caucasus/"), "timeline-heading")
    assert timeline.count('<span class="label">') == TIMELINE_CAP
    assert f"See all {TIMELINE_CAP + MORE} dated facts" in text_of(timeline)
    assert more_link(timeline) == "/en/timeline/?region=south-caucasus"


def test_person_page_caps_visits_meetings_and_posts(client):
    person = f.create_person(name="Busy Official", slug="busy-official")
    organisation = f.create_organisation()
    for n in range(MORE):
        visit = f.create_visit(
            title=f"Journey {n:02d}", traveller=person, start=f"2018-03-{n + 1:02d}"
        )
        other = f.create_visit(title=f"Hosted {n:02d}", start=f"2017-03-{n + 1:02d}")
        f.create_meeting(visit=other, counterpart=person)
        position = f.create_position(
            title=f"Post {n:02d}", organisation=organisation, max_holders=5
        )
        f.create_appointment(person=person, position=position, start=f"{2000 + n}")
        assert visit.pk
    page = client.get("/en/people/busy-official/")
    visits = section(page, "visits-heading")
    assert len(visit_titles(visits)) == SECTION_CAP
    assert more_link(visits) == "/en/visits/?person=busy-official"
    meetings = section(page, "meetings-heading")
    assert meetings.count('<li class="record">') == SECTION_CAP
    assert more_link(meetings) == "/en/meetings/?person=busy-official"
    posts = section(page, "posts-heading")
    assert posts.count('<li class="record">') == MORE  # under the cap of 20 for posts held
    assert 'class="more"' not in posts

    full = client.get("/en/visits/?person=busy-official")
    titles = visit_titles(full.content.decode())
    # The traveller's journeys and the visits where they were met.
    assert len(titles) == 20 and "Journey 12" in titles
    assert "2 pages" in text(full) or "page 1 of 2" in text(full)


def test_post_page_caps_holders_and_links_to_every_holder(client):
    position = f.create_position(title="Envoy", slug="envoy", max_holders=100)
    for n in range(30):
        f.create_appointment(
            position=position, person=f.create_person(name=f"Envoy {n:02d}"), start=f"{1990 + n}"
        )
    page = client.get("/en/positions/envoy/")
    body = page.content.decode()
    past = section(page, "past-heading")
    names = re.findall(r'<h3><a href="/en/people/[^"]+">([^<]+)</a>', past)
    # The latest twenty, latest first: the latest as the last recorded holder, then the
    # nineteen before.
    last = section(page, "current-heading")
    assert "Last recorded holder" in text_of(last) and "Envoy 29" in text_of(last)
    assert names == [f"Envoy {n:02d}" for n in range(28, 9, -1)]
    assert "See all 30 holders" in text_of(past)
    assert "/en/people/?position=envoy" in links(body)
    listed = client.get("/en/people/?position=envoy")
    assert len(re.findall(r'<h2><a href="/en/people/', listed.content.decode())) == 30


def test_lists_of_posts_show_a_few_holders_and_count_the_others(client):
    position = f.create_position(title="Chair", slug="chair", max_holders=100)
    for n in range(8):
        f.create_appointment(
            position=position, person=f.create_person(name=f"Chair {n}"), start=f"{2000 + n}"
        )
    body = client.get("/en/positions/").content.decode()
    item = body[body.index('href="/en/positions/chair/"') :]
    item = item[: item.index("</li>")]
    assert re.findall(r">(Chair \d)</a>", item) == ["Chair 7", "Chair 6", "Chair 5"]
    assert "5 more" in text_of(item)


def test_office_and_topic_pages_cap_their_sections(client):
    office = f.create_office(name="Liaison Office", slug="liaison-office")
    topic = f.create_topic(name="Energy security", slug="energy-security")
    for n in range(MORE):
        f.create_position(title=f"Officer {n:02d}", office=office)
        visit = f.create_visit(title=f"Energy trip {n:02d}", start=f"2016-04-{n + 1:02d}")
        visit.topics.add(topic)
        event = f.create_event(name=f"Energy summit {n:02d}", start=f"{1990 + n}")
        event.topics.add(topic)
        meeting = f.create_meeting(visit=visit)
        meeting.topics.add(topic)
    office_page = client.get("/en/offices/liaison-office/")
    posts = office_page.content.decode()
    assert posts.count('<h3><a href="/en/positions/') == SECTION_CAP
    assert "/en/positions/?office=liaison-office" in links(posts)

    page = client.get("/en/topics/energy-security/")
    for heading, url in [
        ("visits-heading", "/en/visits/?topic=energy-security"),
        ("events-heading", "/en/events/?topic=energy-security"),
        ("meetings-heading", "/en/meetings/?topic=energy-security"),
    ]:
        html = section(page, heading)
        assert more_link(html) == url
        assert f"See all {MORE}" in text_of(html)
        full = client.get(url)
        assert full.status_code == 200
        assert "Energy" in text(full)
    assert (
        len(
            re.findall(
                r'<h2><a href="/en/events/',
                client.get("/en/events/?topic=energy-security").content.decode(),
            )
        )
        == MORE
    )


def test_source_page_caps_each_kind_of_citing_record(client):
    source = f.create_source(title="Big report", slug="big-report")
    for n in range(MORE):
        visit = f.create_visit(title=f"Cited visit {n:02d}")
        f.create_citation(record=visit, source=source, quote=f"Passage {n:02d}")
    page = client.get("/en/sources/big-report/")
    cited = section(page, "cited-heading")
    assert len(visit_titles(cited)) == SECTION_CAP
    # Only the passages of the records shown are read and shown.
    assert len(re.findall(r"Passage \d\d", cited)) == SECTION_CAP
    assert more_link(cited) == "/en/visits/?source=big-report"
    full = client.get("/en/visits/?source=big-report")
    assert len(visit_titles(full.content.decode())) == MORE


def test_source_page_lists_a_bounded_number_of_linked_sources(client, monkeypatch):
    from registry.views import sources as source_views

    monkeypatch.setattr(source_views, "LINKED_SOURCES", 3)
    hub = f.create_source(title="Hub report", slug="hub-report")
    for n in range(5):
        f.create_source(title=f"Cited document {n}", slug=f"cited-{n}").cited_in.add(hub)
    page = client.get("/en/sources/hub-report/")
    cites = section(page, "cites-heading")
    assert re.findall(r">(Cited document \d)<", cites) == [f"Cited document {n}" for n in range(3)]


def test_home_page_caps_open_offices(client):
    for n in range(MORE):
        f.create_office(name=f"Open office {n:02d}", ongoing=True)
    body = client.get("/en/").content.decode()
    aside = body[body.index('id="offices-heading"') :]
    aside = aside[: aside.index("</aside>")]
    assert aside.count('<li class="record">') == SECTION_CAP
    assert "/en/offices/?current=true" in links(aside)
    full = client.get("/en/offices/?current=true")
    assert full.content.decode().count("Open office") == MORE


def test_counts_stop_at_the_limit(client, monkeypatch):
    monkeypatch.setattr(sections, "COUNT_LIMIT", 5)
    country_with_visits(12)
    visits_html = section(client.get("/en/countries/georgia/"), "visits-heading")
    assert "See all more than 5 visits" in text_of(visits_html)


def later_link(body: str, rel: str = "next") -> str | None:
    """The timeline's link to the next (or previous) facts; the links keep the filters."""
    match = re.search(rf'<a href="(\?[^"]+)" rel="{rel}">', body)
    return "/en/timeline/" + unescape(match.group(1)) if match else None


def test_timeline_is_paged_by_the_database_with_cursors(client):
    country, _, _ = country_with_visits(1)
    for n in range(120):
        f.create_event(name=f"Event {n:03d}", start=f"{1900 + n}", country=country)
    # Same-day facts of several kinds and precisions across a page boundary.
    first = client.get("/en/timeline/?kind=event")
    body = first.content.decode()
    assert first.status_code == 200
    names = re.findall(r">(Event \d{3})</a>", body)
    assert names == [f"Event {n:03d}" for n in range(50)]
    assert later_link(body, "prev") is None
    assert "120 dated facts" in text(first)

    seen = list(names)
    url = later_link(body)
    pages = 1
    while url:
        page = client.get(url).content.decode()
        seen += re.findall(r">(Event \d{3})</a>", page)
        url = later_link(page)
        pages += 1
        if pages == 2:
            back = later_link(page, "prev")
            assert re.findall(r">(Event \d{3})</a>", client.get(back).content.decode()) == names
    assert pages == 3
    assert seen == [f"Event {n:03d}" for n in range(120)]
    assert client.get("/en/timeline/?after=nonsense").status_code == 400
    assert client.get("/en/timeline/?after=2004-01-01.day.9.0.1").status_code == 400


def test_timeline_pages_keep_order_across_kinds_and_ties(client):
    country = f.create_country()
    # Forty facts on one day, of several kinds and precisions, and a few on other days.
    for n in range(20):
        f.create_event(name=f"Tie event {n:02d}", start="2004-01-01", country=country)
        f.create_programme(name=f"Tie programme {n:02d}", start="2004-01")
        f.create_office(name=f"Tie office {n:02d}", start="2004")
    full = []
    url = "/en/timeline/"
    while url:
        page = client.get(url).content.decode()
        full += re.findall(
            r'<span class="label">([^<]+)</span>\s*<a href="[^"]+">([^<]+)</a>', page
        )
        url = later_link(page)
    titles = [title for _, title in full]
    assert len(titles) == len(set(titles)) == 60
    # A day before its month, a month before its year.
    assert titles.index("Tie event 19") < titles.index("Tie programme 00")
    assert titles.index("Tie programme 19") < titles.index("Tie office 00")


def test_timeline_filters_by_period_region_and_kind(client):
    region = f.create_region(name="Central Asia", slug="central-asia")
    inside = f.create_country(name="Kazakhstan", slug="kazakhstan", iso_code="KZ", region=region)
    outside = f.create_country(name="Elsewhere", slug="elsewhere")
    for year in (1995, 2005, 2015):
        f.create_event(name=f"In {year}", start=str(year), country=inside)
        f.create_event(name=f"Out {year}", start=str(year), country=outside)
    page = text(client.get("/en/timeline/?region=central-asia&first=2000&last=2010"))
    assert "In 2005" in page
    assert "In 1995" not in page and "In 2015" not in page and "Out 2005" not in page
    by_code = text(client.get("/en/timeline/?country=KZ&kind=event"))
    assert "In 1995" in by_code and "Out 1995" not in by_code
    assert client.get("/en/timeline/?first=2010&last=2000").status_code == 400
    assert client.get("/en/timeline/?first=99999").status_code == 400


def test_timeline_orders_a_day_before_its_month_and_year(client):
    for name, start in [
        ("Year fact", "2004"),
        ("Month fact", "2004-01"),
        ("Day fact", "2004-01-01"),
    ]:
        f.create_event(name=name, start=start)
    page = text(client.get("/en/timeline/"))
    assert page.index("Day fact") < page.index("Month fact") < page.index("Year fact")


def test_sitemap_is_an_index_of_bounded_sections(client, monkeypatch):
    monkeypatch.setattr(discovery.PublishedSitemap, "limit", 4)
    for n in range(10):
        f.create_visit(title=f"Mapped {n}", slug=f"mapped-{n}")
    f.create_visit(title="Hidden", slug="hidden-visit", status=Status.DRAFT)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{ns}sitemapindex"
    sections_urls = [e.findtext(f"{ns}loc") for e in index.findall(f"{ns}sitemap")]
    visit_sections = [u for u in sections_urls if "sitemap-visits.xml" in u]
    assert len(visit_sections) == 3  # ten visits in a block of ten ids, four ids a section
    found = []
    for url in visit_sections:
        root = ET.fromstring(client.get(url.removeprefix("http://testserver")).content)
        urls = [u.findtext(f"{ns}loc") for u in root.findall(f"{ns}url")]
        assert len(urls) <= 2 * 4  # four records, each in English and in French
        found += urls
    assert sorted(found) == sorted(
        f"http://testserver/{language}/visits/mapped-{n}/"
        for n in range(10)
        for language in ["en", "fr"]
    )
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-visits.xml?p=4").status_code == 404
    assert client.get("/sitemap-visits.xml?p=x").status_code == 404


def test_visit_list_person_filter_is_a_text_box_not_a_menu(client):
    for n in range(30):
        f.create_person(name=f"Someone {n:02d}")
    traveller = f.create_person(name="Ilham Aliyev", slug="ilham-aliyev")
    f.create_visit(title="Baku talks", traveller=traveller)
    f.create_visit(title="Unrelated")
    body = client.get("/en/visits/").content.decode()
    assert "Someone" not in body
    assert 'name="person" type="search"' in body
    by_slug = visit_titles(client.get("/en/visits/?person=ilham-aliyev").content.decode())
    by_name = visit_titles(client.get("/en/visits/?person=ilham+ALIYEV").content.decode())
    assert by_slug == by_name == ["Baku talks"]
    unknown = client.get("/en/visits/?person=Nobody+Known")
    assert unknown.status_code == 400
    assert "No published person is called or has the slug" in text(unknown)


def test_person_suggestions_are_few_and_published_only(client):
    for n in range(15):
        f.create_person(name=f"Aliyev {n:02d}")
    f.create_person(name="Aliyev Draft", status=Status.DRAFT)
    data = client.get("/en/people/suggest/?q=aliyev").json()["results"]
    assert len(data) == 10
    assert all(item["label"].startswith("Aliyev ") for item in data)
    assert "Aliyev Draft" not in [item["label"] for item in data]
    assert client.get("/en/people/suggest/?q=a").json() == {"results": []}
    assert client.get("/en/people/suggest/?q=%00%00").json() == {"results": []}


def test_visit_list_years_come_from_the_first_and_last_visit(client):
    f.create_visit(title="Old", start="1999-05-01")
    f.create_visit(title="New", start="2003-05-01")
    body = client.get("/en/visits/").content.decode()
    years = re.findall(r'<option value="(\d{4})"', body)
    assert years == ["2003", "2002", "2001", "2000", "1999"]
    assert visit_titles(client.get("/en/visits/?year=1999").content.decode()) == ["Old"]


@pytest.mark.parametrize(
    ("factory", "list_url", "label"),
    [
        (lambda n: f.create_office(name=n), "/en/offices/", "name"),
        (lambda n: f.create_position(title=n), "/en/positions/", "title"),
        (lambda n: f.create_person(name=n), "/en/people/", "name"),
        (lambda n: f.create_programme(name=n), "/en/programmes/", "name"),
        (lambda n: f.create_event(name=n), "/en/events/", "name"),
        (lambda n: f.create_visit(title=n), "/en/visits/", "title"),
    ],
)
def test_every_cited_by_link_lists_exactly_the_records_citing_the_source(
    client, factory, list_url, label
):
    source = f.create_source(title="Cited report", slug="cited-report")
    cited = [factory(f"Cited record {n:02d}") for n in range(MORE)]
    factory("Uncited record")
    for record in cited:
        f.create_citation(record=record, source=source)
    page = client.get("/en/sources/cited-report/").content.decode()
    assert f'href="{list_url}?source=cited-report"' in page
    listed = client.get(f"{list_url}?source=cited-report")
    body = text(listed)
    assert listed.status_code == 200
    assert all(getattr(record, label) in body for record in cited)
    assert "Uncited record" not in body
    assert "Cited report" in body  # the title says which source
