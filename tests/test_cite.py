"""“Cite this record” (registry/cite.py): every record page and API detail offers a citation
with the record's stable address and the day it was read, in plain text, BibTeX, RIS and
CSL-JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from registry.cite import RecordCitation
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)


def a_citation(title: str = "Secretary General visits Georgia") -> RecordCitation:
    return RecordCitation(
        title=title,
        kind="visit",
        key="partnership-registry-visit-7",
        url="https://registry.example.org/en/visits/sg-georgia/",
        accessed=dt.date(2026, 3, 5),
        updated=dt.date(2026, 2, 1),
    )


def test_the_plain_text_names_the_record_its_address_and_the_days():
    assert a_citation().text == (
        "Partnership Registry. “Secretary General visits Georgia” (visit record, last updated "
        "1 February 2026). https://registry.example.org/en/visits/sg-georgia/ (accessed 5 March "
        "2026)."
    )


def test_bibtex_escapes_what_tex_would_read_as_commands():
    entry = a_citation("50% of {NATO} & partners_#1 \\ ~^$").bibtex
    assert entry.startswith("@misc{partnership-registry-visit-7,\n")
    assert (
        r"title = {{50\% of \{NATO\} \& partners\_\#1 \textbackslash{} "
        r"\textasciitilde{}\textasciicircum{}\$}}," in entry
    )
    assert "  url = {https://registry.example.org/en/visits/sg-georgia/},\n" in entry
    assert "  urldate = {2026-03-05},\n" in entry
    assert "  year = {2026},\n" in entry
    assert entry.count("{") == entry.count("}")
    assert entry.endswith("\n}")


def test_ris_has_one_tag_a_line_and_ends_the_record():
    lines = a_citation("A title\nover two lines").ris.split("\r\n")
    assert lines[:4] == [
        "TY  - ELEC",
        "TI  - A title over two lines",
        "AU  - Partnership Registry",
        "PB  - Partnership Registry",
    ]
    assert "DA  - 2026/02/01" in lines and "Y2  - 2026/03/05" in lines
    assert "UR  - https://registry.example.org/en/visits/sg-georgia/" in lines
    assert lines[-2:] == ["ER  - ", ""]


def test_csl_json_is_an_array_of_one_item():
    (item,) = json.loads(a_citation().csl_json)
    assert item == {
        "id": "partnership-registry-visit-7",
        "type": "webpage",
        "title": "Secretary General visits Georgia",
        "author": [{"literal": "Partnership Registry"}],
        "publisher": "Partnership Registry",
        "container-title": "Partnership Registry",
        "genre": "Visit record",
        "URL": "https://registry.example.org/en/visits/sg-georgia/",
        "accessed": {"date-parts": [[2026, 3, 5]]},
        "issued": {"date-parts": [[2026, 2, 1]]},
    }


def test_a_record_page_offers_the_citation_with_copy_buttons(client: Client):
    with time_machine.travel(DAY, tick=False):
        visit = f.create_visit(title="Secretary General visits Georgia & Armenia")
        page = client.get(visit.get_absolute_url()).content.decode()
    url = f"http://testserver{visit.get_absolute_url()}"
    assert '<h2 id="cite-heading">Cite this record</h2>' in page
    assert (
        "Partnership Registry. “Secretary General visits Georgia &amp; Armenia” (visit record, "
        f"last updated 5 March 2026). {url} (accessed 5 March 2026)."
    ) in page
    assert "title = {{Secretary General visits Georgia \\&amp; Armenia}}" in page
    assert f"UR  - {url}" in page
    assert 'data-copy="cite-bibtex" hidden' in page  # shown by the script where it can copy
    assert "js/cite." in page


def test_an_api_detail_carries_its_citation(client: Client):
    with time_machine.travel(DAY, tick=False):
        country = f.create_country(name="Zephyria", slug="zephyria")
        answer = client.get("/api/v1/countries/zephyria/").json()
        listed = client.get("/api/v1/countries/").json()
    citation = answer["citation"]
    assert set(citation) == {"text", "bibtex", "ris", "csl"}
    assert "http://testserver/en/countries/zephyria/ (accessed 5 March 2026)" in citation["text"]
    assert citation["csl"]["id"] == f"partnership-registry-country-{country.pk}"
    assert all("citation" not in row for row in listed["results"])  # lists stay light


def test_an_appointment_is_cited_at_its_own_page(client: Client):
    appointment = f.create_appointment()
    answer = client.get(f"/api/v1/appointments/{appointment.pk}/").json()
    assert (
        f"http://testserver/en/appointments/{appointment.pk}/ (accessed"
        in (answer["citation"]["text"])
    )
