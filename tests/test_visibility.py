"""The one rule of what the public sees (registry/publication/visibility.py): the query
condition and the Python check agree for every state of a record and of the records it
depends on, at the boundaries of its schedule, and while it is previewed."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.utils import timezone

from registry.models import Appointment, Participation, Person, Position, Status, Visit
from registry.publication.visibility import (
    PublicState,
    hide_hidden,
    is_public,
    previewing,
    public_state,
    visible_q,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)

# (status, publish_at, expire_at) -> public?
STATES = {
    "draft": ((Status.DRAFT, None, None), False),
    "draft scheduled in the past": ((Status.DRAFT, NOW - HOUR, None), False),
    "live": ((Status.PUBLISHED, None, None), True),
    "publish time reached": ((Status.PUBLISHED, NOW - HOUR, None), True),
    "publish time exactly now": ((Status.PUBLISHED, NOW, None), True),
    "scheduled": ((Status.PUBLISHED, NOW + HOUR, None), False),
    "expiring later": ((Status.PUBLISHED, None, NOW + HOUR), True),
    "expired exactly now": ((Status.PUBLISHED, None, NOW), False),
    "expired": ((Status.PUBLISHED, NOW - 2 * HOUR, NOW - HOUR), False),
    "window open": ((Status.PUBLISHED, NOW - HOUR, NOW + HOUR), True),
}


def set_state(record, state: str) -> None:
    (status, publish_at, expire_at), _ = STATES[state]
    type(record).objects.filter(pk=record.pk).update(
        status=status, publish_at=publish_at, expire_at=expire_at
    )
    record.refresh_from_db()


def public_by_query(record) -> bool:
    return type(record).objects.published().filter(pk=record.pk).exists()


@pytest.mark.parametrize("state", STATES)
def test_own_state_decides_alike_in_sql_and_python(state):
    person = f.create_person()
    set_state(person, state)
    expected = STATES[state][1]
    with time_machine.travel(NOW, tick=False):
        assert public_by_query(person) is expected
        assert is_public(person) is expected
        assert person.is_published is expected
        assert (public_state(person) == PublicState.LIVE) is expected


def test_public_state_names_each_state():
    person = f.create_person()
    with time_machine.travel(NOW, tick=False):
        for state, expected in [
            ("draft", PublicState.DRAFT),
            ("draft scheduled in the past", PublicState.DRAFT),
            ("live", PublicState.LIVE),
            ("scheduled", PublicState.SCHEDULED),
            ("expired", PublicState.EXPIRED),
            ("expired exactly now", PublicState.EXPIRED),
            ("window open", PublicState.LIVE),
        ]:
            set_state(person, state)
            assert public_state(person) == expected, state
            assert person.public_state() == expected, state


DEPENDENT = ["live", "draft", "scheduled", "expired"]


@pytest.mark.parametrize(
    ("own", "person_state", "position_state"),
    list(itertools.product(DEPENDENT, DEPENDENT, DEPENDENT)),
)
def test_an_appointment_is_public_only_with_its_person_and_post(own, person_state, position_state):
    appointment = f.create_appointment()
    set_state(appointment, own)
    set_state(appointment.person, person_state)
    set_state(appointment.position, position_state)
    expected = all(STATES[s][1] for s in (own, person_state, position_state))
    with time_machine.travel(NOW, tick=False):
        loaded = Appointment.objects.select_related("person", "position").get(pk=appointment.pk)
        assert public_by_query(appointment) is expected
        assert is_public(loaded) is expected


@pytest.mark.parametrize(
    ("traveller", "post"),
    [
        (None, None),
        ("live", None),
        ("draft", None),
        (None, "live"),
        (None, "scheduled"),
        ("live", "live"),
        ("live", "expired"),
        ("draft", "live"),
    ],
)
def test_a_visit_needs_its_traveller_and_post_only_when_it_names_them(traveller, post):
    visit = f.create_visit()
    person = visit.traveller
    position = f.create_position()
    Visit.objects.filter(pk=visit.pk).update(
        traveller=person if traveller else None, traveller_position=position if post else None
    )
    if traveller:
        set_state(person, traveller)
    if post:
        set_state(position, post)
    expected = all(STATES[s][1] for s in (traveller, post) if s)
    with time_machine.travel(NOW, tick=False):
        loaded = Visit.objects.select_related("traveller", "traveller_position").get(pk=visit.pk)
        assert public_by_query(visit) is expected
        assert is_public(loaded) is expected


@pytest.mark.parametrize(
    ("country", "programme"), [("live", "live"), ("draft", "live"), ("live", "expired")]
)
def test_a_participation_needs_its_country_and_programme(country, programme):
    participation = f.create_participation()
    set_state(participation.country, country)
    set_state(participation.programme, programme)
    expected = STATES[country][1] and STATES[programme][1]
    with time_machine.travel(NOW, tick=False):
        assert public_by_query(participation) is expected
        loaded = Participation.objects.select_related("country", "programme").get(
            pk=participation.pk
        )
        assert is_public(loaded) is expected


def test_visible_q_follows_a_prefix_to_the_linked_record():
    appointment = f.create_appointment()
    set_state(appointment.person, "draft")
    with time_machine.travel(NOW, tick=False):
        # Through a relation: the appointment's own rule, person and post included.
        positions = Position.objects.filter(visible_q(Appointment, "appointments"))
        assert not positions.filter(pk=appointment.position_id).exists()
        set_state(appointment.person, "live")
        assert positions.filter(pk=appointment.position_id).exists()


def test_the_record_previewed_counts_as_public_and_only_it():
    draft = f.create_person(status=Status.DRAFT)
    other = f.create_person(status=Status.DRAFT)
    with previewing(draft):
        assert public_by_query(draft)
        assert is_public(draft)
        assert not public_by_query(other)
        assert not is_public(other)
        # A record depending on the previewed one sees it as public too.
        appointment = f.create_appointment(person=draft)
        assert public_by_query(appointment)
    assert not public_by_query(draft)
    assert not is_public(draft)


def test_previewing_a_draft_leaves_the_published_records_public():
    draft = f.create_person(status=Status.DRAFT)
    published = f.create_person(status=Status.PUBLISHED)
    with previewing(draft):
        shown = set(Person.objects.filter(visible_q(Person)))
    assert shown >= {draft, published}


def test_visible_q_decides_at_the_moment_given_for_the_record_and_what_it_depends_on():
    """`now` asks what the public sees at another moment, e.g. once a schedule is reached:
    the record's own fields and those of every record it depends on are read at that moment."""
    appointment = f.create_appointment()
    person, position = appointment.person, appointment.position
    later = timezone.now() + dt.timedelta(days=3650)
    Appointment.objects.filter(pk=appointment.pk).update(publish_at=later - HOUR)
    Person.objects.filter(pk=person.pk).update(publish_at=later - HOUR)
    Position.objects.filter(pk=position.pk).update(expire_at=later - HOUR)

    def visible(now):
        return Appointment.objects.filter(visible_q(Appointment, now=now), pk=appointment.pk)

    assert not visible(None).exists()  # now: the appointment and its person are scheduled
    assert not visible(later).exists()  # then: the post has expired
    Position.objects.filter(pk=position.pk).update(expire_at=None)
    assert visible(later).exists()
    assert not visible(None).exists()
    Appointment.objects.filter(pk=appointment.pk).update(publish_at=None)
    assert not visible(None).exists()  # the person is still scheduled
    assert visible(later).exists()


