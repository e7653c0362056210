"""No lost updates: two editors open the same record, both save; the second save is refused,
nothing is overwritten, and a conflict screen shows, field by field, the value the editor
started from, the value now saved and their own, and lets them merge and save again.
Inline rows (legs, meetings, citations, appointments) are covered the same way."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from registry.admin import locking
from registry.admin.visits import VisitAdmin
from registry.models import Citation, Meeting, Status, Visit, VisitLeg
from tests import factories as f
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db


def change_url(obj: Any) -> str:
    return reverse(f"admin:registry_{obj._meta.model_name}_change", args=[obj.pk])


def editor(user: Any = None) -> Client:
    """A Publisher's client: their saves of a published record go live, which these tests
    read back. An Editor's saves wait as a pending revision, where the same check applies
    (tests/test_revisions.py)."""
    client = Client()
    client.force_login(user or f.create_user(role="publisher"))
    return client


def open_form(client: Client, target: str) -> dict[str, Any]:
    """What the browser submits for the change form as rendered, with its edit token."""
    page = client.get(target)
    assert page.status_code == 200
    data = form_data(page)
    data[locking.TOKEN_FIELD] = page.context["edit_token"]
    assert f'name="{locking.TOKEN_FIELD}" value="{page.context["edit_token"]}"' in page.text
    return data


def conflict(response: Any) -> locking.Conflict:
    assert response.status_code == 200, "expected the conflict screen"
    found = response.context["edit_conflict"]
    assert found is not None
    return found


def again(response: Any, **choices: str) -> dict[str, Any]:
    """Resubmit the conflict screen's form, picking "saved" or "mine" per field name."""
    data = form_data(response)
    data[locking.TOKEN_FIELD] = response.context["edit_token"]
    found = conflict(response)
    if found.merge_saved:
        data[locking.MERGE_SAVED_FIELD] = found.merge_saved
    by_name = {
        entry.choice_name.removeprefix(locking.MERGE_CHOICE_PREFIX): entry.choice_name
        for record in found.records
        for entry in record.fields
        if entry.choice_name
    }
    for name, choice in choices.items():
        data[by_name[name]] = choice
    return data


def rows(found: locking.Conflict) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    """{(record title, field label): (started from, saved now, yours, outcome)}."""
    return {
        (record.title, entry.label): (entry.started, entry.saved, entry.yours, entry.outcome)
        for record in found.records
        for entry in record.fields
    }


@pytest.fixture
def visit() -> Visit:
    visit = f.create_visit(
        title="Original title",
        slug="tour",
        start="2024-03-17",
        end="2024-03-19",
        summary="First line\nsecond line",
        purpose="Talks",
    )
    f.create_leg(visit=visit, order=1, city="Baku", start="2024-03-17")
    f.create_leg(visit=visit, order=2, city="Tbilisi", start="2024-03-18")
    return visit


# --- the parent record ---------------------------------------------------------------------


def test_second_save_is_refused_and_nothing_is_lost(visit: Visit) -> None:
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a.update(title="Alice's title", purpose="Alice's purpose")
    assert alice.post(target, form_a).status_code == 302
    form_b.update(title="Bob's title", summary="First line\r\nsecond line\r\nBob's line")
    response = bob.post(target, form_b)
    found = conflict(response)
    visit.refresh_from_db()
    # Nothing of Alice's was overwritten, and nothing of Bob's was saved.
    assert (visit.title, visit.purpose) == ("Alice's title", "Alice's purpose")
    assert visit.summary == "First line\nsecond line"
    assert "nothing was saved" in response.text.lower()
    # Field by field: started from, saved now, yours.
    title = ("Visit “Alice's title”", "Title")
    purpose = ("Visit “Alice's title”", "Purpose")
    assert rows(found)[title] == ("Original title", "Alice's title", "Bob's title", "choose")
    assert rows(found)[purpose] == ("Talks", "Alice's purpose", "Talks", "theirs")
    html = response.content.decode()
    for text in ("You started from", "Saved now", "Yours", "Original title", "Bob&#x27;s title"):
        assert text in html
    # The form now holds the merge: Alice's purpose, Bob's title and summary.
    form = response.context["adminform"].form
    assert form["title"].value() == "Bob's title"
    assert form["purpose"].value() == "Alice's purpose"
    assert "Bob's line" in form["summary"].value()
    assert not form.non_field_errors()  # the screen alone says why nothing was saved


