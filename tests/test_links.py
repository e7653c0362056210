"""Only http, https, mailto and tel addresses become links, whatever is stored
(registry/links.py): the model refuses other schemes, and every page, feed and JSON-LD
block renders a stored address of another scheme as plain text."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from registry.links import safe_url
from registry.models import Source
from tests import factories as f
from tests.conftest import clear_caches

pytestmark = pytest.mark.django_db

DANGEROUS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/file",
    "//evil.example/",
    "no-scheme-at-all",
]
SAFE = [
    "https://www.nato.int/cps/en/natohq/news_1.htm",
    "http://example.org/a?b=1&c=2",
    "HTTPS://EXAMPLE.ORG/",
    "mailto:press@example.org",
    "tel:+995322933801",
]


@pytest.mark.parametrize("url", DANGEROUS)
def test_safe_url_refuses_other_schemes(url: str) -> None:
    assert safe_url(url) == ""


@pytest.mark.parametrize("url", SAFE)
def test_safe_url_keeps_web_mail_and_phone_addresses(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize("url", [u for u in DANGEROUS if u.strip() == u and "\t" not in u])
def test_the_model_refuses_other_schemes_with_a_clear_message(url: str) -> None:
    source = f.create_source(slug="checked")
    source.url = url
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert any("http:// or https://" in m for m in refused.value.message_dict["url"])


def test_the_model_accepts_web_addresses() -> None:
    source = f.create_source(slug="checked", url="https://www.nato.int/")
    source.full_clean()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/file"])
def test_the_admin_form_refuses_other_schemes(admin_client: Client, url: str) -> None:
    source = f.create_source(slug="checked", url="https://www.nato.int/")
    change = f"/admin/registry/source/{source.pk}/change/"
    form = admin_client.get(change).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"url": url, "date": ""}
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert "http:// or https://" in str(response.context["adminform"].form.errors["url"])
    source.refresh_from_db()
    assert source.url == "https://www.nato.int/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction") and value is not None:
                self.hrefs.append(value)


def _hrefs(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _as_browser_reads(url: str) -> str:
    return re.sub(r"[\t\n\r]", "", url).strip("".join(chr(n) for n in range(0x21))).lower()


def _jsonld_source(page: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    [main] = [node for node in json.loads(block)["@graph"] if node.get("name") == "The source"]
    return main


@pytest.fixture
def cited(db) -> tuple[Source, object]:
    traveller = f.create_person(name="Traveller", slug="traveller")
    visit = f.create_visit(title="Cited visit", slug="cited-visit", traveller=traveller)
    source = f.create_source(title="The source", slug="the-source")
    f.create_citation(record=visit, source=source, quote="A passage.")
    return source, visit


PAGES = [
    "/en/sources/the-source/",
    "/en/sources/",
    "/en/visits/cited-visit/",
    "/en/visits/",
    "/en/people/traveller/",
    "/en/timeline/",
    "/en/search/?q=source",
]
FEEDS = ["/en/visits/feed/rss/", "/en/visits/feed/atom/", "/en/visits/calendar.ics", "/sitemap.xml"]


@pytest.mark.parametrize("url", DANGEROUS)
def test_a_stored_dangerous_url_is_never_a_link(client: Client, cited, url: str) -> None:
    source, _visit = cited
    Source.objects.filter(pk=source.pk).update(url=url)
    clear_caches()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        for href in _hrefs(response.text):
            read = _as_browser_reads(href)
            assert not read.startswith(("javascript:", "data:", "vbscript:", "file:")), path
            assert not read.startswith("ftp:") and read != _as_browser_reads(url), path
    page = client.get("/en/sources/the-source/").text
    assert "The source" in page
    # JSON-LD gives no url for it.
    assert "url" not in _jsonld_source(page)
    for path in FEEDS:
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"script:" not in response.content.replace(b"\t", b"").replace(b"\n", b"")


@pytest.mark.parametrize("url", SAFE[:3])
def test_a_web_address_is_a_link_on_the_source_page(client: Client, cited, url: str) -> None:
    source, _visit = cited
    Source.objects.filter(pk=source.pk).update(url=url)
    clear_caches()
    page = client.get("/en/sources/the-source/").text
    assert url in [href for href in _hrefs(page)]
    assert _jsonld_source(page)["url"] == url


def test_office_email_and_phone_are_mailto_and_tel_links(client: Client) -> None:
    f.create_office(name="Liaison", slug="liaison", email="office@example.org", phone="+995 32")
    hrefs = _hrefs(client.get("/en/offices/liaison/").text)
    assert "mailto:office@example.org" in hrefs
    assert "tel:+99532" in hrefs
