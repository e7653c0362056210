"""Pages of appointments and participations (/appointments/<id>/, /participations/<id>/):
one term in a post, one country's part in a programme, each with its sources, linked from
the person, the post and the programme."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from registry.models import Status
from tests import factories as f
from tests.test_admin import JUNE_2004

pytestmark = pytest.mark.django_db


def jsonld(page: str) -> list[dict]:
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    graph = json.loads(data)
    return graph.get("@graph", [graph])


def test_an_appointment_page_says_who_held_which_post_when(client: Client):
    person = f.create_person(name="Robert Simmons", slug="robert-simmons")
    post = f.create_position(title="Special Representative", slug="special-representative")
    appointment = f.cited(f.create_appointment(person=person, position=post, start=JUNE_2004))
    page = client.get(f"/en/appointments/{appointment.pk}/").content.decode()
    assert "<h1>Robert Simmons, Special Representative" in page
    assert '<a href="/en/people/robert-simmons/">Robert Simmons</a>' in page
    assert '<a href="/en/positions/special-representative/">Special Representative</a>' in page
    assert "June 2004" in page
    assert "As the source states." in page  # its citation
    role = next(item for item in jsonld(page) if item.get("@type") == "Role")
    assert role["roleName"] == "Special Representative"
    assert role["startDate"] == "2004-06"
    assert role["member"]["name"] == "Robert Simmons"
    # Linked from the person's and the post's pages.
    for path in ("/en/people/robert-simmons/", "/en/positions/special-representative/"):
        assert f'href="/en/appointments/{appointment.pk}/"' in client.get(path).content.decode()


def test_a_participation_page_says_which_country_took_part_when(client: Client):
    country = f.create_country(name="Kazakhstan", slug="kazakhstan")
    programme = f.create_programme(name="Individual Partnership Action Plan", slug="ipap")
    participation = f.create_participation(country=country, programme=programme, start="2006")
    page = client.get(f"/en/participations/{participation.pk}/").content.decode()
    assert "<h1>Kazakhstan in the Individual Partnership Action Plan" in page
    assert '<a href="/en/countries/kazakhstan/">Kazakhstan</a>' in page
    assert '<a href="/en/programmes/ipap/">Individual Partnership Action Plan</a>' in page
    assert (
        f'href="/en/participations/{participation.pk}/"'
        in client.get("/en/programmes/ipap/").content.decode()
    )


def test_hidden_ones_have_no_page(client: Client):
    draft_person = f.create_person(name="Draft Person", status=Status.DRAFT)
    hidden = f.create_appointment(person=draft_person)
    draft = f.create_appointment(status=Status.DRAFT)
    for appointment in (hidden, draft):
        assert client.get(f"/en/appointments/{appointment.pk}/").status_code == 404
    assert client.get("/en/appointments/999999/").status_code == 404
    assert client.get("/en/appointments/nope/").status_code == 404


def test_they_are_in_the_sitemap(client: Client):
    appointment = f.create_appointment()
    participation = f.create_participation()
    assert (
        f"/en/appointments/{appointment.pk}/</loc>"
        in client.get("/sitemap-appointments.xml").content.decode()
    )
    assert (
        f"/en/participations/{participation.pk}/</loc>"
        in client.get("/sitemap-participations.xml").content.decode()
    )


def test_the_api_gives_their_pages(client: Client):
    appointment = f.create_appointment()
    answer = client.get(f"/api/v1/appointments/{appointment.pk}/").json()
    assert answer["html_url"] == f"http://testserver/en/appointments/{appointment.pk}/"


def test_a_deleted_appointments_page_answers_410(client: Client):
    appointment = f.create_appointment()
    path = f"/en/appointments/{appointment.pk}/"
    appointment.delete()
    assert client.get(path).status_code == 410
