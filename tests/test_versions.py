"""Every save is checked against the version it was based on (registry/models/versioning.py):
whichever path writes, a save based on an older read is refused, never silently kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.db import transaction
from django.test import RequestFactory

from registry.models import Region, Status, Topic, Visit, VisitLeg
from registry.models.history import STALE_REVERT, RevertError, Versions, revert_to
from registry.models.versioning import StaleRecord
from registry.publication import actions
from tests import factories as f
from tests.test_admin import url

pytestmark = pytest.mark.django_db


def stored_version(obj: Any) -> int:
    return type(obj)._base_manager.values_list("version", flat=True).get(pk=obj.pk)


def test_each_save_moves_the_version_on_by_one() -> None:
    visit = f.create_visit(title="First")
    start = stored_version(visit)
    visit.title = "Second"
    visit.save()
    assert visit.version == stored_version(visit) == start + 1
    visit.save(update_fields=["title"])  # even a partial save
    assert stored_version(visit) == start + 2


def test_a_save_based_on_an_older_read_is_refused_and_writes_nothing() -> None:
    visit = f.create_visit(title="Original")
    alice, bob = Visit.objects.get(pk=visit.pk), Visit.objects.get(pk=visit.pk)
    alice.title = "Alice"
    alice.save()
    bob.title = "Bob"
    bob.summary = "Bob's summary"
    with pytest.raises(StaleRecord, match="saved by someone else"), transaction.atomic():
        bob.save()
    fresh = Visit.objects.get(pk=visit.pk)
    assert (fresh.title, fresh.summary) == ("Alice", visit.summary)
    assert fresh.version == alice.version


def test_inline_rows_carry_their_own_version() -> None:
    leg = f.create_leg(visit=f.create_visit(), order=1, city="Baku")
    first, second = VisitLeg.objects.get(pk=leg.pk), VisitLeg.objects.get(pk=leg.pk)
    first.city = "Ganja"
    first.save()
    second.city = "Sheki"
    with pytest.raises(StaleRecord), transaction.atomic():
        second.save()
    assert VisitLeg.objects.get(pk=leg.pk).city == "Ganja"


def test_a_many_to_many_change_is_a_change_of_the_record_that_declares_it() -> None:
    visit, topic = f.create_visit(), f.create_topic(name="Energy")
    visit_before, topic_before = stored_version(visit), stored_version(topic)
    visit.topics.add(topic)
    assert stored_version(visit) == visit.version == visit_before + 1
    assert stored_version(topic) == topic_before  # the topic itself did not change
    visit.save()  # the in-memory copy followed, so it is not refused
    topic.name = "Energy security"
    topic.save()
    stale = Visit.objects.get(pk=visit.pk)
    topic.visits.remove(visit)  # from the other side: still the visit's change
    assert stored_version(visit) == stale.version + 1
    with pytest.raises(StaleRecord), transaction.atomic():
        stale.save()


def test_a_deleted_row_is_saved_again_as_before() -> None:
    # Django's own rule for a row deleted under a copy: the save inserts it.
    topic = f.create_topic(name="Gone")
    copy = Topic.objects.get(pk=topic.pk)
    Topic.objects.filter(pk=topic.pk).delete()
    copy.save()
    assert Topic.objects.filter(pk=topic.pk, name="Gone").exists()


def test_bulk_status_actions_apply_to_what_is_stored_now() -> None:
    topics = [f.cited(f.create_topic(name=f"Topic {i}", status=Status.DRAFT)) for i in range(3)]
    listed = list(Topic.objects.filter(pk__in=[t.pk for t in topics]).order_by("pk"))
    # Saved by someone else after the list was shown: the action must not overwrite it.
    other = Topic.objects.get(pk=topics[1].pk)
    other.name = "Renamed meanwhile"
    other.save()
    changed = actions.publish(listed)
    assert [t.pk for t in changed] == [t.pk for t in topics]
    renamed = Topic.objects.get(pk=topics[1].pk)
    assert (renamed.name, renamed.status) == ("Renamed meanwhile", Status.PUBLISHED)
    assert actions.publish(listed) == []  # already published: nothing to do


def test_revert_refuses_when_the_record_moved_on_since_the_page_was_opened(
    admin_client: Any,
) -> None:
    topic = f.create_topic(name="Original")
    first = Versions(Topic, topic.pk).list()[-1]
    topic.name = "Second"
    topic.save()
    seen = stored_version(topic)
    topic.name = "Third"  # saved by someone else while the revert page was open
    topic.save()
    with pytest.raises(RevertError, match="nothing was reverted"):
        revert_to(Topic, topic.pk, first, expected_version=seen)
    assert Topic.objects.get(pk=topic.pk).name == "Third"

    target = url(Topic, "version", topic.pk, first.key)
    page = admin_client.get(target)
    assert f'name="version" value="{stored_version(topic)}"' in page.text
    refused = admin_client.post(target, {"version": str(seen)}, follow=True)
    assert STALE_REVERT in refused.text
    assert admin_client.post(target, {}, follow=True).status_code == 200
    assert Topic.objects.get(pk=topic.pk).name == "Third"
    admin_client.post(target, {"version": str(stored_version(topic))})
    assert Topic.objects.get(pk=topic.pk).name == "Original"


def test_revert_to_a_version_writes_over_the_current_row() -> None:
    # Historical rows hold the version they were saved at; the revert is based on the
    # current one, so it is not mistaken for a stale save.
    topic = f.create_topic(name="Original")
    first = Versions(Topic, topic.pk).list()[-1]
    for name in ("Second", "Third"):
        topic.name = name
        topic.save()
    revert_to(Topic, topic.pk, first, expected_version=stored_version(topic))
    assert Topic.objects.get(pk=topic.pk).name == "Original"


def test_version_is_not_editable_nor_shown_in_the_admin_form() -> None:
    request = RequestFactory().get("/")
    request.user = f.create_user(role="superuser")
    form = site._registry[Visit].get_form(request, f.create_visit())
    assert "version" not in form.base_fields


# --- list-editable rows (registry/admin/list_versions.py) --------------------------------------


def list_form(client: Any, regions: list[Region]) -> dict[str, str]:
    """What the region list submits, as the page renders it (ids with their versions)."""
    page = client.get(url(Region, "changelist"))
    data = {"_save": "Save", "form-TOTAL_FORMS": "", "form-INITIAL_FORMS": ""}
    formset = page.context["cl"].formset
    for bound in formset.management_form:
        data[bound.html_name] = str(bound.value())
    html = page.text
    for form in formset.forms:
        data[form.add_prefix("id")] = str(form.instance.pk)
        data[form.add_prefix("sort_order")] = str(form.instance.sort_order)
        name = form.add_prefix("_version")
        assert f'name="{name}" value="{form.instance.version}"' in html
        data[name] = str(form.instance.version)
    assert len(formset.forms) == len(regions)
    return data


def row_prefix(data: dict[str, str], region: Region) -> str:
    key = next(k for k, v in data.items() if k.endswith("-id") and v == str(region.pk))
    return key.removesuffix("-id")


def test_a_list_edit_over_a_newer_save_is_refused(admin_client: Any) -> None:
    regions = [f.create_region(name=f"Region {i}", sort_order=i) for i in range(2)]
    data = list_form(admin_client, regions)
    other = Region.objects.get(pk=regions[0].pk)
    other.sort_order = 7  # someone else, after the list was opened
    other.save()
    data[f"{row_prefix(data, regions[0])}-sort_order"] = "5"
    refused = admin_client.post(url(Region, "changelist"), data)
    assert refused.status_code == 200
    assert "Someone else saved “Region 0” after you opened this list" in refused.text
    assert Region.objects.get(pk=regions[0].pk).sort_order == 7

    data = list_form(admin_client, regions)
    data[f"{row_prefix(data, regions[0])}-sort_order"] = "5"
    assert admin_client.post(url(Region, "changelist"), data).status_code == 302
    assert Region.objects.get(pk=regions[0].pk).sort_order == 5


def test_an_unchanged_row_of_a_list_does_not_block_the_others(admin_client: Any) -> None:
    regions = [f.create_region(name=f"Region {i}", sort_order=i) for i in range(2)]
    data = list_form(admin_client, regions)
    other = Region.objects.get(pk=regions[1].pk)
    other.name = "Renamed meanwhile"
    other.save()
    data[f"{row_prefix(data, regions[0])}-sort_order"] = "9"
    assert admin_client.post(url(Region, "changelist"), data).status_code == 302
    assert Region.objects.get(pk=regions[0].pk).sort_order == 9
    assert Region.objects.get(pk=regions[1].pk).name == "Renamed meanwhile"


def test_a_list_row_without_its_version_is_refused(admin_client: Any) -> None:
    regions = [f.create_region(name="Region", sort_order=1)]
    data = list_form(admin_client, regions)
    prefix = row_prefix(data, regions[0])
    data.pop(f"{prefix}-_version")
    data[f"{prefix}-sort_order"] = "4"
    refused = admin_client.post(url(Region, "changelist"), data)
    assert "sent without the version" in refused.text
    assert Region.objects.get(pk=regions[0].pk).sort_order == 1
