"""A CSV import refuses, with one clear message and never a traceback, a file it cannot
read well, above its size and row limits before parsing it; its preview shows the first
rows and counts the rest (registry/admin/transfer.py)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registry.admin.transfer import RegistryCSV
from registry.models import Visit
from registry.resources import PREVIEW_ROWS
from tests import factories as f

pytestmark = pytest.mark.django_db

IMPORT = "/admin/registry/visit/import/"
EXPORT_ACTION = "/admin/registry/visit/"
SAVE_AS = "CSV UTF-8"


def to_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(client: Client, data: bytes, name: str = "visits.csv") -> Any:
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(IMPORT, {"import_file": file, "format": "0"})


def form_errors(response: Any) -> str:
    assert response.status_code == 200
    assert "Traceback" not in response.text
    assert "site-packages" not in response.text and ".py" not in response.text
    form = response.context.get("form")
    return " ".join(str(m) for ms in form.errors.values() for m in ms) if form else ""


def row(n: int, **changes: str) -> dict[str, str]:
    return {"slug": f"visit-{n}", "title": f"Visit {n}", "summary": "Talks."} | changes


MALFORMED = {
    "no key column": (b"title,summary\r\nA visit,Talks\r\n", "no “slug” column"),
    "unknown columns only": (b"foo,bar\r\n1,2\r\n", "None of the columns of the file (foo, bar)"),
    "UTF-16 without BOM": ("slug,title\r\na,b\r\n".encode("utf-16-le"), "NUL character"),
    "UTF-16 with BOM": ("slug,title\r\na,b\r\n".encode("utf-16"), "UTF-16"),
    "random bytes": (bytes(range(256)) * 8, "not UTF-8"),
    "Latin-1": ("slug,title\r\ncafe,Caf\xe9 cr\xe8me\r\n".encode("latin-1"), "not UTF-8"),
    "empty": (b"", "empty"),
    "header only": (b"slug,title,summary\r\n", "no rows to import"),
    "blank header": (b",,\r\na,b,c\r\n", "first row must name the columns"),
    "NUL byte": (b"slug,title\r\nbad\x00slug,A visit\r\n", "NUL character (line 2)"),
    "xlsx renamed .csv": (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "workbook"),
    "xls renamed .csv": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "workbook"),
    "cell above the csv field limit": (
        b'slug,title\r\na,"' + b"x" * 200_000 + b'"\r\n',
        "cannot be read as CSV",
    ),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_file_gets_a_clear_message(admin_client: Client, name: str) -> None:
    data, expected = MALFORMED[name]
    response = upload(admin_client, data)
    errors = form_errors(response)
    assert expected in errors, errors
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert not Visit.objects.exists()


def test_an_editor_sees_the_same_message_as_staff(db) -> None:
    client = Client()
    client.force_login(f.create_user(role="editor"))
    assert "no “slug” column" in form_errors(upload(client, MALFORMED["no key column"][0]))


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(
    admin_client: Client, monkeypatch
) -> None:
    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(RegistryCSV, "create_dataset", never)
    data = b'slug,title\r\nhuge,"' + b"x" * (10 * 1024 * 1024) + b'"\r\n'  # a 10 MB cell
    errors = form_errors(upload(admin_client, data))
    assert "The file is 10.0 MB; an import takes at most 1.0 MB and 1,000 rows" in errors
    assert not Visit.objects.exists()


def test_a_file_above_the_row_limit_is_refused_before_it_is_parsed(
    admin_client: Client, settings, monkeypatch
) -> None:
    settings.IMPORT_MAX_ROWS = 20

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(RegistryCSV, "create_dataset", never)
    errors = form_errors(upload(admin_client, to_csv([row(n) for n in range(21)])))
    assert "more than 20 rows; an import takes at most" in errors


def test_a_file_at_the_limits_is_read(admin_client: Client, settings) -> None:
    settings.IMPORT_MAX_ROWS = 20
    data = to_csv([row(n) for n in range(20)] + [{"slug": "", "title": "", "summary": ""}])
    settings.IMPORT_MAX_BYTES = len(data)
    response = upload(admin_client, data)
    assert not form_errors(response)
    assert response.context["confirm_form"] is not None
    assert response.context["shown"]["new"] == 20


def test_the_size_limit_comes_from_the_settings(admin_client: Client, settings) -> None:
    data = to_csv([row(n) for n in range(50)])
    settings.IMPORT_MAX_BYTES = len(data) - 1
    assert "an import takes at most" in form_errors(upload(admin_client, data))


def test_a_formula_is_stored_as_text_and_exported_neutralised(admin_client: Client) -> None:
    payload = '=HYPERLINK("https://evil.example/","Click")'
    preview = upload(admin_client, to_csv([row(1, title=payload, summary="@SUM(1)")]))
    assert not form_errors(preview)
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    assert admin_client.post("/admin/registry/visit/process_import/", data).status_code == 302
    visit = Visit.objects.get(slug="visit-1")
    assert (visit.title, visit.summary) == (payload, "@SUM(1)")
    exported = admin_client.post(
        EXPORT_ACTION, {"action": "export_admin_action", "_selected_action": [visit.pk]}
    )
    [line] = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert (line["title"], line["summary"]) == ("'" + payload, "'@SUM(1)")
    # The exported file imports back unchanged: the quote the export added is taken off.
    again = upload(admin_client, to_csv([line]))
    assert not form_errors(again)
    assert again.context["shown"]["update"] == 1
    assert again.context["result"].rows[0].import_type == "update"
    assert not any(
        "<ins" in cell or "<del" in cell for cell in again.context["result"].rows[0].diff
    )
    form = again.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    assert admin_client.post("/admin/registry/visit/process_import/", data).status_code == 302
    visit.refresh_from_db()
    assert visit.title == payload


def _table_rows(page: str) -> int:
    table = page.split('<table class="import-preview"', 1)[1].split("</table>", 1)[0]
    return table.count("<tr") - 1  # the header row


def test_the_preview_shows_the_first_rows_and_counts_the_rest(admin_client: Client) -> None:
    total = PREVIEW_ROWS + 50
    f.create_visit(slug="visit-0", title="Old title")
    page = upload(admin_client, to_csv([row(n) for n in range(total)]))
    assert not form_errors(page)
    assert _table_rows(page.text) == PREVIEW_ROWS
    text = re.sub(r"\s+", " ", page.text)
    assert f"{total} rows: {total - 1} new, 1 updated." in text
    assert f"The first {PREVIEW_ROWS} are shown below." in text
    assert "And 50 more rows." in text
    assert page.context["confirm_form"] is not None
    # About 1 KB a row shown, whatever the number of rows.
    assert len(page.content) < 200_000


def test_invalid_rows_are_listed_up_to_the_preview_size(admin_client: Client) -> None:
    total = PREVIEW_ROWS + 20
    page = upload(admin_client, to_csv([row(n, traveller="nobody") for n in range(total)]))
    assert not form_errors(page)
    assert _table_rows(page.text) == PREVIEW_ROWS
    text = re.sub(r"\s+", " ", page.text)
    assert f"{total} of {total} rows have errors; the first {PREVIEW_ROWS} are listed" in text
    assert "And 20 more rows with errors." in text
    assert "nobody" in text
    assert not page.context.get("confirm_form")


def test_an_unexpected_error_is_shown_without_a_traceback(
    admin_client: Client, monkeypatch
) -> None:
    from registry.resources import VisitResource

    def fail(self: Any, dataset: Any, **kwargs: Any) -> None:
        raise RuntimeError("The import could not start.")

    monkeypatch.setattr(VisitResource, "before_import", fail)
    page = upload(admin_client, to_csv([row(1)]))
    assert page.status_code == 200
    assert "The import could not start." in page.text
    assert "Traceback" not in page.text and "site-packages" not in page.text
    assert not page.context.get("confirm_form")
    assert not Visit.objects.exists()
