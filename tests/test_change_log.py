"""The public change log (registry/publication/change_log.py): what is recorded when public
content changes, whoever saves it, and what is never recorded (drafts, rolled-back work, the
editor's name)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client

from registry.models import PublicChange, Status, Visit
from registry.publication import revisions
from tests import factories as f
from tests.test_revisions import MARKER, published_visit, submit, url

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
Kind = PublicChange.Kind


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Runs what waits for the commit, as the test's own transaction never commits."""

    def run(action, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def entries(record: Any = None) -> list[tuple[str, str]]:
    changes = PublicChange.objects.visible()
    if record is not None:
        changes = changes.filter(object_id=record.pk, content_type__model=record._meta.model_name)
    return [(c.kind, c.label) for c in changes.order_by("at", "id")]


def saved(record: Any, **values: Any) -> Any:
    for name, value in values.items():
        setattr(record, name, value)
    with transaction.atomic():
        record.save()
    return record


def test_publishing_a_draft_is_one_entry(commits) -> None:
    visit = commits(f.create_visit, title="Draft visit", status=Status.DRAFT)
    assert entries(visit) == []
    PublicChange.objects.all().delete()  # its traveller, published by the factory
    commits(saved, visit, status=Status.PUBLISHED)
    (change,) = PublicChange.objects.all()
    assert (change.kind, change.label, change.path) == (
        Kind.PUBLISHED,
        "Draft visit",
        visit.get_absolute_url(),
    )
    assert change.fields == [] and change.editor == ""


def test_a_correction_lists_its_public_before_and_after(commits) -> None:
    visit = commits(published_visit)
    PublicChange.objects.all().delete()
    commits(saved, visit, title="Secretary General visits Tbilisi", summary="A summary")
    (change,) = PublicChange.objects.all()
    assert change.kind == Kind.CORRECTED
    assert change.label == "Secretary General visits Tbilisi"
    assert change.fields == [
        {
            "field": "Title",
            "before": "Secretary General visits Georgia",
            "after": "Secretary General visits Tbilisi",
        },
        {"field": "Summary", "before": "—", "after": "A summary"},
    ]


def test_a_partial_date_is_logged_at_its_precision(commits) -> None:
    visit = commits(published_visit)
    PublicChange.objects.all().delete()
    visit.start = "2004-06"
    commits(saved, visit)
    (change,) = PublicChange.objects.all()
    assert {"field": "From", "before": "18 March 2024", "after": "June 2004"} in (change.fields)


def test_a_change_to_a_leg_is_a_correction_of_its_visit(commits) -> None:
    visit = commits(published_visit)
    PublicChange.objects.all().delete()
    leg = visit.legs.get()
    commits(saved, leg, city="Batumi")
    (change,) = PublicChange.objects.all()
    assert change.kind == Kind.CORRECTED and change.object_id == visit.pk
    assert [c["field"].split(":")[-1].strip() for c in change.fields] == ["City"]
    assert change.fields[0]["after"] == "Batumi"


def test_a_draft_is_never_logged_nor_a_link_to_one(commits) -> None:
    draft = commits(f.create_visit, title="Hidden draft", status=Status.DRAFT)
    PublicChange.objects.all().delete()  # its traveller, published by the factory
    commits(saved, draft, title="Hidden draft renamed")
    commits(draft.delete)
    assert PublicChange.objects.count() == 0
    # A published visit gains a traveller who is still a draft: the log does not name them.
    visit = commits(published_visit)
    PublicChange.objects.all().delete()
    secret = commits(f.create_person, name="Secret Person", status=Status.DRAFT)
    commits(saved, visit, traveller=secret)
    logged = " ".join(str(c.fields) + c.label for c in PublicChange.objects.all())
    assert "Secret Person" not in logged


def test_unpublishing_and_deleting_are_logged(commits) -> None:
    visit = commits(published_visit)
    other = commits(published_visit)
    commits(saved, visit, status=Status.DRAFT)
    label, other_pk = str(other), other.pk
    commits(other.delete)
    kinds = [(c.kind, c.object_id) for c in PublicChange.objects.order_by("id")][-2:]
    assert kinds == [(Kind.UNPUBLISHED, visit.pk), (Kind.DELETED, other_pk)]
    assert PublicChange.objects.get(kind=Kind.DELETED).label == label


def test_a_scheduled_publication_is_listed_from_its_time_on(commits) -> None:
    with time_machine.travel(NOW, tick=False):
        visit = commits(
            f.create_visit,
            title="Scheduled",
            publish_at=NOW + dt.timedelta(days=1),
            expire_at=NOW + dt.timedelta(days=3),
        )
        assert entries(visit) == []
        # Moving the time redoes the entries waiting for it.
        commits(saved, visit, publish_at=NOW + dt.timedelta(days=2))
        assert (
            PublicChange.objects.filter(object_id=visit.pk, content_type__model="visit").count()
            == 2
        )
    with time_machine.travel(NOW + dt.timedelta(days=2, minutes=1), tick=False):
        assert entries(visit) == [(Kind.PUBLISHED, "Scheduled")]
        published = PublicChange.objects.get(kind=Kind.PUBLISHED, content_type__model="visit")
        assert published.at == NOW + dt.timedelta(days=2)
    with time_machine.travel(NOW + dt.timedelta(days=4), tick=False):
        assert entries(visit) == [(Kind.PUBLISHED, "Scheduled"), (Kind.UNPUBLISHED, "Scheduled")]


def test_work_rolled_back_is_not_logged(commits) -> None:
    visit = commits(published_visit)
    PublicChange.objects.all().delete()

    def rolled_back() -> None:
        with transaction.atomic():
            saved(visit, title="Never seen")
            transaction.set_rollback(True)

    commits(rolled_back)
    assert PublicChange.objects.count() == 0
    # Previewing a pending revision writes it inside a savepoint that is rolled back.
    revision = revisions.save(visit, revisions.capture(visit), None, number=None)
    revision.data["parent"]["fields"]["title"] = "Previewed only"

    def preview() -> None:
        with revisions.showing(revision):
            pass

    commits(preview)
    assert PublicChange.objects.count() == 0


def test_a_published_revision_is_logged_as_a_correction(commits) -> None:
    visit = commits(published_visit)
    PublicChange.objects.all().delete()
    data = revisions.capture(visit)
    data["parent"]["fields"]["title"] = "Revised title"
    revision = revisions.save(visit, data, None, number=None)
    assert PublicChange.objects.count() == 0
    commits(revisions.publish, revision, None)
    (change,) = PublicChange.objects.all()
    assert change.kind == Kind.CORRECTED
    assert change.fields[0] == {
        "field": "Title",
        "before": "Secretary General visits Georgia",
        "after": "Revised title",
    }


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_a_transaction_is_logged_at_once() -> None:
    country = f.create_country(name="Zephyria", slug="zephyria")
    PublicChange.objects.all().delete()
    country.name = "Zephyria Republic"
    country.save()  # autocommit: no transaction to wait for
    (change,) = PublicChange.objects.all()
    assert change.kind == Kind.CORRECTED
    assert change.fields == [{"field": "Name", "before": "Zephyria", "after": "Zephyria Republic"}]


def test_the_editors_name_only_when_the_settings_say_so(client, commits, settings) -> None:
    visit = commits(published_visit)
    PublicChange.objects.all().delete()
    publisher = f.create_user(role="publisher", username="pat")
    client.force_login(publisher)
    commits(submit, client, url(visit), {"title": f"{MARKER} one"})
    assert PublicChange.objects.get().editor == ""
    settings.CHANGE_LOG_NAMES_EDITORS = True
    commits(submit, client, url(visit), {"title": f"{MARKER} two"})
    assert PublicChange.objects.order_by("id").last().editor == "pat"


def test_a_publisher_may_add_a_public_note_to_a_correction(client: Client, commits) -> None:
    visit = commits(published_visit)
    PublicChange.objects.all().delete()
    client.force_login(f.create_user(role="publisher"))
    form = client.get(url(visit)).content.decode()
    assert 'name="public_note"' in form
    commits(
        submit,
        client,
        url(visit),
        {"title": f"{MARKER} dated", "public_note": "Date corrected from the source."},
    )
    change = PublicChange.objects.get()
    assert change.note == "Date corrected from the source."
    assert Visit.objects.get(pk=visit.pk).title == f"{MARKER} dated"
