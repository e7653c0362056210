"""Data releases (registry/releases/): what a release holds and never holds, that it is
reproducible, that its checksums verify, that its CSVs load back, that its Popolo validates
against the Popolo schemas and its data package with `frictionless`; and how it is made
(admin, command) and published (pages, downloads, feed, citations)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib.util
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from registry.models import Release, ReleaseRecord, Status
from registry.partial_dates import PartialDate
from registry.releases import ReleaseError, make_release, package, storage
from registry.releases.tables import TABLE_LIST
from tests import factories as f

pytestmark = pytest.mark.django_db

POPOLO_SCHEMAS = Path(__file__).parent / "data" / "popolo"
POPOLO_TYPES = {
    "persons": "person",
    "organizations": "organization",
    "posts": "post",
    "memberships": "membership",
    "areas": "area",
    "events": "event",
}
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def site_url(settings):
    # Each test's releases go to a folder of its own (conftest.release_storage).
    settings.SITE_URL = "https://registry.example.org"


def files_of(release: Release) -> dict[str, bytes]:
    with storage().open(release.archive, "rb") as handle, zipfile.ZipFile(handle) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rows(files: dict[str, bytes], table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[f"data/{table}.csv"].decode("utf-8"))))


@pytest.fixture
def content():
    """Public records with partial dates, and drafts that must stay out of every file."""
    georgia = f.create_country(name="Georgia", slug="georgia", iso_code="GE")
    hidden = f.create_country(name="Secret Draftland", slug="draftland", status=Status.DRAFT)
    traveller = f.create_person(name="Jaap de Hoop Scheffer")
    draft_person = f.create_person(name="Unpublished Counterpart", status=Status.DRAFT)
    visit = f.create_visit(
        title="Visit to Tbilisi", traveller=traveller, start="2004-06", end="2004-06"
    )
    f.create_leg(visit=visit, country=georgia, order=1, city="Tbilisi")
    f.create_leg(visit=visit, country=hidden, order=2, city="Hidden City")
    f.create_meeting(visit=visit, counterpart=draft_person, summary="Talks")
    f.create_visit(title="Draft visit never public", status=Status.DRAFT, traveller=traveller)
    post = f.create_position(title="Liaison Officer")
    f.create_appointment(person=traveller, position=post, start="2013")
    source = f.create_source(title="Public source")
    draft_source = f.create_source(title="Draft source", status=Status.DRAFT)
    f.create_citation(record=visit, source=source, quote="The visit took place in June 2004.")
    f.create_citation(record=visit, source=draft_source, quote="A passage of a draft source.")
    f.create_citation(record=hidden, source=source, quote="A passage about a draft country.")
    return {"georgia": georgia, "visit": visit, "traveller": traveller, "post": post}


def test_a_release_holds_the_public_records_at_their_precision(content):
    release = make_release()
    files = files_of(release)
    visits = rows(files, "visits")
    assert [(v["title"], v["start"], v["end"]) for v in visits] == [
        ("Visit to Tbilisi", "2004-06", "2004-06")
    ]
    assert (
        visits[0]["url"] == "https://registry.example.org/en/visits/" + content["visit"].slug + "/"
    )
    [appointment] = rows(files, "appointments")
    assert appointment["start"] == "2013" and appointment["end"] == ""
    assert [leg["city"] for leg in rows(files, "visit_legs")] == ["Tbilisi"]
    [meeting] = rows(files, "meetings")
    assert meeting["summary"] == "Talks" and meeting["counterpart_id"] == ""
    assert [c["quote"] for c in rows(files, "citations")] == ["The visit took place in June 2004."]
    dump = json.loads(files[package.JSON_NAME])
    assert dump["visits"][0]["start"] == "2004-06"
    assert dump["appointments"][0]["start"] == "2013"


def test_a_release_carries_both_languages(content):
    georgia = content["georgia"]
    georgia.name_fr, georgia.profile = "Géorgie", "A partner."
    georgia.save()
    topic = f.create_topic(name="Demining", description="Old.", description_fr="Ancien.")
    topic = type(topic).objects.get(pk=topic.pk)
    topic.description = "New."
    topic.save()
    files = files_of(make_release())
    [country] = rows(files, "countries")
    assert (country["name"], country["name_fr"]) == ("Georgia", "Géorgie")
    assert (country["profile"], country["profile_fr"]) == ("A partner.", "")
    assert country["french_out_of_date"] == "false"
    [topic_row] = rows(files, "topics")
    assert (topic_row["description_fr"], topic_row["french_out_of_date"]) == ("Ancien.", "true")
    [meeting] = rows(files, "meetings")
    assert "summary_fr" in meeting
    schema = json.loads(files["datapackage.json"])
    countries = next(r for r in schema["resources"] if r["name"] == "countries")
    fields = [field["name"] for field in countries["schema"]["fields"]]
    assert fields.index("name_fr") == fields.index("name") + 1


def test_no_file_names_a_draft(content):
    files = files_of(make_release())
    for name, data in files.items():
        text = data.decode("utf-8")
        for secret in (
            "Secret Draftland",
            "Hidden City",
            "Unpublished Counterpart",
            "Draft visit never public",
            "Draft source",
            "A passage of a draft source",
            "A passage about a draft country",
        ):
            assert secret not in text, (name, secret)


def test_a_scheduled_record_is_out_until_its_time(content):
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    f.create_country(name="Scheduled Land", slug="scheduled", iso_code="SL", publish_at=later)
    assert "Scheduled Land" not in files_of(make_release())["data/countries.csv"].decode()
    with time_machine.travel(later + dt.timedelta(days=1), tick=False):
        assert "Scheduled Land" in files_of(make_release())["data/countries.csv"].decode()


def test_an_unknown_order_of_stops_is_not_given(content):
    visit = content["visit"]
    visit.stop_order_known = False
    visit.save()
    [leg] = rows(files_of(make_release()), "visit_legs")
    assert leg["order"] == ""
    visit.stop_order_known = True
    visit.save()
    [leg] = rows(files_of(make_release()), "visit_legs")
    assert leg["order"] == "1"


def test_two_releases_of_the_same_content_have_byte_identical_data(content):
    first, second = make_release(), make_release()
    a, b = files_of(first), files_of(second)
    data = [name for name in a if name.startswith("data/") or name.endswith(".json")]
    assert len(data) == len(TABLE_LIST) + 3  # the CSVs, the dump, Popolo, the descriptor
    for name in data:
        if name != package.DESCRIPTOR_NAME:
            assert a[name] == b[name], name
    assert first.data_sha256 == second.data_sha256
    # The descriptor names its own release.
    assert json.loads(a[package.DESCRIPTOR_NAME])["version"] == "1"
    assert json.loads(b[package.DESCRIPTOR_NAME])["version"] == "2"


def test_a_change_changes_the_data_digest(content):
    first = make_release()
    content["georgia"].name = "Georgia (corrected)"
    content["georgia"].save()
    assert make_release().data_sha256 != first.data_sha256


def test_checksums_verify(content):
    release = make_release()
    files = files_of(release)
    listed = {}
    for line in files[package.CHECKSUMS_NAME].decode().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == set(files) - {package.CHECKSUMS_NAME}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    with storage().open(release.archive, "rb") as handle:
        archive = handle.read()
    assert hashlib.sha256(archive).hexdigest() == release.archive_sha256
    assert len(archive) == release.archive_bytes
    assert {file["name"]: file["sha256"] for file in release.files if file["name"] in listed} == (
        listed
    )


def test_the_csvs_load_back_to_the_json_rows(content):
    files = files_of(make_release())
    dump = json.loads(files[package.JSON_NAME])
    for table in TABLE_LIST:
        loaded = rows(files, table.name)
        assert [list(row) for row in loaded[:1]] in ([], [table.column_names])
        expected = [
            {name: package._csv_value(row[name]) for name in table.column_names}
            for row in dump[table.name]
        ]
        assert loaded == expected, table.name
    assert len(dump["visits"]) == 1 and len(dump["countries"]) >= 1


def _popolo_validators() -> dict[str, Draft3Validator]:
    schemas = {
        f"http://www.popoloproject.com/schemas/{path.name}": json.loads(path.read_text())
        for path in POPOLO_SCHEMAS.glob("*.json")
    }
    registry = Registry().with_resources(
        (uri, Resource(contents=schema, specification=DRAFT3)) for uri, schema in schemas.items()
    )
    return {
        key: Draft3Validator(
            schemas[f"http://www.popoloproject.com/schemas/{name}.json"], registry=registry
        )
        for key, name in POPOLO_TYPES.items()
    }


def test_the_popolo_json_validates_against_the_popolo_schemas(content):
    document = json.loads(files_of(make_release())[package.POPOLO_NAME])
    validators = _popolo_validators()
    for key, validator in validators.items():
        assert document[key], key
        for obj in document[key]:
            errors = [error.message for error in validator.iter_errors(obj)]
            assert errors == [], (key, obj.get("id"), errors)
    [membership] = [m for m in document["memberships"] if m["id"].startswith("appointments/")]
    assert membership["start_date"] == "2013"
    assert membership["person_id"] == f"persons/{content['traveller'].pk}"
    visit = next(e for e in document["events"] if e["classification"] == "visit")
    assert visit["start_date"] == "2004-06"
    assert visit["sources"][0]["note"] == "The visit took place in June 2004."
    # The schemas do catch a date written in words, a wrong type and a link without address.
    assert list(validators["memberships"].iter_errors({"start_date": "June 2004"}))
    assert list(validators["persons"].iter_errors({"name": 4}))
    assert list(validators["persons"].iter_errors({"sources": [{"note": "no url"}]}))


def test_the_data_package_validates_with_frictionless(content, tmp_path):
    from frictionless import validate

    files = files_of(make_release())
    for name, data in files.items():
        (tmp_path / "pkg" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "pkg" / name).write_bytes(data)
    descriptor = tmp_path / "pkg" / package.DESCRIPTOR_NAME
    report = validate(str(descriptor))
    assert report.valid, report.flatten(["type", "message"])
    described = json.loads(files[package.DESCRIPTOR_NAME])
    assert [r["path"] for r in described["resources"][: len(TABLE_LIST)]] == [
        f"data/{t.name}.csv" for t in TABLE_LIST
    ]
    # A file changed after the release no longer matches its descriptor.
    countries = tmp_path / "pkg" / "data" / "countries.csv"
    countries.write_bytes(countries.read_bytes().replace(b"Georgia", b"Gruzia"))
    assert not validate(str(descriptor)).valid


def test_release_notes_count_what_was_added_changed_and_removed(content):
    first = make_release(note="The first release.")
    assert first.counts["visits"] == {"records": 1, "added": 1, "changed": 0, "removed": 0}
    georgia = content["georgia"]
    georgia.profile = "A corrected profile."
    georgia.save()
    f.create_country(name="Armenia", slug="armenia", iso_code="AM")
    visit = content["visit"]
    visit.status = Status.DRAFT
    visit.save()
    second = make_release()
    assert second.counts["countries"]["added"] == 1
    assert second.counts["countries"]["changed"] == 1
    assert second.counts["visits"] == {"records": 0, "added": 0, "changed": 0, "removed": 1}
    notes = files_of(second)[package.NOTES_NAME].decode()
    assert "since release 1" in notes
    assert "| Countries (`countries`) | 2 | 1 | 1 | 0 |" in notes
    assert "The first release." in files_of(first)[package.NOTES_NAME].decode()
    assert ReleaseRecord.objects.filter(release=second, table="visits").count() == 0


def test_a_note_longer_than_the_limit_is_refused():
    with pytest.raises(ReleaseError, match="at most 2,000"):
        make_release(note="x" * 2001)
    assert not Release.objects.exists()


def test_the_command_makes_a_release(content, capsys):
    call_command("make_release", note="Made from the command line")
    release = Release.objects.get()
    assert release.number == 1 and release.note == "Made from the command line"
    out = capsys.readouterr().out
    assert release.archive_sha256 in out and "/en/releases/1/" in out


def test_a_publisher_makes_a_release_from_the_admin(publisher_client: Client, content):
    page = publisher_client.get("/admin/registry/release/add/")
    assert "Make release 1" in page.content.decode()
    response = publisher_client.post("/admin/registry/release/add/", {"note": "From the admin"})
    assert response.status_code == 302
    release = Release.objects.get()
    assert release.note == "From the admin" and release.made_by is not None
    listing = publisher_client.get(response["Location"]).content.decode()
    assert "Release 1 is made" in listing
    # A release is never changed or deleted.
    assert publisher_client.post(f"/admin/registry/release/{release.pk}/delete/").status_code in (
        403,
        302,
    )
    assert Release.objects.filter(pk=release.pk).exists()


def test_an_editor_may_see_releases_but_not_make_one(editor_client: Client):
    assert editor_client.get("/admin/registry/release/").status_code == 200
    assert editor_client.get("/admin/registry/release/add/").status_code == 403
    assert editor_client.post("/admin/registry/release/add/", {"note": "x"}).status_code == 403
    assert not Release.objects.exists()


def test_the_releases_page_lists_every_release_with_its_download(client: Client, content):
    first = make_release(note="Seed content")
    make_release()
    page = client.get("/en/releases/").content.decode()
    assert page.index("Release 2") < page.index("Release 1")
    assert "Seed content" in page
    assert first.download_url in page and first.checksums_url in page
    assert 'rel="alternate" type="application/atom+xml" title="Data releases (Atom)"' in page


def test_a_release_page_gives_its_counts_checksums_and_citation(client: Client, content):
    make_release()
    release = make_release()
    page = client.get("/en/releases/2/").content.decode()
    assert release.archive_sha256 in page
    for file in release.files:
        assert file["sha256"] in page
    assert 'href="/en/releases/1/"' in page
    assert "Partnership Registry. Data release 2" in page
    assert '"@type": "Dataset"' in page


def test_the_download_is_the_archive_with_its_checksum(client: Client, content):
    release = make_release()
    response = client.get(release.download_url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == release.archive_sha256
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    sums = client.get(release.checksums_url).content.decode()
    assert f"{release.archive_sha256}  {release.archive_name}" in sums
    assert f"  {package.DESCRIPTOR_NAME}" in sums


def test_old_releases_stay_downloadable(client: Client, content):
    first = make_release()
    content["georgia"].name = "Georgia, renamed"
    content["georgia"].save()
    make_release()
    body = b"".join(client.get(first.download_url).streaming_content)
    assert hashlib.sha256(body).hexdigest() == first.archive_sha256


@pytest.mark.parametrize(
    "path",
    [
        "/en/releases/1/",
        "/en/releases/9/",
        "/en/releases/1/other.zip",
        "/en/releases/1/../SHA256SUMS",
        "/en/releases/0/SHA256SUMS",
        "/en/releases/latest/",
    ],
)
def test_a_missing_release_or_file_is_a_404(client: Client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_a_lost_archive_is_a_404_not_a_500(client: Client, content):
    release = make_release()
    storage().delete(release.archive)
    assert client.get(release.download_url).status_code == 404


def test_latest_shows_the_newest_release(client: Client, content):
    make_release()
    make_release()
    page = client.get("/en/releases/latest/").content.decode()
    assert "<h1>Release 2</h1>" in page
    assert '<link rel="canonical" href="http://testserver/en/releases/2/">' in page


def test_the_feed_lists_releases(client: Client, content):
    make_release(note="The first")
    feed = ET.fromstring(client.get("/en/releases/feed/atom/").content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Release 1"]
    assert "The first" in entries[0].find(f"{ATOM}summary").text


def test_the_home_page_links_to_the_releases_and_their_feed(client: Client):
    page = client.get("/en/").content.decode()
    assert 'href="/en/releases/"' in page
    assert 'title="Data releases (Atom)" href="/en/releases/feed/atom/"' in page
    assert 'title="Changes (Atom)" href="/en/changes/feed/atom/"' in page


def test_a_record_cites_the_release_it_is_in(client: Client, content):
    georgia = content["georgia"]
    page = client.get(georgia.get_absolute_url()).content.decode()
    assert "data release" not in page
    make_release()
    later = f.create_country(name="Azerbaijan", slug="azerbaijan", iso_code="AZ")
    page = client.get(georgia.get_absolute_url()).content.decode()
    assert "Also in Partnership Registry data release 1" in page
    assert 'href="http://testserver/en/releases/1/"' in page
    # A record published after the release is not in it.
    assert "data release" not in client.get(later.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/countries/{georgia.slug}/").json()
    assert "data release 1" in api["citation"]["text"]
    assert api["citation"]["csl"]["version"] == "data release 1"


def test_the_release_list_runs_the_same_queries_for_one_release_or_many(
    client: Client, content, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_release()
    with CaptureQueriesContext(connection) as one:
        client.get("/en/releases/")
    for _ in range(3):
        make_release()
    from tests.conftest import clear_caches

    clear_caches()
    with CaptureQueriesContext(connection) as four:
        assert client.get("/en/releases/").status_code == 200
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_releases_storage_is_a_local_folder_or_an_s3_bucket(monkeypatch):
    from partnership_site import settings as site_settings

    monkeypatch.delenv("RELEASES_S3_BUCKET", raising=False)
    monkeypatch.setenv("RELEASES_ROOT", "/srv/registry/releases")
    local = site_settings.releases_storage()
    assert local["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local["OPTIONS"]["location"] == "/srv/registry/releases"
    monkeypatch.setenv("RELEASES_S3_BUCKET", "registry-releases")
    monkeypatch.setenv("RELEASES_S3_ENDPOINT_URL", "https://s3.example.org")
    # Without django-storages installed, a bucket stops start-up with a message.
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name: None if name == "storages" else real_find_spec(name),
    )
    with pytest.raises(ImproperlyConfigured, match="django-storages"):
        site_settings.releases_storage()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    s3 = site_settings.releases_storage()
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "registry-releases"
    assert s3["OPTIONS"]["endpoint_url"] == "https://s3.example.org"


def test_partial_dates_are_written_in_their_iso_form():
    from registry.releases.snapshot import edtf

    assert edtf(PartialDate.parse("2004-06").date, "month") == "2004-06"
    assert edtf(PartialDate.parse("2013").date, "year") == "2013"
    assert edtf(dt.date(2024, 3, 17), "day") == "2024-03-17"
    assert edtf(None, "day") is None


def test_the_api_lists_the_releases_with_their_downloads_and_checksums(client: Client, content):
    first = make_release(note="The first")
    second = make_release()
    data = client.get("/api/v1/releases/").json()
    assert [r["number"] for r in data["results"]] == [2, 1]
    latest = data["results"][0]
    assert latest["archive_sha256"] == second.archive_sha256
    assert latest["download_url"] == f"http://testserver{second.download_url}"
    assert latest["checksums_url"] == f"http://testserver{second.checksums_url}"
    assert latest["html_url"] == "http://testserver/en/releases/2/"
    assert latest["counts"]["visits"] == {"records": 1, "added": 0, "changed": 0, "removed": 0}
    assert {f["name"] for f in latest["files"]} >= {"datapackage.json", "popolo.json"}
    detail = client.get("/api/v1/releases/1/").json()
    assert (detail["number"], detail["note"], detail["data_sha256"]) == (
        1,
        "The first",
        first.data_sha256,
    )
    assert detail["url"] == "http://testserver/api/v1/releases/1/"
    # The download it names is the archive with that checksum.
    body = b"".join(client.get(first.download_url).streaming_content)
    assert hashlib.sha256(body).hexdigest() == detail["archive_sha256"]


def test_the_api_filters_releases_by_day_and_refuses_a_bad_one(client: Client, content):
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        make_release()
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        make_release()
    since = client.get("/api/v1/releases/", {"since": "2026-02-01"}).json()
    assert [r["number"] for r in since["results"]] == [2]
    until = client.get("/api/v1/releases/", {"until": "2026-02-01"}).json()
    assert [r["number"] for r in until["results"]] == [1]
    bad = client.get("/api/v1/releases/", {"since": "February"})
    assert bad.status_code == 400 and "since" in bad.json()
    assert client.get("/api/v1/releases/9/").status_code == 404
    assert client.get("/api/v1/releases/x/").status_code == 404
