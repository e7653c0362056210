"""Hostile text in every field an editor writes never becomes markup, script or structure in
any public output.

The payloads (payloads.txt, one a line, and a few very long strings made here) are script
tags, event handlers, SVG and MathML, `javascript:` and `data:` URLs in text, attribute
breakers, template syntax, CSS expressions, Unicode look-alikes and direction overrides, SQL,
spreadsheet formulas, XML entities and CDATA ends, iCalendar and JSON breakers. Control
characters are left to the clean-text tests.

Each round writes them into every text field of a public graph of every kind of record (a
text area holds them all; a one-line field holds as many as fit, in turn, so that every
payload goes through the one-line fields too) and reads every public output: HTML pages
may hold no element, attribute or script the same pages without payloads do not have, and
no payload's markup verbatim; feeds and sitemaps parse as strict XML, the calendar as RFC
5545, the API as JSON and CSV, and each gives back the stored text exactly (CSV with
formulas neutralised). The admin's lists and change forms are held to the same rule as
the pages. `ADVERSARIAL_PASSES` (default 1) sends every payload through the
one-line fields that many times over, and every payload, not a sample, into the search box
(`make fuzz` raises it).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db import models, transaction
from django.urls import reverse

from registry.csv_safety import neutralise
from registry.releases import make_release
from tests.test_admin import url as admin_url
from tests.test_discovery import unfold

from . import probes
from .records import Base, build_base, editor_text_models, text_fields, write_text

pytestmark = pytest.mark.django_db

PAYLOADS = [
    line for line in (Path(__file__).parent / "payloads.txt").read_text("utf-8").split("\n") if line
]
LONG = [
    "<script>alert(1)</script>" * 400,
    "A" * 10_000 + '"><img src=x onerror=alert(1)>',
    "&" * 3_000 + "]]>" * 1_000,
    "word " * 4_000,
]
PASSES = int(os.environ.get("ADVERSARIAL_PASSES", "1"))
BENIGN = "Plain text of {name}, with a line\nand a paragraph\n\nand https://example.org/ & co."
# Markup a payload would make if it were written out unescaped.
MARKUP = re.compile(r"<[a-zA-Z/!?]")
# Scripts that are data, not code: JSON-LD on the site, json_script in the admin. Any other
# script must be a file of the site's own (a path), with no body.
JSON_SCRIPTS = {"application/ld+json", "application/json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background"}


def test_the_payload_list_is_long_and_free_of_control_characters() -> None:
    assert len(PAYLOADS) >= 200
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    for payload in PAYLOADS:
        assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in payload), payload


class Feeder:
    """Hands out payloads: all of them to a text area, and to a one-line field as many as
    fit, continuing where the last field stopped."""

    def __init__(self) -> None:
        self.given = 0

    def __call__(self, field: models.Field) -> str:
        if not field.max_length:
            return "\n".join([*PAYLOADS, *LONG])
        parts: list[str] = []
        size = 0
        while True:
            payload = PAYLOADS[self.given % len(PAYLOADS)]
            if parts and size + len(payload) + 1 > field.max_length:
                break
            parts.append(payload)
            size += len(payload) + 1
            self.given += 1
        return " ".join(parts)


def fill_world(text: Any) -> list[models.Model]:
    records = []
    for model in editor_text_models():
        for record in model.objects.order_by("pk"):
            records.append(write_text(record, text))
    return records


@pytest.fixture(scope="module")
def base_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_base()
        transaction.set_rollback(True)


@pytest.fixture
def world(base_world: Base, db, settings) -> Base:
    settings.API_THROTTLE_ANON = "1000000/min"
    return base_world


def outputs(client: Any, records: list[models.Model], search: str) -> list[probes.Probe]:
    """Every page of a record or without parameters, feeds, calendar and sitemaps, and the
    API's lists and details in JSON and CSV, and a data release made of them."""
    make_release()
    pages = probes.record_pages(records)
    found = []
    for route in probes.public_routes():
        for url in probes.route_urls(route, pages):
            found.append(probes.fetch(client, url))
    found.append(probes.fetch(client, reverse("registry:search"), {"q": search}))
    for endpoint in probes.api_endpoints():
        for format in ("json", "csv"):
            found.append(
                probes.fetch(client, endpoint.list_url, {"format": format, "page_size": "100"})
            )
            for record in records:
                if isinstance(record, endpoint.model):
                    found.append(
                        probes.fetch(client, endpoint.detail_url(record), {"format": format})
                    )
    assert all(probe.status == 200 for probe in found), [p.url for p in found if p.status != 200]
    return found


