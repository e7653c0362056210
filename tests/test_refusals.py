"""Refusals that say what happened and what to do: the site's 403 page, the pages of a
preview or share link that cannot be shown (registry/views/preview.py), and an Editor's
bulk delete of published records (registry/admin/workflow.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import permission_denied

from registry.models import Status, Topic, Visit
from registry.publication.share_links import share_url, staff_preview_url
from tests import factories as f
from tests.test_admin import url

pytestmark = pytest.mark.django_db

MAIN = re.compile(r'<main id="main"[^>]*>(.*?)</main>', re.S)


def main_text(response: Any) -> str:
    """The words of the page's main part, as a reader sees them."""
    found = MAIN.search(response.content.decode())
    assert found, "not the site's layout"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def site_layout(response: Any) -> None:
    page = response.content.decode()
    assert '<header class="site-header">' in page
    assert "/static/css/site" in page  # the site's stylesheet, hashed
    assert 'class="error-page"' in page


@pytest.fixture
def editor() -> Client:
    client = Client()
    client.force_login(f.create_user(role="editor"))
    return client


# --- 403 --------------------------------------------------------------------------------------


def test_a_refused_admin_request_gets_the_sites_403_page(editor: Client) -> None:
    topic = f.create_topic(name="Published topic")
    response = editor.get(url(Topic, "delete", topic.pk))
    assert response.status_code == 403
    site_layout(response)
    text = main_text(response)
    assert text.startswith("Error 403 You may not do this")
    assert "nothing was changed" in text
    assert "deleting a published record are kept for Publishers" in text
    assert f'href="{reverse("admin:index")}"' in response.text
    assert '<meta name="robots" content="noindex">' in response.text
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_the_403_page_sends_the_public_to_the_home_page() -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    site_layout(response)
    text = main_text(response)
    assert "This page is not open to the public" in text
    assert f'href="{reverse("registry:home")}"' in response.content.decode()
    assert f'href="{reverse("admin:login")}"' in response.content.decode()


# --- previews and share links ------------------------------------------------------------------


def test_an_invalid_share_link_gets_the_sites_error_page(client: Client) -> None:
    topic = f.create_topic(name="Shared draft", status=Status.DRAFT)
    link = share_url(topic)
    response = client.get(link[:-3] + "abc/")
    assert response.status_code == 404
    site_layout(response)
    text = main_text(response)
    assert text.startswith("Error 404 This preview link is not valid")
    assert "The link is incomplete or has been changed" in text  # what happened
    assert "Check that the whole link was copied" in text  # what to do
    assert "ask the editor who sent it for a new one" in text
    assert f'href="{reverse("registry:home")}"' in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Shared draft" not in response.text


def test_an_expired_share_link_gets_the_sites_error_page(client: Client) -> None:
    topic = f.create_topic(status=Status.DRAFT)
    start = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        link = share_url(topic)
    with time_machine.travel(start + dt.timedelta(days=8), tick=False):
        response = client.get(link)
    assert response.status_code == 403
    site_layout(response)
    text = main_text(response)
    assert text.startswith("Error 403 This preview link has expired")
    assert "valid for 7 days" in text and "Ask the editor who sent it for a new link" in text


def test_a_preview_that_cannot_be_shown_yet_says_what_to_publish(admin_client: Client) -> None:
    visit = f.create_visit(traveller=f.create_person(status=Status.DRAFT), status=Status.DRAFT)
    response = admin_client.get(staff_preview_url(visit))
    assert response.status_code == 200
    site_layout(response)
    text = main_text(response)
    assert "Error" not in text  # not an error: the record is fine, its traveller is a draft
    assert "cannot be shown yet" in text and "Publish that record first" in text
    assert f'href="{url(Visit, "change", visit.pk)}"' in response.text


def test_a_preview_of_a_deleted_record_points_to_the_deleted_records(
    admin_client: Client,
) -> None:
    response = admin_client.get(reverse("preview:staff", args=["registry", "topic", 999]))
    assert response.status_code == 404
    text = main_text(response)
    assert "There is no topic with this id" in text
    assert f'href="{url(Topic, "recoverlist")}"' in response.text


# --- an Editor's bulk delete of published records ----------------------------------------------


def bulk_delete(client: Client, records: list[Any], **extra: str) -> Any:
    data = {"action": "delete_selected", "_selected_action": [r.pk for r in records], **extra}
    return client.post(url(Visit, "changelist"), data, follow=True)


@pytest.mark.parametrize("confirmed", [False, True], ids=["asked", "confirmed"])
def test_an_editor_is_told_which_published_records_they_cannot_delete(
    editor: Client, confirmed: bool
) -> None:
    published = f.create_visit(title="Visit to Tbilisi")
    draft = f.create_visit(title="Draft visit to Baku", status=Status.DRAFT)
    response = bulk_delete(editor, [published, draft], **({"post": "yes"} if confirmed else {}))
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url(Visit, "changelist")
    [message] = [str(m) for m in response.context["messages"]]
    assert message == (
        "Nothing was deleted: only a Publisher may delete published visits, and these are "
        "published: “Visit to Tbilisi”. Ask a Publisher to unpublish them (you may then "
        "delete them) or to delete them, or untick them to delete the rest of the selection."
    )
    assert "related objects" not in response.text
    assert Visit.objects.filter(pk__in=[published.pk, draft.pk]).count() == 2


def test_an_editor_still_deletes_drafts_in_bulk(editor: Client) -> None:
    draft = f.create_visit(title="Draft visit", status=Status.DRAFT)
    asked = bulk_delete(editor, [draft])
    assert "Are you sure" in asked.text
    bulk_delete(editor, [draft], post="yes")
    assert not Visit.objects.filter(pk=draft.pk).exists()


def test_a_publisher_deletes_published_records_in_bulk() -> None:
    client = Client()
    client.force_login(f.create_user(role="publisher"))
    published = f.create_visit(title="Visit to Tbilisi")
    assert "Are you sure" in bulk_delete(client, [published]).text
    bulk_delete(client, [published], post="yes")
    assert not Visit.objects.filter(pk=published.pk).exists()


def test_a_form_refused_by_the_csrf_check_gets_the_sites_403_page(editor: Client) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = editor.cookies  # logged in, but the form carries no CSRF token
    topic = f.create_topic(name="Before")
    response = strict.post(url(Topic, "change", topic.pk), {"name": "After"})
    assert response.status_code == 403
    site_layout(response)
    text = main_text(response)
    assert text.startswith("Error 403 This form could not be accepted")
    assert "nothing was saved" in text and "reload it, enter your changes again" in text
    topic.refresh_from_db()
    assert topic.name == "Before"
