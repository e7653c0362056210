"""The visit change form and the CSV import preview are laid out to fit a 1,280 px window:
the legs are on two lines each, inline inputs take their column's width, and the preview's
column names may wrap. The widths themselves are measured in a real browser
(tests/test_editor_browser.py); these tests check the pages carry what the layout needs."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
from django.urls import reverse

from registry.models import Visit
from tests import factories as f
from tests.test_csv import dry_run, tour, visit_row  # noqa: F401 (tour is a fixture)

pytestmark = pytest.mark.django_db


def stylesheets(html: str) -> set[str]:
    links = re.findall(r"<link [^>]*>", html)
    return {re.search(r'href="([^"]+)"', link)[1] for link in links if "stylesheet" in link}


def headers(html: str) -> list[str]:
    """The column headers of the first import table, as marked up."""
    table = html[html.index('<table class="import-preview"') :]
    head = table[: table.index("</thead>")]
    return re.findall(r"<th>(.*?)</th>", head)


def test_the_visit_form_lays_out_its_legs_to_fit_the_window(admin_client: Client) -> None:
    visit = f.create_visit(start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=visit, order=1, city="Baku")
    page = admin_client.get(reverse("admin:registry_visit_change", args=[visit.pk]))
    assert page.status_code == 200
    sheets = stylesheets(page.text)
    for name in ("css/admin-legs.css", "css/admin-inlines.css"):
        assert staticfiles_storage.url(name) in sheets, name
    # select2 keeps the width it is given when it starts: the menu fills its column.
    countries = re.findall(r'<select name="legs-[^"]*-country"[^>]*>', page.text)
    assert len(countries) == 2  # the stored leg and the template row for new ones
    assert all('data-width="100%"' in tag for tag in countries)


def test_a_form_with_citations_only_gets_the_inline_layout(admin_client: Client) -> None:
    person = f.create_person()
    f.create_citation(record=person, locator="p. 1")
    page = admin_client.get(reverse("admin:registry_person_change", args=[person.pk]))
    sheets = stylesheets(page.text)
    assert staticfiles_storage.url("css/admin-inlines.css") in sheets
    assert staticfiles_storage.url("css/admin-legs.css") not in sheets


def test_the_import_preview_wraps_its_column_names(admin_client: Client, tour) -> None:  # noqa: F811
    preview = dry_run(admin_client, Visit, [visit_row()])
    assert preview.status_code == 200
    assert staticfiles_storage.url("css/admin-import.css") in stylesheets(preview.text)
    assert '<div class="import-preview-box">\n  <table class="import-preview">' in preview.text
    names = headers(preview.text)
    assert "traveller_<wbr>position" in names
    assert "stop_<wbr>order_<wbr>known" in names
    assert "slug" in names


def test_the_list_of_invalid_rows_wraps_its_column_names(admin_client: Client, tour) -> None:  # noqa: F811
    preview = dry_run(admin_client, Visit, [visit_row(start_date="31 Febtember 2024")])
    assert "row-error-list" in preview.text  # the errors written out beside the row
    assert "start_<wbr>date" in headers(preview.text)
