"""A meeting may be put on a leg added in the same save of the visit's form: the meeting's
Leg menu offers the new leg rows ("new-N" names the row legs-N), the legs are saved first,
and the meeting is given the leg its row created (registry/admin/meeting_legs.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from registry.models import Meeting, Status, Visit, VisitLeg
from tests import factories as f
from tests.test_admin import CITATIONS, all_row_errors, form_data, submit, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher() -> Client:
    client = Client()
    client.force_login(f.create_user(role="publisher"))
    return client


@pytest.fixture
def places() -> dict[str, Any]:
    return {
        "azerbaijan": f.create_country(name="Azerbaijan"),
        "georgia": f.create_country(name="Georgia"),
    }


def leg(country: Any, order: int, city: str, start: str) -> dict[str, str]:
    return {"order": str(order), "country": str(country.pk), "city": city, "start_date": start}


def meeting(leg_value: str, group: str = "Students at Tbilisi State University") -> dict:
    return {"order": "1", "leg": leg_value, "counterpart_group": group, "date": "18 March 2024"}


def new_visit(client: Client, legs: list[dict], meetings: list[dict], **extra: str) -> Any:
    # Cited, so that "Save and publish" passes the publishing gate.
    cite = {"source": str(f.create_source().pk), "quote": "A tour of the South Caucasus."}
    return submit(
        client,
        url(Visit, "add"),
        {
            "title": "Tour of the South Caucasus",
            "slug": "tour",
            "traveller": str(f.create_person(name="Jens Stoltenberg").pk),
            "start_date": "2024-03-17",
            "end_date": "2024-03-19",
            **extra,
        },
        {"legs": legs, "meetings": meetings, CITATIONS: [cite]},
    )


def stop_of(page_html: str, city: str) -> str:
    """The itinerary entry of the stop in `city` on a public visit page."""
    itinerary = page_html[page_html.index('class="itinerary"') :]
    itinerary = itinerary[: itinerary.index("</ol>")]
    for stop in itinerary.split("<h3>")[1:]:
        if stop.startswith(f"{city}, "):
            return stop
    raise AssertionError(f"no stop in {city}")


def test_a_new_visit_with_a_meeting_on_its_second_new_leg(publisher: Client, places) -> None:
    response = new_visit(
        publisher,
        [
            leg(places["azerbaijan"], 1, "Baku", "2024-03-17"),
            leg(places["georgia"], 2, "Tbilisi", "2024-03-18"),
        ],
        [meeting("new-1")],
        _publish="Save and publish",
    )
    assert response.status_code == 302, all_row_errors(response, "meetings")
    visit = Visit.objects.get(slug="tour")
    tbilisi = visit.legs.get(city="Tbilisi")
    assert visit.meetings.get().leg == tbilisi
    # The public page lists the meeting under that stop, not under "Other meetings".
    visit.refresh_from_db()
    assert visit.status == Status.PUBLISHED
    page = publisher.get(visit.get_absolute_url())
    assert page.status_code == 200
    assert "Students at Tbilisi State University" in stop_of(page.text, "Tbilisi")
    assert "Students at Tbilisi State University" not in stop_of(page.text, "Baku")
    assert "Other meetings" not in page.text


def test_a_stored_meeting_moves_to_a_leg_added_in_the_same_save(admin_client, places) -> None:
    visit = f.create_visit(start="2024-03-17", end="2024-03-19")
    baku = f.create_leg(visit=visit, order=1, country=places["azerbaijan"], city="Baku")
    talks = f.create_meeting(visit=visit, leg=baku, order=1, counterpart_group="Officials")
    target = url(Visit, "change", visit.pk)
    data = form_data(admin_client.get(target))
    data.update({f"legs-1-{k}": v for k, v in leg(places["georgia"], 2, "Tbilisi", "").items()})
    data["legs-TOTAL_FORMS"] = "2"
    data["meetings-0-leg"] = "new-1"
    data["meetings-TOTAL_FORMS"] = "2"
    data.update({f"meetings-1-{k}": v for k, v in meeting("new-1", "Students").items()})
    response = admin_client.post(target, data)
    assert response.status_code == 302, all_row_errors(response, "meetings")
    tbilisi = visit.legs.get(city="Tbilisi")
    talks.refresh_from_db()
    assert talks.leg == tbilisi
    assert visit.meetings.get(counterpart_group="Students").leg == tbilisi
    assert list(baku.meetings.all()) == []


@pytest.mark.parametrize(
    ("value", "why"),
    [("new-5", "no such row"), ("new-0", "a stored leg's row"), ("new-2", "no country yet")],
)
def test_a_meeting_on_a_leg_that_is_not_being_added_is_an_error(
    admin_client, places, value: str, why: str
) -> None:
    visit = f.create_visit(start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=visit, order=1, country=places["azerbaijan"], city="Baku")
    target = url(Visit, "change", visit.pk)
    data = form_data(admin_client.get(target))
    data.update({f"legs-1-{k}": v for k, v in leg(places["georgia"], 2, "Tbilisi", "").items()})
    data.update({"legs-2-order": "3", "legs-2-city": "Yerevan", "legs-TOTAL_FORMS": "3"})
    data.update({f"meetings-0-{k}": v for k, v in meeting(value).items()})
    data["meetings-TOTAL_FORMS"] = "1"
    response = admin_client.post(target, data)
    assert response.status_code == 200, why
    assert "The new leg chosen for this meeting is no longer in the form" in all_row_errors(
        response, "meetings"
    )
    assert not Meeting.objects.exists()
    assert visit.legs.count() == 1


def test_the_form_sent_back_with_errors_keeps_the_new_leg_chosen(admin_client, places) -> None:
    response = new_visit(
        admin_client,
        [
            leg(places["azerbaijan"], 1, "Baku", "2024-03-17"),
            leg(places["georgia"], 2, "Tbilisi", "2024-03-18"),
        ],
        [meeting("new-1")],
        title="",  # an error elsewhere: nothing is saved and the form comes back
    )
    assert response.status_code == 200
    assert not VisitLeg.objects.exists()
    menu = re.search(r'<select name="meetings-0-leg".*?</select>', response.text, re.S)[0]
    assert '<option value="new-1" selected>New leg: 2. Tbilisi, Georgia</option>' in menu
    assert '<option value="new-0">New leg: 1. Baku, Azerbaijan</option>' in menu


def test_a_leg_taken_out_in_the_same_save_cannot_hold_a_meeting(admin_client, places) -> None:
    response = new_visit(
        admin_client,
        [
            leg(places["azerbaijan"], 1, "Baku", "2024-03-17"),
            leg(places["georgia"], 2, "Tbilisi", "2024-03-18") | {"DELETE": "on"},
        ],
        [meeting("new-1")],
    )
    assert "no longer in the form" in all_row_errors(response, "meetings")
    assert not Visit.objects.exists()


def test_after_a_conflict_the_meeting_still_names_its_new_leg(places) -> None:
    """Someone else deleted a stored leg: the conflict screen renumbers the leg rows, and
    the meeting on a new leg follows its row."""
    from tests.test_locking import again, change_url, conflict, editor, open_form

    visit = f.create_visit(start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=visit, order=1, country=places["azerbaijan"], city="Baku")
    f.create_leg(visit=visit, order=2, country=places["azerbaijan"], city="Ganja")
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["legs-0-DELETE"] = "on"
    assert alice.post(target, form_a).status_code == 302
    form_b.update({f"legs-2-{k}": v for k, v in leg(places["georgia"], 3, "Tbilisi", "").items()})
    form_b["legs-TOTAL_FORMS"] = "3"
    form_b.update({f"meetings-0-{k}": v for k, v in meeting("new-2").items()})
    form_b["meetings-TOTAL_FORMS"] = "1"
    refused = bob.post(target, form_b)
    conflict(refused)
    data = again(refused)
    assert data["legs-1-city"] == "Tbilisi"  # Baku's row is gone: Tbilisi is row 1 now
    assert data["meetings-0-leg"] == "new-1"
    assert bob.post(target, data).status_code == 302
    assert visit.meetings.get().leg == visit.legs.get(city="Tbilisi")