def test_records_without_a_state_of_their_own_are_public_and_none_is_not():
    visit = f.create_visit()
    leg = f.create_leg(visit=visit)
    assert is_public(leg)
    assert not is_public(None)


def test_hide_hidden_blanks_only_links_that_are_not_public():
    visit = f.create_visit()
    shown = f.create_person()
    hidden = f.create_person(status=Status.DRAFT)
    meetings = [
        f.create_meeting(visit=visit, counterpart=shown),
        f.create_meeting(visit=visit, counterpart=hidden),
    ]
    hide_hidden([*meetings, None], "counterpart")
    assert meetings[0].counterpart == shown
    assert meetings[1].counterpart is None


def test_hide_hidden_goes_on_past_an_empty_place_in_the_list():
    visit = f.create_visit()
    hidden = f.create_person(status=Status.DRAFT)
    meeting = f.create_meeting(visit=visit, counterpart=hidden)
    hide_hidden([None, meeting], "counterpart")
    assert meeting.counterpart is None


def test_scheduled_record_appears_and_expires_on_time_without_any_job():
    person = f.create_person(status=Status.PUBLISHED)
    Person.objects.filter(pk=person.pk).update(publish_at=NOW + HOUR, expire_at=NOW + 2 * HOUR)
    with time_machine.travel(NOW, tick=False):
        assert not public_by_query(person)
    with time_machine.travel(NOW + HOUR, tick=False):
        assert public_by_query(person)
    with time_machine.travel(NOW + 2 * HOUR - dt.timedelta(seconds=1), tick=False):
        assert public_by_query(person)
    with time_machine.travel(NOW + 2 * HOUR, tick=False):
        assert not public_by_query(person)
        assert timezone.now() == NOW + 2 * HOUR
