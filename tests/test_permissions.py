"""Roles, asserted on the server through real admin requests.

The matrix: role (Editor, Publisher, superuser, staff in no group, anonymous) × action
(view, add, change, publish, unpublish, delete, revert). Each cell makes the request a
browser would and then checks the database, not the buttons. After it, every path by which
an Editor might publish or unpublish is tried and refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from registry.admin import edit_snapshot, locking
from registry.admin.workflow import is_publishable
from registry.models import Appointment, Person, Status, Topic
from registry.models.history import Versions
from tests import factories as f
from tests.test_admin import at_version, form_data, submit, url

pytestmark = pytest.mark.django_db

CITATIONS = "registry-citation-content_type-object_id"
NO_CITATIONS = {f"{CITATIONS}-TOTAL_FORMS": "0", f"{CITATIONS}-INITIAL_FORMS": "0"}


def topic_form(topic: Topic | None = None, **changes: str) -> dict[str, str]:
    """The POST of a topic's change (or add) form, built without reading the page, which
    a refused user cannot."""
    data = {
        "name": topic.name if topic else "New topic",
        "slug": topic.slug if topic else "new-topic",
        "description": topic.description if topic else "",
        **NO_CITATIONS,
    }
    if topic is not None:
        data.update({f"{CITATIONS}-INITIAL_FORMS": str(topic.citations.count())})
        # The edit snapshot the change form would carry (registry/admin/locking.py).
        fields = ["name", "slug", "description"]
        state = edit_snapshot.read_state(Topic, [topic.pk], fields)
        data[locking.TOKEN_FIELD] = edit_snapshot.make_token(
            {edit_snapshot.record_key(Topic, topic.pk): state[topic.pk]}
        )
    return {**data, **changes}


# --- one function per action: True when the server carried it out -------------------------


def view(client: Any) -> bool:
    topic = f.create_topic()
    changelist = client.get(url(Topic, "changelist"))
    page = client.get(url(Topic, "change", topic.pk))
    history = client.get(url(Topic, "history", topic.pk))
    return [changelist.status_code, page.status_code, history.status_code] == [200] * 3


def add(client: Any) -> bool:
    client.post(url(Topic, "add"), topic_form(name="Added", slug="added"))
    return Topic.objects.filter(slug="added").exists()


def change(client: Any) -> bool:
    """Changing a draft: a published record's changes wait for review (test_revisions.py)."""
    topic = f.create_topic(name="Before", status=Status.DRAFT)
    client.post(url(Topic, "change", topic.pk), topic_form(topic, name="After"))
    topic.refresh_from_db()
    return topic.name == "After"


def publish(client: Any) -> bool:
    by_form, by_action = f.cited(
        f.create_topic(status=Status.DRAFT), f.create_topic(status=Status.DRAFT)
    )
    client.post(url(Topic, "change", by_form.pk), topic_form(by_form, _publish="Publish"))
    client.post(url(Topic, "changelist"), {"action": "publish", "_selected_action": [by_action.pk]})
    by_form.refresh_from_db()
    by_action.refresh_from_db()
    done = [by_form.status, by_action.status]
    assert done[0] == done[1], "the form and the bulk action must agree"
    return done[0] == Status.PUBLISHED


def unpublish(client: Any) -> bool:
    by_form, by_action = f.create_topic(), f.create_topic()
    client.post(url(Topic, "change", by_form.pk), topic_form(by_form, _unpublish="Unpublish"))
    client.post(
        url(Topic, "changelist"), {"action": "unpublish", "_selected_action": [by_action.pk]}
    )
    by_form.refresh_from_db()
    by_action.refresh_from_db()
    done = [by_form.status, by_action.status]
    assert done[0] == done[1], "the form and the bulk action must agree"
    return done[0] == Status.DRAFT


def _delete(client: Any, status: str) -> bool:
    by_page, by_action = f.create_topic(status=status), f.create_topic(status=status)
    client.post(url(Topic, "delete", by_page.pk), {"post": "yes"})
    client.post(
        url(Topic, "changelist"),
        {"action": "delete_selected", "_selected_action": [by_action.pk], "post": "yes"},
    )
    gone = [not Topic.objects.filter(pk=t.pk).exists() for t in (by_page, by_action)]
    assert gone[0] == gone[1], "the delete page and the bulk action must agree"
    return gone[0]