# --- HTML ---------------------------------------------------------------------------------


def shape(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The tags and (tag, attribute) pairs of a page."""
    page = probes.parse_html(text)
    return {tag for tag, _ in page.elements}, {
        (tag, name) for tag, attrs in page.elements for name, _ in attrs
    }


def html_problems(probe: probes.Probe, tags: set[str], attributes: set) -> list[str]:
    page = probes.parse_html(probe.text)
    problems = []
    for tag, attrs in page.elements:
        if tag not in tags:
            problems.append(f"element <{tag}>")
        for name, value in attrs:
            if (tag, name) not in attributes or name.startswith("on"):
                problems.append(f"attribute {name} on <{tag}>")
            scheme = re.sub(r"\s", "", value or "").lower()
            if name in URL_ATTRIBUTES and scheme.startswith(("javascript:", "vbscript:", "data:")):
                problems.append(f"{name}={value!r} on <{tag}>")
    scripts = [attrs for tag, attrs in page.elements if tag == "script"]
    for attrs, body in zip(scripts, page.scripts, strict=True):
        kind = dict(attrs).get("type")
        source = dict(attrs).get("src") or ""
        if kind in JSON_SCRIPTS:
            try:
                json.loads(body)
            except ValueError:
                problems.append(f"a {kind} script that is not JSON")
        elif not source.startswith("/") or source.startswith("//") or body.strip():
            problems.append(f"script {attrs}")
    for payload in PAYLOADS:
        # Short ones ("<!--") are in pages' own markup; their effect shows in the elements.
        if len(payload) >= 8 and MARKUP.search(payload) and payload in probe.text:
            problems.append(f"verbatim {payload!r}")
    return [f"{probe.url}: {problem}" for problem in problems]


# --- XML, iCalendar, JSON, CSV ------------------------------------------------------------


def xml_problems(probe: probes.Probe, visit_titles: set[str]) -> list[str]:
    root = ET.fromstring(probe.text.encode("utf-8"))
    problems = []
    if "<!ENTITY" in probe.text or "<!DOCTYPE" in probe.text:
        problems.append("a DOCTYPE or ENTITY declaration")
    visit_feed = probe.url.startswith("/en/visits/")  # the change log's feed names changes
    if visit_feed and probe.content_type in {"application/rss+xml", "application/atom+xml"}:
        # An RSS title is escaped once more, since readers may take it as HTML.
        rss = probe.content_type == "application/rss+xml"
        titles = {
            html.unescape(el.text or "") if rss else el.text
            for el in root.iter()
            if el.tag.split("}")[-1] == "title"
        }
        if not visit_titles <= titles:
            problems.append(f"titles {visit_titles - titles} not given back")
    return [f"{probe.url}: {problem}" for problem in problems]


def ical_unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def ical_problems(probe: probes.Probe, visit_titles: set[str]) -> list[str]:
    summaries = {
        ical_unescape(line.partition(":")[2])
        for line in unfold(probe.text)
        if line.startswith("SUMMARY:")
    }
    missing = visit_titles - summaries
    return [f"{probe.url}: summaries {missing} not given back"] if missing else []


def stored_text(record: models.Model) -> dict[str, str]:
    return {field.name: getattr(record, field.attname) for field in text_fields(type(record))}


def stored_for(probe: probes.Probe, records: list[models.Model]) -> dict[str, dict[str, str]]:
    """The stored text of the records of the API endpoint `probe` read, by slug or id."""
    endpoint = next(e for e in probes.api_endpoints() if probe.url.startswith(e.list_url))
    return {
        str(getattr(record, "slug", None) or record.pk): stored_text(record)
        for record in records
        if isinstance(record, endpoint.model)
    }


def json_problems(probe: probes.Probe, stored: dict[str, dict[str, str]]) -> list[str]:
    data = json.loads(probe.text)
    rows = data.get("results", [data]) if isinstance(data, dict) else data
    problems = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        texts = stored.get(str(row.get("slug") or row.get("id")), {})
        for name, value in texts.items():
            if isinstance(row.get(name), str) and row[name] != value:
                problems.append(f"{name} of {row.get('slug') or row.get('id')} differs")
    return [f"{probe.url}: {problem}" for problem in problems]


def neutralised(value: str) -> str:
    return neutralise(value)


def cell_forms(value: str) -> set[str]:
    """What a CSV cell may hold for `value`: itself, or, for a list of lines such as an
    event's decisions, its lines joined; a formula neutralised either way."""
    lines = "; ".join(line.strip() for line in value.splitlines() if line.strip())
    return {value, neutralised(value), lines, neutralised(lines)}


def csv_problems(probe: probes.Probe, stored: dict[str, dict[str, str]]) -> list[str]:
    problems = []
    for row in csv.DictReader(io.StringIO(probe.text, newline="")):
        texts = stored.get(row.get("slug") or row.get("id") or "", {})
        for name, value in texts.items():
            if name in row and row[name] not in cell_forms(value):
                problems.append(f"{name} of {row.get('slug') or row.get('id')} differs")
            if name in row and neutralise(row[name]) != row[name]:
                problems.append(f"{name} of {row.get('slug') or row.get('id')} is a formula")
    return [f"{probe.url}: {problem}" for problem in problems]


def problems_in(found: list[probes.Probe], tags: set, attributes: set) -> list[str]:
    records = [r for model in editor_text_models() for r in model.objects.all()]
    visit_titles = {r.title for r in records if type(r).__name__ == "Visit"}
    problems: list[str] = []
    for probe in found:
        if probe.content_type == "text/html":
            problems += html_problems(probe, tags, attributes)
        elif probe.content_type in probes.XML_TYPES:
            problems += xml_problems(probe, visit_titles)
        elif probe.content_type == "text/calendar":
            problems += ical_problems(probe, visit_titles)
        elif probe.content_type == "application/json" and probe.url.startswith("/api/v1/"):
            problems += json_problems(probe, stored_for(probe, records))
        elif probe.content_type == "text/csv":
            problems += csv_problems(probe, stored_for(probe, records))
    return problems


def test_payloads_in_every_text_field_stay_text_in_every_output(client: Any, world: Base) -> None:
    records = fill_world(lambda field: BENIGN.format(name=field.name))
    baseline = outputs(client, records, search="plain text")
    tags: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    for probe in baseline:
        if probe.content_type == "text/html":
            found_tags, found_attributes = shape(probe.text)
            tags |= found_tags
            attributes |= found_attributes
    baseline_problems = problems_in(baseline, tags, attributes)
    assert not baseline_problems, "\n".join(baseline_problems)

    feeder = Feeder()
    rounds = 0
    while feeder.given < PASSES * len(PAYLOADS):
        records = fill_world(feeder)
        problems = problems_in(outputs(client, records, "alert"), tags, attributes)
        assert not problems, problems[:20]
        rounds += 1
    assert rounds >= 2  # the one-line fields cannot hold every payload at once


def test_payloads_searched_for_are_shown_as_text(client: Any, world: Base) -> None:
    """What a visitor types into the search box comes back in the page, escaped."""
    fill_world(lambda field: BENIGN.format(name=field.name))
    pages = (reverse("registry:search"), reverse("registry:visit-list"))
    tags, attributes = {"mark"}, set()
    for url in pages:
        for query in ({"q": "plain text"}, {"q": "nowhere"}, {"year": "x"}, {"page": "x"}):
            found_tags, found_attributes = shape(probes.fetch(client, url, query).text)
            tags |= found_tags
            attributes |= found_attributes
    # Every eighth payload in the normal run: each request runs a search; `make fuzz` sends all.
    sent = PAYLOADS if PASSES > 1 else PAYLOADS[::8]
    for payload in [*sent, *LONG[:2]]:
        for url in pages:
            probe = probes.fetch(client, url, {"q": payload})
            assert probe.status in (200, 400), probe.url
            problems = html_problems(probe, tags, attributes)
            assert not problems, problems


def admin_pages(records: list[models.Model]) -> list[str]:
    """Each admin list, and each record's change form."""
    registered = [model for model in editor_text_models() if model in admin.site._registry]
    pages = [admin_url(model, "changelist") for model in registered]
    pages += [admin_url(type(r), "change", r.pk) for r in records if type(r) in registered]
    return pages


def test_payloads_stay_text_in_the_admin(admin_client: Any, world: Base) -> None:
    """Editors read each other's text in the admin's lists and forms."""
    records = fill_world(lambda field: BENIGN.format(name=field.name))
    tags: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    for page in admin_pages(records):
        found_tags, found_attributes = shape(probes.fetch(admin_client, page).text)
        tags |= found_tags
        attributes |= found_attributes
    records = fill_world(Feeder())
    for page in admin_pages(records):
        probe = probes.fetch(admin_client, page)
        assert probe.status == 200, page
        problems = html_problems(probe, tags, attributes)
        assert not problems, problems[:20]
