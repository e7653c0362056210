"""Review before a change goes live (registry/publication/revisions.py, admin/revisions.py):
an Editor's edit of a published record waits as a pending revision, which a Publisher
reviews against the live version, publishes, schedules, discards or sends back."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.models import (
    Appointment,
    Country,
    Event,
    FormDraft,
    Office,
    Organisation,
    Participation,
    PendingRevision,
    Person,
    Position,
    Programme,
    Region,
    ReviewComment,
    Source,
    Topic,
    Visit,
)
from registry.models.history import Versions
from registry.publication import revisions, version
from tests import factories as f
from tests.test_admin import JUNE_2004, form_data, submit

pytestmark = pytest.mark.django_db

MARKER = "Quillwort correction"


def publisher() -> Client:
    """A second person: the fixtures' clients share one session, so each role its own."""
    client = Client()
    client.force_login(f.create_user(role="publisher"))
    return client


def url(record: Any, view: str = "change") -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])


def published_visit(**kw: Any) -> Visit:
    visit = f.create_visit(title="Secretary General visits Georgia", start="2024-03-18", **kw)
    georgia = Country.objects.filter(slug="georgia").first()
    georgia = georgia or f.create_country(name="Georgia", slug="georgia")
    f.create_leg(visit=visit, country=georgia)
    return f.cited(visit)


def position_of(organisation: Organisation) -> Organisation:
    f.cited(f.create_position(organisation=organisation))
    return organisation


MAKERS = {
    Region: lambda: f.create_region(name="Zephyr region"),
    Country: lambda: f.create_country(name="Zephyria", slug="zephyria"),
    # An organisation shows on the pages of its posts.
    Organisation: lambda: position_of(f.create_organisation(name="Zephyr organisation")),
    Programme: lambda: f.create_programme(name="Zephyr programme", start=JUNE_2004),
    Participation: lambda: f.create_participation(start=JUNE_2004),
    Office: lambda: f.create_office(name="Zephyr office", start=JUNE_2004),
    Person: lambda: f.create_person(name="Zephyr Person"),
    Position: lambda: f.create_position(title="Zephyr post", start=JUNE_2004),
    Appointment: lambda: f.create_appointment(start=JUNE_2004),
    Event: lambda: f.create_event(name="Zephyr summit", start=JUNE_2004),
    Topic: lambda: f.create_topic(name="Zephyr topic"),
    Visit: lambda: f.create_visit(title="Zephyr visit", start=JUNE_2004),
    Source: lambda: f.create_source(title="Zephyr source"),
}
TEXT_FIELDS = ("title", "name", "summary", "notes", "description")


def public_outputs(record: Any) -> dict[str, str]:
    """Every public output that could show the record, as text, read anonymously."""
    client = Client()
    model = type(record)
    plural = {
        "person": "people",
        "country": "countries",
        "office": "offices",
        "appointment": "appointments",
        "participation": "participations",
    }
    name = model._meta.model_name
    api = f"/api/v1/{plural.get(name, name + 's')}/"
    urls = [
        "/en/",
        "/en/visits/",
        "/en/visits/feed/rss/",
        "/en/visits/feed/atom/",
        "/en/visits/calendar.ics",
        "/en/timeline/",
        "/en/positions/",
        "/en/offices/",
        "/en/programmes/",
        "/en/people/",
        "/en/events/",
        "/en/topics/",
        "/en/sources/",
        "/en/meetings/",
        f"/en/search/?q={MARKER.split()[0]}",
        "/sitemap.xml",
        api,
    ]
    if hasattr(record, "get_absolute_url"):
        urls.append(record.get_absolute_url())
    outputs = {}
    for target in urls:
        response = client.get(target)
        outputs[target] = response.content.decode(errors="replace")
    return outputs


