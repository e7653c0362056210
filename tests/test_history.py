"""History: every change by anyone is recorded with who, when and a field-by-field diff; a
visit's legs, meetings and citations are part of its history; revert and restore bring the
children back."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from registry.models import Citation, Event, Meeting, Status, Topic, Visit, VisitLeg
from registry.models.history import Versions, recorded, restore, revert_to
from registry.seed.loader import load_seed
from tests import factories as f
from tests.test_admin import all_row_errors, at_version, form_data, form_errors, submit, url

pytestmark = pytest.mark.django_db

CITATIONS = "registry-citation-content_type-object_id"


def versions(record) -> list:
    return Versions(type(record), record.pk).list()


def changed_fields(client: Any, record, version) -> dict[str, tuple[str, str]]:
    page = client.get(url(type(record), "version", record.pk, version.key))
    assert page.status_code == 200
    parent = next(c for c in page.context["changes"] if c.is_parent)
    return {change.label: (change.old, change.new) for change in parent.fields}


# --- who, when, why ----------------------------------------------------------------------------


def test_every_change_is_recorded_with_who_and_why(admin_client: Any, superuser: Any) -> None:
    response = submit(admin_client, url(Topic, "add"), {"name": "Cyber", "slug": "cyber"})
    assert response.status_code == 302
    topic = Topic.objects.get(slug="cyber")
    submit(admin_client, url(Topic, "change", topic.pk), {"description": "Networks"})
    topic.refresh_from_db()
    topic.name = "Cyber defence"
    topic.save()  # a shell: no user
    with recorded("Data fix after review"):
        topic.description = "Networks and systems"
        topic.save()
    records = list(topic.history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~", "~", "~"]
    assert [r.history_user for r in records] == [superuser, superuser, None, None]
    assert [r.history_username for r in records] == ["alice", "alice", "", ""]
    assert records[-1].history_change_reason == "Data fix after review"
    page = admin_client.get(url(Topic, "history", topic.pk))
    assert page.status_code == 200
    assert "no user (shell or script)" in page.text
    assert "Data fix after review" in page.text
    assert "Changed Description" in page.text


def test_the_seed_loader_is_recorded_as_seed() -> None:
    load_seed()
    visit = Visit.objects.get(title__startswith="Secretary General")
    (version,) = versions(visit)  # the visit with its legs, meetings and citations: one entry
    assert version.reason == "seed"
    assert version.user is None
    kinds = {record.instance_type for record in version.records}
    assert kinds == {Visit, VisitLeg, Meeting, Citation}


def test_the_diff_shows_the_changed_fields(admin_client: Any) -> None:
    event = f.create_event(name="Istanbul Summit", start="2004-06", city="Istanbul")
    response = submit(
        admin_client,
        url(Event, "change", event.pk),
        {"city": "Ankara", "start_date": "2004-06-28", "summary": "Partnership deepened."},
    )
    assert response.status_code == 302
    assert changed_fields(admin_client, event, versions(event)[0]) == {
        "City": ("Istanbul", "Ankara"),
        "From": ("June 2004", "28 June 2004"),
        "Summary": ("—", "Partnership deepened."),
    }


def test_the_diff_names_linked_records_and_many_to_many_changes(admin_client: Any) -> None:
    old_country, new_country = f.create_country(name="Turkey"), f.create_country(name="Georgia")
    topic = f.create_topic(name="Defence reform")
    event = f.create_event(country=old_country)
    submit(
        admin_client,
        url(Event, "change", event.pk),
        {"country": str(new_country.pk), "topics": [str(topic.pk)]},
    )
    fields = changed_fields(admin_client, event, versions(event)[0])
    assert fields["Country"] == ("Turkey", "Georgia")
    assert fields["Topics"] == ("—", "Defence reform")


def test_a_long_text_change_is_shown_line_by_line(admin_client: Any) -> None:
    text = "\n".join(f"Paragraph {n} of the source." * 3 for n in range(20))
    source = f.create_source(full_text=text)
    source.full_text = text.replace("Paragraph 7 of", "Paragraph seven of")
    source.save()
    page = admin_client.get(url(type(source), "version", source.pk, versions(source)[0].key))
    (change,) = next(c for c in page.context["changes"] if c.is_parent).fields
    assert change.label == "Full text"
    assert [line[0] for line in change.diff] == ["-", "+"]
    assert "Paragraph seven of" in page.text


def test_a_visit_saved_with_its_children_is_one_version(admin_client: Any) -> None:
    visit = f.create_visit(title="Tour", start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=visit, order=1, start="2024-03-17", city="Baku")
    source = f.create_source()
    target = url(Visit, "change", visit.pk)
    data = form_data(admin_client.get(target))
    data.update({"title": "Tour of the Caucasus", "legs-0-city": "Ganja"})
    for prefix, row in (
        ("meetings", {"order": "1", "counterpart_group": "Students", "date": "2024-03-18"}),
        (CITATIONS, {"source": str(source.pk), "locator": "para. 2"}),
    ):
        index = int(data[f"{prefix}-TOTAL_FORMS"])
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
        data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    response = admin_client.post(target, data)
    assert response.status_code == 302, form_errors(response)
    latest = versions(visit)[0]
    assert {r.instance_type for r in latest.records} == {Visit, VisitLeg, Meeting, Citation}
    page = admin_client.get(url(Visit, "version", visit.pk, latest.key))
    summary = {
        (c.model, c.kind): {x.label: x.new for x in c.fields} for c in page.context["changes"]
    }
    assert summary[(Visit, "changed")] == {"Title": "Tour of the Caucasus"}
    assert summary[(VisitLeg, "changed")] == {"City": "Ganja"}
    assert summary[(Meeting, "created")]["Counterpart group"] == "Students"
    assert summary[(Citation, "created")]["Locator"] == "para. 2"
    history = admin_client.get(url(Visit, "history", visit.pk)).text
    assert "Changed Title; visit leg changed; meeting created; citation created" in history


def test_moving_a_visits_dates_records_its_final_state(admin_client: Any) -> None:
    visit = f.create_visit(start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=visit, order=1, start="2024-03-17")
    target = url(Visit, "change", visit.pk)
    data = form_data(admin_client.get(target))
    data.update({"start_date": "2024-04-07", "end_date": "2024-04-09"})
    data.update({"legs-0-start_date": "2024-04-07"})
    response = admin_client.post(target, data)
    assert response.status_code == 302, all_row_errors(response, "legs")
    assert all(r.start_date is not None for r in visit.history.all())
    assert changed_fields(admin_client, visit, versions(visit)[0])["From"] == (
        "17 March 2024",
        "7 April 2024",
    )


# --- revert -------------------------------------------------------------------------------------


def _visit_with_children() -> tuple[Visit, dict[str, Any]]:
    first, second = f.create_topic(name="Energy"), f.create_topic(name="Science")
    visit = f.create_visit(title="Original", start="2024-03-17", end="2024-03-19")
    visit.topics.add(first)
    legs = [
        f.create_leg(visit=visit, order=1, start="2024-03-17", city="Baku"),
        f.create_leg(visit=visit, order=2, start="2024-03-18", city="Tbilisi"),
    ]
    meeting = f.create_meeting(visit=visit, leg=legs[0], counterpart_group="Students")
    meeting.topics.add(first)
    citation = f.create_citation(record=visit, locator="p. 1")
    return visit, {"topics": (first, second), "legs": legs, "meeting": meeting, "cite": citation}


def _state(visit: Visit) -> dict[str, Any]:
    visit.refresh_from_db()
    return {
        "title": visit.title,
        "topics": sorted(t.name for t in visit.topics.all()),
        "legs": sorted((leg.pk, leg.order, leg.city) for leg in visit.legs.all()),
        "meetings": sorted(
            (m.pk, m.leg_id, m.counterpart_group, tuple(t.name for t in m.topics.all()))
            for m in visit.meetings.all()
        ),
        "citations": sorted((c.pk, c.locator) for c in Citation.objects.for_object(visit)),
    }


def _change_everything(visit: Visit, parts: dict[str, Any]) -> None:
    visit.title = "Changed"
    visit.save()
    visit.topics.set([parts["topics"][1]])
    first, second = parts["legs"]
    second.delete()
    first.city, first.order = "Ganja", 5
    first.save()
    parts["meeting"].delete()
    f.create_meeting(visit=visit, counterpart_group="Journalists")
    parts["cite"].locator = "p. 9"
    parts["cite"].save()
    f.create_citation(record=visit, locator="p. 20")


def test_revert_restores_a_visit_with_its_legs_meetings_and_citations(
    admin_client: Any, superuser: Any
) -> None:
    visit, parts = _visit_with_children()
    original_state, original = _state(visit), versions(visit)[0]
    _change_everything(visit, parts)
    changed_state = _state(visit)
    assert changed_state != original_state

    response = admin_client.post(url(Visit, "version", visit.pk, original.key), at_version(visit))
    assert response.status_code == 302
    assert _state(visit) == original_state  # the same rows, with the same ids
    revert = versions(visit)[0]
    assert revert.user == superuser
    assert revert.reason.startswith("Reverted to the version of")

    # The revert is a version like any other: it can be undone.
    before_revert = versions(visit)[1]
    admin_client.post(url(Visit, "version", visit.pk, before_revert.key), at_version(visit))
    assert _state(visit) == changed_state


def test_revert_swaps_leg_order_back() -> None:
    visit = f.create_visit(start="2024-03-17", end="2024-03-19")
    one = f.create_leg(visit=visit, order=1, city="Baku")
    two = f.create_leg(visit=visit, order=2, city="Tbilisi")
    original = versions(visit)[0]
    one.order = 3
    one.save()
    two.order = 1
    two.save()
    one.order = 2
    one.save()
    revert_to(Visit, visit.pk, original)
    assert sorted(visit.legs.values_list("city", "order")) == [("Baku", 1), ("Tbilisi", 2)]


def test_revert_moves_a_visit_and_its_legs_back_together(admin_client: Any) -> None:
    # On PostgreSQL, triggers refuse a leg outside its visit whichever row is written first.
    visit = f.create_visit(start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=visit, order=1, start="2024-03-17")
    original = versions(visit)[0]
    target = url(Visit, "change", visit.pk)
    data = form_data(admin_client.get(target))
    data.update(
        {"start_date": "2024-04-07", "end_date": "2024-04-09", "legs-0-start_date": "2024-04-08"}
    )
    assert admin_client.post(target, data).status_code == 302
    response = admin_client.post(
        url(Visit, "version", visit.pk, original.key), at_version(visit), follow=True
    )
    assert "was reverted" in response.text
    visit.refresh_from_db()
    assert visit.start.isoformat() == "2024-03-17"
    assert [leg.start.isoformat() for leg in visit.legs.all()] == ["2024-03-17"]


def test_revert_keeps_the_publication_state_unless_asked(admin_client: Any) -> None:
    topic = f.cited(f.create_topic(name="Old", status=Status.DRAFT))
    original = versions(topic)[0]
    topic.name, topic.status = "New", Status.PUBLISHED
    topic.save()
    admin_client.post(url(Topic, "version", topic.pk, original.key), at_version(topic))
    topic.refresh_from_db()
    assert (topic.name, topic.status) == ("Old", Status.PUBLISHED)
    admin_client.post(
        url(Topic, "version", topic.pk, original.key),
        {"restore_publication": "1", **at_version(topic)},
    )
    topic.refresh_from_db()
    assert topic.status == Status.DRAFT


def test_an_unknown_version_is_a_404(admin_client: Any) -> None:
    topic, other = f.create_topic(), f.create_topic()
    other_version = versions(other)[0]
    assert admin_client.get(url(Topic, "version", topic.pk, other_version.key)).status_code == 404
    assert admin_client.get(url(Topic, "version", topic.pk, "topic-x")).status_code == 404


# --- restore after deletion ---------------------------------------------------------------


def test_a_deleted_visit_is_restored_with_its_children(admin_client: Any) -> None:
    visit, _parts = _visit_with_children()
    separately = f.create_leg(visit=visit, order=3, start="2024-03-19", city="Yerevan")
    separately.delete()  # deleted on its own first: it stays deleted
    state = _state(visit)
    pk = visit.pk
    response = admin_client.post(url(Visit, "delete", pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Visit.objects.filter(pk=pk).exists()
    assert not VisitLeg.objects.filter(visit_id=pk).exists()
    assert not Citation.objects.filter(object_id=pk, locator="p. 1").exists()

    listing = admin_client.get(url(Visit, "recoverlist"))
    assert "Original" in listing.text
    (row,) = listing.context["rows"]
    response = admin_client.post(row["url"], follow=True)
    assert "was restored with 4 linked record(s)" in response.text
    visit = Visit.objects.get(pk=pk)
    assert _state(visit) == state
    assert not VisitLeg.objects.filter(pk=separately.pk).exists()
    assert visit.status == Status.PUBLISHED  # restored by a superuser: as it was
    assert "Original" not in admin_client.get(url(Visit, "recoverlist")).text


def test_a_record_deleted_in_a_shell_is_restored_with_its_citations() -> None:
    topic = f.create_topic(name="Mine action")
    citations = {f.create_citation(record=topic, locator=f"p. {n}").pk for n in (1, 2)}
    pk = topic.pk
    topic.delete()
    assert not Citation.objects.filter(pk__in=citations).exists()
    deletion = Topic.history.get(id=pk, history_type="-")
    report = restore(Topic, deletion)
    assert report.restored == 2
    assert (
        set(Citation.objects.for_object(Topic.objects.get(pk=pk)).values_list("pk", flat=True))
        == citations
    )


def test_restoring_needs_the_deletion_to_be_current(admin_client: Any) -> None:
    topic = f.create_topic()
    pk = topic.pk
    topic.delete()
    deletion = Topic.history.get(id=pk, history_type="-")
    restore(Topic, deletion)
    assert admin_client.post(url(Topic, "recover", deletion.history_id)).status_code == 404
    assert Topic.objects.filter(pk=pk).count() == 1


def test_children_have_their_own_history_pages(admin_client: Any) -> None:
    leg = f.create_leg(visit=f.create_visit(), city="Baku")
    leg.city = "Ganja"
    leg.save()
    page = admin_client.get(url(VisitLeg, "history", leg.pk))
    assert page.status_code == 200
    assert "Changed City" in page.text
    change_form = admin_client.get(url(VisitLeg, "change", leg.pk)).text
    assert reverse("admin:registry_visitleg_history", args=[leg.pk]) in change_form


def test_links_removed_by_a_deletion_are_recorded() -> None:
    # Django clears these with a plain UPDATE or DELETE, which sends no save signal.
    visit = f.create_visit(start="2024-03-17", end="2024-03-19")
    leg = f.create_leg(visit=visit, order=1, start="2024-03-17")
    meeting = f.create_meeting(visit=visit, leg=leg, counterpart_group="Students")
    topic = f.create_topic(name="Energy")
    visit.topics.add(topic)
    leg.delete()
    last = meeting.history.first()
    assert (last.leg_id, last.history_change_reason) == (None, "Linked visit leg deleted")
    topic.delete()
    assert visit.history.first().history_m2m == {"topics": []}


def test_a_source_citing_another_is_recorded_in_the_cited_sources_history() -> None:
    analysis = f.create_source(title="Analysis", slug="analysis")
    declaration = f.create_source(title="Declaration", slug="declaration")
    declaration.cited_in.add(analysis)
    assert declaration.history.first().history_m2m == {"cited_in": [analysis.pk]}
    assert list(analysis.cites.all()) == [declaration]
    analysis.delete()
    assert declaration.history.first().history_m2m == {"cited_in": []}
