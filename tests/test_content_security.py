"""The Content-Security-Policy header (settings CONTENT_SECURITY_POLICY,
registry/content_security.py): strict on pages, the admin and the API docs; nothing at all
may load from the API's data. In Chromium: tests/test_csp_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SITE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
DATA_POLICY = {"default-src": "'none'", "frame-ancestors": "'none'"}


def directives(header: str) -> dict[str, str]:
    parts = (item.strip().split(None, 1) for item in header.split(";") if item.strip())
    return {name: value[0] if value else "" for name, *value in parts}


@pytest.mark.parametrize("path", ["/en/", "/en/visits/", "/en/search/?q=x", "/en/no-such-page/"])
def test_public_pages_get_the_site_policy(client, path):
    response = client.get(path)
    assert directives(response["Content-Security-Policy"]) == SITE_POLICY
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_page_served_from_the_public_cache_keeps_the_policy(client):
    f.create_visit(title="Visit to Baku")
    first = client.get("/en/visits/")
    again = client.get("/en/visits/")
    assert "Visit to Baku" in again.content.decode()
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_admin_pages_get_the_site_policy(client, admin_client):
    assert directives(client.get("/admin/login/")["Content-Security-Policy"]) == SITE_POLICY
    index = admin_client.get("/admin/")
    assert index.status_code == 200
    assert directives(index["Content-Security-Policy"]) == SITE_POLICY


def test_api_docs_get_the_site_policy_and_no_inline_script(client):
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert directives(docs["Content-Security-Policy"]) == SITE_POLICY
    page = docs.content.decode()
    # Every script is a file of this site; the start-up script is served at ?script=.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    start = client.get("/api/docs/?script=")
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in start.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/topics/", "/api/v1/visits/?format=csv", "/api/v1/nothing/", "/api/schema/"]
)
def test_api_data_gets_the_tightest_policy(client, path):
    response = client.get(path)
    assert directives(response["Content-Security-Policy"]) == DATA_POLICY


def test_report_only_sends_the_same_policy_without_enforcing_it(client, settings):
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {**policy["DIRECTIVES"], "report-uri": ["/csp-reports"]}
    }
    response = client.get("/en/")
    assert "Content-Security-Policy" not in response
    report_only = directives(response["Content-Security-Policy-Report-Only"])
    assert report_only == {**SITE_POLICY, "report-uri": "/csp-reports"}
    api = directives(client.get("/api/v1/topics/")["Content-Security-Policy-Report-Only"])
    assert api == {**DATA_POLICY, "report-uri": "/csp-reports"}


def test_project_templates_hold_no_inline_script():
    """Inline handlers, javascript: URLs and <script> blocks would be refused by the policy;
    data blocks (JSON-LD, json_script) are not scripts and are allowed."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>")
    handler = re.compile(r"""\son[a-z]+\s*=\s*["']|javascript:""")
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in ROOT.joinpath("templates").rglob("*.html")
        for pattern in (inline, handler)
        for match in pattern.finditer(path.read_text())
    ]
    assert offenders == []