def test_merging_keeps_the_chosen_values(visit: Visit) -> None:
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a.update(title="Alice's title", purpose="Alice's purpose", end_date="2024-03-20")
    alice.post(target, form_a)
    form_b.update(title="Bob's title", summary="Bob's summary", end_date="March 2024")
    refused = bob.post(target, form_b)
    assert rows(conflict(refused))[("Visit “Alice's title”", "Until")][:3] == (
        "19 March 2024",
        "20 March 2024",
        "March 2024",
    )
    saved = bob.post(target, again(refused, title="saved", end_date="mine"))
    assert saved.status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Alice's title"  # picked: the saved value
    assert visit.end.isoformat() == "2024-03"  # picked: Bob's
    assert visit.purpose == "Alice's purpose"  # only Alice changed it
    assert visit.summary == "Bob's summary"  # only Bob changed it


def test_a_third_change_during_the_merge_is_caught_too(visit: Visit) -> None:
    alice, bob, carol = editor(), editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["title"] = "Alice's title"
    alice.post(target, form_a)
    form_b["title"] = "Bob's title"
    refused = bob.post(target, form_b)
    form_c = open_form(carol, target)
    form_c["title"] = "Carol's title"
    carol.post(target, form_c)
    second = bob.post(target, again(refused))
    found = conflict(second)
    assert rows(found)[("Visit “Carol's title”", "Title")][:3] == (
        "Alice's title",
        "Carol's title",
        "Bob's title",
    )
    visit.refresh_from_db()
    assert visit.title == "Carol's title"


def test_changes_made_outside_the_admin_are_noticed(visit: Visit) -> None:
    bob = editor()
    target = change_url(visit)
    form_b = open_form(bob, target)
    Visit.objects.filter(pk=visit.pk).update(title="Changed by a script")  # no signals
    form_b["purpose"] = "Bob's purpose"
    found = conflict(bob.post(target, form_b))
    assert rows(found)[("Visit “Changed by a script”", "Title")][3] == "theirs"
    visit.refresh_from_db()
    assert (visit.title, visit.purpose) == ("Changed by a script", "Talks")


def test_an_unchanged_record_saves_as_usual(visit: Visit) -> None:
    bob = editor()
    target = change_url(visit)
    form_b = open_form(bob, target)
    form_b["title"] = "Bob's title"
    assert bob.post(target, form_b).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Bob's title"


def test_a_form_with_errors_keeps_the_token_it_started_from(visit: Visit) -> None:
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_b["end_date"] = "not a date"
    invalid = bob.post(target, form_b)
    assert invalid.status_code == 200 and invalid.context["edit_conflict"] is None
    assert invalid.context["edit_token"] == form_b[locking.TOKEN_FIELD]
    form_a["title"] = "Alice's title"
    alice.post(target, form_a)
    form_b.update(end_date="2024-03-19", title="Bob's title")
    conflict(bob.post(target, form_b))  # Alice's save in between is still noticed
    visit.refresh_from_db()
    assert visit.title == "Alice's title"


def test_a_post_without_token_is_refused_and_a_forged_token_is_refused(
    visit: Visit,
) -> None:
    bob = editor()
    target = change_url(visit)
    data = open_form(bob, target)
    data.pop(locking.TOKEN_FIELD)
    data["title"] = "No token"
    refused = bob.post(target, data)
    found = conflict(refused)
    assert found.unchecked and found.message == locking.UNCHECKED_MESSAGE
    assert "This form could not be checked" in refused.text
    assert 'value="No token"' in refused.text  # what was sent is kept in the form
    visit.refresh_from_db()
    assert visit.title != "No token"
    # The screen carries a fresh snapshot: saving it again works.
    resent = form_data(refused)
    resent[locking.TOKEN_FIELD] = refused.context["edit_token"]
    assert bob.post(target, resent).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "No token"
    data[locking.TOKEN_FIELD] = "forged"
    assert bob.post(target, data).status_code == 400
    other = f.create_visit()
    data[locking.TOKEN_FIELD] = open_form(bob, change_url(other))[locking.TOKEN_FIELD]
    assert bob.post(target, data).status_code == 400  # a token of another record