def delete_draft(client: Any) -> bool:
    return _delete(client, Status.DRAFT)


def delete_published(client: Any) -> bool:
    return _delete(client, Status.PUBLISHED)


def revert(client: Any) -> bool:
    topic = f.create_topic(name="First name", status=Status.DRAFT)
    topic.name = "Second name"
    topic.save()
    first = Versions(Topic, topic.pk).list()[-1]
    client.post(url(Topic, "version", topic.pk, first.key), at_version(topic))
    topic.refresh_from_db()
    return topic.name == "First name"


ACTIONS: dict[str, Callable[[Any], bool]] = {
    "view": view,
    "add": add,
    "change": change,
    "publish": publish,
    "unpublish": unpublish,
    "delete draft": delete_draft,
    "delete published": delete_published,
    "revert": revert,
}
EVERYTHING = dict.fromkeys(ACTIONS, True)
NOTHING = dict.fromkeys(ACTIONS, False)
MATRIX = {
    "editor": {**EVERYTHING, "publish": False, "unpublish": False, "delete published": False},
    "publisher": EVERYTHING,
    "superuser": EVERYTHING,
    "staff": NOTHING,  # staff, but in no group
    "anonymous": NOTHING,
}
CELLS = [(role, action) for role in MATRIX for action in ACTIONS]


@pytest.mark.parametrize(("role", "action"), CELLS, ids=[f"{r}-{a}" for r, a in CELLS])
def test_permission_matrix(client: Any, role: str, action: str) -> None:
    if role != "anonymous":
        client.force_login(f.create_user(role=role))
    assert ACTIONS[action](client) is MATRIX[role][action]


def test_groups_are_created_by_the_migration() -> None:
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    publisher = set(
        Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True)
    )
    assert {"view_topic", "add_topic", "change_topic", "delete_topic"} <= editor
    assert {"add_visitleg", "change_citation", "delete_meeting"} <= editor
    assert not any(code.startswith("publish_") for code in editor)
    assert editor < publisher
    publishable = [m for m in apps.get_app_config("registry").get_models() if is_publishable(m)]
    assert len(publishable) == 13
    # Publishers also make data releases; editors only see them.
    assert publisher - editor == {f"publish_{m._meta.model_name}" for m in publishable} | {
        "add_release"
    }
    assert "view_release" in editor
    # Superusers manage accounts: neither group touches users or groups.
    assert not any(code.endswith(("_user", "_group", "_permission")) for code in publisher)


# --- an Editor cannot publish through any path ----------------------------------------------


@pytest.fixture
def editor(client: Any) -> Any:
    client.force_login(f.create_user(role="editor"))
    return client


def test_posting_a_status_is_ignored(editor: Any) -> None:
    topic = f.create_topic(status=Status.DRAFT)
    response = editor.post(url(Topic, "change", topic.pk), topic_form(topic, status="published"))
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == Status.DRAFT


def test_the_publish_button_is_refused_and_nothing_is_saved(editor: Any) -> None:
    topic = f.create_topic(status=Status.DRAFT, name="Unchanged")
    response = editor.post(
        url(Topic, "change", topic.pk), topic_form(topic, name="Changed", _publish="1")
    )
    assert response.status_code == 403
    topic.refresh_from_db()
    assert (topic.status, topic.name) == (Status.DRAFT, "Unchanged")
    response = editor.post(
        url(Topic, "add"), topic_form(slug="x", _publish="1", status="published")
    )
    assert response.status_code == 403
    assert not Topic.objects.filter(slug="x").exists()


def test_the_editor_sees_no_publish_controls(editor: Any) -> None:
    topic = f.create_topic(status=Status.DRAFT)
    page = editor.get(url(Topic, "change", topic.pk))
    assert 'name="_publish"' not in page.text
    assert 'name="publish_at_0"' not in page.text
    assert "Only a Publisher can publish" in page.text
    actions = dict(
        editor.get(url(Topic, "changelist")).context["action_form"].fields["action"].choices
    )
    assert "publish" not in actions and "unpublish" not in actions


def test_the_bulk_action_is_refused(editor: Any) -> None:
    topic = f.create_topic(status=Status.DRAFT)
    editor.post(url(Topic, "changelist"), {"action": "publish", "_selected_action": [topic.pk]})
    topic.refresh_from_db()
    assert topic.status == Status.DRAFT
    assert topic.history.count() == 1


