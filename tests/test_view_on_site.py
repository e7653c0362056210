"""The "View on site" link of a record's change form: the public page when the public sees
the record, its preview when the public page would be "not found" (a draft, a scheduled or
expired record, a visit whose traveller is a draft)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from registry.models import Person, Status, Visit
from registry.publication.share_links import staff_preview_url
from tests import factories as f
from tests.test_admin import url

pytestmark = pytest.mark.django_db

VIEW_ON_SITE = re.compile(r'<a href="([^"]+)" class="viewsitelink">View on site</a>')


@pytest.fixture
def editor_client(client: Client) -> Client:
    client.force_login(f.create_user(role="editor"))
    return client


def view_on_site(client: Client, record: Any) -> str:
    page = client.get(url(type(record), "change", record.pk))
    assert page.status_code == 200
    return VIEW_ON_SITE.search(page.text)[1]


def make_visit(status: str, **kw: Any) -> Visit:
    return f.create_visit(
        title="Secretary General in Georgia",
        traveller=kw.pop("traveller", None) or f.create_person(name="Jens Stoltenberg"),
        status=status,
        start="2024-03-17",
        **kw,
    )


def make_person(status: str) -> Person:
    return f.create_person(name="Javier Colomina", status=status)


KINDS = {"visit": make_visit, "person": make_person}


@pytest.mark.parametrize("kind", KINDS)
def test_view_on_site_of_a_draft_opens_its_preview(editor_client: Client, kind: str) -> None:
    record = KINDS[kind](Status.DRAFT)
    assert editor_client.get(record.get_absolute_url()).status_code == 404
    link = view_on_site(editor_client, record)
    assert link == staff_preview_url(record)
    preview = editor_client.get(link)
    assert preview.status_code == 200
    assert str(record) in preview.text
    assert "not public" in preview.text.lower()


@pytest.mark.parametrize("kind", KINDS)
def test_view_on_site_of_a_published_record_is_its_public_page(
    editor_client: Client, kind: str
) -> None:
    record = KINDS[kind](Status.PUBLISHED)
    link = view_on_site(editor_client, record)
    assert link != staff_preview_url(record)
    page = editor_client.get(link, follow=True)
    assert page.redirect_chain[-1][0].endswith(record.get_absolute_url())
    assert page.status_code == 200
    assert str(record) in page.text
    assert "preview" not in page.redirect_chain[-1][0]


def test_view_on_site_of_a_scheduled_or_hidden_record_opens_its_preview(
    editor_client: Client,
) -> None:
    scheduled = make_visit(Status.PUBLISHED, publish_at=timezone.now() + dt.timedelta(days=2))
    assert view_on_site(editor_client, scheduled) == staff_preview_url(scheduled)
    draft_traveller = f.create_person(name="Mark Rutte", status=Status.DRAFT)
    hidden = make_visit(Status.PUBLISHED, traveller=draft_traveller, slug="hidden")
    assert editor_client.get(hidden.get_absolute_url()).status_code == 404
    link = view_on_site(editor_client, hidden)
    assert link == staff_preview_url(hidden)
    # The preview says why the page cannot be shown rather than "not found".
    assert "Publish that record first" in editor_client.get(link).text
