"""An Editor (who may change records but not publish them) tries every path to publishing,
for every publishable model: the change form with a crafted status and times and the
publish button, the add form, every bulk action, list-editable rows, a CSV import with a
status column, a revert to a published version, and the API's write methods. The record
stays as it was. Each path is first shown to work for a Publisher, so that a refusal is
the permission at work and not a request that could never succeed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.models import PublicChange, Region, Release, Status, Visit
from registry.models.history import Versions
from registry.publication.gate import is_citable
from registry.releases import make_release
from tests import factories as f
from tests.test_admin import form_data, url
from tests.test_csv import confirm, dry_run, row_errors, visit_row

from . import probes
from .records import publishable_models

pytestmark = pytest.mark.django_db

MODELS = [model for model in publishable_models() if model in admin.site._registry]
IDS = [model._meta.model_name for model in MODELS]
CRAFTED = {
    "status": Status.PUBLISHED,
    "publish_at_0": "2000-01-01",
    "publish_at_1": "00:00:00",
    "expire_at_0": "",
    "expire_at_1": "",
}


def make(model: type, **kw: Any) -> Any:
    """A record with a citation of a public source, so that only the permission (and not
    the publishing gate) decides whether it may be published."""
    record = getattr(f, f"create_{model._meta.model_name}")(**kw)
    if is_citable(model):
        f.cited(record)
    return record


def status_of(record: Any) -> str:
    record.refresh_from_db()
    return record.status


@pytest.fixture(scope="module")
def accounts(django_db_setup, django_db_blocker):
    """One account a role for the module: hashing their passwords is the slow part."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield {role: f.create_user(role=role) for role in ("editor", "publisher", "superuser")}
        transaction.set_rollback(True)


def logged_in(accounts: dict, role: str) -> Client:
    client = Client()
    client.force_login(accounts[role])
    return client


@pytest.fixture
def editor(accounts, db) -> Client:
    return logged_in(accounts, "editor")


@pytest.fixture
def publisher(accounts, db) -> Client:
    return logged_in(accounts, "publisher")


def test_every_publishable_model_has_an_admin() -> None:
    assert len(MODELS) == len(publishable_models())


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_the_change_form(editor: Client, publisher: Client, model: type) -> None:
    draft = make(model, status=Status.DRAFT)
    target = url(model, "change", draft.pk)
    data = {**form_data(editor.get(target)), **CRAFTED}
    response = editor.post(target, data)
    assert response.status_code in (200, 302)
    assert status_of(draft) == Status.DRAFT
    assert draft.publish_at is None
    assert editor.post(target, {**data, "_publish": "Publish"}).status_code == 403
    assert status_of(draft) == Status.DRAFT
    # The same form, with the button, publishes for a Publisher.
    button = {**form_data(publisher.get(target)), "_publish": "Publish"}
    assert publisher.post(target, button).status_code == 302
    assert status_of(draft) == Status.PUBLISHED


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_the_add_form(editor: Client, model: type) -> None:
    before = set(model.objects.values_list("pk", flat=True))
    data = {**form_data(editor.get(url(model, "add"))), **CRAFTED}
    editor.post(url(model, "add"), data)
    assert editor.post(url(model, "add"), {**data, "_publish": "1"}).status_code == 403
    added = model.objects.exclude(pk__in=before)
    assert not added.filter(status=Status.PUBLISHED).exists()


def page_fields(client: Client, target: str) -> dict[str, str]:
    """The hidden fields of the page's forms (what a browser would send along, such as an
    edit snapshot), so that a POST differs from a browser's only by what the test adds."""
    page = probes.parse_html(client.get(target).content.decode())
    return {
        attrs["name"]: attrs.get("value") or ""
        for tag, attrs in ((tag, dict(attrs)) for tag, attrs in page.elements)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name")
    }


def publisher_actions(publisher: Client, model: type) -> list[str]:
    page = publisher.get(url(model, "changelist"))
    choices = page.context["action_form"].fields["action"].choices
    return [name for name, _ in choices if name and name != "delete_selected"]


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_every_bulk_action(editor: Client, publisher: Client, model: type) -> None:
    draft, published = make(model, status=Status.DRAFT), make(model)
    names = publisher_actions(publisher, model)
    assert {"publish", "unpublish"} <= set(names)
    for name in names:
        editor.post(
            url(model, "changelist"),
            {
                **page_fields(editor, url(model, "changelist")),
                "action": name,
                "_selected_action": [draft.pk, published.pk],
            },
        )
        assert (status_of(draft), status_of(published)) == (Status.DRAFT, Status.PUBLISHED), name
    fields = page_fields(publisher, url(model, "changelist"))
    publisher.post(
        url(model, "changelist"),
        {**fields, "action": "publish", "_selected_action": [draft.pk]},
    )
    assert status_of(draft) == Status.PUBLISHED


