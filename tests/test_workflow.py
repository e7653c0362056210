"""The publication workflow: draft → published → unpublished, scheduled publication and
expiry decided at query time (no job runs), and the change form saying what the public sees."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from registry.models import (
    Appointment,
    Citation,
    Participation,
    PendingRevision,
    Person,
    Status,
    Topic,
    Visit,
)
from registry.publication.visibility import PublicState, published_q
from tests import factories as f
from tests.test_admin import CITATIONS, submit, url

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
T0 = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)  # 10:00 in Brussels (CET)
TICK = dt.timedelta(microseconds=1)

PUBLISHABLE = {
    "region": f.create_region,
    "country": f.create_country,
    "organisation": f.create_organisation,
    "office": f.create_office,
    "person": f.create_person,
    "position": f.create_position,
    "appointment": f.create_appointment,
    "programme": f.create_programme,
    "participation": f.create_participation,
    "event": f.create_event,
    "topic": f.create_topic,
    "visit": f.create_visit,
    "source": f.create_source,
}


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def visible(record) -> bool:
    return type(record).objects.published().filter(pk=record.pk).exists()


# --- scheduling at query time ---------------------------------------------------------------


@pytest.mark.parametrize("kind", PUBLISHABLE)
def test_scheduled_record_appears_at_the_exact_moment_and_expires_on_time(kind: str) -> None:
    record = PUBLISHABLE[kind](publish_at=T0, expire_at=T0 + dt.timedelta(days=2))
    with at(T0 - TICK):
        assert not visible(record)
        assert record.public_state() == PublicState.SCHEDULED
        assert record.is_published is False
    with at(T0):
        assert visible(record)
        assert record.public_state() == PublicState.LIVE
        assert record.is_published is True
    with at(T0 + dt.timedelta(days=2) - TICK):
        assert visible(record)
    with at(T0 + dt.timedelta(days=2)):
        assert not visible(record)
        assert record.public_state() == PublicState.EXPIRED


def test_a_draft_is_never_visible_whatever_its_times() -> None:
    topic = f.create_topic(status=Status.DRAFT, publish_at=T0)
    with at(T0 + dt.timedelta(days=1)):
        assert not visible(topic)
        assert topic.public_state() == PublicState.DRAFT


def test_published_q_checks_a_related_record_the_same_way() -> None:
    person = f.create_person(publish_at=T0)
    appointment = f.create_appointment(person=person)
    visit = f.create_visit(traveller=person)
    source = f.create_source(publish_at=T0)
    citation = f.create_citation(record=f.create_topic(), source=source)
    participation = f.create_participation(programme=f.create_programme(publish_at=T0))
    with at(T0 - TICK):
        assert not Appointment.objects.published().filter(pk=appointment.pk).exists()
        assert not Visit.objects.published().filter(pk=visit.pk).exists()
        assert not Citation.objects.published().filter(pk=citation.pk).exists()
        assert not Participation.objects.published().filter(pk=participation.pk).exists()
        assert not Person.objects.filter(published_q()).filter(pk=person.pk).exists()
    with at(T0):
        assert Appointment.objects.published().filter(pk=appointment.pk).exists()
        assert Visit.objects.published().filter(pk=visit.pk).exists()
        assert Citation.objects.published().filter(pk=citation.pk).exists()
        assert Participation.objects.published().filter(pk=participation.pk).exists()


def test_scheduled_record_reaches_public_pages_and_api_on_time(client: Any) -> None:
    topic = f.create_topic(name="Cyber defence", slug="cyber-defence", publish_at=T0)
    page = reverse("registry:topic-detail", kwargs={"slug": "cyber-defence"})
    with at(T0 - TICK):
        assert client.get(page).status_code == 404
        assert "cyber-defence" not in client.get("/api/v1/topics/").text
    with at(T0):
        assert client.get(page).status_code == 200
        assert "cyber-defence" in client.get("/api/v1/topics/").text
    topic.expire_at = T0 + dt.timedelta(hours=1)
    topic.save()
    with at(T0 + dt.timedelta(hours=1)):
        assert client.get(page).status_code == 404
        assert "cyber-defence" not in client.get("/api/v1/topics/").text


def test_expiry_must_follow_publication_in_the_database() -> None:
    topic = f.create_topic()
    topic.publish_at, topic.expire_at = T0, T0
    with pytest.raises(ValidationError):
        topic.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        topic.save()


# --- the change form ------------------------------------------------------------------------


def test_save_and_publish_then_save_and_unpublish(publisher_client: Any) -> None:
    topic = f.cited(f.create_topic(status=Status.DRAFT, name="Energy security"))
    target = url(Topic, "change", topic.pk)
    page = publisher_client.get(target)
    assert "Draft: the public does not see this record" in page.text
    assert 'name="_publish"' in page.text
    response = submit(publisher_client, target, {"_publish": "Save and publish"})
    assert response.status_code == 302
    assert response["Location"] == target  # stays on the record
    topic.refresh_from_db()
    assert topic.status == Status.PUBLISHED
    assert topic.history.first().history_change_reason == "Published"

    page = publisher_client.get(target)
    assert "Published: the public sees this record" in page.text
    assert "An Editor&#x27;s changes wait as a pending revision" in page.text
    assert 'name="_unpublish"' in page.text
    submit(publisher_client, target, {"_unpublish": "Save and unpublish"})
    topic.refresh_from_db()
    assert topic.status == Status.DRAFT
    assert topic.history.first().history_change_reason == "Unpublished"
    assert "It was unpublished on" in publisher_client.get(target).text


def test_editing_a_published_record_keeps_it_published(editor_client: Any) -> None:
    """An Editor's edit waits as a pending revision (tests/test_revisions.py): the record
    stays published, as it was."""
    topic = f.create_topic(name="Science")
    response = submit(editor_client, url(Topic, "change", topic.pk), {"name": "Science for peace"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.status) == ("Science", Status.PUBLISHED)
    pending = PendingRevision.objects.get()
    assert pending.data["parent"]["fields"]["name"] == "Science for peace"


def test_new_records_start_as_drafts(publisher_client: Any) -> None:
    page = publisher_client.get(url(Topic, "add"))
    assert "New record: it will be saved as a draft" in page.text
    response = submit(publisher_client, url(Topic, "add"), {"name": "Mine action", "slug": "mine"})
    assert response.status_code == 302
    assert Topic.objects.get(slug="mine").status == Status.DRAFT


def test_a_new_record_can_be_saved_and_published_at_once(publisher_client: Any) -> None:
    source = f.create_source()
    submit(
        publisher_client,
        url(Topic, "add"),
        {"name": "Mine action", "slug": "mine", "_publish": "Save and publish"},
        {CITATIONS: [{"source": str(source.pk), "quote": "Mine action"}]},
    )
    topic = Topic.objects.get(slug="mine")
    assert topic.status == Status.PUBLISHED
    assert topic.history.first().history_change_reason == "Published"


def test_schedule_is_entered_and_shown_in_the_editors_time_zone(publisher_client: Any) -> None:
    topic = f.cited(f.create_topic(status=Status.DRAFT))
    target = url(Topic, "change", topic.pk)
    page = publisher_client.get(target)
    assert "Times are in Europe/Brussels." in page.text
    with at(T0 - dt.timedelta(days=1)):
        response = submit(
            publisher_client,
            target,
            {
                "publish_at_0": "2026-03-03",
                "publish_at_1": "10:00:00",
                "expire_at_0": "2026-07-01",
                "expire_at_1": "12:00:00",
                "_publish": "Save and publish",
            },
        )
        assert response.status_code == 302
        topic.refresh_from_db()
        assert topic.publish_at == T0  # 10:00 CET is 09:00 UTC
        assert topic.expire_at == dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)  # CEST
        page = publisher_client.get(target)
        assert "Scheduled: public from 3 March 2026, 10:00 CET (Europe/Brussels)" in page.text
        assert "disappear from the public site on 1 July 2026, 12:00 CEST" in page.text
        changelist = publisher_client.get(url(Topic, "changelist"))
        assert "Scheduled for 3 March 2026, 10:00 CET (Europe/Brussels)" in changelist.text
        assert not visible(topic)
    with at(T0):
        assert "Published: the public sees this record" in publisher_client.get(target).text
        assert visible(topic)
    with at(dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)):
        assert "Expired: not public since 1 July 2026, 12:00 CEST" in (
            publisher_client.get(target).text
        )


def test_expiry_before_publication_is_a_field_error(publisher_client: Any) -> None:
    topic = f.create_topic()
    response = submit(
        publisher_client,
        url(Topic, "change", topic.pk),
        {
            "publish_at_0": "2026-03-03",
            "publish_at_1": "10:00:00",
            "expire_at_0": "2026-03-03",
            "expire_at_1": "09:00:00",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "The expiry time must be after the publication time." in errors["expire_at"]


def test_notice_says_when_a_published_record_is_hidden_by_a_linked_draft(
    publisher_client: Any,
) -> None:
    appointment = f.create_appointment(person=f.create_person(status=Status.DRAFT))
    page = publisher_client.get(url(Appointment, "change", appointment.pk))
    assert "Published, but hidden" in page.text


def test_bulk_publish_and_unpublish_are_recorded_per_record(publisher_client: Any) -> None:
    topics = [f.cited(f.create_topic(status=Status.DRAFT)) for _ in range(3)]
    response = publisher_client.post(
        url(Topic, "changelist"),
        {"action": "publish", "_selected_action": [t.pk for t in topics]},
        follow=True,
    )
    assert "3 topics marked published." in response.text
    for topic in topics:
        last = topic.history.first()
        assert (last.status, last.history_change_reason) == (Status.PUBLISHED, "Published")
        assert last.history_user.groups.filter(name="Publisher").exists()
    publisher_client.post(
        url(Topic, "changelist"), {"action": "unpublish", "_selected_action": [topics[0].pk]}
    )
    assert topics[0].history.first().history_change_reason == "Unpublished"
    assert not visible(topics[0])


def test_bulk_publish_warns_about_records_outside_their_window(publisher_client: Any) -> None:
    expired = f.cited(f.create_topic(status=Status.DRAFT, expire_at=T0))
    with at(T0 + dt.timedelta(days=1)):
        response = publisher_client.post(
            url(Topic, "changelist"),
            {"action": "publish", "_selected_action": [expired.pk]},
            follow=True,
        )
    assert "1 of them are not public yet or any more" in response.text


def test_changelist_filters_by_what_the_public_sees(publisher_client: Any) -> None:
    live = f.create_topic(name="Live topic")
    f.create_topic(name="Draft topic", status=Status.DRAFT)
    f.create_topic(name="Later topic", publish_at=T0)
    with at(T0 - dt.timedelta(days=1)):
        response = publisher_client.get(url(Topic, "changelist"), {"public": "live"})
        assert [row.pk for row in response.context["cl"].result_list] == [live.pk]
        response = publisher_client.get(url(Topic, "changelist"), {"public": "scheduled"})
        assert [row.name for row in response.context["cl"].result_list] == ["Later topic"]
