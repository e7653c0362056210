"""The regions index (/regions/): each published region with its published countries."""

from __future__ import annotations

import pytest
from django.test import Client

from registry.models import Status
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_index_lists_published_regions_and_their_published_countries(client: Client):
    caucasus = f.create_region(name="South Caucasus", slug="south-caucasus")
    f.create_country(name="Georgia", slug="georgia", region=caucasus)
    f.create_country(name="Hidden land", slug="hidden-land", region=caucasus, status=Status.DRAFT)
    f.create_region(name="Draft region", slug="draft-region", status=Status.DRAFT)
    page = client.get("/en/regions/").content.decode()
    assert '<a href="/en/regions/south-caucasus/">South Caucasus</a>' in page
    assert '<a href="/en/countries/georgia/">Georgia</a>' in page
    assert "Hidden land" not in page and "Draft region" not in page
    # The region's page leads back to the index.
    region_page = client.get("/en/regions/south-caucasus/").content.decode()
    assert '<a href="/en/regions/">Regions</a>' in region_page


def test_the_index_is_in_the_sitemap(client: Client):
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert "http://testserver/en/regions/</loc>" in sitemap
    assert "http://testserver/en/changes/</loc>" in sitemap