def list_editable_models() -> list[type]:
    return [model for model in MODELS if admin.site._registry[model].list_editable]


def test_list_editable_rows_cannot_carry_a_status(editor: Client) -> None:
    assert Region in list_editable_models()
    for model in list_editable_models():
        draft = make(model, status=Status.DRAFT)
        page = editor.get(url(model, "changelist"))
        formset = page.context["cl"].formset
        data = {"_save": "Save"}
        for bound in formset.management_form:
            data[bound.html_name] = bound.value()
        for form in formset.forms:
            for bound in form:
                value = bound.value()
                data[bound.html_name] = "" if value is None else str(value)
            data[f"{form.prefix}-status"] = Status.PUBLISHED
        editable = admin.site._registry[model].list_editable[0]
        row = next(form for form in formset.forms if form.instance.pk == draft.pk)
        data[f"{row.prefix}-{editable}"] = "7"
        editor.post(url(model, "changelist"), data)
        draft.refresh_from_db()
        assert getattr(draft, editable) == 7  # the row was saved...
        assert draft.status == Status.DRAFT  # ...without the status


def test_an_import_with_a_status_column_publishes_nothing(editor: Client) -> None:
    f.create_person(slug="mircea-geoana")
    f.create_position(slug="dsg")
    f.create_country(iso_code="AZ", slug="azerbaijan")
    f.create_country(iso_code="GE", slug="georgia")
    f.create_topic(slug="energy-security")
    existing = f.create_visit(slug="existing", status=Status.DRAFT, start="2023", end="2023")
    crafted = {"status": "published", "publish_at": "2000-01-01T00:00:00Z"}
    rows = [
        visit_row(**crafted),
        visit_row(slug="existing", title="Imported", legs="", **crafted),
    ]
    preview = dry_run(editor, Visit, rows)
    assert not row_errors(preview)
    assert confirm(editor, Visit, preview).status_code == 302
    added = Visit.objects.get(slug="dsg-south-caucasus-2024")
    assert (added.status, added.publish_at) == (Status.DRAFT, None)
    existing.refresh_from_db()
    assert (existing.title, existing.status) == ("Imported", Status.DRAFT)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_a_revert_to_a_published_version(editor: Client, publisher: Client, model: type) -> None:
    record = make(model)
    record.status = Status.DRAFT
    record.save()
    # The version before the draft save: published, and cited (the gate would keep a
    # version without its citation a draft, whoever reverts).
    published = Versions(model, record.pk).list()[1]
    target = url(model, "version", record.pk, published.key)
    fields = page_fields(editor, target)
    assert editor.post(target, {**fields, "restore_publication": "1"}).status_code == 403
    assert status_of(record) == Status.DRAFT
    editor.post(target, page_fields(editor, target))
    assert status_of(record) == Status.DRAFT
    publisher.post(target, {**page_fields(publisher, target), "restore_publication": "1"})
    assert status_of(record) == Status.PUBLISHED


@pytest.mark.parametrize("role", ["anonymous", "editor", "superuser"])
def test_the_api_refuses_every_write(accounts, db, role: str, settings) -> None:
    settings.API_THROTTLE_ANON = "1000000/min"
    client = Client() if role == "anonymous" else logged_in(accounts, role)
    body = {"status": "published", "name": "Changed", "title": "Changed"}
    for endpoint in probes.api_endpoints():
        if endpoint.model is PublicChange:  # the change log: entries, not records
            visit = f.create_visit()
            draft = PublicChange.objects.create(
                content_type=ContentType.objects.get_for_model(visit),
                object_id=visit.pk,
                kind=PublicChange.Kind.PUBLISHED,
                at=timezone.now(),
                label=str(visit),
            )
        elif endpoint.model is Release:  # a release is made, never written through the API
            draft = make_release()
        else:
            draft = make(endpoint.model, status=Status.DRAFT)
        before = endpoint.model.objects.count()
        detail = endpoint.detail_url(draft)
        for target in (endpoint.list_url, detail):
            for method in ("post", "put", "patch", "delete"):
                response = getattr(client, method)(target, body, content_type="application/json")
                assert response.status_code in (401, 403, 404, 405), (method, target)
                assert response["Content-Type"].startswith("application/json"), (method, target)
        assert endpoint.model.objects.count() == before
        if endpoint.model not in (PublicChange, Release):
            assert status_of(draft) == Status.DRAFT
    assert reverse("api:api-root")