def test_publication_times_cannot_be_changed(editor: Any) -> None:
    later = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
    topic = f.create_topic(publish_at=later)
    changes = {
        "publish_at_0": "2000-01-01",
        "publish_at_1": "00:00:00",
        "expire_at_0": "2000-01-02",
    }
    response = editor.post(url(Topic, "change", topic.pk), topic_form(topic, **changes))
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.publish_at, topic.expire_at) == (later, None)


def test_reverting_to_a_published_version_keeps_the_record_a_draft(editor: Any) -> None:
    topic = f.create_topic(name="Published name")  # published
    topic.status, topic.name = Status.DRAFT, "Draft name"
    topic.save()
    published_version = Versions(Topic, topic.pk).list()[-1]
    target = url(Topic, "version", topic.pk, published_version.key)
    assert editor.post(target, {"restore_publication": "1"}).status_code == 403
    topic.refresh_from_db()
    assert (topic.name, topic.status) == ("Draft name", Status.DRAFT)
    assert editor.post(target, at_version(topic)).status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.status) == ("Published name", Status.DRAFT)


def test_a_deleted_published_record_comes_back_as_a_draft(editor: Any) -> None:
    topic = f.create_topic()
    pk = topic.pk
    topic.delete()
    deletion = Topic.history.get(id=pk, history_type="-")
    response = editor.post(url(Topic, "recover", deletion.history_id))
    assert response.status_code == 302
    assert Topic.objects.get(pk=pk).status == Status.DRAFT


def test_inline_rows_cannot_publish_children(editor: Any) -> None:
    person = f.create_person(status=Status.DRAFT)
    draft = f.create_appointment(person=person, status=Status.DRAFT)
    position = f.create_position()
    page = editor.get(url(Person, "change", person.pk))
    data = form_data(page)
    assert "appointments-0-status" not in data  # read-only in the inline
    data["appointments-0-status"] = "published"
    rows = int(data["appointments-TOTAL_FORMS"])
    data.update(
        {
            f"appointments-{rows}-position": str(position.pk),
            f"appointments-{rows}-capacity": "substantive",
            f"appointments-{rows}-status": "published",
            "appointments-TOTAL_FORMS": str(rows + 1),
        }
    )
    response = editor.post(url(Person, "change", person.pk), data)
    assert response.status_code == 302
    statuses = list(Appointment.objects.filter(person=person).values_list("status", flat=True))
    assert statuses == [Status.DRAFT, Status.DRAFT]  # the new row was saved, as a draft
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_inline_rows_cannot_delete_published_children(editor: Any) -> None:
    person = f.create_person()
    appointment = f.create_appointment(person=person)
    response = submit(editor, url(Person, "change", person.pk), {"appointments-0-DELETE": "on"})
    assert response.status_code == 200
    assert "only a Publisher can delete it" in response.text
    assert Appointment.objects.filter(pk=appointment.pk).exists()


def test_the_delete_page_refuses_a_published_record(editor: Any) -> None:
    topic = f.create_topic()
    assert editor.get(url(Topic, "delete", topic.pk)).status_code == 403
    assert editor.post(url(Topic, "delete", topic.pk), {"post": "yes"}).status_code == 403
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_autocomplete_only_reads(editor: Any) -> None:
    topic = f.create_topic(name="Defence reform", status=Status.DRAFT)
    params = {"app_label": "registry", "model_name": "visit", "field_name": "topics"}
    response = editor.get(reverse("admin:autocomplete"), {**params, "term": "defe"})
    assert [r["text"] for r in response.json()["results"]] == ["Defence reform"]
    editor.post(reverse("admin:autocomplete"), {**params, "term": "defe", "status": "published"})
    topic.refresh_from_db()
    assert topic.status == Status.DRAFT


def test_staff_without_a_group_sees_nothing(client: Any) -> None:
    client.force_login(f.create_user(role="staff"))
    topic = f.create_topic()
    assert client.get(url(Topic, "changelist")).status_code == 403
    assert client.get(url(Topic, "history", topic.pk)).status_code == 403
    assert client.get(url(Topic, "recoverlist")).status_code == 403
    assert client.get(url(Topic, "share", topic.pk)).status_code == 403
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "registry", "model_name": "visit", "field_name": "topics", "term": ""},
    )
    assert response.status_code == 403
