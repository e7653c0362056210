"""Previews: staff see a draft exactly as its public page will render it; a signed, expiring
share link shows a reviewer without an account that one draft and nothing else."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse

from registry.models import Appointment, Person, Status, Topic, Visit
from registry.publication.share_links import revoke, share_token, share_url, staff_preview_url
from tests import factories as f
from tests.test_admin import url

pytestmark = pytest.mark.django_db

MAIN = re.compile(r'<main id="main"[^>]*>(.*?)</main>', re.S)


def main(response: Any) -> str:
    return MAIN.search(response.content.decode()).group(1)


@pytest.fixture
def editor_client(client: Any) -> Any:
    client.force_login(f.create_user(role="editor"))
    return client


def draft_visit() -> Visit:
    traveller = f.create_person(name="Jens Stoltenberg")
    visit = f.create_visit(
        title="Visit to the South Caucasus",
        traveller=traveller,
        status=Status.DRAFT,
        start="2024-03-17",
        end="2024-03-19",
        purpose="Partnership talks.",
    )
    leg = f.create_leg(visit=visit, order=1, start="2024-03-17", city="Baku")
    f.create_meeting(visit=visit, leg=leg, counterpart=f.create_person(name="Ilham Aliyev"))
    f.create_citation(record=visit, locator="para. 2", quote="He visited Baku.")
    return visit


# --- staff preview ------------------------------------------------------------------------


def test_staff_preview_renders_the_draft_as_its_public_page_will(editor_client: Any) -> None:
    visit = draft_visit()
    public = reverse("registry:visit-detail", kwargs={"slug": visit.slug})
    assert editor_client.get(public).status_code == 404
    preview = editor_client.get(staff_preview_url(visit))
    assert preview.status_code == 200
    assert "Preview: this page is not public." in preview.text
    assert '<meta name="robots" content="noindex, nofollow">' in preview.text
    assert preview["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in preview["Cache-Control"]
    assert f'<link rel="canonical" href="http://testserver{public}">' in preview.text

    Visit.objects.filter(pk=visit.pk).update(status=Status.PUBLISHED)
    published = editor_client.get(public)
    assert published.status_code == 200
    assert main(preview) == main(published)
    assert "Visit to the South Caucasus" in main(preview) and "Ilham Aliyev" in main(preview)


def test_a_drafts_page_shows_what_it_will_show_once_published(editor_client: Any) -> None:
    person = f.create_person(name="Javier Colomina", status=Status.DRAFT)
    f.create_appointment(person=person, position=f.create_position(title="Special Representative"))
    f.create_appointment(
        person=person, position=f.create_position(title="Secret post", status=Status.DRAFT)
    )
    page = editor_client.get(staff_preview_url(person))
    assert page.status_code == 200
    assert "Special Representative" in page.text  # shown once the person is published
    assert "Secret post" not in page.text  # another draft stays hidden


def test_other_drafts_stay_hidden_and_their_links_do_not_open(editor_client: Any) -> None:
    visit = draft_visit()
    hidden = f.create_person(
        name="Draft Counterpart", slug="draft-counterpart", status=Status.DRAFT
    )
    f.create_meeting(visit=visit, counterpart=hidden)
    page = editor_client.get(staff_preview_url(visit))
    assert "Draft Counterpart" not in page.text
    assert "/en/people/draft-counterpart/" not in page.text
    assert editor_client.get("/en/people/draft-counterpart/").status_code == 404


def test_preview_needs_a_staff_account_that_may_see_the_record(client: Any) -> None:
    topic = f.create_topic(status=Status.DRAFT)
    target = staff_preview_url(topic)
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(f.create_user(role="staff"))
    assert client.get(target).status_code == 403
    client.force_login(f.create_user(role="none"))
    assert client.get(target).status_code == 403


def test_every_publishable_record_has_a_preview_and_nothing_else(admin_client: Any) -> None:
    # Appointments have a page of their own, so a preview too.
    appointment = f.create_appointment(status=Status.DRAFT)
    target = reverse("preview:staff", args=["registry", "appointment", appointment.pk])
    assert admin_client.get(target).status_code == 200
    assert admin_client.get(reverse("preview:staff", args=["auth", "user", 1])).status_code == 404
    assert (
        admin_client.get(reverse("preview:staff", args=["registry", "topic", 999])).status_code
        == 404
    )
    assert (
        admin_client.get(reverse("preview:staff", args=["registry", "visitleg", 1])).status_code
        == 404
    )


def test_a_visit_whose_traveller_is_a_draft_says_why_it_cannot_be_shown(
    admin_client: Any,
) -> None:
    visit = f.create_visit(traveller=f.create_person(status=Status.DRAFT), status=Status.DRAFT)
    page = admin_client.get(staff_preview_url(visit))
    assert page.status_code == 200
    assert "cannot be shown yet" in page.text


def test_the_change_form_links_to_preview_and_share(editor_client: Any) -> None:
    topic = f.create_topic(status=Status.DRAFT)
    page = editor_client.get(url(Topic, "change", topic.pk))
    assert staff_preview_url(topic) in page.text
    assert url(Topic, "share", topic.pk) in page.text
    appointment = f.create_appointment(status=Status.DRAFT)
    assert "Share link" in editor_client.get(url(Appointment, "change", appointment.pk)).text


# --- share links --------------------------------------------------------------------------


def test_a_share_link_shows_exactly_one_draft_to_anyone(client: Any, editor_client: Any) -> None:
    visit = draft_visit()
    other = f.create_topic(name="Another draft", status=Status.DRAFT)
    page = editor_client.get(url(Visit, "share", visit.pk))
    assert page.status_code == 200
    link = page.context["share_link"]
    assert "7 days" in page.text
    client.logout()
    response = client.get(link)
    assert response.status_code == 200
    assert "Visit to the South Caucasus" in response.text
    assert "This share link shows only this record" in response.text
    assert "Back to the admin" not in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    # Nothing else opens: not the other draft, nor the staff preview.
    assert client.get(f"/en/topics/{other.slug}/").status_code == 404
    assert client.get(staff_preview_url(other)).status_code == 302


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda token, other: token[:-1] + ("A" if token[-1] != "A" else "B"), id="signature"
        ),
        pytest.param(
            lambda token, other: share_token(other).split(":")[0] + ":" + token.split(":", 1)[1],
            id="payload",
        ),
        pytest.param(
            lambda token, other: signing.dumps(["registry.topic", other.pk], salt="other"),
            id="salt",
        ),
        pytest.param(
            lambda token, other: signing.TimestampSigner().sign_object(
                ["registry.topic", other.pk]
            ),
            id="no-salt",
        ),
        pytest.param(lambda token, other: "not-a-token", id="garbage"),
    ],
)
def test_a_tampered_link_is_refused(client: Any, tamper: Any) -> None:
    topic = f.create_topic(name="Shared draft", status=Status.DRAFT)
    other = f.create_topic(name="Unshared draft", status=Status.DRAFT)
    token = tamper(share_token(topic), other)
    response = client.get(reverse("preview:share", args=[token]))
    assert response.status_code == 404
    assert "This preview link is not valid" in response.text
    assert "Unshared draft" not in response.text and "Shared draft" not in response.text


def test_a_share_link_expires(client: Any) -> None:
    topic = f.create_topic(name="Shared draft", status=Status.DRAFT)
    start = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        link = share_url(topic)
    with time_machine.travel(start + dt.timedelta(days=7) - dt.timedelta(seconds=1), tick=False):
        response = client.get(link)
        assert response.status_code == 200
        assert "works until 10 March 2026, 10:00 CET (Europe/Brussels)" in response.text
    with time_machine.travel(start + dt.timedelta(days=7, seconds=1), tick=False):
        response = client.get(link)
        assert response.status_code == 403
        assert "This preview link has expired" in response.text
        assert "Shared draft" not in response.text


@override_settings(PREVIEW_LINK_MAX_AGE_DAYS=1)
def test_the_share_link_lifetime_is_configurable(client: Any) -> None:
    topic = f.create_topic(status=Status.DRAFT)
    start = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        link = share_url(topic)
    with time_machine.travel(start + dt.timedelta(days=1, seconds=1), tick=False):
        assert client.get(link).status_code == 403


def test_a_share_link_to_a_deleted_record_is_refused(client: Any) -> None:
    topic = f.create_topic(status=Status.DRAFT)
    link = share_url(topic)
    topic.delete()
    assert client.get(link).status_code == 404


def test_only_editors_of_the_record_can_make_share_links(client: Any) -> None:
    topic = f.create_topic(status=Status.DRAFT)
    client.force_login(f.create_user(role="staff"))
    assert client.get(url(Topic, "share", topic.pk)).status_code == 403
    client.force_login(f.create_user(role="publisher"))
    assert client.get(url(Topic, "share", topic.pk)).status_code == 200
    person = f.create_person(status=Status.DRAFT)
    assert client.get(url(Person, "share", person.pk)).status_code == 200


# --- revoking share links ---------------------------------------------------------------


def _revoke(client: Any, record: Any) -> Any:
    return client.post(url(type(record), "revoke_share", record.pk))


def test_revoking_stops_every_link_sent_so_far_and_new_links_work(
    client: Any, editor_client: Any
) -> None:
    topic = f.create_topic(name="Shared draft", status=Status.DRAFT)
    other = f.create_topic(name="Other draft", status=Status.DRAFT)
    first, second, others = share_url(topic), share_url(topic), share_url(other)
    reviewer = Client()
    assert "Shared draft" in reviewer.get(first).text

    page = editor_client.get(url(Topic, "change", topic.pk))
    assert url(Topic, "revoke_share", topic.pk) in page.text
    assert "Revoke share links" in page.text
    done = _revoke(editor_client, topic)
    assert done.status_code == 302
    assert done["Location"] == url(Topic, "change", topic.pk)

    for link in (first, second):
        response = reviewer.get(link)
        assert response.status_code == 403  # as an expired link
        assert "This preview link is no longer valid" in response.text
        assert "Shared draft" not in response.text
    assert "Other draft" in reviewer.get(others).text  # another record's links still work

    share_page = editor_client.get(url(Topic, "share", topic.pk))
    fresh = share_page.context["share_link"]
    assert "Shared draft" in reviewer.get(fresh).text
    entry = LogEntry.objects.filter(object_id=str(topic.pk)).latest("action_time")
    assert "Revoked its share links" in entry.get_change_message()

    # Revoking again stops the fresh link too.
    _revoke(editor_client, topic)
    assert reviewer.get(fresh).status_code == 403


def test_links_issued_before_generations_still_work_until_revoked(client: Any) -> None:
    topic = f.create_topic(name="Shared draft", status=Status.DRAFT)
    old = signing.TimestampSigner(salt="registry.preview.share").sign_object(
        [topic._meta.label_lower, topic.pk]
    )
    link = reverse("preview:share", args=[old])
    assert client.get(link).status_code == 200
    revoke(topic)
    assert client.get(link).status_code == 403


def test_revoking_needs_the_change_permission_and_a_post(client: Any) -> None:
    topic = f.create_topic(name="Shared draft", status=Status.DRAFT)
    link = share_url(topic)
    viewer = f.create_user(role="staff")
    viewer.user_permissions.add(Permission.objects.get(codename="view_topic"))
    client.force_login(viewer)
    assert _revoke(client, topic).status_code == 403
    page = client.get(url(Topic, "change", topic.pk))
    assert url(Topic, "revoke_share", topic.pk) not in page.text
    editor = f.create_user(role="editor")
    client.force_login(editor)
    assert client.get(url(Topic, "revoke_share", topic.pk)).status_code == 405
    assert opens(link)
    assert _revoke(client, topic).status_code == 302
    assert not opens(link)


def opens(link: str) -> bool:
    return Client().get(link).status_code == 200
