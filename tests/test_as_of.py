"""`as_of`, record by record (registry/api/as_of.py): whether a span was certainly, possibly
or surely not active on a day, at the very first and last days its partial dates allow, and
the query that finds the records possibly active (docs/api.md, "as_of")."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.api.as_of import certainty
from registry.filters.fields import current_q, possibly_active_q
from registry.models import Appointment, Event, Office, Position
from registry.partial_dates import PartialDate
from tests import factories as f


def span(model, start: str | None, end: str | None, **kw):
    record = model(**kw)
    record.start = PartialDate.parse(start) if start else None
    record.end = PartialDate.parse(end) if end else None
    return record


DAY = dt.date


@pytest.mark.parametrize(
    ("start", "end", "day", "answer"),
    [
        # A start known to the month: certain only from its last day on.
        ("June 2004", "2010", DAY(2004, 6, 29), "possible"),
        ("June 2004", "2010", DAY(2004, 6, 30), "certain"),
        ("June 2004", "2010", DAY(2004, 5, 31), "not_active"),
        ("June 2004", "2010", DAY(2004, 6, 1), "possible"),
        # An end known to the year: certain up to its first day, possible to its last.
        ("2000", "2010", DAY(2010, 1, 1), "certain"),
        ("2000", "2010", DAY(2010, 1, 2), "possible"),
        ("2000", "2010", DAY(2010, 12, 31), "possible"),
        ("2000", "2010", DAY(2011, 1, 1), "not_active"),
        # Known to the day: certain on both the first and the last day.
        ("2004-06-15", "2004-06-20", DAY(2004, 6, 15), "certain"),
        ("2004-06-15", "2004-06-20", DAY(2004, 6, 20), "certain"),
        ("2004-06-15", "2004-06-20", DAY(2004, 6, 21), "not_active"),
        ("2004-06-15", "2004-06-20", DAY(2004, 6, 14), "not_active"),
        # No start recorded: never certain, possible up to the end.
        (None, "2010", DAY(1990, 1, 1), "possible"),
        (None, "2010", DAY(2011, 1, 1), "not_active"),
    ],
)
def test_certainty_at_the_edges_of_partial_dates(start, end, day, answer):
    assert certainty(span(Appointment, start, end), day) == answer


@pytest.mark.parametrize(
    ("model", "ongoing", "answer"),
    [
        (Appointment, True, "certain"),  # still in post
        (Appointment, False, "possible"),  # the end is not recorded
        (Office, True, "certain"),
        (Position, False, "possible"),
        (Event, None, "possible"),  # an event has no "still going on"
    ],
)
def test_an_unrecorded_end_is_certain_only_for_a_record_said_to_go_on(model, ongoing, answer):
    kw = {} if ongoing is None else {"ongoing": ongoing}
    assert certainty(span(model, "2000", None, **kw), DAY(2020, 1, 1)) == answer
    assert certainty(span(model, "2000", None, **kw), DAY(1999, 12, 31)) == "not_active"


@pytest.mark.django_db
def test_possibly_active_q_follows_a_prefix_to_the_linked_spans():
    """Through `appointments__`: the posts that someone possibly held on the day, whatever the
    post's own dates."""
    long_post = f.create_position(start="1990", end="2030")
    short_holder = f.create_appointment(position=long_post, start="2004", end="June 2005")
    day = DAY(2005, 6, 30)
    found = Position.objects.filter(possibly_active_q(day, "appointments__"))
    assert set(found) == {long_post}
    assert short_holder.possibly_active_on(day)
    later = Position.objects.filter(possibly_active_q(DAY(2005, 7, 1), "appointments__"))
    assert not later.exists()


@pytest.mark.django_db
def test_current_shares_the_end_rule_an_end_not_passed_yet_or_going_on():
    today = DAY(2026, 6, 15)
    ending_this_month = f.create_office(start="2000", end="June 2026")
    ended = f.create_office(start="2000", end="May 2026")
    still_open = f.create_office(start="2000", ongoing=True)
    unknown_end = f.create_office(start="2000")
    found = set(Office.objects.filter(current_q(today)))
    assert ending_this_month in found
    assert still_open in found
    assert ended not in found
    assert unknown_end not in found


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["never", "2015-02-29", "01/01/2015"])
def test_a_bad_as_of_is_refused_with_the_form_it_needs(client, value):
    response = client.get("/api/v1/offices/", {"as_of": value})
    assert response.status_code == 400
    assert response.json() == {"as_of": ["Enter a valid date. Use YYYY-MM-DD."]}


@pytest.mark.django_db
def test_an_empty_as_of_asks_for_no_day(client):
    f.create_office(start="2000", end="2001")
    response = client.get("/api/v1/offices/", {"as_of": ""})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows
    assert all(row["as_of"] is None for row in rows)
