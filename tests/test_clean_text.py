"""Clean text (registry/text.py): every text field of every registry model is stored without
control characters and in NFC whoever saves it, a NUL is refused with a clear message, and
no public output nor admin screen breaks on what is already stored.

One record of each publishable kind holds every control character in every text field at
once, either saved normally ("saved": the model cleans it) or forced into the database with
`QuerySet.update()` as rows written before the rule may be ("raw"). Every output is then
read with a strict parser: XML with ElementTree, the iCalendar line by line, JSON and CSV
with their parsers."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse

from registry.models import (
    Appointment,
    Citation,
    Country,
    Event,
    FormDraft,
    Meeting,
    Office,
    Organisation,
    OtherName,
    Participation,
    Person,
    Position,
    Programme,
    PublicChange,
    Region,
    Release,
    ReleaseRecord,
    RetiredAddress,
    ReviewComment,
    SeedEntry,
    Source,
    Topic,
    Visit,
    VisitLeg,
)
from registry.text import (
    NUL_MESSAGE,
    clean_instance_text,
    clean_text,
    cleaned_models,
    text_fields,
    xml_safe,
)
from tests import factories as f
from tests.test_admin import form_errors, submit
from tests.test_csv import (
    confirm,
    dry_run,
    row_errors,
    tour,  # noqa: F401 (the records import rows name)
    visit_row,
)

pytestmark = pytest.mark.django_db

# Every C0 control but tab and newline, DEL and every C1 control.
CONTROLS = [
    chr(code) for code in (*range(0x01, 0x20), 0x7F, *range(0x80, 0xA0)) if chr(code) not in "\t\n"
]
# Removed outright; a carriage return becomes a newline instead.
REMOVED = "".join(c for c in CONTROLS if c != "\r")
DECOMPOSED, COMPOSED = "Cafe\u0301", "Caf\u00e9"
# XML 1.0 allows none of these; the C1 controls and DEL it allows but discourages.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

PUBLISHABLE = (
    Region,
    Country,
    Organisation,
    Office,
    Person,
    Position,
    Appointment,
    Topic,
    Event,
    Programme,
    Participation,
    Source,
    Visit,
)
CHILDREN = (VisitLeg, Meeting, Citation)
# A prefix that keeps a value of this kind recognisable for what it is.
PREFIXES = {models.URLField: "https://example.org/", models.EmailField: "office@example.org"}


def dirty(label: str, *, nul: bool = False) -> str:
    return f"{label} Grubby {DECOMPOSED}{REMOVED}{chr(0) if nul else ''}\ufffe\uffff\r\nA\rB\tC"


def clean(label: str) -> str:
    return f"{label} Grubby {COMPOSED}\nA\nB\tC"


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    """The text fields an editor types freely (not a choice, a slug or a two-letter code)."""
    return [
        field
        for field in text_fields(model)
        if not field.choices and not isinstance(field, models.SlugField) and field.max_length != 2
    ]


def dirty_values(model: type[models.Model], *, nul: bool = False) -> dict[str, str]:
    values = {}
    for field in free_text_fields(model):
        prefix = next((p for kind, p in PREFIXES.items() if isinstance(field, kind)), "")
        if field.name == "phone":
            prefix = "+995 32 "
        value = prefix + dirty(model.__name__, nul=nul)
        values[field.name] = value[: field.max_length] if field.max_length else value
    return values


def build(mode: str) -> SimpleNamespace:
    """One published record of each kind, linked as on the site, every free text field
    dirty: saved through the models ("saved") or forced in afterwards ("raw")."""

    def kw(model):
        return dirty_values(model) if mode == "saved" else {}

    region = f.create_region(**kw(Region))
    country = f.create_country(region=region, **kw(Country))
    organisation = f.create_organisation(country=country, **kw(Organisation))
    office = f.create_office(host_country=country, start="2001", **kw(Office))
    office.countries_covered.add(country)
    person = f.create_person(**kw(Person))
    position = f.create_position(
        organisation=organisation, office=office, start="2002", **kw(Position)
    )
    appointment = f.create_appointment(
        person=person, position=position, start="2003", **kw(Appointment)
    )
    topic = f.create_topic(**kw(Topic))
    event = f.create_event(country=country, start="2004-06-28", end="2004-06-29", **kw(Event))
    event.topics.add(topic)
    programme = f.create_programme(start="1994", **kw(Programme))
    participation = f.create_participation(
        country=country, programme=programme, start="1994", **kw(Participation)
    )
    source = f.create_source(**kw(Source))
    visit = f.create_visit(
        traveller=person,
        traveller_position=position,
        start="2024-03-17",
        end="2024-03-18",
        **kw(Visit),
    )
    visit.topics.add(topic)
    leg = f.create_leg(visit=visit, country=country, start="2024-03-17", **kw(VisitLeg))
    meeting = f.create_meeting(
        visit=visit, counterpart=person, counterpart_position=position, leg=leg, **kw(Meeting)
    )
    meeting.topics.add(topic)
    records = [region, country, organisation, office, person, position, appointment, topic]
    records += [event, programme, participation, source, visit, leg, meeting]
    citations = [
        f.create_citation(record=record, source=source, **kw(Citation))
        for record in records
        if isinstance(record, PUBLISHABLE) and record is not source
    ]
    records += citations
    if mode == "raw":
        # PostgreSQL cannot store a NUL at all; SQLite can, so old rows there may hold one.
        nul = connection.vendor == "sqlite"
        for record in records:
            type(record).objects.filter(pk=record.pk).update(**dirty_values(type(record), nul=nul))
    return SimpleNamespace(records=records, visit=visit, topic=topic, person=person)


@pytest.fixture(params=["saved", "raw"])
def world(request):
    return build(request.param)


# --- clean_text -------------------------------------------------------------------------


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_each_control_character_is_removed(char):
    expected = "a\nb" if char == "\r" else "ab"
    assert clean_text(f"a{char}b") == expected
    assert xml_safe(f"a{char}b") == expected


def test_tab_and_newline_stay_and_line_ends_become_newlines():
    assert clean_text("a\tb\nc") == "a\tb\nc"
    assert clean_text("one\r\ntwo\rthree\n\rfour") == "one\ntwo\nthree\n\nfour"


def test_non_characters_and_lone_surrogates_are_removed():
    assert clean_text("a\ufffeb\uffffc\ud800d\udfffe") == "abcde"
    # Other planes' non-characters are valid XML and stay.
    assert clean_text("a\U0001fffeb") == "a\U0001fffeb"


def test_text_is_normalised_to_nfc():
    assert clean_text(DECOMPOSED) == COMPOSED
    assert clean_text("A\u030a") == "\u00c5"
    assert clean_text("plain ascii") == "plain ascii"


def test_xml_safe_removes_nul_and_takes_any_value():
    assert xml_safe("a\x00b") == "ab"
    assert xml_safe(42) == "42"


# --- What is stored ---------------------------------------------------------------------


def test_every_text_field_of_every_model_is_stored_clean():
    world = build("saved")
    kinds = {type(record) for record in world.records}
    assert kinds == {*PUBLISHABLE, *CHILDREN}
    for record in world.records:
        stored = type(record).objects.get(pk=record.pk)
        for field in free_text_fields(type(record)):
            value = getattr(stored, field.attname)
            where = f"{type(record).__name__}.{field.name}"
            assert "Grubby" in value, where
            assert not any(char in value for char in CONTROLS), (where, value)
            assert "\ufffe" not in value and "\uffff" not in value, where
            assert unicodedata.is_normalized("NFC", value), where
            assert COMPOSED in value, where
    assert Visit.objects.get(pk=world.visit.pk).title == clean("Visit")


def test_a_decomposed_name_is_stored_composed():
    topic = f.create_topic(name=f"{DECOMPOSED} culture")
    assert Topic.objects.filter(name=f"{COMPOSED} culture").get() == topic


def test_the_history_keeps_the_clean_text():
    visit = f.create_visit(title=dirty("Visit"))
    assert visit.history.latest().title == clean("Visit")


# --- NUL --------------------------------------------------------------------------------


def test_a_direct_save_with_a_nul_is_refused_and_stores_nothing():
    with pytest.raises(ValidationError) as raised:
        Topic.objects.create(name="Bad\x00name", slug="bad-name", description="ok\x00")
    assert raised.value.message_dict == {"name": [NUL_MESSAGE], "description": [NUL_MESSAGE]}
    assert not Topic.objects.filter(slug="bad-name").exists()


def test_a_save_with_a_nul_changes_nothing_stored():
    visit = f.create_visit(title="Before")
    visit.title, visit.summary = "After", "a\x00b"
    with pytest.raises(ValidationError):
        visit.save()
    assert Visit.objects.get(pk=visit.pk).title == "Before"


def test_full_clean_reports_a_nul_on_its_field():
    topic = Topic(name="Bad\x00name", slug="bad-name")
    with pytest.raises(ValidationError) as raised:
        topic.full_clean()
    assert raised.value.message_dict["name"] == [NUL_MESSAGE]


def test_the_admin_form_reports_a_nul_on_its_field(admin_client):
    response = submit(
        admin_client,
        reverse("admin:registry_topic_add"),
        {"name": "Bad\x00name", "slug": "bad-name", "description": "fine"},
    )
    errors = form_errors(response)
    assert errors["name"] == [NUL_MESSAGE]
    assert "description" not in errors
    assert NUL_MESSAGE in response.content.decode()
    assert not Topic.objects.filter(slug="bad-name").exists()


def test_the_admin_cleans_what_it_saves_and_compares_clean_names(admin_client):
    add = reverse("admin:registry_topic_add")
    typed = {"name": f"{DECOMPOSED}\x0b s", "slug": "cafes", "description": "Line\r\none\x0c"}
    response = submit(admin_client, add, typed)
    assert response.status_code == 302
    topic = Topic.objects.get(slug="cafes")
    assert (topic.name, topic.description) == (f"{COMPOSED} s", "Line\none")
    # The same name typed decomposed is the same name: a form error, not a database error.
    response = submit(admin_client, add, {"name": f"{DECOMPOSED} s", "slug": "cafes-2"})
    assert "already exists" in str(form_errors(response)["name"])


# --- Every output, for clean rows and for old rows ---------------------------------------


def record_pages(world) -> list[str]:
    urls = [
        record.get_absolute_url() for record in world.records if hasattr(record, "get_absolute_url")
    ]
    urls += [
        reverse(f"registry:{name}")
        for name in (
            "home",
            "programme-list",
            "office-list",
            "position-list",
            "person-list",
            "event-list",
            "visit-list",
            "meeting-list",
            "topic-list",
            "source-list",
            "timeline",
        )
    ]
    return urls


def jsonld_blocks(html: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)


def test_every_public_page_renders(client, world):
    urls = record_pages(world)
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        blocks = jsonld_blocks(html)
        assert blocks, url
        for block in blocks:
            json.loads(block)
    page = client.get(world.visit.get_absolute_url()).content.decode()
    assert "Visit Grubby" in page and COMPOSED in page


def test_search_and_suggestions(client, world):
    response = client.get(reverse("registry:search"), {"q": "Grubby"})
    assert response.status_code == 200
    assert "Visit <mark>Grubby</mark>" in response.content.decode()
    for block in jsonld_blocks(response.content.decode()):
        json.loads(block)
    response = client.get(reverse("registry:person-suggest"), {"q": "Grubby"})
    assert response.status_code == 200
    [suggestion] = json.loads(response.content)["results"]
    assert suggestion["value"] == world.person.slug


def test_feeds_are_well_formed_and_carry_the_clean_text(client, world):
    for name in ("visit-feed-rss", "visit-feed-atom"):
        response = client.get(reverse(f"registry:{name}"))
        assert response.status_code == 200, name
        root = ET.fromstring(response.content)
        titles = [element.text for element in root.iter() if element.tag.endswith("title")]
        assert clean("Visit") in titles, name
        assert not FORBIDDEN.search(response.content.decode()), name
    rss = ET.fromstring(client.get(reverse("registry:visit-feed-rss")).content)
    [item] = rss.find("channel").findall("item")
    assert [c.text for c in item.findall("category")] == [clean("Topic")]
    assert f"<p>Visit Grubby {COMPOSED} " in item.findtext("description")


def unfold(body: str) -> list[str]:
    assert body.endswith("\r\n")
    physical = body[:-2].split("\r\n")
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
        assert "\r" not in line and "\n" not in line
        assert not re.search("[\x00-\x1f\x7f-\x9f\ufffe\uffff]", line), line
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def test_the_calendar_is_valid_whatever_is_stored(client, world):
    response = client.get(reverse("registry:visit-calendar"))
    assert response.status_code == 200
    lines = unfold(response.content.decode("utf-8"))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "SUMMARY:Visit Grubby Café\\nA\\nB C" in lines
    assert any(line.startswith("LOCATION:") and "VisitLeg Grubby" in line for line in lines)
    assert any(line.startswith("CATEGORIES:Topic Grubby") for line in lines)


def test_the_sitemap_is_well_formed(client, world):
    index = client.get(reverse("site:sitemap"))
    assert index.status_code == 200
    sections = [loc.text for loc in ET.fromstring(index.content).iter() if loc.tag.endswith("loc")]
    assert len(sections) > 5
    locations = []
    for section in sections:
        response = client.get(section.removeprefix("http://testserver"))
        assert response.status_code == 200, section
        tree = ET.fromstring(response.content)
        locations += [loc.text for loc in tree.iter() if loc.tag.endswith("loc")]
    assert f"http://testserver{world.visit.get_absolute_url()}" in locations


API = {
    "region": Region,
    "country": Country,
    "programme": Programme,
    "participation": Participation,
    "office": Office,
    "position": Position,
    "person": Person,
    "appointment": Appointment,
    "visit": Visit,
    "event": Event,
    "topic": Topic,
    "source": Source,
}


def parse_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert rows and all(len(row) == len(rows[0]) for row in rows)
    return rows


def test_the_api_answers_valid_json_and_csv(client, world):
    by_model = {type(record): record for record in world.records}
    for basename, model in API.items():
        record = by_model[model]
        key = record.pk if basename in ("participation", "appointment") else record.slug
        for url in (
            reverse(f"api:{basename}-list"),
            reverse(f"api:{basename}-detail", args=[key]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            data = json.loads(response.content)
            assert data, url
            rows = parse_csv(client.get(url, {"format": "csv"}))
            assert len(rows) == 2, url  # the header and the one record
    data = client.get(reverse("api:visit-detail", args=[world.visit.slug])).json()
    if Visit.objects.get(pk=world.visit.pk).title == clean("Visit"):
        assert data["title"] == clean("Visit")


def test_every_admin_screen_renders(admin_client, world):
    by_model = {type(record): record for record in world.records}
    registered = [model for model in admin.site._registry if model._meta.app_label == "registry"]
    # The index holds the data-quality dashboard.
    assert admin_client.get(reverse("admin:index")).status_code == 200
    for model in registered:
        info = f"admin:registry_{model._meta.model_name}"
        for params in ({}, {"q": "Grubby"}):
            response = admin_client.get(reverse(f"{info}_changelist"), params)
            assert response.status_code == 200, (model, params)
        if model in by_model:
            response = admin_client.get(reverse(f"{info}_change", args=[by_model[model].pk]))
            assert response.status_code == 200, model
            response = admin_client.get(reverse(f"{info}_history", args=[by_model[model].pk]))
            assert response.status_code == 200, model
    assert set(by_model) <= set(registered)


def test_the_admin_export_is_readable_csv(admin_client, world):
    response = admin_client.post(
        reverse("admin:registry_visit_changelist"),
        {"action": "export_admin_action", "_selected_action": [str(world.visit.pk)]},
    )
    rows = parse_csv(response)
    header, row = rows[0], rows[1]
    assert "Visit Grubby" in row[header.index("title")]


# --- Import -----------------------------------------------------------------------------


@pytest.mark.usefixtures("tour")
def test_an_import_stores_clean_text(admin_client):
    title = f"Tour{REMOVED} of the {DECOMPOSED}s\r\nin 2024"
    preview = dry_run(admin_client, Visit, [visit_row(title=title, summary="One\rtwo\x0c")])
    assert preview.status_code == 200 and not row_errors(preview)
    assert confirm(admin_client, Visit, preview).status_code == 302
    visit = Visit.objects.get(slug="dsg-south-caucasus-2024")
    assert (visit.title, visit.summary) == (f"Tour of the {COMPOSED}s\nin 2024", "One\ntwo")


@pytest.mark.usefixtures("tour")
def test_an_import_file_with_a_nul_is_refused_with_a_message(admin_client):
    # The upload check refuses the whole file before any row is read (admin/transfer.py).
    preview = dry_run(admin_client, Visit, [visit_row(summary="Talks\x00")])
    assert preview.status_code == 200
    assert "The file holds a NUL character (line 2)" in preview.text
    assert "result" not in preview.context
    assert not Visit.objects.exists()


def test_a_save_of_some_fields_cleans_those_only():
    visit = f.create_visit(title="Before")
    # A row stored before the rule (SQLite can hold a NUL, PostgreSQL cannot).
    old = "Old\x00row" if connection.vendor == "sqlite" else "Old\x0crow"
    Visit.objects.filter(pk=visit.pk).update(summary=old)
    visit.refresh_from_db()
    visit.title = "After\x0c"
    visit.save(update_fields=["title"])
    stored = Visit.objects.get(pk=visit.pk)
    assert (stored.title, stored.summary) == ("After", old)
    visit.summary = "New\x00"
    with pytest.raises(ValidationError):
        visit.save(update_fields=["summary"])


def test_every_registry_model_with_text_is_cleaned():
    names = {model.__name__ for model in cleaned_models()}
    review = (ReviewComment, FormDraft)  # editors' comments and form drafts are text too
    public = (PublicChange, RetiredAddress)  # the change log and old addresses, shown publicly
    releases = (Release, ReleaseRecord)  # a release's public note and its records' digests
    expected = (*PUBLISHABLE, *CHILDREN, OtherName, SeedEntry, *review, *public, *releases)
    assert names == {model.__name__ for model in expected}
    comment = ReviewComment.objects.create(
        content_type=ContentType.objects.get_for_model(Topic), object_id=1, body="Check\x1b it"
    )
    assert ReviewComment.objects.get(pk=comment.pk).body == "Check it"
    entry = SeedEntry.objects.create(key="visits/\x1bkey\r\n")
    assert SeedEntry.objects.get(pk=entry.pk).key == "visits/key\n"


def test_rows_for_bulk_create_are_cleaned_by_the_same_function():
    rows = [Topic(name=f"Bulk{REMOVED} {DECOMPOSED}", slug="bulk")]
    for row in rows:
        clean_instance_text(row)
    Topic.objects.bulk_create(rows)
    assert Topic.objects.get(slug="bulk").name == f"Bulk {COMPOSED}"
