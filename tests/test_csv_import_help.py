"""What the CSV import page tells an editor: each column with its format and an example, an
example file that imports as it is, the legs a row will import in the preview, and each
invalid row's errors written beside it (registry/import_help.py, registry/admin/transfer.py).
"""

# The fixture imported from tests/test_csv.py is a parameter of these tests by name.
# ruff: noqa: F811

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registry.models import Appointment, Status, Visit
from registry.resources import IMPORT_RESOURCES
from tests import factories as f
from tests.test_csv import confirm, dry_run, row_errors, tour, url, visit_row  # noqa: F401

pytestmark = pytest.mark.django_db


class _Tables(HTMLParser):
    """The text of every cell of every table of a page: {table id or class: rows}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._rows = self.tables.setdefault(found.get("id") or found.get("class") or "", [])
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(re.sub(r"\s+", " ", "".join(self._cell)).strip())
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(page: Any, name: str) -> list[dict[str, str]]:
    """The rows of one table of a page, each as {header: cell text}."""
    parser = _Tables()
    parser.feed(page.content.decode())
    header, *rows = parser.tables[name]
    return [dict(zip(header, row, strict=True)) for row in rows]


def upload(client: Client, model: type, data: bytes) -> Any:
    file = SimpleUploadedFile("rows.csv", data, content_type="text/csv")
    return client.post(url(model, "import"), {"import_file": file, "format": "0"})


# --- the preview shows the legs ----------------------------------------------------------------


def test_the_preview_shows_the_legs_each_row_will_import(admin_client: Client, tour) -> None:
    stored = f.create_visit(slug="stored", title="Stored", start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=stored, order=1, country=tour["georgia"], city="Batumi")
    kept = f.create_visit(slug="kept", title="Kept", start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=kept, order=1, country=tour["azerbaijan"], city="Ganja")
    rows = [
        visit_row(),  # a new visit with two legs
        visit_row(slug="stored", title="Stored", legs="AZ | Baku | 2024-03-17"),
        visit_row(slug="kept", title="Kept", legs=""),  # an empty cell keeps the legs
    ]
    preview = dry_run(admin_client, Visit, rows)
    assert not row_errors(preview)
    shown = {row["slug"]: row["legs"] for row in table(preview, "import-preview")}
    assert shown["dsg-south-caucasus-2024"] == (
        "AZ | Baku | 2024-03-17 | 2024-03-18; GE | Tbilisi | 2024-03"
    )
    # An update shows the stored legs struck out and the imported ones added.
    result = preview.context["result"]
    update = next(row for row in result.rows if row.object_repr == "Stored")
    cell = update.diff[result.diff_headers.index("legs")]
    assert re.sub(r"<ins[^>]*>.*?</ins>|<[^>]+>", "", cell) == "GE | Batumi"
    assert re.sub(r"<del[^>]*>.*?</del>|<[^>]+>", "", cell) == "AZ | Baku | 2024-03-17"
    assert shown["kept"] == "AZ | Ganja"
    assert stored.legs.get().city == "Batumi"  # the dry run wrote nothing


# --- the columns, their formats and examples ---------------------------------------------------


def test_the_import_page_lists_every_column_with_its_format_and_an_example(
    admin_client: Client, tour
) -> None:
    page = admin_client.get(url(Visit, "import"))
    columns = {row["Column"]: row for row in table(page, "import-columns")}
    resource = IMPORT_RESOURCES[Visit]()
    assert list(columns) == [field.column_name for field in resource.get_user_visible_fields()]
    assert "status" not in columns  # exported, never imported
    for name in ("start_date", "end_date"):
        assert columns[name]["Example"] == "2024, 2024-06, 2024-06-15"
        assert "a year, a month or a day" in columns[name]["Format"]
    legs = columns["legs"]
    assert "country | city | from | until" in legs["Format"]
    assert "ISO code" in legs["Format"] and "keep the stored legs" in legs["Format"]
    assert legs["Example"].startswith("AZ | Baku | 2024-03-17")
    assert columns["stop_order_known"]["Format"].startswith("yes or no")
    assert "an empty cell is yes" in columns["stop_order_known"]["Format"]  # the default
    assert columns["stop_order_known"]["Example"] == "yes, no"
    assert "separated by “;”" in columns["topics"]["Format"]
    assert "slug of a person" in columns["traveller"]["Format"]
    assert "between 1 and 366" in columns["duration_days"]["Format"]
    assert "a new one adds a visit" in columns["slug"]["Holds"]
    assert all(row["Holds"] and row["Format"] for row in columns.values())

    appointments = admin_client.get(url(Appointment, "import"))
    columns = {row["Column"]: row for row in table(appointments, "import-columns")}
    assert "Substantive, Acting, Ad interim" in columns["capacity"]["Format"]
    assert columns["ongoing"]["Format"].startswith("yes or no")
    assert "an empty cell is no" in columns["ongoing"]["Format"]
    assert "Leave empty for a new one" in columns["id"]["Holds"]


# --- the example file ----------------------------------------------------------------------------


@pytest.fixture
def registry_records(tour) -> dict[str, Any]:
    """Records the example file can name: a person in post in June 2024, a second post."""
    appointment = f.create_appointment(
        person=tour["traveller"], position=tour["post"], start="October 2019", ongoing=True
    )
    other_post = f.create_position(title="Special Representative", slug="special-rep")
    f.create_topic(name="Defence reform", slug="defence-reform")
    return {**tour, "appointment": appointment, "other_post": other_post}


def example(client: Client, model: type) -> Any:
    response = client.get(url(model, "import_example"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return response


def test_the_import_page_links_to_the_example_file(admin_client: Client) -> None:
    page = admin_client.get(url(Visit, "import"))
    assert f'href="{url(Visit, "import_example")}"' in page.text
    assert "Download an example file" in page.text


def test_the_example_visits_import_cleanly(admin_client: Client, registry_records) -> None:
    response = example(admin_client, Visit)
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    columns = [f.column_name for f in IMPORT_RESOURCES[Visit]().get_user_visible_fields()]
    assert list(rows[0]) == columns  # every column the import reads, in order
    preview = upload(admin_client, Visit, response.content)
    assert not row_errors(preview)
    assert confirm(admin_client, Visit, preview).status_code == 302
    first, second = Visit.objects.order_by("-start_date")
    assert first.traveller == registry_records["traveller"]
    assert first.traveller_position == registry_records["post"]
    assert (first.start.isoformat(), first.end.isoformat()) == ("2024-06-15", "2024-06-17")
    assert [leg.country.iso_code for leg in first.legs.order_by("order")] == ["AZ", "GE"]
    assert [leg.start.isoformat() for leg in first.legs.order_by("order")] == [
        "2024-06-15",
        "2024-06-16",
    ]
    assert set(first.topics.values_list("slug", flat=True)) == {
        "defence-reform",
        "energy-security",
    }
    assert (second.start.isoformat(), second.stop_order_known) == ("2023", False)
    assert first.status == second.status == Status.DRAFT


def test_the_example_appointments_import_cleanly(admin_client: Client, registry_records) -> None:
    before = Appointment.objects.count()
    preview = upload(admin_client, Appointment, example(admin_client, Appointment).content)
    assert not row_errors(preview)
    assert [row.import_type for row in preview.context["result"].rows] == ["new", "new"]
    assert confirm(admin_client, Appointment, preview).status_code == 302
    added = Appointment.objects.order_by("-pk")[:2]
    assert Appointment.objects.count() == before + 2
    assert {str(a.start or a.end) for a in added} == {"15 June 2024", "October 2019"}
    assert {a.status for a in added} == {Status.DRAFT}


@pytest.mark.parametrize("model", [Visit, Appointment], ids=["visits", "appointments"])
def test_the_example_file_imports_cleanly_into_the_seeded_registry(
    admin_client: Client, model: type
) -> None:
    from registry.seed.loader import load_seed

    load_seed()
    preview = upload(admin_client, model, example(admin_client, model).content)
    assert not row_errors(preview)
    assert preview.context["confirm_form"] is not None
    rows = list(csv.DictReader(io.StringIO(example(admin_client, model).content.decode())))
    # The seed has people and posts: the example names them rather than leaving them out.
    named = ("traveller", "traveller_position") if model is Visit else ("person", "position")
    assert all(rows[0][name] for name in named)


def test_the_example_file_needs_the_right_to_import(client: Client) -> None:
    client.force_login(f.create_user(role="staff"))
    assert client.get(url(Visit, "import_example")).status_code == 403
    client.force_login(f.create_user(role="editor"))
    assert client.get(url(Visit, "import_example")).status_code == 200


# --- invalid rows ---------------------------------------------------------------------------


def test_each_invalid_rows_errors_are_written_beside_it(admin_client: Client, tour) -> None:
    rows = [
        visit_row(slug="good"),
        visit_row(slug="bad-date", start_date="31 Febtember 2024", legs="Atlantis | Capital"),
    ]
    page = dry_run(admin_client, Visit, rows)
    # Not in a box that shows only while the pointer is over the red number.
    assert "validation-error-container" not in page.text
    [row] = table(page, "import-invalid-rows")
    assert row["Row"] == "2" and row["slug"] == "bad-date"
    assert "start_date: '31 Febtember 2024' is not a month we know." in row["Errors"]
    assert "legs: Leg 1: There is no country" in row["Errors"]
    assert "“Atlantis”" in row["Errors"]