def test_models_without_inlines_are_protected_too() -> None:
    leg = f.create_leg(visit=f.create_visit(), order=1, city="Baku")
    alice, bob = editor(), editor()
    target = change_url(leg)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["city"] = "Ganja"
    alice.post(target, form_a)
    form_b["city"] = "Sheki"
    found = conflict(bob.post(target, form_b))
    assert next(iter(rows(found).values()))[:3] == ("Baku", "Ganja", "Sheki")
    leg.refresh_from_db()
    assert leg.city == "Ganja"


# --- inline rows ---------------------------------------------------------------------------


def test_a_leg_edited_by_both_is_a_conflict_on_that_leg(visit: Visit) -> None:
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["legs-0-city"] = "Ganja"
    form_a["legs-1-notes"] = "Alice's note"
    alice.post(target, form_a)
    form_b["legs-0-city"] = "Sheki"
    refused = bob.post(target, form_b)
    table = rows(conflict(refused))
    baku = next(key for key in table if key[0].startswith("Visit leg") and key[1] == "City")
    assert table[baku] == ("Baku", "Ganja", "Sheki", "choose")
    notes = next(key for key in table if key[1] == "Notes")
    assert table[notes] == ("—", "Alice's note", "—", "theirs")
    legs = {leg.order: leg for leg in visit.legs.all()}
    assert (legs[1].city, legs[2].notes) == ("Ganja", "Alice's note")
    assert bob.post(target, again(refused, **{"legs-0-city": "mine"})).status_code == 302
    legs = {leg.order: leg for leg in visit.legs.all()}
    assert (legs[1].city, legs[2].notes) == ("Sheki", "Alice's note")


def test_a_leg_deleted_by_someone_else(visit: Visit) -> None:
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["legs-1-DELETE"] = "on"  # Tbilisi
    alice.post(target, form_a)
    assert visit.legs.count() == 1
    # Bob had not touched that leg: it is dropped from his form, his other change kept.
    form_b["title"] = "Bob's title"
    refused = bob.post(target, form_b)
    found = conflict(refused)
    assert any("Deleted by someone else" in record.note for record in found.records)
    assert refused.context["inline_admin_formsets"][0].formset.total_form_count() == 1
    assert bob.post(target, again(refused)).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Bob's title"
    assert [leg.city for leg in visit.legs.all()] == ["Baku"]


def test_a_leg_deleted_by_someone_else_but_edited_by_you_comes_back_as_new(visit: Visit) -> None:
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["legs-1-DELETE"] = "on"
    alice.post(target, form_a)
    form_b["legs-1-city"] = "Batumi"
    refused = bob.post(target, form_b)
    found = conflict(refused)
    deleted = next(r for r in found.records if "Deleted by someone else" in r.note)
    assert [(e.label, e.started, e.saved, e.yours) for e in deleted.fields] == [
        ("City", "Tbilisi", "(deleted)", "Batumi")
    ]
    formset = refused.context["inline_admin_formsets"][0].formset
    assert (formset.initial_form_count(), formset.total_form_count()) == (1, 2)
    assert VisitLeg.objects.filter(visit=visit).count() == 1  # nothing written yet
    assert bob.post(target, again(refused)).status_code == 302
    assert sorted(leg.city for leg in visit.legs.all()) == ["Baku", "Batumi"]


