"""The public site in a real Chromium: a visitor's click paths, axe-core on every page type,
no horizontal scrolling at 320 px, the stylesheet served by WhiteNoise, keyboard use.

Needs Python's `playwright` (requirements-dev.txt) and Debian's Chromium at
/usr/bin/chromium (`apt-get install chromium`; `.ci/run` installs it). Playwright's own
browser download is not used. Set REGISTRY_SCREENSHOTS=1 to refresh docs/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("REGISTRY_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = (
    "Browser tests need Chromium at /usr/bin/chromium: install it with "
    "`apt-get update && apt-get install -y chromium` (Debian), or set REGISTRY_CHROMIUM."
)

if not CHROMIUM.exists():
    pytest.skip(INSTALL_HINT, allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="pip install -r requirements-dev.txt (playwright)"
)
axe_module = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="pip install -r requirements-dev.txt (axe-playwright-python)",
)

from django.urls import NoReverseMatch, reverse  # noqa: E402
from pytest_django.live_server_helper import LiveServer  # noqa: E402

from registry.seed.loader import load_seed  # noqa: E402
from tests.test_pages import PAGE_TYPES  # noqa: E402

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _through_the_app(application):
    """No test-only static handler: /static/ requests reach WhiteNoise in the middleware,
    which serves the hashed files of STATIC_ROOT as in production."""
    return application


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but with static files served as in production.

    pytest-django's server answers /static/ itself from the finders, which know nothing of
    the hashed names that the manifest storage puts in the pages (DEBUG is off)."""
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = _through_the_app
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module", autouse=True)
def allow_orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls
    # while one runs unless told the calls are synchronous, which they are here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(allow_orm_beside_playwright):
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(transactional_db, live_server):
    load_seed()
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def test_visitor_clicks_from_home_to_the_tbilisi_phone_number(site, page):
    page.goto(site + "/en/")
    page.get_by_role("region", name="Regions and partner countries").get_by_role(
        "link", name="Georgia", exact=True
    ).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Georgia"
    page.get_by_role("region", name="NATO offices in or covering Georgia").get_by_role(
        "link", name="NATO Liaison Office in Georgia"
    ).click()
    assert page.url == site + "/en/offices/nato-liaison-office-georgia/"
    phone = page.locator('a[href^="tel:"]')
    assert phone.inner_text() == "+995 (32) 293 38 01"
    assert phone.get_attribute("href") == "tel:+995322933801"
    assert phone.is_visible()


def test_visitor_clicks_from_home_to_the_special_representatives_past_holders(site, page):
    page.goto(site + "/en/")
    page.get_by_role("region", name="Key posts and their holders").get_by_role(
        "link",
        name="Secretary General's Special Representative for the Caucasus and Central Asia",
        exact=True,
    ).click()
    assert "Special Representative" in page.get_by_role("heading", level=1).inner_text()
    # No source says who holds the post today: the last holder the sources record.
    past = page.get_by_role("region", name="Last recorded holder")
    assert "Robert Simmons" in past.inner_text()
    assert "the first holder of the post" in past.inner_text()
    past.get_by_role("link", name="Robert Simmons").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Robert Simmons")


def test_stylesheet_is_served_by_whitenoise_and_applied(site, page):
    statuses = {}
    page.on("response", lambda r: statuses.__setitem__(r.url, r.status))
    page.goto(site + "/en/")
    css = [url for url in statuses if url.endswith(".css")]
    assert css and all(statuses[url] == 200 for url in css), statuses
    assert any("/static/css/site." in url for url in css)
    header = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header == "rgb(11, 37, 69)"


def test_keyboard_skip_link_and_visible_focus(site, page):
    page.goto(site + "/en/visits/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    box = page.evaluate("document.activeElement.getBoundingClientRect().top")
    assert box >= 0  # shown when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The filter form works from the keyboard alone.
    page.focus("#filter-country")
    page.keyboard.press("End")
    page.select_option("#filter-country", "georgia")
    page.focus("button[type=submit] >> text=Show visits")
    page.keyboard.press("Enter")
    page.wait_for_url("**/visits/?country=georgia*")
    assert "Visits to Georgia" in page.get_by_role("heading", level=1).inner_text()


def axe_urls() -> dict[str, str]:
    urls = {
        **PAGE_TYPES,
        "country-azerbaijan": "/en/countries/azerbaijan/",
        "visit-three-countries": "/en/visits/secretary-general-south-caucasus-march-2024/",
        "visit-list-filtered": "/en/visits/?country=georgia",
        "visit-list-bad-filter": "/en/visits/?year=abc",
        "not-found": "/en/no-such-page/",
    }
    with contextlib.suppress(NoReverseMatch):
        urls["search"] = reverse("registry:search") + "?q=Georgia"
    return urls


def test_axe_finds_no_violation_on_any_page_type(site, page):
    from registry.releases import make_release

    release = make_release(note="A release for the accessibility check.")
    urls = {**axe_urls(), "releases": "/en/releases/", "release": release.get_absolute_url()}
    axe = axe_module.Axe()
    reports = {}
    for name, url in urls.items():
        page.goto(site + url)
        if name == "release":  # the page itself, not a 404 in its place
            assert page.get_by_role("heading", level=1).inner_text() == "Release 1"
        results = axe.run(page)
        if results.violations_count:
            reports[name] = results.generate_report()
    assert not reports, "\n\n".join(f"{name}:\n{report}" for name, report in reports.items())


def test_axe_finds_no_violation_on_french_pages(site, page):
    """The French pages, where English stands in for French not yet translated: each such
    element must say it is English (`lang="en"`) inside the French page."""
    axe = axe_module.Axe()
    reports = {}
    for name, url in axe_urls().items():
        french = "/fr/" + url.removeprefix("/en/")
        page.goto(site + french)
        assert page.locator("html").get_attribute("lang") == "fr", french
        results = axe.run(page)
        if results.violations_count:
            reports[name] = results.generate_report()
    assert not reports, "\n\n".join(f"{name}:\n{report}" for name, report in reports.items())
    page.goto(site + "/fr/countries/georgia/")
    assert page.locator('div.prose[lang="en"]').count() >= 1  # the profile, not yet translated


MAIN_PAGES = ["home", "country", "office-open", "position", "visit", "visit-list", "timeline"]


def test_no_horizontal_scrolling_at_320_px(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    tab = context.new_page()
    too_wide = {}
    for name in [*MAIN_PAGES, "source", "programme", "region"]:
        tab.goto(site + PAGE_TYPES[name])
        width = tab.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[name] = width
    context.close()
    assert not too_wide


SHOTS = {
    "home": "/en/",
    "country": "/en/countries/georgia/",
    "office": "/en/offices/nato-liaison-office-georgia/",
    "position": "/en/positions/special-representative-caucasus-central-asia/",
    "visit": "/en/visits/deputy-secretary-general-azerbaijan/",
}


def test_screenshots_of_the_main_pages(site, browser, tmp_path):
    """Screenshots at desktop and phone widths; into docs/screenshots/ with
    REGISTRY_SCREENSHOTS=1, else into a temporary folder (the pages still must render)."""
    folder = SCREENSHOTS if os.environ.get("REGISTRY_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    for width, suffix in [(1280, ""), (375, "-phone")]:
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        for name, url in SHOTS.items():
            tab.goto(site + url)
            tab.screenshot(path=str(folder / f"{name}{suffix}.png"), full_page=not suffix)
        context.close()
    assert (folder / "home.png").stat().st_size > 10_000
