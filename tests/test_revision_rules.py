"""The rules of pending revisions (registry/publication/revisions.py), called directly: the
three-way merge of a revision with what was published meanwhile, saving against the number an
editor started from, publishing through the gate, and applying scheduled revisions once.

These are the tests `make mutation MUTATION_SETS=revisions` runs: each takes a fraction of a
second, where the admin's paths through the same rules are in test_revisions.py."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from unittest import mock

import pytest
import time_machine

from registry.models import Citation, FormDraft, PendingRevision, ReviewComment, Topic, Visit
from registry.models.history import Versions
from registry.publication import revisions
from registry.publication.gate import PublicationBlocked
from registry.publication.visibility import Status
from tests import factories as f
from tests.test_revisions import published_visit

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


# --- the merge, on rows alone (no database) --------------------------------------------------


def row(pk: int, **fields: Any) -> dict[str, Any]:
    return {"model": "registry.visitleg", "pk": pk, "fields": fields}


def rows(data: dict[str, Any], label: str = "visitleg") -> dict[int, dict[str, Any]]:
    return {r["pk"]: r["fields"] for r in data["children"][label]}


def state(parent: dict[str, Any], *children: dict[str, Any]) -> dict[str, Any]:
    return {
        "parent": {"model": "registry.visit", "pk": 1, "fields": parent},
        "children": {"visitleg": list(children)},
    }


def revision_of(base: dict[str, Any], mine: dict[str, Any]) -> dict[str, Any]:
    return {**mine, "base": base}


def test_a_revision_saved_without_its_base_is_written_as_it_is():
    mine = state({"title": "Mine"}, row(1, city="Tbilisi"))
    live = state({"title": "Live"}, row(2, city="Baku"))
    assert revisions.resolved(mine, live) is mine


def test_a_field_the_revision_changed_wins_and_one_changed_only_on_the_live_side_is_kept():
    base = state({"title": "Old", "summary": "Old summary", "notes": "n"})
    mine = state({"title": "Mine", "summary": "Old summary", "notes": "n"})
    live = state({"title": "Old", "summary": "Published meanwhile", "notes": "n"})
    merged = revisions.resolved(revision_of(base, mine), live)
    assert merged["parent"]["fields"] == {
        "title": "Mine",
        "summary": "Published meanwhile",
        "notes": "n",
    }
    assert merged["parent"]["pk"] == 1


def test_where_both_changed_a_field_the_revision_wins():
    base = state({"title": "Old"})
    merged = revisions.resolved(revision_of(base, state({"title": "Mine"})), state({"title": "L"}))
    assert merged["parent"]["fields"]["title"] == "Mine"


def test_a_field_only_the_live_side_has_is_kept():
    base = state({"title": "Old"})
    live = state({"title": "Old", "city": "New field"})
    merged = revisions.resolved(revision_of(base, state({"title": "Old"})), live)
    assert merged["parent"]["fields"] == {"title": "Old", "city": "New field"}


def test_rows_are_merged_field_by_field():
    base = state({}, row(1, city="Tbilisi", order=0))
    mine = state({}, row(1, city="Batumi", order=0))
    live = state({}, row(1, city="Tbilisi", order=3))
    assert rows(revisions.resolved(revision_of(base, mine), live)) == {
        1: {"city": "Batumi", "order": 3}
    }


def test_a_row_the_revision_added_is_added_and_one_it_removed_is_removed():
    base = state({}, row(1, city="Tbilisi"), row(2, city="Baku"))
    mine = state({}, row(1, city="Tbilisi"), row(3, city="Yerevan"))
    merged = revisions.resolved(revision_of(base, mine), copy.deepcopy(base))
    assert rows(merged) == {1: {"city": "Tbilisi"}, 3: {"city": "Yerevan"}}


def test_a_row_added_on_the_live_side_since_is_kept():
    base = state({}, row(1, city="Tbilisi"))
    mine = state({}, row(1, city="Batumi"))
    live = state({}, row(1, city="Tbilisi"), row(4, city="Astana"))
    assert rows(revisions.resolved(revision_of(base, mine), live)) == {
        1: {"city": "Batumi"},
        4: {"city": "Astana"},
    }


def test_a_row_removed_on_the_live_side_since_stays_removed():
    base = state({}, row(1, city="Tbilisi"), row(2, city="Baku"))
    mine = state({}, row(1, city="Tbilisi"), row(2, city="Ganja"))
    live = state({}, row(1, city="Tbilisi"))
    assert rows(revisions.resolved(revision_of(base, mine), live)) == {1: {"city": "Tbilisi"}}


def test_every_label_of_either_side_is_resolved():
    base = {"parent": row(1), "children": {"visitleg": [row(1, city="A")]}}
    mine = {
        "parent": row(1),
        "children": {"visitleg": [row(1, city="A")], "meeting": [row(7, notes="m")]},
    }
    live = {
        "parent": row(1),
        "children": {"visitleg": [row(1, city="A")], "citation": [row(9, quote="q")]},
    }
    merged = revisions.resolved(revision_of(base, mine), live)
    assert set(merged["children"]) == {"visitleg", "meeting", "citation"}
    assert rows(merged, "meeting") == {7: {"notes": "m"}}
    assert rows(merged, "citation") == {9: {"quote": "q"}}


# --- the database side -----------------------------------------------------------------------


def changed(record: Any, **values: Any) -> dict[str, Any]:
    data = revisions.capture(record)
    data["parent"]["fields"].update(values)
    return data


def test_only_a_published_record_waits_for_review():
    assert revisions.edits_wait_for_review(f.create_visit(status=Status.PUBLISHED))
    assert not revisions.edits_wait_for_review(f.create_visit(status=Status.DRAFT))
    assert not revisions.edits_wait_for_review(object())


def test_a_first_save_is_number_one_and_stores_the_live_rows_it_was_saved_against():
    visit = published_visit()
    editor = f.create_user(role="editor")
    other = f.create_user(role="editor")
    for user in (editor, other):
        FormDraft.objects.create(
            user=user,
            content_type=revisions.content_type(visit),
            object_id=visit.pk,
            data={},
            token="t",
            saved_at=NOW,
        )
    revision = revisions.save(visit, changed(visit, title="Renamed"), editor, number=None)
    assert revision.number == 1
    assert revision.created_by == editor and revision.updated_by == editor
    assert revision.changes == 1
    assert revision.data["base"]["parent"]["fields"]["title"] == visit.title
    assert revision.data["parent"]["fields"]["title"] == "Renamed"
    assert revision.submitted_at is None
    # Saving replaces the editor's own autosaved draft, not a colleague's.
    assert list(FormDraft.objects.values_list("user", flat=True)) == [other.pk]
    visit.refresh_from_db()
    assert visit.title == "Secretary General visits Georgia"


def test_a_later_save_needs_the_number_it_started_from():
    visit = published_visit()
    editor, second = f.create_user(role="editor"), f.create_user(role="editor")
    with time_machine.travel(NOW, tick=False):
        revisions.save(visit, changed(visit, title="First"), editor, number=None)
    with pytest.raises(revisions.RevisionError, match="Someone else saved"):
        revisions.save(visit, changed(visit, title="Stale"), second, number=None)
    with pytest.raises(revisions.RevisionError, match="Someone else saved"):
        revisions.save(visit, changed(visit, title="Stale"), second, number=2)
    later = NOW + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        revision = revisions.save(
            visit, changed(visit, title="Second", summary="S"), second, number=1, submit=True
        )
    assert revision.number == 2 and revision.changes == 2
    assert revision.created_by == editor and revision.updated_by == second
    assert revision.updated_at == later
    assert revision.submitted_at == later and revision.submitted_by == second
    assert PendingRevision.objects.get().data["parent"]["fields"]["title"] == "Second"


def test_a_save_from_a_revision_published_meanwhile_is_refused():
    visit = published_visit()
    with pytest.raises(revisions.RevisionError, match="published or discarded"):
        revisions.save(visit, changed(visit, title="Late"), None, number=1)
    assert not PendingRevision.objects.exists()


def test_publishing_writes_the_revision_deletes_it_and_resolves_the_change_requests():
    visit = published_visit()
    editor, publisher = f.create_user(role="editor"), f.create_user(role="publisher")
    revision = revisions.save(visit, changed(visit, title="Published title"), editor, number=None)
    asked = revisions.request_changes(revision, publisher, "Cite the press release.")
    remark = revisions.add_comment(Visit, visit.pk, editor, "A plain remark")
    revision = PendingRevision.objects.get()
    revisions.publish(revision, publisher)
    visit.refresh_from_db()
    assert visit.title == "Published title" and visit.status == Status.PUBLISHED
    assert not PendingRevision.objects.exists()
    asked.refresh_from_db()
    remark.refresh_from_db()
    assert asked.resolved_by == publisher and asked.resolved_at is not None
    assert remark.resolved_at is None
    latest = Versions(Visit, visit.pk).list()[0]
    assert latest.reason == f"Published the pending revision by {editor.get_username()}"


def test_publishing_a_changed_or_gone_revision_writes_nothing():
    visit = published_visit()
    revision = revisions.save(visit, changed(visit, title="One"), None, number=None)
    stale = copy.copy(revision)
    revisions.save(visit, changed(visit, title="Two"), None, number=1)
    with pytest.raises(revisions.RevisionError, match="changed or was published"):
        revisions.publish(stale, None)
    visit.refresh_from_db()
    assert visit.title == "Secretary General visits Georgia"
    assert PendingRevision.objects.get().number == 2


def test_a_revision_the_gate_refuses_is_not_published_and_stays_pending():
    visit = published_visit()
    data = changed(visit, title="Uncited")
    data["children"]["citation"] = []
    revision = revisions.save(visit, data, None, number=None)
    with pytest.raises(PublicationBlocked):
        revisions.publish(revision, None)
    visit.refresh_from_db()
    assert visit.title == "Secretary General visits Georgia"
    assert Citation.objects.filter(object_id=visit.pk).exists()
    assert PendingRevision.objects.filter(pk=revision.pk).exists()


def test_a_draft_record_publishes_its_revision_without_the_gate():
    visit = f.create_visit(status=Status.DRAFT, title="Draft")
    revision = revisions.save(visit, changed(visit, title="Still a draft"), None, number=None)
    revisions.publish(revision, None, reason="By hand")
    visit.refresh_from_db()
    assert visit.title == "Still a draft" and visit.status == Status.DRAFT
    assert Versions(Visit, visit.pk).list()[0].reason == "By hand"


def test_request_changes_and_submit_clear_each_other():
    visit = published_visit()
    editor, publisher = f.create_user(role="editor"), f.create_user(role="publisher")
    revision = revisions.save(visit, changed(visit, title="T"), editor, number=None, submit=True)
    comment = revisions.request_changes(revision, publisher, "Not yet")
    revision.refresh_from_db()
    assert revision.changes_requested_by == publisher and revision.changes_requested_at
    assert revision.submitted_at is None and revision.submitted_by is None
    assert comment.requests_changes and comment.body == "Not yet"
    assert comment.author == publisher and comment.author_name == publisher.get_username()
    revisions.submit(revision, editor)
    revision.refresh_from_db()
    assert revision.submitted_by == editor and revision.submitted_at
    assert revision.changes_requested_at is None and revision.changes_requested_by is None


def test_comments_are_open_until_resolved():
    visit = published_visit()
    editor = f.create_user(role="editor")
    first = revisions.add_comment(Visit, visit.pk, editor, "On the title", field_name="title")
    second = revisions.add_comment(Visit, visit.pk, None, "Anonymous")
    assert first.field_name == "title" and not first.requests_changes
    assert second.author_name == ""
    revisions.resolve_comment(first, editor)
    assert revisions.open_comments(visit) == [second]
    assert ReviewComment.objects.get(pk=first.pk).resolved_by == editor


def test_pending_for_finds_the_records_own_revision_only():
    visit, other = published_visit(), published_visit()
    revision = revisions.save(visit, changed(visit, title="T"), None, number=None)
    assert revisions.pending_for(visit) == revision
    assert revisions.pending_for(other) is None
    assert revisions.pending_for(Visit()) is None
    assert revisions.pending_for(None) is None


def test_showing_holds_the_revision_inside_the_block_only():
    visit = published_visit()
    revision = revisions.save(visit, changed(visit, title="Shown"), None, number=None)
    with revisions.showing(revision):
        assert Visit.objects.get(pk=visit.pk).title == "Shown"
    assert Visit.objects.get(pk=visit.pk).title == "Secretary General visits Georgia"
    with revisions.showing(None):
        assert Visit.objects.get(pk=visit.pk).title == "Secretary General visits Georgia"


def test_a_revision_of_a_deleted_record_cannot_be_written():
    visit = published_visit()
    data = changed(visit, title="Gone")
    pk = visit.pk
    Visit.objects.filter(pk=pk).delete()
    with pytest.raises(revisions.RevisionError, match="deleted"):
        revisions.write(Visit, pk, data)


# --- scheduled revisions ---------------------------------------------------------------------


def scheduled(at: dt.datetime, title: str = "Scheduled title") -> tuple[Visit, PendingRevision]:
    visit = published_visit()
    publisher = f.create_user(role="publisher")
    revision = revisions.save(visit, changed(visit, title=title), None, number=None)
    revisions.schedule(revision, at, publisher)
    return visit, revision


def test_scheduling_and_unscheduling_records_who():
    _, revision = scheduled(NOW)
    revision.refresh_from_db()
    assert revision.go_live_at == NOW and revision.scheduled_by is not None
    revisions.schedule(revision, None, f.create_user(role="publisher"))
    revision.refresh_from_db()
    assert revision.go_live_at is None and revision.scheduled_by is None


def test_scheduled_times_are_the_earliest_first_and_skip_the_unscheduled():
    later, sooner = NOW + dt.timedelta(days=2), NOW + dt.timedelta(days=1)
    scheduled(later)
    scheduled(sooner)
    visit = published_visit()
    revisions.save(visit, changed(visit, title="Unscheduled"), None, number=None)
    assert revisions.scheduled_times(5) == [sooner, later]
    assert revisions.scheduled_times(1) == [sooner]


def test_a_revision_goes_live_at_its_time_not_before_and_once():
    visit, revision = scheduled(NOW)
    before = NOW - dt.timedelta(seconds=1)
    assert revisions.apply_due(before) == 0
    assert Visit.objects.get(pk=visit.pk).title == "Secretary General visits Georgia"
    assert revisions.apply_due(NOW) == 1  # at the very second
    assert Visit.objects.get(pk=visit.pk).title == "Scheduled title"
    assert not PendingRevision.objects.exists()
    assert revisions.apply_due(NOW) == 0
    latest = Versions(Visit, visit.pk).list()[0]
    assert latest.reason == "Published at its scheduled time, 2026-06-01 12:00 UTC"
    assert latest.user == revision.scheduled_by


def test_without_a_time_the_clock_decides():
    visit, _ = scheduled(NOW)
    with time_machine.travel(NOW - dt.timedelta(minutes=1), tick=False):
        assert revisions.apply_due() == 0
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        assert revisions.apply_due() == 1
    assert Visit.objects.get(pk=visit.pk).title == "Scheduled title"


def test_every_due_revision_is_applied_and_a_claimed_one_is_left_to_its_claimer():
    first, _ = scheduled(NOW, "First")
    second, _ = scheduled(NOW - dt.timedelta(hours=1), "Second")
    third, claimed = scheduled(NOW, "Claimed")
    PendingRevision.objects.filter(pk=claimed.pk).update(
        claim="5d0a3f6e-1c1b-4a43-9f5e-f1c0e2b7a001"
    )
    assert revisions.apply_due(NOW) == 2
    assert Visit.objects.get(pk=first.pk).title == "First"
    assert Visit.objects.get(pk=second.pk).title == "Second"
    assert Visit.objects.get(pk=third.pk).title == "Secretary General visits Georgia"
    assert list(PendingRevision.objects.values_list("pk", flat=True)) == [claimed.pk]


def test_a_due_revision_that_cannot_be_published_is_unscheduled_and_logged():
    visit = published_visit()
    data = changed(visit, title="Uncited")
    data["children"]["citation"] = []
    revision = revisions.save(visit, data, None, number=None)
    revisions.schedule(revision, NOW, f.create_user(role="publisher"))
    good, _ = scheduled(NOW, "Good")
    with mock.patch.object(revisions.logger, "warning") as warning:
        assert revisions.apply_due(NOW) == 1
    warning.assert_called_once_with(
        "Scheduled revision %s could not be published", revision.pk, exc_info=True
    )
    revision = PendingRevision.objects.get(pk=revision.pk)
    assert revision.go_live_at is None and revision.scheduled_by is None
    assert revision.claim is None
    assert Visit.objects.get(pk=visit.pk).title == "Secretary General visits Georgia"
    assert Visit.objects.get(pk=good.pk).title == "Good"
    assert revisions.apply_due(NOW + dt.timedelta(days=1)) == 0


# --- what the survivors of a mutation run asked for -------------------------------------------


def test_a_row_both_sides_have_but_the_base_lacks_is_merged_against_the_live_row():
    # A new row's id captured in the revision, given meanwhile to a row on the live side.
    base = state({})
    mine = state({}, row(5, city="Mine", order=0))
    live = state({}, row(5, city="Live", order=1))
    assert rows(revisions.resolved(revision_of(base, mine), live)) == {
        5: {"city": "Mine", "order": 0}
    }


def test_the_refusals_say_what_happened_and_what_to_do():
    visit = published_visit()
    with pytest.raises(revisions.RevisionError) as gone:
        revisions.save(visit, changed(visit, title="Late"), None, number=1)
    assert str(gone.value) == (
        "The pending revision you started from was published or discarded meanwhile, so "
        "nothing was saved. Open the record again."
    )
    revision = revisions.save(visit, changed(visit, title="One"), None, number=None)
    with pytest.raises(revisions.RevisionError) as taken:
        revisions.save(visit, changed(visit, title="Two"), None, number=None)
    assert str(taken.value) == (
        "Someone else saved the pending revision after you opened this record, so nothing "
        "was saved. Open the record again to see their changes."
    )
    revisions.discard(revision)
    with pytest.raises(revisions.RevisionError) as stale:
        revisions.publish(revision, None)
    assert str(stale.value) == (
        "The pending revision changed or was published since this page was opened."
    )


def test_a_revision_without_its_editor_is_published_in_the_name_of_an_editor():
    visit = published_visit()
    revisions.publish(revisions.save(visit, changed(visit, title="T"), None, number=None), None)
    assert (
        Versions(Visit, visit.pk).list()[0].reason == "Published the pending revision by an editor"
    )


def test_a_long_reason_is_cut_to_the_historys_hundred_characters():
    visit = published_visit()
    editor = f.create_user(role="editor", username="e" * 120)
    revision = revisions.save(visit, changed(visit, title="T"), editor, number=None)
    revisions.publish(revision, None)
    reason = Versions(Visit, visit.pk).list()[0].reason
    assert reason == ("Published the pending revision by " + "e" * 120)[:100]


def test_publishing_resolves_only_this_records_open_change_requests():
    visit, other = published_visit(), published_visit()
    publisher = f.create_user(role="publisher")
    earlier = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    done = revisions.add_comment(Visit, visit.pk, publisher, "Done", requests_changes=True)
    ReviewComment.objects.filter(pk=done.pk).update(resolved_at=earlier)
    elsewhere = revisions.add_comment(Visit, other.pk, publisher, "Other", requests_changes=True)
    # Another model's record with the same id.
    same_id = f.create_topic(name="Same id")
    Topic.objects.filter(pk=same_id.pk).update(id=visit.pk)
    other_model = revisions.add_comment(Topic, visit.pk, publisher, "T", requests_changes=True)
    revisions.publish(revisions.save(visit, changed(visit, title="T"), None, number=None), None)
    assert ReviewComment.objects.get(pk=done.pk).resolved_at == earlier
    assert ReviewComment.objects.get(pk=elsewhere.pk).resolved_at is None
    assert ReviewComment.objects.get(pk=other_model.pk).resolved_at is None


def test_a_save_is_the_revision_and_the_draft_of_this_record_only():
    visit = published_visit()
    topic = f.create_topic(name="Same id")
    Topic.objects.filter(pk=topic.pk).update(id=visit.pk)
    topic = Topic.objects.get(pk=visit.pk)
    editor = f.create_user(role="editor")
    drafts = [
        FormDraft.objects.create(
            user=editor,
            content_type=revisions.content_type(record),
            object_id=pk,
            data={},
            token="t",
            saved_at=NOW,
        )
        for record, pk in ((topic, visit.pk), (visit, visit.pk + 1), (visit, visit.pk))
    ]
    revisions.save(visit, changed(visit, title="Visit revision"), editor, number=None)
    # Only the draft of this record went: not another model's with the same id.
    assert set(FormDraft.objects.values_list("pk", flat=True)) == {drafts[0].pk, drafts[1].pk}
    # The topic with the same id has no revision yet: its first save is number one.
    revision = revisions.save(topic, changed(topic, name="Topic revision"), editor, number=None)
    assert revision.number == 1
    assert PendingRevision.objects.count() == 2


def test_review_steps_save_their_own_fields_only():
    visit = published_visit()
    publisher = f.create_user(role="publisher")
    stale = revisions.save(visit, changed(visit, title="One"), None, number=None)
    revisions.save(visit, changed(visit, title="Two"), None, number=1)
    for step in (
        lambda r: revisions.request_changes(r, publisher, "Why?"),
        lambda r: revisions.submit(r, publisher),
        lambda r: revisions.schedule(r, NOW, publisher),
    ):
        step(copy.copy(stale))
        current = PendingRevision.objects.get()
        assert current.number == 2
        assert current.data["parent"]["fields"]["title"] == "Two"
