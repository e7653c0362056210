"""Review before a change goes live (registry/publication/revisions.py, admin/revisions.py):
an Editor's edit of a published record waits as a pending revision, which a Publisher
reviews against the live version, publishes, schedules, discards or sends back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.models import PendingRevision, Visit
from tests import factories as f
from tests.test_admin import submit

pytestmark = pytest.mark.django_db


def change_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def review_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_review", args=[record.pk])


def published_visit(**kw) -> Visit:
    visit = f.create_visit(title="Secretary General visits Georgia", start="2024-03-18", **kw)
    f.create_leg(visit=visit, country=f.create_country(name="Georgia", slug="georgia"))
    f.cited(visit)
    return visit


def test_an_editors_save_of_a_published_visit_waits_and_the_public_page_stays(
    client, editor_client
):
    visit = published_visit()
    response = submit(editor_client, change_url(visit), {"title": "Corrected title"})
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Secretary General visits Georgia"
    revision = PendingRevision.objects.get()
    assert revision.data["parent"]["fields"]["title"] == "Corrected title"
    client.logout()
    page = client.get(visit.get_absolute_url())
    assert "Secretary General visits Georgia" in page.content.decode()
    assert "Corrected title" not in page.content.decode()
