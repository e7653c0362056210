"""Translating in the admin (registry/admin/translation.py): each English field beside its
French, the state of the French, "French reviewed", the French filter, the bulk review and
the dashboard's "French out of date"."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.test_admin import submit

pytestmark = pytest.mark.django_db


def reload(record):
    return type(record).objects.get(pk=record.pk)


def change_url(record) -> str:
    from django.urls import reverse

    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def test_the_change_form_shows_each_english_field_beside_its_french(admin_client):
    country = f.create_country(name="Georgia", name_fr="Géorgie", profile="A partner.")
    page = admin_client.get(change_url(country))
    assert page.status_code == 200
    rows = [
        [
            field.field["name"] if isinstance(field.field, dict) else field.field.name
            for field in line
        ]
        for fieldset in page.context["adminform"]
        for line in fieldset
    ]
    assert ["name", "name_fr"] in rows
    assert any(row[:1] == ["profile"] and "profile_fr" in row for row in rows)
    text = page.content.decode()
    assert 'name="name_fr"' in text and 'value="Géorgie"' in text
    assert "Not yet translated: profile." in text
    assert 'name="french_reviewed"' in text


def test_an_english_edit_in_the_admin_flags_the_french_and_review_clears_it(admin_client):
    country = f.create_country(
        name="Georgia", name_fr="Géorgie", profile="A partner.", profile_fr="Un partenaire."
    )
    url = change_url(country)
    response = submit(admin_client, url, {"profile": "A partner since 1994."})
    assert response.status_code == 302
    country = reload(country)
    assert country.profile == "A partner since 1994." and country.french_out_of_date
    page = admin_client.get(url).content.decode()
    assert "The French of this record is out of date" in page
    assert "Out of date: the English of profile changed after the French was saved." in page

    assert submit(admin_client, url, {"french_reviewed": "on"}).status_code == 302
    country = reload(country)
    assert not country.french_out_of_date
    assert country.profile_fr == "Un partenaire."


def test_the_french_filter_and_the_bulk_review(admin_client):
    from django.urls import reverse

    stale = f.create_country(name="Stale", profile="Old.", profile_fr="Ancien.")
    stale = reload(stale)
    stale.profile = "New."
    stale.save()
    fresh = f.create_country(name="Fresh", name_fr="Frais")
    untranslated = f.create_country(name="Untranslated")
    changelist = reverse("admin:registry_country_changelist")

    def listed(value: str) -> set[int]:
        page = admin_client.get(changelist, {"french": value})
        assert page.status_code == 200
        return {row.pk for row in page.context["cl"].result_list}

    assert stale.pk in listed("out_of_date") and fresh.pk not in listed("out_of_date")
    assert untranslated.pk in listed("missing") and fresh.pk not in listed("missing")
    assert fresh.pk in listed("up_to_date") and stale.pk not in listed("up_to_date")

    response = admin_client.post(
        changelist,
        {"action": "mark_french_reviewed", "_selected_action": [stale.pk, fresh.pk]},
        follow=True,
    )
    assert "The French of 1 record was marked reviewed." in response.content.decode()
    assert not reload(stale).french_out_of_date


def test_the_dashboard_counts_the_french_out_of_date(admin_client):
    from django.urls import reverse

    for name in ("One", "Two"):
        country = f.create_country(name=name, profile="Old.", profile_fr="Ancien.")
        country = reload(country)
        country.profile = "New."
        country.save()
    topic = f.create_topic(name="Demining", description="Old.", description_fr="Ancien.")
    topic = reload(topic)
    topic.description = "New."
    topic.save()
    page = admin_client.get(reverse("admin:index")).content.decode()
    line = page[page.index('id="dashboard-french"') :]
    line = line[: line.index("</tr>")]
    assert "French out of date" in line
    assert '<td class="count">3</td>' in line
    assert "2 countries" in line and "1 topic" in line
    assert "french=out_of_date" in line