def test_choices_follow_their_row_when_a_row_before_it_is_dropped(visit: Visit) -> None:
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a.update({"legs-0-DELETE": "on", "legs-1-city": "Batumi"})  # Baku gone
    alice.post(target, form_a)
    form_b["legs-1-city"] = "Kutaisi"
    refused = bob.post(target, form_b)
    found = conflict(refused)
    names = [e.choice_name for r in found.records for e in r.fields if e.choice_name]
    assert names == [locking.MERGE_CHOICE_PREFIX + "legs-0-city"]  # Tbilisi is row 0 now
    assert bob.post(target, again(refused, **{"legs-0-city": "saved"})).status_code == 302
    assert [leg.city for leg in visit.legs.all()] == ["Batumi"]


def test_a_leg_added_by_someone_else_is_kept(visit: Visit) -> None:
    bob = editor()
    target = change_url(visit)
    form_b = open_form(bob, target)
    f.create_leg(visit=visit, order=3, city="Yerevan", start="2024-03-19")
    form_b["title"] = "Bob's title"
    assert bob.post(target, form_b).status_code == 302  # nothing of Bob's form is stale
    assert sorted(leg.city for leg in visit.legs.all()) == ["Baku", "Tbilisi", "Yerevan"]


def test_a_meeting_edited_by_both(visit: Visit) -> None:
    meeting = f.create_meeting(visit=visit, counterpart_group="Students", order=1)
    topic = f.create_topic(name="Energy")
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["meetings-0-topics"] = [str(topic.pk)]
    alice.post(target, form_a)
    form_b["meetings-0-counterpart_group"] = "Professors"
    table = rows(conflict(bob.post(target, form_b)))
    assert table[("Meeting “Meeting with Students”", "Topics")] == (
        "—",
        "Energy",
        "—",
        "theirs",
    )
    meeting.refresh_from_db()
    assert (meeting.counterpart_group, list(meeting.topics.all())) == ("Students", [topic])


def test_a_citation_edited_by_both() -> None:
    person = f.create_person(name="Person One")
    citation = f.create_citation(record=person, locator="p. 1")
    alice, bob = editor(), editor()
    target = change_url(person)
    prefix = "registry-citation-content_type-object_id-0"
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a[f"{prefix}-locator"] = "p. 2"
    alice.post(target, form_a)
    form_b[f"{prefix}-locator"] = "p. 3"
    refused = bob.post(target, form_b)
    table = rows(conflict(refused))
    key = next(k for k in table if k[0].startswith("Citation") and k[1] == "Locator")
    assert table[key] == ("p. 1", "p. 2", "p. 3", "choose")
    citation.refresh_from_db()
    assert citation.locator == "p. 2"
    assert bob.post(target, again(refused, **{f"{prefix}-locator": "saved"})).status_code == 302
    assert Citation.objects.get().locator == "p. 2"


def test_an_appointment_edited_by_both() -> None:
    position = f.create_position(title="The Post")
    appointment = f.create_appointment(position=position, start="2019", notes="")
    alice, bob = editor(), editor()
    target = change_url(position)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["appointments-0-end_date"] = "2021"
    alice.post(target, form_a)
    form_b["appointments-0-end_date"] = "2022"
    table = rows(conflict(bob.post(target, form_b)))
    key = next(k for k in table if k[0].startswith("Appointment") and k[1] == "Until")
    assert table[key] == ("—", "2021", "2022", "choose")
    appointment.refresh_from_db()
    assert appointment.end.isoformat() == "2021"


