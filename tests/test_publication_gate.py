"""The publishing gate: a citable record with no citation of a public source is not
published, whichever path asks (the change form, the bulk action, a revert, a restore, the
seed loader), and the Publisher is told which records and why."""

from __future__ import annotations

from typing import Any

import pytest

from registry.models import Citation, Status, Topic, Visit
from registry.models.history import Versions, deleted_records, restore, revert_to
from registry.publication import actions
from registry.publication.gate import (
    DRAFT_SOURCES_ONLY,
    NO_CITATION,
    PublicationBlocked,
    publication_blockers,
    uncited,
)
from tests import factories as f
from tests.test_admin import CITATIONS, submit, url

pytestmark = pytest.mark.django_db


def test_blockers_name_each_record_with_its_reason() -> None:
    bare = f.create_visit(status=Status.DRAFT)
    behind_draft = f.create_visit(status=Status.DRAFT)
    f.create_citation(record=behind_draft, source=f.create_source(status=Status.DRAFT))
    backed = f.cited(f.create_visit(status=Status.DRAFT))
    source = f.create_source()  # a source is not citable: nothing holds it back
    blockers = publication_blockers([bare, behind_draft, backed, source])
    assert blockers == {bare: NO_CITATION, behind_draft: DRAFT_SOURCES_ONLY}
    assert set(uncited(Visit.objects.all())) == {bare, behind_draft}


def test_a_citation_of_another_kind_of_record_with_the_same_number_does_not_count() -> None:
    from django.contrib.contenttypes.models import ContentType

    visit = f.create_visit(status=Status.DRAFT)
    Citation.objects.create(
        source=f.create_source(status=Status.DRAFT),
        content_type=ContentType.objects.get_for_model(Topic),
        object_id=visit.pk,
    )
    assert publication_blockers([visit]) == {visit: NO_CITATION}


def test_the_refusal_names_every_record_held_back_with_its_reason() -> None:
    first = f.create_topic(status=Status.DRAFT)
    second = f.create_topic(status=Status.DRAFT)
    f.create_citation(record=second, source=f.create_source(status=Status.DRAFT))
    with pytest.raises(PublicationBlocked) as refused:
        actions.publish([first, second])
    assert refused.value.blockers == {first: NO_CITATION, second: DRAFT_SOURCES_ONLY}
    assert str(refused.value) == f"“{first}” ({NO_CITATION}); “{second}” ({DRAFT_SOURCES_ONLY})"


def test_a_citation_counts_only_while_its_source_is_public() -> None:
    source = f.create_source()
    visit = f.create_visit(status=Status.DRAFT)
    f.create_citation(record=visit, source=source)
    assert publication_blockers([visit]) == {}
    source.status = Status.DRAFT
    source.save()
    assert publication_blockers([visit]) == {visit: DRAFT_SOURCES_ONLY}


def test_set_status_refuses_an_uncited_record_and_writes_nothing() -> None:
    backed = f.cited(f.create_topic(status=Status.DRAFT))
    bare = f.create_topic(status=Status.DRAFT)
    with pytest.raises(PublicationBlocked, match="it cites no source"):
        actions.publish([backed, bare])
    assert set(Topic.objects.values_list("status", flat=True)) == {Status.DRAFT}
    # Unpublishing is never held back.
    published = f.create_topic()
    assert actions.unpublish([published]) == [published]


def test_save_and_publish_without_a_source_saves_a_draft_and_says_why(
    publisher_client: Any,
) -> None:
    visit = f.create_visit(status=Status.DRAFT, title="Uncited visit")
    target = url(Visit, "change", visit.pk)
    response = submit(
        publisher_client, target, {"title": "Uncited visit, renamed", "_publish": "1"}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.title, visit.status) == ("Uncited visit, renamed", Status.DRAFT)
    page = publisher_client.get(target)
    messages = [str(m) for m in page.context["messages"]]
    assert any(
        "was saved as a draft but not published: it cites no source" in m for m in messages
    ), messages


def test_save_and_publish_counts_the_citation_added_in_the_same_save(
    publisher_client: Any,
) -> None:
    visit = f.create_visit(status=Status.DRAFT)
    source = f.create_source()
    submit(
        publisher_client,
        url(Visit, "change", visit.pk),
        {"_publish": "1"},
        {CITATIONS: [{"source": str(source.pk), "quote": "The visit took place."}]},
    )
    visit.refresh_from_db()
    assert visit.status == Status.PUBLISHED
    assert Citation.objects.for_object(visit).get().source == source


def test_removing_the_last_citation_of_a_published_record_warns(publisher_client: Any) -> None:
    visit = f.cited(f.create_visit())
    target = url(Visit, "change", visit.pk)
    page = publisher_client.get(target)
    from tests.test_admin import form_data

    data = form_data(page)
    data[f"{CITATIONS}-0-DELETE"] = "on"
    response = publisher_client.post(target, data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("is published but it cites no source" in m for m in messages), messages


def test_bulk_publish_publishes_the_cited_and_names_the_rest(publisher_client: Any) -> None:
    backed = f.cited(f.create_topic(status=Status.DRAFT, name="Backed"))
    bare = f.create_topic(status=Status.DRAFT, name="Bare")
    response = publisher_client.post(
        url(Topic, "changelist"),
        {"action": "publish", "_selected_action": [backed.pk, bare.pk]},
        follow=True,
    )
    text = response.text
    assert "1 topic marked published." in text
    assert "1 not published" in text
    assert "“Bare” (it cites no source: add a citation on its page)" in text
    backed.refresh_from_db()
    bare.refresh_from_db()
    assert (backed.status, bare.status) == (Status.PUBLISHED, Status.DRAFT)


def test_a_revert_to_a_version_without_citations_leaves_a_draft() -> None:
    topic = f.create_topic(status=Status.DRAFT, name="Before any source")
    first = Versions(Topic, topic.pk).list()[-1]
    f.cited(topic)
    actions.publish([topic])
    report = revert_to(Topic, topic.pk, first)
    topic.refresh_from_db()
    assert topic.status == Status.DRAFT
    assert not Citation.objects.for_object(topic).exists()
    assert any("Reverted as a draft and not published" in w for w in report.warnings)


def test_a_restore_of_a_published_record_without_its_source_leaves_a_draft() -> None:
    topic = f.create_topic(name="Deleted")  # published, no citation (made before the gate)
    topic.delete()
    report = restore(Topic, deleted_records(Topic)[0])
    topic = Topic.objects.get(pk=report.record.pk)
    assert topic.status == Status.DRAFT
    assert any("Restored as a draft and not published" in w for w in report.warnings)


def test_the_seed_loader_refuses_an_uncited_record(tmp_path: Any) -> None:
    from registry.seed import loader

    seed = tmp_path / "seed.yaml"
    seed.write_text("topics:\n  - slug: uncited\n    name: Uncited topic\n", encoding="utf-8")
    with pytest.raises(loader.SeedError, match="it cites no source"):
        loader.load_seed(seed)
    assert not Topic.objects.filter(slug="uncited").exists()