@pytest.mark.parametrize("model", list(MAKERS), ids=[m.__name__ for m in MAKERS])
def test_an_editors_edit_changes_no_public_output_until_a_publisher_publishes_it(
    model: type, editor_client: Client
) -> None:
    record = f.cited(MAKERS[model]())
    page = editor_client.get(url(record))
    data = form_data(page)
    name = next(n for n in TEXT_FIELDS if n in data)
    before = data[name]
    data[name] = f"{MARKER} of {model.__name__}"
    assert editor_client.post(url(record), data).status_code == 302
    record.refresh_from_db()
    assert getattr(record, name) == before
    for target, text in public_outputs(record).items():
        assert MARKER not in text, f"{target} shows the pending change"
    revision = PendingRevision.objects.get()
    assert revision.data["parent"]["fields"][name] == data[name]
    # The editor's form shows the pending revision, not the live version.
    assert editor_client.get(url(record)).context["adminform"].form.initial[name] == data[name]
    publisher = Client()
    publisher.force_login(f.create_user(role="publisher"))
    response = publisher.post(url(record, "review"), {"_publish_revision": "Publish"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert getattr(record, name) == data[name]
    assert not PendingRevision.objects.exists()
    shown = public_outputs(record)
    assert any(data[name] in text for text in shown.values())


def test_inline_changes_wait_too_and_the_diff_shows_rows_and_partial_dates(
    client: Client, editor_client: Client
) -> None:
    visit = published_visit()
    armenia = f.create_country(name="Armenia", slug="armenia")
    response = submit(
        editor_client,
        url(visit),
        {"title": "Secretary General visits Zephyria twice", "start_date": "March 2024"},
        {"legs": [{"country": str(armenia.pk), "city": "Yerevan", "order": "2"}]},
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    assert visit.legs.count() == 1
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Yerevan" not in page and "Zephyria twice" not in page
    review = editor_client.get(url(visit, "review"))
    diff = review.context["diff"]
    fields = {c.label: (c.live, c.pending) for c in diff.fields}
    assert fields["Title"] == (
        "Secretary General visits Georgia",
        "Secretary General visits Zephyria twice",
    )
    assert ("18 March 2024", "March 2024") in fields.values()  # the start, at its precision
    added = [row for row in diff.rows if row.kind == "added"]
    assert [(row.model_label, row.title) for row in added] == [("Visit leg", added[0].title)]
    shown = [(c.label, c.live, c.pending) for c in added[0].fields]
    assert ("City", "—", "Yerevan") in shown
    assert "Visit" not in [label for label, _, _ in shown]  # the link to its own visit
    assert "Yerevan" in review.content.decode()


def test_the_diff_reads_a_citation_change(editor_client: Client) -> None:
    visit = published_visit()
    citation = visit.citations.get()
    data = form_data(editor_client.get(url(visit)))
    prefix = next(k for k in data if k.endswith("-0-quote")).removesuffix("-0-quote")
    data[f"{prefix}-0-quote"] = "The Secretary General travelled to Tbilisi."
    assert editor_client.post(url(visit), data).status_code == 302
    citation.refresh_from_db()
    assert citation.quote == "As the source states."
    diff = editor_client.get(url(visit, "review")).context["diff"]
    changed = [row for row in diff.rows if row.kind == "changed"]
    assert [(r.model_label, [(c.label, c.live, c.pending) for c in r.fields]) for r in changed] == [
        (
            "Citation",
            [("Quote", "As the source states.", "The Secretary General travelled to Tbilisi.")],
        )
    ]


def test_request_changes_reaches_the_editor_with_the_comment(editor_client: Client) -> None:
    publisher_client = publisher()
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Wrong title", "_submit_review": "Submit"})
    revision = PendingRevision.objects.get()
    assert revision.submitted_at is not None
    publisher_client.post(
        url(visit, "review"), {"_request_changes": "1", "body": "Cite the press release."}
    )
    revision.refresh_from_db()
    assert revision.changes_requested_at is not None and revision.submitted_at is None
    page = editor_client.get(url(visit)).content.decode()
    assert "Changes requested by" in page and "Cite the press release." in page
    # Publishing resolves the request.
    publisher_client.post(url(visit, "review"), {"_publish_revision": "1"})
    assert not ReviewComment.objects.filter(resolved_at__isnull=True).exists()
    visit.refresh_from_db()
    assert visit.title == "Wrong title"


def test_comments_are_listed_resolved_and_never_public(client: Client, editor_client: Client):
    visit = published_visit()
    editor_client.post(
        url(visit, "review"), {"_comment": "1", "body": "Check the date", "field": "Start date"}
    )
    comment = ReviewComment.objects.get()
    assert (comment.field_name, comment.body) == ("Start date", "Check the date")
    page = editor_client.get(url(visit)).content.decode()
    assert "Open comments (1)" in page and "Check the date" in page
    for target, text in public_outputs(visit).items():
        assert "Check the date" not in text, target
    editor_client.post(url(visit, "review"), {"_resolve": str(comment.pk)})
    comment.refresh_from_db()
    assert comment.resolved_at is not None and comment.resolved_by is not None
    assert "Open comments" not in editor_client.get(url(visit)).content.decode()


def test_an_empty_comment_is_refused_with_a_message(editor_client: Client) -> None:
    visit = published_visit()
    response = editor_client.post(
        url(visit, "review"), {"_comment": "1", "body": "  "}, follow=True
    )
    assert "A comment needs some text." in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_discard_keeps_the_live_version(editor_client: Client) -> None:
    publisher_client = publisher()
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Unwanted"})
    publisher_client.post(url(visit, "review"), {"_discard": "1"})
    assert not PendingRevision.objects.exists()
    visit.refresh_from_db()
    assert visit.title == "Secretary General visits Georgia"


def test_publishing_is_one_history_entry_with_the_change(editor_client: Client) -> None:
    publisher_client = publisher()
    visit = published_visit()
    before = len(Versions(Visit, visit.pk).list())
    submit(editor_client, url(visit), {"title": "Reviewed title"})
    assert len(Versions(Visit, visit.pk).list()) == before  # nothing public happened yet
    publisher_client.post(url(visit, "review"), {"_publish_revision": "1"})
    versions = Versions(Visit, visit.pk).list()
    assert len(versions) == before + 1
    assert versions[0].reason.startswith("Published the pending revision by")
    assert versions[0].last.title == "Reviewed title"


def test_a_publisher_can_edit_and_publish_in_one_step(editor_client: Client) -> None:
    publisher_client = publisher()
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Editor's title"})
    page = publisher_client.get(url(visit))
    assert page.context["adminform"].form.initial["title"] == "Editor's title"
    data = form_data(page)
    data.update(summary="Publisher's summary", _publish="Save and publish")
    data.pop("_save")
    assert publisher_client.post(url(visit), data).status_code == 302
    visit.refresh_from_db()
    assert (visit.title, visit.summary) == ("Editor's title", "Publisher's summary")
    assert not PendingRevision.objects.exists()


def test_two_editors_saving_the_same_revision_get_the_conflict_screen(editor_client: Client):
    visit = published_visit()
    other = Client()
    other.force_login(f.create_user(role="editor"))
    mine, theirs = form_data(editor_client.get(url(visit))), form_data(other.get(url(visit)))
    mine["title"] = "Mine"
    assert editor_client.post(url(visit), mine).status_code == 302
    theirs["title"] = "Theirs"
    response = other.post(url(visit), theirs)
    assert response.status_code == 200
    assert response.context["edit_conflict"] is not None
    assert PendingRevision.objects.get().data["parent"]["fields"]["title"] == "Mine"


def test_an_editor_revert_of_a_published_record_is_a_pending_revision(editor_client: Client):
    topic = f.cited(f.create_topic(name="First name"))
    topic.name = "Second name"
    topic.save()
    first = Versions(Topic, topic.pk).list()[-1]
    stored = Topic.objects.values_list("version", flat=True).get(pk=topic.pk)
    target = reverse("admin:registry_topic_version", args=[topic.pk, first.key])
    editor_client.post(target, {"version": str(stored)})
    topic.refresh_from_db()
    assert topic.name == "Second name"
    assert PendingRevision.objects.get().data["parent"]["fields"]["name"] == "First name"


# --- preview -----------------------------------------------------------------------------


def test_preview_shows_the_pending_revision_as_it_will_render(editor_client: Client, client):
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Previewed title"})
    preview = editor_client.get(reverse("preview:staff", args=["registry", "visit", visit.pk]))
    assert "Previewed title" in preview.content.decode()
    assert "Previewed title" not in client.get(visit.get_absolute_url()).content.decode()
    visit.refresh_from_db()
    assert visit.title == "Secretary General visits Georgia"


def test_a_share_link_shows_the_pending_revision_to_someone_without_an_account(
    editor_client: Client,
) -> None:
    from registry.publication.share_links import share_url

    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Shared pending title"})
    shared = Client().get(share_url(visit)).content.decode()
    assert "Shared pending title" in shared
    assert "Shared pending title" not in Client().get(visit.get_absolute_url()).content.decode()


# --- scheduled revisions -----------------------------------------------------------------


def test_a_scheduled_revision_goes_live_at_its_time_with_cached_pages(
    client: Client, editor_client: Client, monkeypatch
) -> None:
    publisher_client = publisher()
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Scheduled title"})
    at = timezone.now() + dt.timedelta(hours=2)
    response = publisher_client.post(
        url(visit, "review"),
        {"_schedule": "1", "go_live_at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    revision = PendingRevision.objects.get()
    assert revision.go_live_at is not None
    token_before = version.current_version().token
    page = client.get(visit.get_absolute_url()).content.decode()  # cached now
    assert "Scheduled title" not in page
    assert "Scheduled title" not in client.get(visit.get_absolute_url()).content.decode()
    later = revision.go_live_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert version.current_version(later).token != token_before
    assert "Scheduled title" in client.get(visit.get_absolute_url()).content.decode()
    visit.refresh_from_db()
    assert visit.title == "Scheduled title"
    assert not PendingRevision.objects.exists()
    assert Versions(Visit, visit.pk).list()[0].reason.startswith("Published at its scheduled time")


def test_a_time_in_the_past_is_refused(editor_client: Client) -> None:
    publisher_client = publisher()
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Later"})
    past = timezone.localtime(timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = publisher_client.post(url(visit, "review"), {"_schedule": "1", "go_live_at": past})
    assert response.status_code == 200
    assert "Choose a time in the future" in response.content.decode()
    assert PendingRevision.objects.get().go_live_at is None


def test_a_due_revision_is_applied_once(editor_client: Client) -> None:
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Applied once"})
    revision = PendingRevision.objects.get()
    PendingRevision.objects.filter(pk=revision.pk).update(go_live_at=timezone.now())
    assert revisions.apply_due() == 1
    assert revisions.apply_due() == 0
    history = [v for v in Versions(Visit, visit.pk).list() if v.reason.startswith("Published at")]
    assert len(history) == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_at_the_boundary_apply_it_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs a server database")
    visit = published_visit()
    # No role needed: a transactional test may run after the groups were emptied.
    revision = revisions.save(visit, _changed(visit, title="Raced title"), None, number=None)
    PendingRevision.objects.filter(pk=revision.pk).update(go_live_at=timezone.now())
    barrier = threading.Barrier(2)
    results: list[int] = []

    def apply() -> None:
        try:
            barrier.wait()
            results.append(revisions.apply_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    visit.refresh_from_db()
    assert visit.title == "Raced title"
    history = [v for v in Versions(Visit, visit.pk).list() if v.reason.startswith("Published at")]
    assert len(history) == 1


def _changed(record: Any, **values: Any) -> dict[str, Any]:
    data = revisions.capture(record)
    data["parent"]["fields"].update(values)
    return data


# --- autosave ----------------------------------------------------------------------------


def test_autosave_keeps_a_private_draft_even_with_a_required_field_empty(editor_client: Client):
    visit = published_visit()
    data = form_data(editor_client.get(url(visit)))
    data["title"] = ""
    response = editor_client.post(url(visit, "autosave"), data)
    assert response.status_code == 200 and response.json()["saved"] is True
    draft = FormDraft.objects.get()
    assert draft.data["title"] == [""]
    page = editor_client.get(url(visit))
    assert "Restored what you typed before" in page.content.decode()
    visit.refresh_from_db()
    assert visit.title == "Secretary General visits Georgia"
    assert not PendingRevision.objects.exists()


def test_autosave_after_a_colleagues_save_reports_the_conflict(editor_client: Client) -> None:
    visit = published_visit()
    other = Client()
    other.force_login(f.create_user(role="editor"))
    mine = form_data(editor_client.get(url(visit)))
    theirs = form_data(other.get(url(visit)))
    theirs["title"] = "Theirs"
    assert other.post(url(visit), theirs).status_code == 302
    mine["title"] = "Mine"
    response = editor_client.post(url(visit, "autosave"), mine)
    assert response.status_code == 409
    assert "Someone else saved this record" in response.json()["message"]
    assert not FormDraft.objects.exists()


def test_autosave_refuses_a_forged_token_and_a_get(editor_client: Client) -> None:
    visit = published_visit()
    assert editor_client.get(url(visit, "autosave")).status_code == 405
    response = editor_client.post(url(visit, "autosave"), {"_edit_token": "forged"})
    assert response.status_code == 400


# --- the role matrix ---------------------------------------------------------------------


def _pending(visit: Visit) -> PendingRevision:
    user = f.create_user(role="editor")
    return revisions.save(visit, _changed(visit, title="Pending title"), user, number=None)


def act_publish(client: Client, visit: Visit) -> bool:
    _pending(visit)
    client.post(url(visit, "review"), {"_publish_revision": "1"})
    return Visit.objects.get(pk=visit.pk).title == "Pending title"


def act_discard(client: Client, visit: Visit) -> bool:
    _pending(visit)
    client.post(url(visit, "review"), {"_discard": "1"})
    return not PendingRevision.objects.exists()


def act_schedule(client: Client, visit: Visit) -> bool:
    _pending(visit)
    at = timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(url(visit, "review"), {"_schedule": "1", "go_live_at": at})
    return PendingRevision.objects.get().go_live_at is not None


def act_request_changes(client: Client, visit: Visit) -> bool:
    _pending(visit)
    client.post(url(visit, "review"), {"_request_changes": "1", "body": "Fix it"})
    return ReviewComment.objects.filter(requests_changes=True).exists()


def act_comment(client: Client, visit: Visit) -> bool:
    client.post(url(visit, "review"), {"_comment": "1", "body": "A note"})
    return ReviewComment.objects.exists()


def act_save_revision(client: Client, visit: Visit) -> bool:
    page = client.get(url(visit))
    if page.status_code != 200:
        return False
    data = form_data(page)
    data.update(title="Saved for review", _save_pending="1")
    client.post(url(visit), data)
    return PendingRevision.objects.filter().exists()


def act_autosave(client: Client, visit: Visit) -> bool:
    # The form is opened by a colleague, so that anonymous has a valid token to send too.
    colleague = Client()
    colleague.force_login(f.create_user(role="editor"))
    client.post(url(visit, "autosave"), form_data(colleague.get(url(visit))))
    return FormDraft.objects.filter(user__pk=client.session.get("_auth_user_id")).exists()


def act_see_review(client: Client, visit: Visit) -> bool:
    _pending(visit)
    response = client.get(url(visit, "review"))
    return response.status_code == 200 and "Pending title" in response.content.decode()


def act_submit(client: Client, visit: Visit) -> bool:
    _pending(visit)
    client.post(url(visit, "review"), {"_submit": "1"})
    return PendingRevision.objects.get().submitted_at is not None


def act_resolve(client: Client, visit: Visit) -> bool:
    comment = revisions.add_comment(Visit, visit.pk, None, "Resolve me")
    client.post(url(visit, "review"), {"_resolve": str(comment.pk)})
    comment.refresh_from_db()
    return comment.resolved_at is not None


def act_unschedule(client: Client, visit: Visit) -> bool:
    revisions.schedule(_pending(visit), timezone.now() + dt.timedelta(days=1), None)
    client.post(url(visit, "review"), {"_unschedule": "1"})
    return PendingRevision.objects.get().go_live_at is None


def act_bulk_publish(client: Client, visit: Visit) -> bool:
    _pending(visit)
    client.post(
        reverse("admin:registry_visit_changelist"),
        {"action": "publish_pending_revisions", "_selected_action": [visit.pk]},
    )
    return not PendingRevision.objects.exists()


REVISION_ACTIONS = {
    "save revision": act_save_revision,
    "see review": act_see_review,
    "comment": act_comment,
    "autosave": act_autosave,
    "publish": act_publish,
    "discard": act_discard,
    "schedule": act_schedule,
    "request changes": act_request_changes,
    "submit": act_submit,
    "resolve comment": act_resolve,
    "unschedule": act_unschedule,
    "bulk publish": act_bulk_publish,
}
EVERY = dict.fromkeys(REVISION_ACTIONS, True)
REVISION_MATRIX = {
    "editor": {
        **EVERY,
        "publish": False,
        "discard": False,
        "schedule": False,
        "request changes": False,
        "unschedule": False,
        "bulk publish": False,
    },
    "publisher": EVERY,
    "anonymous": dict.fromkeys(REVISION_ACTIONS, False),
}
REVISION_CELLS = [(r, a) for r in REVISION_MATRIX for a in REVISION_ACTIONS]


@pytest.mark.parametrize(
    ("role", "action"), REVISION_CELLS, ids=[f"{r}-{a}" for r, a in REVISION_CELLS]
)
def test_revision_role_matrix(client: Client, role: str, action: str) -> None:
    if role != "anonymous":
        client.force_login(f.create_user(role=role))
    visit = published_visit()
    allowed = REVISION_MATRIX[role][action]
    assert REVISION_ACTIONS[action](client, visit) is allowed
    if action not in ("publish", "bulk publish") or not allowed:
        visit.refresh_from_db()
        assert visit.title == "Secretary General visits Georgia"


def test_csv_import_of_a_change_to_a_published_record_waits(editor_client: Client) -> None:
    topic = f.cited(f.create_topic(name="Imported before", slug="imported"))
    from tablib import Dataset

    from registry.resources import resource_for

    resource = resource_for(Topic)()
    dataset = resource.export(Topic.objects.filter(pk=topic.pk))
    dataset = Dataset().load(dataset.csv.replace("Imported before", "Imported after"), format="csv")
    user = get_user_model().objects.get(pk=int(editor_client.session["_auth_user_id"]))
    result = resource.import_data(dataset, dry_run=False, user=user)
    assert not result.has_errors() and not result.has_validation_errors()
    topic.refresh_from_db()
    assert topic.name == "Imported before"
    assert PendingRevision.objects.get().data["parent"]["fields"]["name"] == "Imported after"


def test_the_review_queue_lists_pending_revisions_with_their_changes(editor_client: Client):
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Queued title", "_submit_review": "Submit"})
    assert PendingRevision.objects.get().changes == 1
    page = publisher().get(reverse("admin:index")).content.decode()
    queue = page[page.index('id="review-queue"') :]
    assert "Secretary General visits Georgia" in queue
    assert url(visit, "review") in queue and "Submitted for review" in queue


def test_the_bulk_action_publishes_the_pending_revisions(editor_client: Client) -> None:
    visits = [published_visit(slug=f"bulk-{n}") for n in range(2)]
    for visit in visits:
        submit(editor_client, url(visit), {"title": f"Bulk {visit.slug}"})
    publisher().post(
        reverse("admin:registry_visit_changelist"),
        {"action": "publish_pending_revisions", "_selected_action": [v.pk for v in visits]},
    )
    assert sorted(Visit.objects.values_list("title", flat=True)) == ["Bulk bulk-0", "Bulk bulk-1"]
    assert not PendingRevision.objects.exists()
    # An Editor is not offered the action, and cannot run it.
    editor_client.post(
        reverse("admin:registry_visit_changelist"),
        {"action": "publish_pending_revisions", "_selected_action": [visits[0].pk]},
    )
    assert (
        "publish_pending_revisions"
        not in editor_client.get(reverse("admin:registry_visit_changelist")).content.decode()
    )


def test_a_revision_that_no_longer_fits_shows_the_live_form_with_the_reason(editor_client):
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Pending title"})
    revision = PendingRevision.objects.get()
    revision.data["children"]["visitleg"][0]["fields"]["country"] = 999999  # deleted since
    revision.save()
    page = editor_client.get(url(visit))
    assert page.status_code == 200
    assert "The pending revision cannot be shown" in page.content.decode()
    assert page.context["adminform"].form.initial["title"] == "Secretary General visits Georgia"


def test_a_scheduled_revision_that_fails_is_unscheduled_and_the_page_still_answers(
    editor_client: Client,
) -> None:
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Broken"})
    revision = PendingRevision.objects.get()
    revision.data["children"]["visitleg"][0]["fields"]["country"] = 999999
    revision.go_live_at = timezone.now() - dt.timedelta(seconds=1)
    revision.save()
    version.bump()
    response = Client().get(visit.get_absolute_url())  # a visitor: reads the version
    assert response.status_code == 200
    assert "Secretary General visits Georgia" in response.content.decode()
    revision.refresh_from_db()
    assert revision.go_live_at is None and revision.claim is None


def test_a_signed_in_request_publishes_a_due_revision_the_state_lists(editor_client: Client):
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Due title"})
    revision = PendingRevision.objects.get()
    at = timezone.now() + dt.timedelta(minutes=5)
    revisions.schedule(revision, at, None)
    Client().get("/")  # a visitor's request keeps the state, which lists the time
    later = at + dt.timedelta(seconds=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        editor_client.get(reverse("admin:index"))
    visit.refresh_from_db()
    assert visit.title == "Due title"


def test_publishing_keeps_what_was_published_meanwhile_by_another_path(editor_client: Client):
    visit = published_visit()
    submit(editor_client, url(visit), {"title": "Editor's title"})
    # Meanwhile an import (or a shell) changes another field and adds a citation.
    live = Visit.objects.get(pk=visit.pk)
    live.summary = "Summary published meanwhile"
    live.save()
    f.create_citation(record=live, quote="Cited meanwhile")
    review = publisher().get(url(visit, "review"))
    assert [c.label for c in review.context["diff"].fields] == ["Title"]
    assert review.context["diff"].rows == []
    publisher().post(url(visit, "review"), {"_publish_revision": "1"})
    visit.refresh_from_db()
    assert (visit.title, visit.summary) == ("Editor's title", "Summary published meanwhile")
    assert sorted(visit.citations.values_list("quote", flat=True)) == [
        "As the source states.",
        "Cited meanwhile",
    ]


def test_a_row_the_revision_removes_is_removed_and_one_removed_live_stays_removed(
    editor_client: Client,
) -> None:
    visit = published_visit()
    extra = f.create_citation(record=visit, quote="Second passage")
    data = form_data(editor_client.get(url(visit)))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "citation" in k)
    prefix = prefix.removesuffix("-TOTAL_FORMS")
    row = next(i for i in range(2) if data[f"{prefix}-{i}-quote"] == "Second passage")
    data[f"{prefix}-{row}-DELETE"] = "on"
    assert editor_client.post(url(visit), data).status_code == 302
    assert visit.citations.count() == 2  # live untouched
    first = visit.citations.exclude(pk=extra.pk).get()
    publisher().post(url(visit, "review"), {"_publish_revision": "1"})
    assert list(visit.citations.values_list("pk", flat=True)) == [first.pk]
