"""The conflict check of the change forms (registry/admin/edit_snapshot.py): which stored
values count as a change by someone else, and what the new form's token carries after a
conflict. The conflict screen itself is tested in test_locking.py and test_conflict_merge.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from registry.admin import locking
from registry.admin.edit_snapshot import SALT, Unreadable, changed_fields, same
from registry.models import Visit, VisitLeg
from tests import factories as f
from tests.test_locking import change_url, conflict, editor, open_form, rows, visit  # noqa: F401

pytestmark = pytest.mark.django_db


def test_line_breaks_written_the_windows_way_are_no_change(visit: Visit) -> None:  # noqa: F811
    """A script (or an import) that stores the same text with CRLF line breaks changed
    nothing an editor can see: the save goes through."""
    bob = editor()
    target = change_url(visit)
    form_b = open_form(bob, target)
    Visit.objects.filter(pk=visit.pk).update(summary="First line\r\nsecond line \r\n")
    form_b["title"] = "Bob's title"
    assert bob.post(target, form_b).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Bob's title"


def test_an_entry_that_did_not_validate_is_the_editors_change(visit: Visit) -> None:  # noqa: F811
    """Bob typed a date that is not one where Alice saved another: the screen asks him to
    choose, rather than taking Alice's date as if he had left the field alone."""
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["end_date"] = "2024-03-20"
    assert alice.post(target, form_a).status_code == 302
    form_b["end_date"] = "not a date"
    found = conflict(bob.post(target, form_b))
    assert rows(found)[("Visit “Original title”", "Until")] == (
        "19 March 2024",
        "20 March 2024",
        "not a date (not valid)",
        "choose",
    )


def test_an_empty_value_and_a_blank_box_are_the_same_and_an_invalid_entry_never_is() -> None:
    assert same(None, "")
    assert same("", None)
    assert not same(Unreadable("x"), "x")
    assert not same("x", Unreadable("x"))
    assert changed_fields({"version": 1, "purpose": None}, {"version": 2, "purpose": ""}) == []


def test_the_conflict_screens_token_carries_the_versions_saved_now(visit: Visit) -> None:  # noqa: F811
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["title"] = "Alice's title"
    assert alice.post(target, form_a).status_code == 302
    form_b["title"] = "Bob's title"
    response = bob.post(target, form_b)
    conflict(response)
    visit.refresh_from_db()
    now = locking.read_token(response.context["edit_token"])
    assert now[locking.record_key(Visit, visit.pk)]["version"] == visit.version
    for leg in visit.legs.all():
        assert now[locking.record_key(VisitLeg, leg.pk)]["version"] == leg.version


def shown_time(data: dict, day: str, time: str) -> None:
    """The publication time as the admin's date and time boxes hold it."""
    data.pop("publish_at", None)
    data.update(publish_at_0=day, publish_at_1=time)


def test_a_time_left_as_the_form_showed_it_is_no_change_of_yours(visit: Visit) -> None:  # noqa: F811
    """Times are stored in UTC and shown in the site's time zone. Alice moved the publication
    time; Bob left it as his form showed it: the screen keeps Alice's time."""
    Visit.objects.filter(pk=visit.pk).update(
        publish_at=dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)
    )
    alice = editor(f.create_user(role="publisher"))
    bob = editor(f.create_user(role="publisher"))
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    shown_time(form_a, "02/01/2030", "10:00:00")
    form_a["title"] = "Alice's title"
    assert alice.post(target, form_a).status_code == 302
    shown_time(form_b, "01/01/2030", "10:00:00")
    form_b["purpose"] = "Bob's purpose"
    found = conflict(bob.post(target, form_b))
    title = "Visit “Alice's title”"
    assert {label: value[3] for (_title, label), value in rows(found).items()} == {
        "Title": "theirs",
        "Publish at": "theirs",
    }
    assert rows(found)[(title, "Publish at")][:2] == (
        "1 January 2030, 10:00 CET (Europe/Brussels)",
        "2 January 2030, 10:00 CET (Europe/Brussels)",
    )


def test_topics_added_by_someone_else_are_noticed(visit: Visit) -> None:  # noqa: F811
    bob = editor()
    target = change_url(visit)
    form_b = open_form(bob, target)
    visit.topics.add(f.create_topic(name="Energy"))
    form_b["purpose"] = "Bob's purpose"
    found = conflict(bob.post(target, form_b))
    assert rows(found)[("Visit “Original title”", "Topics")] == ("—", "Energy", "—", "theirs")
    visit.refresh_from_db()
    assert visit.purpose == "Talks"
    assert [topic.name for topic in visit.topics.all()] == ["Energy"]


@pytest.mark.parametrize("shape", ["list", "records as text"])
def test_a_signed_token_of_another_shape_is_refused(visit: Visit, shape: str) -> None:  # noqa: F811
    """Signed with the site's key but not a snapshot (another version of the form, say): the
    save is refused as for a forged token, and nothing is written."""
    bob = editor()
    target = change_url(visit)
    data = open_form(bob, target)
    key = locking.record_key(Visit, visit.pk)
    payload = [key] if shape == "list" else {"v": 1, "r": key}
    data[locking.TOKEN_FIELD] = signing.dumps(payload, salt=SALT, compress=True)
    data["title"] = "Sent with an odd token"
    assert bob.post(target, data).status_code == 400
    visit.refresh_from_db()
    assert visit.title == "Original title"


def test_the_check_follows_every_model_field_of_a_form_and_nothing_else() -> None:
    """A form's field that is not stored on the model and the primary key are skipped;
    every field after them is still checked, many-to-many ones included."""
    from registry.admin.edit_snapshot import tracked_fields

    assert tracked_fields(Visit, ["preview", "title", "purpose"]) == ["title", "purpose"]
    assert tracked_fields(Visit, ["id", "title", "topics"]) == ["title", "topics"]


def test_values_of_every_kind_compare_as_text_the_same_from_either_side() -> None:
    import decimal
    import uuid

    from registry.admin.edit_snapshot import canonical

    brussels = dt.timezone(dt.timedelta(hours=1))
    assert canonical(dt.datetime(2030, 1, 1, 10, 0, tzinfo=brussels)) == (
        "2030-01-01T09:00:00+00:00"
    )
    assert canonical(decimal.Decimal("41.72")) == "41.72"
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert canonical(key) == "12345678-1234-5678-1234-567812345678"
    assert canonical(dt.timedelta(days=2)) == "2 days, 0:00:00"
    assert canonical([3, 1, 2]) == [1, 2, 3]
