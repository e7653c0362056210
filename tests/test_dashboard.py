"""The data-quality dashboard on the admin index: each line's count, its link to exactly the
records counted, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from registry.admin.dashboard import Line, dashboard_lines
from registry.models import Appointment, Citation, Office, Position, Status, Visit
from tests import factories as f

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def lines(client: Client) -> dict[str, Line]:
    """The dashboard the client's user sees; the index page must render it."""
    page = client.get(INDEX)
    assert page.status_code == 200
    request = RequestFactory().get(INDEX)
    request.user = page.wsgi_request.user
    result = {line.key: line for line in dashboard_lines(request)}
    for line in result.values():
        assert f'id="dashboard-{line.key}"' in page.text
        for item in line.items:
            if item.count:
                assert f'href="{escape(item.url)}">{item.label}<' in page.text
    return result


def counts(line: Line) -> dict[str, int]:
    return {item.model.__name__: item.count for item in line.items if item.count}


def listed(client: Client, link: str) -> set[Any]:
    """The records the changelist at `link` shows (all pages)."""
    page = client.get(link + "&all=")
    assert page.status_code == 200, link
    changelist = page.context["cl"]
    return {obj.pk for obj in changelist.result_list}


def assert_links_match(client: Client, line: Line, expected: dict[str, set[Any]]) -> None:
    """Each item's count equals the number of records its link lists, which are `expected`."""
    for item in line.items:
        if not item.count:
            continue
        shown = listed(client, item.url)
        assert len(shown) == item.count, item.url
        assert shown == expected[item.model.__name__], item.url


def test_drafts_and_scheduled(admin_client: Client) -> None:
    draft = f.create_visit(status=Status.DRAFT)
    scheduled = f.create_visit(publish_at=timezone.now() + dt.timedelta(days=2))
    f.create_visit(publish_at=timezone.now() - dt.timedelta(days=2))  # already public
    person = f.create_person(status=Status.DRAFT)
    result = lines(admin_client)
    # Factory visits create their travellers (published) as well.
    assert counts(result["drafts"]) == {"Visit": 1, "Person": 1}
    assert counts(result["scheduled"]) == {"Visit": 1}
    assert_links_match(admin_client, result["drafts"], {"Visit": {draft.pk}, "Person": {person.pk}})
    assert_links_match(admin_client, result["scheduled"], {"Visit": {scheduled.pk}})


def test_records_without_a_public_source(admin_client: Client) -> None:
    f.cited(f.create_office(), f.create_office(status=Status.DRAFT))
    uncited = f.create_office()
    # A citation of a draft source shows nothing on the public page: it does not count.
    draft_source = f.create_source(status=Status.DRAFT)
    behind_draft = f.create_office()
    f.create_citation(record=behind_draft, source=draft_source)
    blocked = f.create_office(status=Status.DRAFT)
    result = lines(admin_client)
    assert counts(result["uncited"])["Office"] == 2
    assert counts(result["blocked"])["Office"] == 1
    for key, expected in (("uncited", {uncited.pk, behind_draft.pk}), ("blocked", {blocked.pk})):
        item = next(i for i in result[key].items if i.model is Office)
        assert listed(admin_client, item.url) == expected
    html = admin_client.get(INDEX).text
    assert "Drafts blocked from publishing" in html
    assert "Published without a source" in html


def test_citations_never_or_long_ago_verified(admin_client: Client) -> None:
    record = f.create_person()
    today = timezone.localdate()
    never = f.create_citation(record=record)
    stale = f.create_citation(record=record, verified_on=today - dt.timedelta(days=400))
    f.create_citation(record=record, verified_on=today - dt.timedelta(days=30))
    result = lines(admin_client)
    assert counts(result["never_verified"]) == {"Citation": 1}
    assert counts(result["stale"]) == {"Citation": 1}
    assert_links_match(admin_client, result["never_verified"], {"Citation": {never.pk}})
    assert_links_match(admin_client, result["stale"], {"Citation": {stale.pk}})


def test_vacant_posts(admin_client: Client) -> None:
    held = f.create_position()
    f.create_appointment(position=held, start="2019", ongoing=True)
    vacant = f.create_position()
    f.create_appointment(position=vacant, start="2010", end="2014")  # a past holder only
    unknown_end = f.create_position()
    f.create_appointment(position=unknown_end, start="2020")  # not recorded as still in post
    f.create_position(start="2000", end="2010")  # abolished: not vacant
    attested = f.create_position()
    f.create_appointment(position=attested, attested_date=dt.date(2024, 3, 1))
    nobody = f.create_position()
    # Not "vacant": the sources rarely say so. The dashboard lists the posts with no holder
    # recorded at all; the list filter still finds those with none known in post today.
    result = lines(admin_client)
    assert counts(result["no_holder"]) == {"Position": 1}
    assert_links_match(admin_client, result["no_holder"], {"Position": {nobody.pk}})
    today = admin_client.get(reverse("admin:registry_position_changelist") + "?holder=vacant")
    shown = {p.pk for p in today.context["cl"].result_list}
    assert shown == {vacant.pk, unknown_end.pk, attested.pk, nobody.pk}