# --- real concurrent saves (PostgreSQL) --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two editors press Save at the same moment: the first to lock the visit saves (and is
    slowed down while it holds the lock); the other waits for it, then gets the conflict."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL")
    visit = f.create_visit(title="Original title", start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=visit, order=1, city="Baku", start="2024-03-17")
    target = change_url(visit)
    # Superusers: a transactional test may run after others have emptied the groups table.
    clients = {name: editor(f.create_user(role="superuser")) for name in ("alice", "bob")}
    forms = {name: open_form(client, target) for name, client in clients.items()}
    for name, data in forms.items():
        data["title"] = f"{name}'s title"
        data["legs-0-city"] = f"{name}'s city"

    hold = 1.0
    original = VisitAdmin.save_model

    def slow_save_model(self, request, obj, form, change):
        original(self, request, obj, form, change)
        time.sleep(hold)  # still inside the transaction, holding the lock

    monkeypatch.setattr(VisitAdmin, "save_model", slow_save_model)
    start = threading.Barrier(len(clients))
    results: dict[str, tuple[Any, float, float]] = {}

    def save(name: str) -> None:
        try:
            start.wait()
            began = time.monotonic()
            response = clients[name].post(target, forms[name])
            results[name] = (response, began, time.monotonic())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(response.status_code for response, *_ in results.values())
    assert statuses == [200, 302]
    winner = next(name for name, (r, *_) in results.items() if r.status_code == 302)
    loser = next(name for name, (r, *_) in results.items() if r.status_code == 200)
    loser_response, loser_began, loser_end = results[loser]
    # Both saves were under way together: the loser started before the winner committed,
    # and could only answer once the winner had held its lock for `hold` seconds.
    assert loser_began < results[winner][1] + hold <= loser_end
    visit.refresh_from_db()
    assert visit.title == f"{winner}'s title"
    assert visit.legs.get().city == f"{winner}'s city"
    table = rows(conflict(loser_response))
    title = next(k for k in table if k[1] == "Title")
    assert table[title] == ("Original title", f"{winner}'s title", f"{loser}'s title", "choose")
    city = next(k for k in table if k[1] == "City")
    assert table[city] == ("Baku", f"{winner}'s city", f"{loser}'s city", "choose")
    assert Visit.history.filter(id=visit.pk, title=f"{loser}'s title").count() == 0


def test_status_changes_by_a_publisher_do_not_block_an_editors_save(visit: Visit) -> None:
    """The status is not part of an editor's form: publishing meanwhile is no conflict."""
    bob = editor()
    target = change_url(visit)
    form_b = open_form(bob, target)
    Visit.objects.filter(pk=visit.pk).update(status=Status.DRAFT)
    form_b["title"] = "Bob's title"
    assert bob.post(target, form_b).status_code == 302
    visit.refresh_from_db()
    assert (visit.title, visit.status) == ("Bob's title", Status.DRAFT)


def test_meeting_rows_stay_consistent_after_a_merge(visit: Visit) -> None:
    f.create_meeting(visit=visit, counterpart_group="Students", order=1)
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["meetings-0-DELETE"] = "on"
    alice.post(target, form_a)
    form_b["meetings-0-venue"] = "University"
    refused = bob.post(target, form_b)
    assert bob.post(target, again(refused)).status_code == 302
    assert list(Meeting.objects.values_list("venue", flat=True)) == ["University"]


def test_a_save_committed_while_the_form_is_being_built_is_not_missed(
    visit: Visit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot comes from the very objects that filled the form: a save committed
    after they were read (and before the page was finished) is caught at the next save."""
    bob = editor()
    target = change_url(visit)
    original = VisitAdmin.get_object

    def read_then_someone_saves(self, request, object_id, from_field=None):
        obj = original(self, request, object_id, from_field)
        if request.method == "GET" and obj is not None:
            other = Visit.objects.get(pk=obj.pk)
            other.title = "Alice's title"
            other.save()
        return obj

    monkeypatch.setattr(VisitAdmin, "get_object", read_then_someone_saves)
    data = open_form(bob, target)
    monkeypatch.setattr(VisitAdmin, "get_object", original)
    assert data["title"] != "Alice's title"  # the form shows what was read
    data["summary"] = "Bob's summary"
    found = conflict(bob.post(target, data))
    assert [(r.label, r.saved, r.outcome) for r in found.records[0].fields] == [
        ("Title", "Alice's title", "theirs")
    ]
    visit.refresh_from_db()
    assert (visit.title, visit.summary) == ("Alice's title", "First line\nsecond line")


def test_the_snapshot_carries_the_version_of_every_row(visit: Visit) -> None:
    page = editor().get(change_url(visit))
    started = locking.read_token(page.context["edit_token"])
    assert started[locking.record_key(Visit, visit.pk)]["version"] == visit.version
    for leg in visit.legs.all():
        assert started[locking.record_key(VisitLeg, leg.pk)]["version"] == leg.version
