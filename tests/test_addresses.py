"""Addresses that last (registry/publication/addresses.py): after a slug changes, the old page
and API addresses answer a permanent redirect to the new ones, for every publishable model;
a deleted public record's addresses answer 410 Gone; nothing of a draft is given away."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from registry.models import (
    Appointment,
    Country,
    Event,
    Office,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    RetiredAddress,
    Source,
    Status,
    Topic,
    Visit,
)
from registry.models.history import deleted_records, restore
from tests import factories as f
from tests.test_admin import JUNE_2004

pytestmark = pytest.mark.django_db

MAKERS = {
    Region: lambda: f.create_region(name="Zephyr region"),
    Country: lambda: f.create_country(name="Zephyria", slug="zephyria"),
    Programme: lambda: f.create_programme(name="Zephyr programme", start=JUNE_2004),
    Office: lambda: f.create_office(name="Zephyr office", start=JUNE_2004),
    Person: lambda: f.create_person(name="Zephyr Person"),
    Position: lambda: f.create_position(title="Zephyr post", start=JUNE_2004),
    Event: lambda: f.create_event(name="Zephyr summit", start=JUNE_2004),
    Topic: lambda: f.create_topic(name="Zephyr topic"),
    Visit: lambda: f.create_visit(title="Zephyr visit", start=JUNE_2004),
    Source: lambda: f.create_source(title="Zephyr source"),
}
API = {
    Region: "regions",
    Country: "countries",
    Programme: "programmes",
    Office: "offices",
    Person: "people",
    Position: "positions",
    Event: "events",
    Topic: "topics",
    Visit: "visits",
    Source: "sources",
}
BY_ID = {
    Appointment: (lambda: f.create_appointment(start=JUNE_2004), "appointments"),
    Participation: (lambda: f.create_participation(start=JUNE_2004), "participations"),
}
IDS = [model.__name__ for model in MAKERS]


def api(model: type, key: Any) -> str:
    return f"/api/v1/{API[model]}/{key}/"


def renamed(record: Any, slug: str) -> Any:
    record.slug = slug
    record.save()
    return record


@pytest.mark.parametrize("model", MAKERS, ids=IDS)
def test_a_renamed_records_old_addresses_redirect_permanently(client: Client, model) -> None:
    record = MAKERS[model]()
    old = record.get_absolute_url()
    old_slug = record.slug
    renamed(record, "zephyr-renamed")
    new = record.get_absolute_url()
    assert new != old
    page = client.get(f"{old}?page=2")
    assert page.status_code == 301
    assert page["Location"] == f"{new}?page=2"
    assert client.get(new).status_code == 200
    answer = client.get(api(model, old_slug) + "?format=json")
    assert answer.status_code == 301
    assert answer["Location"] == api(model, "zephyr-renamed") + "?format=json"
    assert client.get(answer["Location"]).json()["slug"] == "zephyr-renamed"


def test_every_old_name_leads_to_the_newest_and_a_name_taken_back_is_the_records_again(
    client: Client,
) -> None:
    visit = MAKERS[Visit]()
    first = visit.slug
    renamed(visit, "second-name")
    renamed(visit, "third-name")
    for old in (first, "second-name"):
        response = client.get(reverse("registry:visit-detail", args=[old]))
        assert response["Location"] == "/en/visits/third-name/"
    renamed(visit, first)
    assert client.get(f"/en/visits/{first}/").status_code == 200
    assert client.get("/en/visits/third-name/")["Location"] == f"/en/visits/{first}/"
    assert set(RetiredAddress.for_model(Visit).values_list("key", flat=True)) == {
        "second-name",
        "third-name",
    }


def test_a_new_record_may_take_a_retired_name(client: Client) -> None:
    old = renamed(f.create_topic(name="Old topic", slug="shared-name"), "old-topic")
    new = f.create_topic(name="New topic", slug="shared-name")
    page = client.get("/en/topics/shared-name/")
    assert page.status_code == 200
    assert "New topic" in page.content.decode()
    assert client.get("/api/v1/topics/shared-name/").json()["name"] == "New topic"
    assert not RetiredAddress.for_model(Topic).filter(key="shared-name").exists()
    assert old.pk != new.pk


def test_a_renamed_draft_gives_nothing_away(client: Client) -> None:
    draft = f.create_visit(title="Hidden visit", slug="hidden-visit", status=Status.DRAFT)
    renamed(draft, "hidden-visit-2")
    for target in ("/en/visits/hidden-visit/", "/api/v1/visits/hidden-visit/"):
        response = client.get(target)
        assert response.status_code == 404
        assert "hidden-visit-2" not in response.content.decode()
        assert "Location" not in response


def test_a_record_unpublished_after_its_rename_no_longer_redirects(client: Client) -> None:
    person = MAKERS[Person]()
    old = person.slug
    renamed(person, "zephyr-renamed")
    person.status = Status.DRAFT
    person.save()
    assert client.get(f"/en/people/{old}/").status_code == 404
    assert client.get(f"/api/v1/people/{old}/").status_code == 404


@pytest.mark.parametrize("model", MAKERS, ids=IDS)
def test_a_deleted_public_record_answers_410_at_every_address_it_had(client: Client, model) -> None:
    record = MAKERS[model]()
    first_slug, first_url = record.slug, record.get_absolute_url()
    renamed(record, "zephyr-last-name")
    last_url = record.get_absolute_url()
    label = str(record)
    record.delete()
    for target in (first_url, last_url):
        page = client.get(target)
        assert page.status_code == 410
        body = page.content.decode()
        assert "Record removed" in body and label in body
        assert 'href="/en/search/"' in body
        assert "Traceback" not in body
    for key in (first_slug, "zephyr-last-name"):
        answer = client.get(api(model, key))
        assert answer.status_code == 410
        assert answer.json() == {
            "detail": "This record was published here and has since been removed from the registry."
        }


@pytest.mark.parametrize("model", BY_ID, ids=[m.__name__ for m in BY_ID])
def test_a_deleted_record_addressed_by_id_answers_410(client: Client, model) -> None:
    make, plural = BY_ID[model]
    record = make()
    pk = record.pk
    assert client.get(f"/api/v1/{plural}/{pk}/").status_code == 200
    record.delete()
    assert client.get(f"/api/v1/{plural}/{pk}/").status_code == 410
    assert client.get(f"/api/v1/{plural}/{pk + 1000}/").status_code == 404


def test_a_deleted_draft_stays_unknown(client: Client) -> None:
    draft = f.create_event(name="Secret summit", slug="secret-summit", status=Status.DRAFT)
    draft.delete()
    assert client.get("/en/events/secret-summit/").status_code == 404
    assert client.get("/api/v1/events/secret-summit/").status_code == 404
    assert not RetiredAddress.objects.exists()


def test_a_restored_record_answers_again_at_all_its_addresses(client: Client) -> None:
    # Cited, so that it comes back published.
    office = f.cited(MAKERS[Office]())
    first = office.get_absolute_url()
    renamed(office, "zephyr-office-2")
    office.delete()
    assert client.get("/en/offices/zephyr-office-2/").status_code == 410
    (deletion,) = deleted_records(Office)
    restore(Office, deletion)
    assert client.get("/en/offices/zephyr-office-2/").status_code == 200
    assert client.get(first)["Location"] == "/en/offices/zephyr-office-2/"


def test_unknown_addresses_are_still_404(client: Client) -> None:
    f.create_country(name="Zephyria", slug="zephyria")
    assert client.get("/en/countries/nowhere/").status_code == 404
    assert client.get("/api/v1/countries/nowhere/").status_code == 404


def test_a_redirect_costs_a_few_queries_whatever_the_data(
    client: Client, django_assert_max_num_queries
) -> None:
    topic = MAKERS[Topic]()
    old = topic.get_absolute_url()
    renamed(topic, "zephyr-topic-2")
    client.get(topic.get_absolute_url())  # warm the version
    with django_assert_max_num_queries(6):
        assert client.get(old).status_code == 301