def test_open_offices_without_contact_details(admin_client: Client) -> None:
    complete = {"address": "Tbilisi", "phone": "+995 32 293 38 01", "email": "a@example.org"}
    f.create_office(**complete)
    no_phone = f.create_office(**(complete | {"phone": ""}))
    nothing = f.create_office()
    f.create_office(start="2000", end="2010")  # closed: no contact details needed
    result = lines(admin_client)
    assert counts(result["contact"]) == {"Office": 2}
    assert_links_match(admin_client, result["contact"], {"Office": {no_phone.pk, nothing.pk}})


def _stored_bypassing_checks(obj: Any, **values: Any) -> None:
    """Data the forms would refuse, as an older import or a script may have left it."""
    type(obj).objects.filter(pk=obj.pk).update(**values)


def test_date_inconsistencies(admin_client: Client) -> None:
    fine = f.create_visit(start="2024-03-17", end="2024-03-19", duration_days=3)
    f.create_leg(visit=fine, order=1, start="2024-03-17")
    wrong_length = f.create_visit(start="2024-03-17", end="2024-03-19", duration_days=5)
    meeting_outside = f.create_visit(start="2024-03-17", end="2024-03-19")
    f.create_meeting(visit=meeting_outside, counterpart_group="Students", date=dt.date(2024, 3, 17))
    _stored_bypassing_checks(meeting_outside.meetings.get(), date=dt.date(2024, 4, 1))
    post = f.create_position(start="2010", end="2015")
    before_post = f.create_appointment(position=post, start="2012", end="2014")
    _stored_bypassing_checks(before_post, start_date=dt.date(2005, 1, 1), start_precision="year")
    f.create_appointment(position=post, start="2014", end="2015")  # within the post's dates
    continuing = f.create_appointment(position=f.create_position(start="2010"), start="2011")
    _stored_bypassing_checks(continuing.position, end_date=dt.date(2012, 1, 1))
    _stored_bypassing_checks(continuing, ongoing=True)
    result = lines(admin_client)
    assert counts(result["dates"]) == {"Visit": 2, "Appointment": 2}
    assert_links_match(
        admin_client,
        result["dates"],
        {
            "Visit": {wrong_length.pk, meeting_outside.pk},
            "Appointment": {before_post.pk, continuing.pk},
        },
    )


def test_dashboard_shows_each_line_with_its_link(admin_client: Client) -> None:
    f.create_visit(status=Status.DRAFT)
    html = admin_client.get(INDEX).text
    assert 'id="registry-dashboard"' in html
    for title in (
        "Drafts awaiting review",
        "Scheduled",
        "Drafts blocked from publishing",
        "Published without a source",
        "Citations never verified",
        "Citations not verified for over a year",
        "Posts with no holder recorded",
        "Open offices without full contact details",
        "Date inconsistencies",
    ):
        assert title in html
    assert f'href="{reverse("admin:registry_visit_changelist")}?public=draft">1 visit<' in html
    assert "Registry records" in html  # the stock app list is still there


def _seed(copies: int) -> None:
    for _ in range(copies):
        visit = f.create_visit(status=Status.DRAFT, duration_days=9, start="2024-01-01")
        f.create_leg(visit=visit, order=1)
        f.create_meeting(visit=visit, counterpart_group="Group", date=dt.date(2024, 1, 1))
        position = f.create_position()
        f.create_appointment(position=position, start="2019", ongoing=True)
        f.create_citation(record=f.create_office(), verified_on=dt.date(2000, 1, 1))


def test_query_count_does_not_grow_with_the_data(admin_client: Client) -> None:
    _seed(1)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(INDEX)
    _seed(6)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(INDEX)
    assert counts(lines(admin_client)["drafts"])["Visit"] == 7
    assert len(many) == len(few)


def test_an_editor_sees_the_dashboard_and_a_plain_staff_user_sees_only_what_they_may() -> None:
    editor = Client()
    editor.force_login(f.create_user(role="editor"))
    result = lines(editor)
    assert {"drafts", "scheduled", "blocked", "uncited", "no_holder", "contact", "dates"} <= set(
        result
    )
    staff = Client()
    staff.force_login(f.create_user(role="staff"))
    assert all(not line.items for line in lines(staff).values())


def test_filters_are_offered_on_the_lists(admin_client: Client) -> None:
    for model, parameter in (
        (Visit, "dates"),
        (Appointment, "dates"),
        (Citation, "verified"),
        (Office, "contact"),
        (Position, "holder"),
        (Office, "cited"),
    ):
        page = admin_client.get(reverse(f"admin:registry_{model._meta.model_name}_changelist"))
        specs = page.context["cl"].filter_specs
        assert parameter in {getattr(spec, "parameter_name", None) for spec in specs}, model


def test_the_dashboard_is_read_from_the_cache_until_something_changes(
    admin_client: Client,
) -> None:
    f.create_topic(status=Status.DRAFT)
    before = lines(admin_client)["drafts"].total
    with CaptureQueriesContext(connection) as cached:
        admin_client.get(INDEX)
    # Reloading runs none of the dashboard's counts.
    assert not [q for q in cached.captured_queries if "COUNT(" in q["sql"]]
    f.create_topic(status=Status.DRAFT)
    assert lines(admin_client)["drafts"].total == before + 1
