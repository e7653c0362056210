"""CSV in the admin: export of every list, and import of visits (with legs) and appointments
with a dry run that writes nothing until the editor confirms (registry/resources.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from registry import import_versions
from registry.csv_widgets import YesNoWidget
from registry.models import Appointment, Release, Status, Visit, VisitLeg
from registry.resources import parse_legs
from tests import factories as f

pytestmark = pytest.mark.django_db

# Every list editors edit; a data release is a download of its own (tests/test_releases.py).
REGISTRY_MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label == "registry" and model is not Release
    ),
    key=lambda model: model.__name__,
)


def url(model: type, view: str) -> str:
    return reverse(f"admin:registry_{model._meta.model_name}_{view}")


def rows_of(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(getattr(response, "streaming_content", [response.content])).decode()
    return list(csv.DictReader(io.StringIO(text)))


def export_selected(client: Client, model: type, pks: list[Any]) -> list[dict[str, str]]:
    response = client.post(
        url(model, "changelist"),
        {"action": "export_admin_action", "_selected_action": [str(pk) for pk in pks]},
    )
    return rows_of(response)


def to_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def dry_run(client: Client, model: type, rows: list[dict[str, str]]) -> Any:
    upload = SimpleUploadedFile("rows.csv", to_csv(rows), content_type="text/csv")
    return client.post(url(model, "import"), {"import_file": upload, "format": "0"})


def confirm(client: Client, model: type, preview: Any) -> Any:
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(url(model, "process_import"), data)


def row_errors(preview: Any) -> dict[int, str]:
    """The invalid rows of a dry run: {row number: all its messages}."""
    result = preview.context["result"]
    errors = {}
    for row in result.invalid_rows:
        messages = [str(m) for ms in row.error_dict.values() for m in ms]
        errors[row.number] = " ".join(messages)
    for number, row_errors_ in result.row_errors():
        errors[number] = " ".join(str(e.error) for e in row_errors_)
    return errors


@pytest.fixture
def tour(db) -> dict[str, Any]:
    """A traveller, a post, countries and a topic that import rows refer to by slug."""
    return {
        "traveller": f.create_person(name="Mircea Geoană", slug="mircea-geoana"),
        "post": f.create_position(title="Deputy Secretary General", slug="dsg"),
        "azerbaijan": f.create_country(name="Azerbaijan", iso_code="AZ", slug="azerbaijan"),
        "georgia": f.create_country(name="Georgia", iso_code="GE", slug="georgia"),
        "topic": f.create_topic(name="Energy security", slug="energy-security"),
    }


def visit_row(**changes: str) -> dict[str, str]:
    row = {
        "slug": "dsg-south-caucasus-2024",
        "title": "Deputy Secretary General in the South Caucasus",
        "traveller": "mircea-geoana",
        "traveller_position": "dsg",
        "start_date": "17 March 2024",
        "end_date": "2024-03-19",
        "duration_days": "3",
        "purpose": "",
        "summary": "Talks on partnership.",
        "topics": "energy-security",
        "legs": "AZ | Baku | 2024-03-17 | 2024-03-18; georgia | Tbilisi | March 2024",
    }
    return row | changes


# --- export ------------------------------------------------------------------------------------


def test_export_selected_visits_writes_readable_columns(admin_client: Client, tour) -> None:
    visit = f.create_visit(
        title="Tour", slug="tour", traveller=tour["traveller"], start="June 2004", end="2004"
    )
    visit.topics.add(tour["topic"])
    f.create_leg(visit=visit, order=2, country=tour["georgia"], city="Tbilisi", start="2004")
    f.create_leg(visit=visit, order=1, country=tour["azerbaijan"], city="Baku")
    other = f.create_visit(title="Not selected")
    rows = export_selected(admin_client, Visit, [visit.pk])
    assert [row["slug"] for row in rows] == ["tour"]
    row = rows[0]
    assert row["traveller"] == "mircea-geoana"
    assert row["start_date"] == "2004-06"  # the precision is kept
    assert row["end_date"] == "2004"
    assert row["topics"] == "energy-security"
    assert row["legs"] == "AZ | Baku; GE | Tbilisi | 2004"
    assert row["dates_text"] == "June 2004 – 2004"  # the site's wording, for readers
    assert row["status"] == "published"
    assert other.slug not in {r["slug"] for r in rows}


def test_appointments_export_their_attestation_and_dates_in_words(admin_client: Client) -> None:
    appointment = f.create_appointment(start="2019", ongoing=True)
    attested = f.create_appointment(attested_date=dt.date(2024, 3, 1), attested_precision="month")
    rows = {
        row["id"]: row
        for row in export_selected(admin_client, Appointment, [appointment.pk, attested.pk])
    }
    assert rows[str(appointment.pk)]["dates_text"] == "2019 – present"
    assert rows[str(attested.pk)]["attested_date"] == "2024-03"
    assert rows[str(attested.pk)]["dates_text"] == "Dates not recorded"


def test_every_registry_list_exports_to_csv(admin_client: Client) -> None:
    from registry.seed.loader import load_seed

    load_seed()
    for model in REGISTRY_MODELS:
        pks = list(model._default_manager.values_list("pk", flat=True))
        assert pks, f"the seed has no {model.__name__}"
        rows = export_selected(admin_client, model, pks)
        assert len(rows) == len(pks), model.__name__
        assert "id" in rows[0] or "slug" in rows[0]


def test_export_page_offers_csv_and_respects_the_filter(admin_client: Client) -> None:
    f.create_visit(title="Draft visit", slug="draft-visit", status=Status.DRAFT)
    f.create_visit(title="Published visit", slug="published-visit")
    page = admin_client.get(url(Visit, "export") + "?public=draft")
    assert page.status_code == 200
    form = page.context["form"]
    data = {"format": "0", "resource": "0"}
    data.update(
        {name: "on" for name in form.fields if name.startswith("visitresource_")}
        if any(name.startswith("visitresource_") for name in form.fields)
        else {}
    )
    response = admin_client.post(url(Visit, "export") + "?public=draft", data)
    rows = rows_of(response)
    assert [row["slug"] for row in rows] == ["draft-visit"]


def test_changelists_offer_export_and_import_where_allowed(admin_client: Client) -> None:
    f.create_visit()
    visits = admin_client.get(url(Visit, "changelist")).text
    assert url(Visit, "export") in visits
    assert url(Visit, "import") in visits
    assert "Export selected visits to CSV" in visits
    assert "Deleted records" in visits  # the registry's own changelist template is kept
    legs = admin_client.get(url(VisitLeg, "changelist")).text
    assert url(VisitLeg, "export") in legs
    assert url(VisitLeg, "import") not in legs
    assert admin_client.get(url(VisitLeg, "import")).status_code == 403


# --- import: visits ----------------------------------------------------------------------------


def test_visit_import_dry_run_writes_nothing_and_confirm_writes(admin_client: Client, tour) -> None:
    existing = f.create_visit(title="Old title", slug="existing", start="2023", end="2023")
    rows = [
        visit_row(),
        visit_row(
            slug="existing",
            title="New title",
            traveller="",
            traveller_position="",
            start_date="2023",
            end_date="2023",
            duration_days="",
            topics="",
            legs="",
        ),
    ]
    preview = dry_run(admin_client, Visit, rows)
    assert preview.status_code == 200
    assert not row_errors(preview)
    result = preview.context["result"]
    assert [row.import_type for row in result.rows] == ["new", "update"]
    assert "Confirm import" in preview.text
    # The dry run wrote nothing, not even history.
    assert Visit.objects.count() == 1
    assert not VisitLeg.objects.exists()
    existing.refresh_from_db()
    assert existing.title == "Old title"
    assert Visit.history.filter(slug="dsg-south-caucasus-2024").count() == 0

    done = confirm(admin_client, Visit, preview)
    assert done.status_code == 302
    visit = Visit.objects.get(slug="dsg-south-caucasus-2024")
    assert visit.status == Status.DRAFT  # an import never publishes
    assert (visit.start.isoformat(), visit.end.isoformat()) == ("2024-03-17", "2024-03-19")
    assert visit.traveller == tour["traveller"]
    assert visit.traveller_position == tour["post"]
    assert list(visit.topics.all()) == [tour["topic"]]
    legs = [
        (leg.order, leg.country.iso_code, leg.city, str(leg.start), str(leg.end or ""))
        for leg in visit.legs.order_by("order")
    ]
    assert legs == [
        (1, "AZ", "Baku", "17 March 2024", "18 March 2024"),
        (2, "GE", "Tbilisi", "March 2024", ""),
    ]
    existing.refresh_from_db()
    assert existing.title == "New title"
    assert existing.status == Status.PUBLISHED  # an update keeps the status
    assert visit.history.count() >= 1


def test_visit_import_reports_each_bad_row_and_writes_nothing(admin_client: Client, tour) -> None:
    rows = [
        visit_row(slug="good"),
        visit_row(slug="bad-traveller", traveller="nobody-of-that-name"),
        visit_row(slug="bad-date", start_date="31 Febtember 2024"),
        visit_row(slug="leg-outside", legs="GE | Tbilisi | 2025-01-01"),
        visit_row(slug="bad-country", legs="Atlantis | Capital"),
        visit_row(slug="bad-topic", topics="energy-security; no-such-topic"),
        visit_row(slug="no-title", title=""),
    ]
    preview = dry_run(admin_client, Visit, rows)
    errors = row_errors(preview)
    assert set(errors) == {2, 3, 4, 5, 6, 7}
    assert "nobody-of-that-name" in errors[2]
    assert errors[3].count("Febtember") == 1  # reported once
    assert "outside the visit's dates" in errors[4]
    assert "Atlantis" in errors[5]
    assert "no-such-topic" in errors[6]
    assert "blank" in errors[7] or "required" in errors[7]
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert not Visit.objects.exists()
    assert not VisitLeg.objects.exists()


def test_visit_import_replaces_legs_by_position_and_keeps_their_meetings(
    admin_client: Client, tour
) -> None:
    visit = f.create_visit(slug="dsg-south-caucasus-2024", start="2024-03-17", end="2024-03-19")
    first = f.create_leg(visit=visit, order=1, country=tour["georgia"], notes="Kept note")
    f.create_leg(visit=visit, order=2, country=tour["georgia"])
    f.create_leg(visit=visit, order=3, country=tour["georgia"])
    meeting = f.create_meeting(visit=visit, leg=first, counterpart_group="Students")
    preview = dry_run(admin_client, Visit, [visit_row()])
    assert not row_errors(preview)
    assert visit.legs.count() == 3  # still untouched
    assert confirm(admin_client, Visit, preview).status_code == 302
    legs = list(visit.legs.order_by("order"))
    assert [(leg.order, leg.city) for leg in legs] == [(1, "Baku"), (2, "Tbilisi")]
    assert legs[0].pk == first.pk and legs[0].notes == "Kept note"
    meeting.refresh_from_db()
    assert meeting.leg_id == first.pk


def test_moving_a_visit_and_its_legs_in_one_import(admin_client: Client, tour) -> None:
    # On PostgreSQL the leg triggers would refuse either row written first (migration 0004).
    visit = f.create_visit(slug="dsg-south-caucasus-2024", start="2023-05-01", end="2023-05-02")
    f.create_leg(visit=visit, order=1, country=tour["georgia"], start="2023-05-01")
    preview = dry_run(admin_client, Visit, [visit_row()])
    assert not row_errors(preview)
    assert confirm(admin_client, Visit, preview).status_code == 302
    visit.refresh_from_db()
    assert visit.start.isoformat() == "2024-03-17"
    assert [leg.start.isoformat() for leg in visit.legs.order_by("order")] == [
        "2024-03-17",
        "2024-03",
    ]


def test_new_dates_that_strand_stored_legs_are_a_row_error(admin_client: Client, tour) -> None:
    visit = f.create_visit(slug="dsg-south-caucasus-2024", start="2023", end="2023")
    f.create_leg(visit=visit, order=1, country=tour["georgia"], start="2023-05-01")
    preview = dry_run(admin_client, Visit, [visit_row(legs="")])
    assert "Stored leg 1" in row_errors(preview)[1]
    visit.refresh_from_db()
    assert visit.start.isoformat() == "2023"


def test_exported_visits_import_back_unchanged(admin_client: Client, tour) -> None:
    preview = dry_run(admin_client, Visit, [visit_row()])
    confirm(admin_client, Visit, preview)
    visit = Visit.objects.get()
    before = export_selected(admin_client, Visit, [visit.pk])
    again = dry_run(admin_client, Visit, before)
    assert not row_errors(again)
    confirm(admin_client, Visit, again)
    assert export_selected(admin_client, Visit, [visit.pk]) == before


def test_the_stop_order_column_reads_yes_and_no(admin_client: Client, tour) -> None:
    rows = [
        visit_row(slug="in-order", stop_order_known="yes"),
        visit_row(slug="no-order", stop_order_known="no"),
        visit_row(slug="not-said", stop_order_known=""),  # the form's default: known
    ]
    preview = dry_run(admin_client, Visit, rows)
    assert not row_errors(preview)
    confirm(admin_client, Visit, preview)
    known = dict(Visit.objects.values_list("slug", "stop_order_known"))
    assert known == {"in-order": True, "no-order": False, "not-said": True}
    pks = list(Visit.objects.values_list("pk", flat=True))
    exported = export_selected(admin_client, Visit, pks)
    assert {row["slug"]: row["stop_order_known"] for row in exported} == {
        "in-order": "yes",
        "no-order": "no",
        "not-said": "yes",
    }
    bad = dry_run(admin_client, Visit, [visit_row(stop_order_known="perhaps")])
    assert "perhaps" in row_errors(bad)[1]


def test_a_yes_no_the_sources_may_leave_open_reads_and_writes_an_empty_cell() -> None:
    open_ = YesNoWidget(nullable=True)
    assert [open_.clean(v) for v in ("yes", "no", "", "Unknown")] == [True, False, None, None]
    assert [open_.render(v) for v in (True, False, None)] == ["yes", "no", ""]
    with pytest.raises(ValueError, match="leave it empty if no source says"):
        open_.clean("maybe")
    strict = YesNoWidget()
    assert strict.clean("") is False and strict.render(None) == "no"
    with pytest.raises(ValueError):
        strict.clean("unknown")


def test_parse_legs_reads_the_documented_format(tour) -> None:
    legs = parse_legs("AZ|Baku|2004; GE | Tbilisi | June 2004 | 15 June 2004;")
    assert [(leg.order, leg.country.name, leg.city) for leg in legs] == [
        (1, "Azerbaijan", "Baku"),
        (2, "Georgia", "Tbilisi"),
    ]
    assert (str(legs[1].start), str(legs[1].end)) == ("June 2004", "15 June 2004")
    with pytest.raises(ValueError, match="Leg 1 has 5 parts"):
        parse_legs("GE|a|2004|2004|extra")


# --- import: appointments ----------------------------------------------------------------------


def appointment_row(**changes: str) -> dict[str, str]:
    row = {
        "id": "",
        "person": "mircea-geoana",
        "position": "dsg",
        "capacity": "Acting",
        "start_date": "October 2019",
        "end_date": "",
        "ongoing": "yes",
        "ordinal": "",
        "notes": "",
    }
    return row | changes


def test_appointment_import_adds_updates_and_refuses_overlaps(admin_client: Client, tour) -> None:
    earlier = f.create_appointment(
        person=f.create_person(slug="rose"), position=tour["post"], start="2016", end="2019"
    )
    rows = [
        appointment_row(),
        appointment_row(
            id=str(earlier.pk),
            person="rose",
            notes="Updated by id",
            start_date="2016",
            end_date="2019",
            ongoing="no",
        ),
    ]
    preview = dry_run(admin_client, Appointment, rows)
    assert not row_errors(preview)
    assert Appointment.objects.count() == 1
    assert confirm(admin_client, Appointment, preview).status_code == 302
    new = Appointment.objects.get(person=tour["traveller"])
    assert new.capacity == Appointment.Capacity.ACTING
    assert (str(new.start), new.ongoing, new.status) == ("October 2019", True, Status.DRAFT)
    earlier.refresh_from_db()
    assert earlier.notes == "Updated by id"

    # The same person, post and start date finds the appointment again: an update.
    again = dry_run(admin_client, Appointment, [appointment_row(notes="Matched")])
    assert [row.import_type for row in again.context["result"].rows] == ["update"]

    clash = dry_run(
        admin_client,
        Appointment,
        [appointment_row(person="rose", start_date="2020", ongoing="no", end_date="2021")],
    )
    assert "overlap" in row_errors(clash)[1]
    bad = dry_run(
        admin_client,
        Appointment,
        [appointment_row(id="99999"), appointment_row(capacity="Emperor", ongoing="perhaps")],
    )
    errors = row_errors(bad)
    assert "99999" in errors[1]
    assert "Emperor" in errors[2] and "perhaps" in errors[2]
    assert Appointment.objects.count() == 2


# --- who may import and export -----------------------------------------------------------------


def test_an_editor_may_import_but_never_publishes(tour) -> None:
    client = Client()
    client.force_login(f.create_user(role="editor"))
    preview = dry_run(client, Visit, [visit_row()])
    assert not row_errors(preview)
    assert confirm(client, Visit, preview).status_code == 302
    assert Visit.objects.get().status == Status.DRAFT


def test_import_and_export_need_permissions(tour) -> None:
    from django.contrib.auth.models import Permission

    user = f.create_user(role="staff")
    client = Client()
    client.force_login(user)
    assert client.get(url(Visit, "import")).status_code == 403
    assert client.get(url(Visit, "export")).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_visit"))
    assert client.get(url(Visit, "export")).status_code == 200
    assert client.get(url(Visit, "import")).status_code == 403
    upload = SimpleUploadedFile("rows.csv", to_csv([visit_row()]), content_type="text/csv")
    response = client.post(url(Visit, "import"), {"import_file": upload, "format": "0"})
    assert response.status_code == 403
    assert not Visit.objects.exists()


# --- a record saved between the preview and the confirmation ----------------------------------


def test_an_import_over_a_record_saved_after_its_preview_writes_nothing(
    admin_client: Client, tour
) -> None:
    existing = f.create_visit(title="Old title", slug="existing", start="2023", end="2023")
    row = visit_row(
        slug="existing", title="Imported title", traveller="", traveller_position="",
        start_date="2023", end_date="2023", duration_days="", topics="", legs="",
    )  # fmt: skip
    rows = [visit_row(), row]
    preview = dry_run(admin_client, Visit, rows)
    assert not row_errors(preview)
    other = Visit.objects.get(pk=existing.pk)  # someone else, while the preview is read
    other.summary = "Saved after the preview"
    other.save()
    answer = confirm(admin_client, Visit, preview)
    assert answer.status_code == 302
    refused = admin_client.get(answer.url)
    assert "after the preview, so nothing was imported" in refused.text
    assert "“Old title”" in refused.text
    existing.refresh_from_db()
    assert (existing.title, existing.summary) == ("Old title", "Saved after the preview")
    assert not Visit.objects.filter(slug="dsg-south-caucasus-2024").exists()

    again = dry_run(admin_client, Visit, rows)  # the new preview shows the new state
    assert confirm(admin_client, Visit, again).status_code == 302
    existing.refresh_from_db()
    assert (existing.title, existing.summary) == ("Imported title", "Talks on partnership.")
    assert Visit.objects.filter(slug="dsg-south-caucasus-2024").exists()


def test_a_confirmation_whose_preview_notes_are_gone_imports_nothing(
    admin_client: Client, tour
) -> None:
    preview = dry_run(admin_client, Visit, [visit_row()])
    name = preview.context["confirm_form"]["import_file_name"].value()
    import_versions.forget(name)
    answer = confirm(admin_client, Visit, preview)
    assert answer.status_code == 302
    assert not Visit.objects.filter(slug="dsg-south-caucasus-2024").exists()
