"""Names as they were (registry/names.py, models/names.py): which name a fact of a date
shows, on the pages, in the API and in a release, and how editors enter them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from registry.models import Country, OtherName
from registry.names import applies, city_on, name_on
from registry.partial_dates import PartialDate
from tests import factories as f
from tests.test_admin import inline_errors, submit

pytestmark = pytest.mark.django_db


def other(record: Any, name: str, start: str | None = None, end: str | None = None, **kw):
    item = OtherName(record=record, name=name, **kw)
    item.start = PartialDate.parse(start) if start else None
    item.end = PartialDate.parse(end) if end else None
    item.full_clean()
    item.save()
    return item


def day(text: str) -> PartialDate:
    return PartialDate.parse(text)


@pytest.mark.parametrize(
    ("start", "end", "fact", "expected"),
    [
        ("2019-03-20", "2022-09-17", "2020-06", True),
        ("2019-03-20", "2022-09-17", "2019-03-20", True),
        ("2019-03-20", "2022-09-17", "2022-09-17", True),
        ("2019-03-20", "2022-09-17", "2019-03-19", False),
        ("2019-03-20", "2022-09-17", "2022-09-18", False),
        # A fact known to the month or the year only applies when all of it lies within.
        ("2019-03-20", "2022-09-17", "2019-03", False),
        ("2019-03-20", "2022-09-17", "2022-09", False),
        ("2019-03-20", "2022-09-17", "2020", True),
        ("2019-03-20", "2022-09-17", "2019", False),
        # A name used until a year: a fact in that year may come after the change.
        (None, "2019", "2004-06", True),
        (None, "2019", "2019-01-01", True),
        (None, "2019", "2019-06", False),
        ("2019-03", None, "2019-04-01", True),
        ("2019-03", None, "2019-03-31", True),
        # Renamed in March 2019: a fact of March (or of 15 March) may come before the change.
        ("2019-03", None, "2019-03", False),
        ("2019-03", None, "2019-03-15", False),
        ("2019-03", None, "2019-02-28", False),
        ("2019", None, "2019-06-01", False),
        ("2019", None, "2020", True),
    ],
)
def test_a_name_applies_when_the_fact_lies_certainly_within_its_dates(start, end, fact, expected):
    country = f.create_country()
    assert applies(other(country, "Then", start, end), day(fact)) is expected


def test_a_name_with_no_dates_applies_to_no_fact_and_no_date_gives_todays_name():
    country = f.create_country(name="Today")
    other(country, "Undated")
    assert str(name_on(country, day("2004"), "Today")) == "Today"
    other(country, "Before", end="2010")
    assert str(name_on(country, None, "Today")) == "Today"
    then = name_on(country, day("2004"), "Today")
    assert (then.then, then.now, then.differs, str(then)) == (
        "Before",
        "Today",
        True,
        "Before (now Today)",
    )


def test_todays_name_is_the_one_given_or_the_records_own():
    nato = f.create_organisation(name="North Atlantic Treaty Organization", short_name="NATO")
    other(nato, "Old name", end="2000")
    # Given: shown as given, beside the name then.
    assert str(name_on(nato, day("1990"), "North Atlantic Treaty Organization")) == (
        "Old name (now North Atlantic Treaty Organization)"
    )
    assert str(name_on(nato, day("2020"), "North Atlantic Treaty Organization")) == (
        "North Atlantic Treaty Organization"
    )
    # Not given: the record's own name as the site writes it.
    assert str(name_on(nato, day("1990"))) == "Old name (now NATO)"
    assert str(name_on(nato, day("2020"))) == "NATO"
    # A record that carries no other names is named as it is.
    person = f.create_person(name="Robert Simmons")
    assert str(name_on(person, day("1990"))) == "Robert Simmons"
    assert str(city_on(None, "Tbilisi", day("1990"))) == "Tbilisi"


def test_a_city_name_is_the_citys_not_the_countrys():
    kazakhstan = f.create_country(name="Kazakhstan")
    other(kazakhstan, "Nur-Sultan", "2019-03-20", "2022-09-17", city="Astana")
    assert str(city_on(kazakhstan, "Astana", day("2020-06-01"))) == "Nur-Sultan (now Astana)"
    assert str(city_on(kazakhstan, "Almaty", day("2020-06-01"))) == "Almaty"
    assert str(name_on(kazakhstan, day("2020-06-01"), "Kazakhstan")) == "Kazakhstan"


def test_the_database_refuses_an_empty_name_and_an_end_before_the_start():
    country = f.create_country()
    with pytest.raises(IntegrityError), transaction.atomic():
        OtherName.objects.create(record=country, name="")
    bad = OtherName(record=country, name="X")
    bad.start, bad.end = day("2020"), day("2019")
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()
    assert not OtherName.objects.exists()


@pytest.fixture
def astana_visit():
    kazakhstan = f.create_country(name="Kazakhstan", slug="kazakhstan", iso_code="KZ")
    other(kazakhstan, "Nur-Sultan", "2019-03-20", "2022-09-17", city="Astana")
    visit = f.create_visit(title="Visit to Central Asia", start="2020-06-01", end="2020-06-03")
    f.create_leg(visit=visit, country=kazakhstan, order=1, city="Astana", start="2020-06-01")
    later = f.create_visit(title="Later visit", start="2023-05-01", end="2023-05-01")
    f.create_leg(visit=later, country=kazakhstan, order=1, city="Astana")
    return visit, later


def test_a_visit_page_shows_the_city_as_it_was_with_todays_name(client: Client, astana_visit):
    visit, later = astana_visit
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Nur-Sultan (now Astana), " in page
    # A stop with no date of its own takes its visit's.
    later_page = client.get(later.get_absolute_url()).content.decode()
    assert "Nur-Sultan" not in later_page and "Astana, " in later_page


def test_the_api_gives_the_city_as_it_was(client: Client, astana_visit):
    visit, later = astana_visit
    [leg] = client.get(f"/api/v1/visits/{visit.slug}/").json()["legs"]
    assert (leg["city"], leg["city_then"], leg["country_name_then"]) == (
        "Astana",
        "Nur-Sultan",
        "Kazakhstan",
    )
    [leg] = client.get(f"/api/v1/visits/{later.slug}/").json()["legs"]
    assert leg["city_then"] == "Astana"
    country = client.get("/api/v1/countries/kazakhstan/").json()
    assert country["other_names"] == [
        {
            "name": "Nur-Sultan",
            "city": "Astana",
            "start": "2019-03-20",
            "start_precision": "day",
            "end": "2022-09-17",
            "end_precision": "day",
            "note": "",
        }
    ]


def test_appointments_show_the_post_title_of_their_time(client: Client):
    post = f.create_position(title="Special Representative for the South Caucasus")
    other(post, "Special Representative for the Caucasus", end="2010")
    person = f.create_person(name="Robert Simmons")
    old = f.create_appointment(person=person, position=post, start="2004-09")
    new = f.create_appointment(person=f.create_person(), position=post, start="2015")
    page = client.get(old.get_absolute_url()).content.decode()
    assert (
        "Special Representative for the Caucasus (now Special Representative for the South "
        "Caucasus)" in page
    )
    assert "(now" not in client.get(new.get_absolute_url()).content.decode()
    assert (
        "Special Representative for the Caucasus (now"
        in client.get(person.get_absolute_url()).content.decode()
    )
    api = client.get(f"/api/v1/appointments/{old.pk}/").json()
    assert api["position_title_then"] == "Special Representative for the Caucasus"
    assert client.get(f"/api/v1/appointments/{new.pk}/").json()["position_title_then"] == (
        "Special Representative for the South Caucasus"
    )


def test_a_participation_shows_the_programme_name_of_its_time(client: Client):
    programme = f.create_programme(name="Individually Tailored Partnership Programme")
    other(programme, "Individual Partnership Programme", start="1994", end="2019")
    participation = f.create_participation(programme=programme, start="2005")
    page = client.get(participation.get_absolute_url()).content.decode()
    assert "Individual Partnership Programme (now Individually Tailored Partnership" in page


def test_record_pages_list_their_other_names_with_dates(client: Client):
    office = f.create_office(name="NATO Liaison Office")
    other(office, "NATO Contact Point Embassy", start="2004", end="2010", note="Renamed.")
    page = client.get(office.get_absolute_url()).content.decode()
    assert "NATO Contact Point Embassy" in page and "2004–2010" in page and "Renamed." in page
    undated = f.create_organisation(name="North Atlantic Treaty Organization")
    other(undated, "OTAN")
    page = client.get(undated.get_absolute_url()).content.decode()
    assert "OTAN" in page and "dates not given by the sources" in page


def test_a_hidden_records_other_names_stay_hidden_in_a_release(settings):
    from registry.releases import make_release
    from tests.test_releases import files_of, rows

    public = f.create_country(name="Public", slug="public-land", iso_code="PL")
    hidden = f.create_country(name="Hidden", slug="hidden-land", iso_code="HL", status="draft")
    other(public, "Old Public", end="2000")
    other(hidden, "Old Hidden Secret", end="2000")
    files = files_of(make_release())
    assert [row["name"] for row in rows(files, "other_names")] == ["Old Public"]
    assert "Old Hidden Secret" not in b"".join(files.values()).decode()
    assert "Old Public" in files["partnership-registry.json"].decode()

    areas = {a["name"]: a for a in json.loads(files["popolo.json"])["areas"]}
    assert areas["Public"]["other_names"] == [{"name": "Old Public", "end_date": "2000"}]
    assert "Hidden" not in areas


def test_editors_enter_other_names_as_inlines_on_the_country(admin_client: Client):
    country = f.create_country(name="Kazakhstan", slug="kz-admin", iso_code="KZ")
    target = f"/admin/registry/country/{country.pk}/change/"
    page = admin_client.get(target).content.decode()
    assert "other names of the country and its cities" in page.lower()
    prefix = next(
        inline.formset.prefix
        for inline in admin_client.get(target).context["inline_admin_formsets"]
        if inline.formset.model is OtherName
    )
    response = submit(
        admin_client,
        target,
        inline_rows={
            prefix: [
                {
                    "city": "Astana",
                    "name": "Nur-Sultan",
                    "start_date": "20 March 2019",
                    "end_date": "September 2022",
                }
            ]
        },
    )
    assert response.status_code == 302, inline_errors(response, prefix)
    saved = OtherName.objects.get(object_id=country.pk)
    assert (saved.city, saved.name, str(saved.start), saved.end.isoformat()) == (
        "Astana",
        "Nur-Sultan",
        "20 March 2019",
        "2022-09",
    )
    # An end before the start is a form error on the row, nothing saved.
    response = submit(
        admin_client,
        target,
        inline_rows={prefix: [{"name": "Akmola", "start_date": "1998", "end_date": "1961"}]},
    )
    rows, _ = inline_errors(response, prefix)
    assert any(row for row in rows)
    assert not OtherName.objects.filter(name="Akmola").exists()
    assert Country.objects.get(pk=country.pk).name == "Kazakhstan"


def test_the_seed_gives_the_posts_other_title_without_dates(client: Client):
    from registry.seed.loader import load_seed

    load_seed()
    [name] = OtherName.objects.all()
    assert name.name == "NATO Special Representative for the South Caucasus and Central Asia"
    assert name.start is None and name.end is None
    page = client.get(name.record.get_absolute_url()).content.decode()
    assert "dates not given by the sources" in page


def test_a_hidden_records_other_names_are_used_for_no_fact():
    hidden = f.create_country(name="Hidden", status="draft")
    other(hidden, "Old Hidden", end="2000")
    other(hidden, "Old City", end="2000", city="Capital")
    assert str(name_on(hidden, day("1990"), "Hidden")) == "Hidden"
    assert str(city_on(hidden, "Capital", day("1990"))) == "Capital"


def _other_names_prefix(client: Client, target: str) -> str:
    return next(
        inline.formset.prefix
        for inline in client.get(target).context["inline_admin_formsets"]
        if inline.formset.model is OtherName
    )


def test_an_editors_other_name_of_a_published_record_waits_for_review(
    client: Client, editor_client: Client
):
    from registry.models import PendingRevision
    from tests.test_revisions import publisher, url

    office = f.cited(f.create_office(name="NATO Liaison Office", start="2004"))
    target = url(office)
    prefix = _other_names_prefix(editor_client, target)
    response = submit(
        editor_client,
        target,
        inline_rows={prefix: [{"name": "Quillwort Contact Point", "end_date": "2010"}]},
    )
    assert response.status_code == 302
    assert not OtherName.objects.exists()
    assert "Quillwort" not in client.get(office.get_absolute_url()).content.decode()
    review = editor_client.get(url(office, "review"))
    assert "Quillwort Contact Point" in review.content.decode()
    assert PendingRevision.objects.count() == 1
    response = publisher().post(url(office, "review"), {"_publish_revision": "Publish"})
    assert response.status_code == 302
    [saved] = OtherName.objects.all()
    assert (saved.record, saved.name, saved.end.isoformat()) == (
        office,
        "Quillwort Contact Point",
        "2010",
    )
    assert "Quillwort Contact Point" in client.get(office.get_absolute_url()).content.decode()


def test_other_names_are_in_the_records_history_and_the_public_change_log(
    admin_client: Client, django_capture_on_commit_callbacks
):
    from registry.models import PublicChange
    from registry.models.history import Versions

    with django_capture_on_commit_callbacks(execute=True):
        country = f.cited(f.create_country(name="Kazakhstan", slug="kz-log", iso_code="KZ"))
    target = f"/admin/registry/country/{country.pk}/change/"
    prefix = _other_names_prefix(admin_client, target)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            admin_client,
            target,
            inline_rows={prefix: [{"city": "Astana", "name": "Akmola", "end_date": "1998"}]},
        )
    assert response.status_code == 302
    change = PublicChange.objects.filter(object_id=country.pk, kind="corrected").get()
    assert change.fields == [
        {"field": "Other name added", "before": "—", "after": "Akmola (Astana)"}
    ]
    versions = Versions(type(country), country.pk)
    assert any(
        record.__class__.__name__ == "HistoricalOtherName" and record.name == "Akmola"
        for record in versions.all_records()
    )
