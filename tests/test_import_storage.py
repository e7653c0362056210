"""A CSV import waits for its confirmation in the shared cache, never in one server's temp
folder, so the confirmation may reach any app server (registry/admin/transfer.py)."""

from __future__ import annotations

import csv
import io
import re
import tempfile

import pytest
from django.contrib import admin
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from registry.admin.transfer import PendingImportStorage
from registry.models import Visit
from tests import factories as f

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:registry_visit_import")
PROCESS = reverse("admin:registry_visit_process_import")


@pytest.fixture
def local_temp(tmp_path, monkeypatch):
    """This server's temp folder, empty, where import-export's default storage would write."""
    folder = tmp_path / "server-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    assert tempfile.gettempdir() == str(folder)
    return folder


@pytest.fixture
def csv_file(db) -> bytes:
    f.create_person(name="Mircea Geoană", slug="mircea-geoana")
    f.create_country(name="Georgia", iso_code="GE", slug="georgia")
    row = {
        "slug": "dsg-tbilisi-2024",
        "title": "Deputy Secretary General in Tbilisi",
        "traveller": "mircea-geoana",
        "start_date": "March 2024",
        "end_date": "",
        "summary": "Talks.",
        "legs": "GE | Tbilisi | March 2024",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue().encode()


def preview(client: Client, data: bytes):
    upload = SimpleUploadedFile("visits.csv", data, content_type="text/csv")
    response = client.post(IMPORT, {"import_file": upload, "format": "0"})
    assert response.status_code == 200
    assert "Confirm import" in response.text, response.text[:2000]
    form = response.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def editor_client(superuser) -> Client:
    """A fresh client with the same login: another app server reads the same session row."""
    client = Client()
    client.force_login(superuser)
    return client


def test_the_admin_uses_the_shared_storage():
    visit_admin = admin.site._registry[Visit]
    assert visit_admin.get_tmp_storage_class() is PendingImportStorage


def test_preview_then_confirm_on_another_server_with_no_temp_file(superuser, csv_file, local_temp):
    confirm = preview(editor_client(superuser), csv_file)
    name = confirm["import_file_name"]
    assert re.fullmatch(r"[0-9a-f]{32}", name)
    # The upload is in the shared cache, and nothing is in this server's temp folder.
    assert caches["default"].get(f"pending-import:{name}") == csv_file
    assert list(local_temp.iterdir()) == []
    assert not Visit.objects.exists()

    # The confirmation arrives at a server that never saw the upload.
    done = editor_client(superuser).post(PROCESS, confirm)
    assert done.status_code == 302
    visit = Visit.objects.get(slug="dsg-tbilisi-2024")
    assert visit.legs.get().city == "Tbilisi"
    assert list(local_temp.iterdir()) == []
    # The pending file is gone once imported.
    assert caches["default"].get(f"pending-import:{name}") is None


def test_expired_pending_file_asks_for_the_upload_again(superuser, csv_file):
    client = editor_client(superuser)
    confirm = preview(client, csv_file)
    caches["default"].delete(f"pending-import:{confirm['import_file_name']}")
    response = client.post(PROCESS, confirm, follow=True)
    assert response.redirect_chain == [(IMPORT, 302)]
    assert "no longer available" in response.text
    assert "upload it again" in response.text
    assert not Visit.objects.exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "", "0" * 31, "A" * 32])
def test_a_name_never_issued_is_refused(superuser, csv_file, name):
    client = editor_client(superuser)
    confirm = preview(client, csv_file)
    response = client.post(PROCESS, {**confirm, "import_file_name": name}, follow=True)
    assert response.status_code == 200
    if name:
        assert "no longer available" in response.text
    assert not Visit.objects.exists()
