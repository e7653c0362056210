"""English and French (registry/translation.py): the French of a record, what a French page
shows when it is missing, and the French falling out of date when the English changes.
The pages' interface in French is tested in test_french_site.py."""

from __future__ import annotations

import pytest

from registry.models import Country, Meeting, Visit
from registry.translation import (
    digest,
    french_values,
    shown_html,
    shown_text,
    text_in_language,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def reload(record):
    return type(record).objects.get(pk=record.pk)


# --- the English each French was made from -------------------------------------------------


def test_french_saved_with_its_english_is_up_to_date():
    country = f.create_country(name="Georgia", profile="A partner in the South Caucasus.")
    country.profile_fr = "Un partenaire du Caucase du Sud."
    country.save()
    country = reload(country)
    assert country.french_made_from == {"profile": digest("A partner in the South Caucasus.")}
    assert not country.french_out_of_date
    assert country.french_stale_fields() == []


def test_an_english_edit_marks_its_french_out_of_date_until_reviewed():
    country = f.create_country(name="Georgia", name_fr="Géorgie", profile="A partner.")
    country.profile_fr = "Un partenaire."
    country.save()
    country = reload(country)
    country.profile = "A partner since 1994."
    country.save()
    country = reload(country)
    assert country.french_out_of_date
    assert country.french_stale_fields() == ["profile"]
    # Saving again without touching the French keeps it out of date.
    country.iso_code = "GE"
    country.save()
    assert reload(country).french_out_of_date
    country = reload(country)
    country.mark_french_reviewed()
    country.save()
    country = reload(country)
    assert not country.french_out_of_date
    assert country.french_made_from["profile"] == digest("A partner since 1994.")
    assert country.french_made_from["name"] == digest("Georgia")


def test_new_french_saved_after_the_english_changed_is_up_to_date():
    country = f.create_country(name="Georgia", profile="A partner.", profile_fr="Un partenaire.")
    country = reload(country)
    country.profile = "A partner since 1994."
    country.save()
    country = reload(country)
    assert country.french_out_of_date
    country.profile_fr = "Un partenaire depuis 1994."
    country.save()
    assert not reload(country).french_out_of_date


def test_english_and_french_changed_together_are_up_to_date():
    country = f.create_country(name="Georgia", profile="A partner.", profile_fr="Un partenaire.")
    country = reload(country)
    country.profile, country.profile_fr = "A partner since 1994.", "Un partenaire depuis 1994."
    country.save()
    assert not reload(country).french_out_of_date


def test_only_the_changed_fields_french_is_out_of_date():
    country = f.create_country(
        name="Georgia", name_fr="Géorgie", profile="A partner.", profile_fr="Un partenaire."
    )
    country = reload(country)
    country.name = "Georgia (country)"
    country.save()
    country = reload(country)
    assert country.french_stale_fields() == ["name"]


def test_removing_a_stale_french_text_leaves_nothing_out_of_date():
    country = f.create_country(name="Georgia", profile="A partner.", profile_fr="Un partenaire.")
    country = reload(country)
    country.profile = "Changed."
    country.save()
    country = reload(country)
    country.profile_fr = "  "
    country.save()
    country = reload(country)
    assert not country.french_out_of_date
    assert "profile" not in country.french_made_from


def test_white_space_around_the_english_does_not_make_the_french_stale():
    country = f.create_country(name="Georgia", profile="A partner.", profile_fr="Un partenaire.")
    country = reload(country)
    country.profile = "  A partner.\n"
    country.save()
    assert not reload(country).french_out_of_date


def test_a_save_of_some_fields_keeps_the_state_of_the_french():
    country = f.create_country(name="Georgia", profile="A partner.", profile_fr="Un partenaire.")
    country = reload(country)
    country.profile = "Changed."
    country.save(update_fields=["profile"])
    assert reload(country).french_out_of_date


def test_french_made_from_english_is_kept_through_a_save_of_a_partly_loaded_record():
    country = f.create_country(name="Georgia", profile="A partner.", profile_fr="Un partenaire.")
    partial = Country.objects.only("pk", "version", "name").get(pk=country.pk)
    assert french_values(partial) == {}  # deferred fields are not fetched to be remembered
    assert reload(country).french_made_from == {"profile": digest("A partner.")}


def test_children_of_a_visit_have_french_too():
    visit = f.create_visit()
    meeting = f.create_meeting(visit=visit, summary="Talks.", summary_fr="Entretiens.")
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.summary = "Talks on security."
    meeting.save()
    assert Meeting.objects.get(pk=meeting.pk).french_out_of_date


# --- what a page shows in each language ----------------------------------------------------


def test_english_pages_show_the_english_whatever_the_french(settings):
    country = f.create_country(name="Georgia", name_fr="Géorgie")
    assert shown_text(country, "name") == "Georgia"
    assert text_in_language(country, "name") == ("Georgia", False)


def test_french_pages_show_the_french_or_the_english_marked_as_such():
    from django.utils import translation

    country = f.create_country(name="Georgia", name_fr="Géorgie", profile="A <partner>.")
    with translation.override("fr"):
        assert shown_text(country, "name") == "Géorgie"
        assert shown_html(country, "name") == "Géorgie"
        assert text_in_language(country, "profile") == ("A <partner>.", True)
        assert shown_html(country, "profile") == '<span lang="en">A &lt;partner&gt;.</span>'
        # A field with no French version, and an empty English text, are shown as they are.
        assert shown_text(country, "iso_code") == country.iso_code
        assert text_in_language(Visit(summary=""), "summary") == ("", False)


def test_french_text_is_escaped():
    from django.utils import translation

    country = f.create_country(name="Georgia", name_fr="<b>Géorgie</b>")
    with translation.override("fr"):
        assert shown_html(country, "name") == "&lt;b&gt;Géorgie&lt;/b&gt;"


def test_the_digest_is_of_the_english_without_surrounding_white_space():
    import hashlib

    assert digest("A partner.") == hashlib.sha256(b"A partner.").hexdigest()[:16]
    assert digest(" A partner.\n") == digest("A partner.")
    assert digest(None) == digest("") == hashlib.sha256(b"").hexdigest()[:16]


def test_a_save_of_some_fields_writes_only_those_and_the_state_of_the_french():
    country = f.create_country(name="Georgia", profile="A partner.", profile_fr="Un partenaire.")
    country = reload(country)
    country.profile, country.name = "Changed.", "Not saved"
    country.save(update_fields=["profile"])
    stored = reload(country)
    assert (stored.name, stored.profile, stored.french_out_of_date) == ("Georgia", "Changed.", True)


def test_the_fields_missing_their_french():
    country = f.create_country(name="Georgia", name_fr="Géorgie", profile="A partner.")
    assert country.french_missing_fields() == ["profile"]
    country.profile = "  "
    assert country.french_missing_fields() == []
    country.name_fr, country.profile = "", "A partner."
    assert country.french_missing_fields() == ["name", "profile"]


def test_a_records_title_in_each_language():
    from django.utils import translation

    from registry.translation import record_title

    programme = f.create_programme(name="Partnership for Peace", short_name="PfP")
    country = f.create_country(name="Georgia", name_fr="Géorgie")
    source = f.create_source(title="A source")
    assert record_title(programme) == "Partnership for Peace (PfP)"
    with translation.override("fr"):
        assert record_title(programme) == "Partnership for Peace (PfP)"  # no French yet
        assert record_title(country) == "Géorgie"
        assert record_title(source) == "A source"  # a source's title is not translated
        programme.name_fr = "Partenariat pour la paix"
        assert record_title(programme) == "Partenariat pour la paix (PfP)"
    assert record_title(country) == "Georgia"


def test_records_and_fields_without_french_show_as_they_are_on_french_pages():
    from django.utils import translation

    source = f.create_source(title="A source")
    with translation.override("fr"):
        assert shown_text(source, "title") == "A source"
        assert shown_html(source, "title") == "A source"
        assert shown_text(source, "no_such_field") == ""
        assert text_in_language(object(), "name") == ("", False)
    assert shown_text(object(), "name") == ""
