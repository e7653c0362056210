"""The Content-Security-Policy in a real Chromium: the admin (dashboard, a changelist, a change
form with inlines and autocomplete widgets, import and export), the API docs (Swagger UI
renders its operations) and the public site load and run their scripts with no violation
reported. The header itself: tests/test_content_security.py.

Uses the fixtures of tests/test_browser.py (Debian's Chromium through Playwright, a live
server serving hashed static files as in production).
"""

# The fixtures imported from tests/test_browser.py are parameters of these tests by name.
# ruff: noqa: F811

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("REGISTRY_CHROMIUM", "/usr/bin/chromium"))
if not CHROMIUM.exists():
    pytest.skip(
        "Browser tests need Chromium at /usr/bin/chromium: install it with "
        "`apt-get update && apt-get install -y chromium` (Debian), or set REGISTRY_CHROMIUM.",
        allow_module_level=True,
    )
pytest.importorskip("playwright.sync_api", reason="pip install -r requirements-dev.txt")

from registry.models import Visit  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.test_browser import (  # noqa: E402, F401 (fixtures, used by name)
    allow_orm_beside_playwright,
    browser,
    live_server,
    site,
)
from tests.test_content_security import SITE_POLICY, directives  # noqa: E402
from tests.test_editor_browser import PASSWORD, roles  # noqa: E402, F401

pytestmark = pytest.mark.browser

# Records every violation the page reports, before any of the page's own scripts run.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


class Watched:
    """A browser tab whose CSP violations, console errors about the policy and script errors
    are collected."""

    def __init__(self, context) -> None:
        self.context = context
        context.add_init_script(WATCH_VIOLATIONS)
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def goto(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        assert directives(response.headers.get("content-security-policy", "")) == SITE_POLICY
        self.page.wait_for_load_state("networkidle")

    def assert_clean(self) -> None:
        violations = self.page.evaluate("window.__cspViolations || []")
        assert self.problems == [] and violations == [], (self.page.url, self.problems, violations)


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Watched(context)
    context.close()


def log_in(tab: Watched, site: str) -> None:
    user = f.create_user(role="superuser")
    tab.goto(site + "/admin/login/?next=/admin/")
    tab.page.fill("#id_username", user.username)
    tab.page.fill("#id_password", PASSWORD)
    tab.page.click("input[type=submit]")
    tab.page.wait_for_url(site + "/admin/")
    tab.assert_clean()


def test_the_admin_runs_under_the_policy(site, watched) -> None:
    log_in(watched, site)
    page = watched.page

    watched.goto(site + "/admin/")  # the dashboard
    assert page.locator("#registry-dashboard").count() == 1
    watched.assert_clean()

    watched.goto(site + "/admin/registry/visit/")
    assert page.locator("#result_list tbody tr").count() > 0
    page.locator("#action-toggle").check()  # the admin's actions.js runs
    assert (
        page.locator(".action-counter")
        .inner_text()
        .startswith(str(page.locator("#result_list tbody tr").count()))
    )
    watched.assert_clean()

    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    watched.goto(f"{site}/admin/registry/visit/{visit.pk}/change/")
    # Autocomplete widgets are turned into select2 boxes, and an inline row can be added.
    page.click("#id_traveller + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Stolt")
    page.wait_for_selector(".select2-results__option:has-text('Stoltenberg')")
    page.keyboard.press("Escape")
    rows = page.locator("#legs-group tr.form-row.dynamic-legs:not(.empty-form)").count()
    page.click("#legs-group .add-row a")
    after = page.locator("#legs-group tr.form-row.dynamic-legs:not(.empty-form)").count()
    assert after == rows + 1
    watched.assert_clean()

    watched.goto(site + "/admin/registry/visit/import/")
    assert page.locator("input[type=file]").count() == 1
    watched.assert_clean()


def test_the_export_page_select_all_box_works_without_inline_script(site, watched) -> None:
    log_in(watched, site)
    page = watched.page
    watched.goto(site + "/admin/registry/visit/export/")  # the list's Export button
    toggle = page.locator("input.select-toggle")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:visible')
    assert fields.count() > 1
    toggle.uncheck()
    assert not any(box.is_checked() for box in fields.all())
    toggle.check()
    assert all(box.is_checked() for box in fields.all())
    watched.assert_clean()


def test_swagger_ui_renders_the_operations_under_the_policy(site, watched) -> None:
    watched.goto(site + "/api/docs/")
    watched.page.wait_for_selector(".opblock", timeout=20_000)
    assert watched.page.locator(".opblock").count() > 10
    watched.page.locator(".opblock-summary").first.click()  # an operation opens
    watched.page.wait_for_selector(".opblock-body")
    watched.assert_clean()


def test_the_public_site_runs_under_the_policy(site, watched) -> None:
    page = watched.page
    for path in (
        "/en/",
        "/en/visits/deputy-secretary-general-azerbaijan/",
        "/en/timeline/",
        "/en/search/?q=tbilisi",
    ):
        watched.goto(site + path)
        assert page.locator("h1").count() == 1, path
        watched.assert_clean()
    # The visit list's person box asks the server for suggestions as the visitor types.
    watched.goto(site + "/en/visits/")
    page.fill("#filter-person", "Stolt")
    # (Waited for by selector: a predicate would be a string eval, which the policy refuses.)
    page.wait_for_selector("#person-suggestions option", state="attached")
    watched.assert_clean()
