"""The seed content: what it loads, that every record cites its source, and that loading
again never overwrites an editor's work."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from registry.models import (
    Appointment,
    Citation,
    Country,
    Event,
    Meeting,
    Office,
    Participation,
    Position,
    Programme,
    SeedEntry,
    Source,
    Status,
    Visit,
)
from registry.seed.loader import collapse, load_seed, read_seed

pytestmark = pytest.mark.django_db

DAMAGE = re.compile(r"[\ufffd\u0400-\u04ff]|\w[ýþ]\w|\wôs\b| ï ")


@pytest.fixture
def seeded(db):
    load_seed()


def citable_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_app_config("registry").get_models()
        if any(f.name == "citations" for f in model._meta.private_fields)
    ]


def test_counts(seeded):
    assert Source.objects.count() == 5
    assert Country.objects.filter(is_partner=True).count() == 8
    assert Country.objects.count() == 9  # the eight partners and Afghanistan (Kabul office)
    assert Programme.objects.count() == 8
    assert Participation.objects.count() == 13
    assert Office.objects.count() == 3
    assert Position.objects.count() == 9
    assert Appointment.objects.count() == 6
    assert Event.objects.count() == 3
    assert Visit.objects.count() == 2
    assert Meeting.objects.count() == 9


def test_everything_is_published(seeded):
    for model in citable_models():
        assert not model.objects.exclude(status=Status.PUBLISHED).exists(), model


def test_every_record_cites_a_source_and_every_quote_is_in_it(seeded):
    for model in citable_models():
        for record in model.objects.prefetch_related("citations__source"):
            citations = list(record.citations.all())
            assert citations, f"{model.__name__} {record} has no citation"
            for citation in citations:
                assert collapse(citation.quote) in collapse(citation.source.full_text), citation


def test_source_texts_are_stored_repaired(seeded):
    for source in Source.objects.all():
        assert not DAMAGE.search(source.full_text), (source.slug, DAMAGE.search(source.full_text))
    brochure = Source.objects.get(slug="partners-in-the-southern-caucasus").full_text
    assert "This reflects the decision" in brochure
    assert "Robert Simmons is \nthe first to be given" in brochure
    assert "regional officials" in brochure and "Intensified Dialogue" in brochure
    article = Source.objects.get(slug="deputy-secretary-general-visit-azerbaijan").full_text
    assert "has completed a two day visit" in article
    assert "LEAVE A REPLY" not in article


def test_no_stored_text_field_shows_damage(seeded):
    for model in apps.get_app_config("registry").get_models():
        text_fields = [
            f.name for f in model._meta.fields if isinstance(f, models.CharField | models.TextField)
        ]
        for row in model.objects.values(*text_fields):
            for name, value in row.items():
                assert not DAMAGE.search(value or ""), (model.__name__, name, value)


def test_partial_dates_keep_the_sources_precision(seeded):
    istanbul = Event.objects.get(slug="istanbul-summit-2004")
    assert istanbul.start.display() == "June 2004"
    dialogue = Participation.objects.get(country__slug="georgia", programme__short_name="")
    assert dialogue.programme.name == "Intensified Dialogue"
    assert dialogue.start.display() == "September 2006"
    kazakh_ipap = Participation.objects.get(country__slug="kazakhstan")
    assert (kazakh_ipap.start.display(), kazakh_ipap.programme.short_name) == ("2005", "IPAP")
    tashkent = Office.objects.get(city="Tashkent")
    assert (tashkent.start.display(), tashkent.end.display()) == ("2013", "2017")
    kabul = Office.objects.get(city="Kabul")
    assert kabul.start is None and kabul.end.display() == "2021"
    nacc = Programme.objects.get(short_name="NACC")
    assert (nacc.start.display(), nacc.end.display()) == ("December 1991", "1997")
    assert Programme.objects.get(short_name="EAPC").replaces == nacc


def test_unknown_dates_stay_unknown(seeded):
    dsg_visit = Visit.objects.get(traveller__name="Radmila Shekerinska")
    assert dsg_visit.start is None and dsg_visit.end is None
    assert dsg_visit.duration_days == 2
    simmons = Appointment.objects.get(person__name="Robert Simmons")
    assert simmons.start is None and simmons.end is None and simmons.ordinal == 1


def test_secretary_general_trip_is_one_visit_with_three_legs_in_order(seeded):
    visit = Visit.objects.get(traveller__name="Jens Stoltenberg")
    assert (visit.start.display(), visit.end.display()) == ("17 March 2024", "19 March 2024")
    assert visit.traveller_position.title == "NATO Secretary General"
    assert [leg.country.name for leg in visit.legs.order_by("order")] == [
        "Armenia",
        "Georgia",
        "Azerbaijan",
    ]


def test_deputy_secretary_general_meetings_name_counterpart_and_post(seeded):
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    met = {
        (m.counterpart.name, m.counterpart_position.title)
        for m in visit.meetings.filter(counterpart__isnull=False)
    }
    assert met == {
        ("Jeyhun Bayramov", "Foreign Minister of Azerbaijan"),
        ("Sahiba Gafarova", "Speaker of the Parliament of Azerbaijan"),
        ("Elchin Amirbayov", "Presidential Representative of Azerbaijan"),
    }
    groups = set(
        visit.meetings.filter(counterpart__isnull=True).values_list("counterpart_group", flat=True)
    )
    assert "Students at ADA University" in groups and "Allied ambassadors" in groups
    assert {"demining", "cyber-defence", "energy-security"} <= set(
        visit.topics.values_list("slug", flat=True)
    )


def test_tbilisi_office_contact_details(seeded):
    office = Office.objects.get(city="Tbilisi")
    assert office.phone == "+995 (32) 293 38 01"
    assert "162 Tsinamdzgvrishvili" in office.address and "0112 Tbilisi" in office.address
    assert office.ongoing and office.end is None
    assert set(office.countries_covered.values_list("iso_code", flat=True)) == {"AM", "AZ", "GE"}
    tashkent = Office.objects.get(city="Tashkent")
    assert "NATO Headquarters" in tashkent.closure_note
    assert tashkent.countries_covered.count() == 5


def test_loading_twice_changes_nothing(seeded):
    before = {m: m.objects.count() for m in apps.get_app_config("registry").get_models()}
    report = load_seed()
    assert report.total_created == 0
    assert {m: m.objects.count() for m in before} == before


def test_loading_again_never_overwrites_or_resurrects_editors_work(seeded):
    office = Office.objects.get(city="Tbilisi")
    office.phone = "+995 32 000 00 00"
    office.save()
    Citation.objects.filter(object_id=office.pk, content_type__model="office").delete()
    Visit.objects.get(slug="deputy-secretary-general-azerbaijan").delete()
    load_seed()
    office.refresh_from_db()
    assert office.phone == "+995 32 000 00 00"
    assert not office.citations.exists()
    assert not Visit.objects.filter(slug="deputy-secretary-general-azerbaijan").exists()


def test_command_reports_what_it_did(db, capsys):
    call_command("load_seed")
    assert "Seed content loaded" in capsys.readouterr().out
    call_command("load_seed")
    assert "nothing changed" in capsys.readouterr().out
    assert SeedEntry.objects.filter(
        key="visits:secretary-general-south-caucasus-march-2024"
    ).exists()


def test_seed_file_sections_are_known():
    data = read_seed()
    assert set(data) == {
        "sources",
        "regions",
        "countries",
        "organisations",
        "topics",
        "events",
        "programmes",
        "participations",
        "offices",
        "positions",
        "people",
        "appointments",
        "visits",
    }
