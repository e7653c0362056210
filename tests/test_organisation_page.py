"""Organisation pages (/organisations/<slug>/): what the organisation is, whose it is, its
published posts, linked from the posts that belong to it."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from registry.models import Organisation, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry() -> Organisation:
    georgia = f.create_country(name="Georgia", slug="georgia")
    return f.create_organisation(
        name="Ministry of Defence of Georgia",
        short_name="MoD",
        slug="mod-georgia",
        kind=Organisation.Kind.GOVERNMENT,
        country=georgia,
        description="The ministry in charge of the armed forces.",
    )


def test_the_page_shows_the_organisation_and_its_published_posts(client: Client, ministry):
    f.create_position(title="Minister of Defence", slug="minister", organisation=ministry)
    f.create_position(title="Secret post", organisation=ministry, status=Status.DRAFT)
    page = client.get("/en/organisations/mod-georgia/").content.decode()
    assert "<h1>Ministry of Defence of Georgia (MoD)" in page
    assert "Organisation · Government" in page
    assert 'Of <a href="/en/countries/georgia/">Georgia</a>' in page
    assert "The ministry in charge of the armed forces." in page
    assert '<a href="/en/positions/minister/">Minister of Defence</a>' in page
    assert "Secret post" not in page
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    graph = json.loads(data)
    found = [item for item in graph.get("@graph", [graph]) if item.get("name") == ministry.name]
    assert found and found[0]["@type"] == "GovernmentOrganization"
    assert found[0]["alternateName"] == "MoD"


def test_a_post_links_to_its_organisation(client: Client, ministry):
    f.create_position(title="Minister of Defence", slug="minister", organisation=ministry)
    page = client.get("/en/positions/minister/").content.decode()
    assert '<a href="/en/organisations/mod-georgia/">Ministry of Defence of Georgia</a>' in page


def test_a_draft_organisation_has_no_page_and_no_link(client: Client):
    draft = f.create_organisation(name="Draft body", slug="draft-body", status=Status.DRAFT)
    f.create_position(title="Visible post", slug="visible-post", organisation=draft)
    assert client.get("/en/organisations/draft-body/").status_code == 404
    assert "/en/organisations/draft-body/" not in client.get("/en/positions/").content.decode()


def test_organisations_are_in_the_sitemap(client: Client, ministry):
    sitemap = client.get("/sitemap-organisations.xml").content.decode()
    assert "http://testserver/en/organisations/mod-georgia/</loc>" in sitemap


def test_the_posts_section_is_bounded(client: Client, ministry, django_assert_max_num_queries):
    for n in range(15):
        f.create_position(title=f"Post {n:02}", organisation=ministry)
    client.get("/en/organisations/mod-georgia/")
    with django_assert_max_num_queries(12):
        page = client.get("/en/organisations/mod-georgia/?fresh=1").content.decode()
    assert page.count('<li class="record"><h3><a href="/en/positions/') == 10
    assert "See all 15 posts" in page
