"""The editors' workspace in a real Chromium: an Editor creates a visit with two legs and a
meeting and saves it as a draft (the public sees nothing), a Publisher publishes it, and the
public visit page, the API and the feed show it; two editors saving the same visit get the
conflict screen; the leg order buttons. Screenshots of the admin for docs/editors.md.

Uses the fixtures of tests/test_browser.py (Debian's Chromium through Playwright, a live
server serving hashed static files). Set REGISTRY_SCREENSHOTS=1 to refresh
docs/screenshots/admin-*.png.
"""

# The fixtures imported from tests/test_browser.py are parameters of these tests by name.
# ruff: noqa: F811

from __future__ import annotations

import json
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

from django.urls import NoReverseMatch, reverse  # noqa: E402

from registry.models import FormDraft, PendingRevision, Status, Visit  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.test_browser import (  # noqa: E402, F401 (fixtures, used by name)
    SCREENSHOTS,
    allow_orm_beside_playwright,
    browser,
    live_server,
    site,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
SLUG = "secretary-general-south-caucasus-2025"
TITLE = "Secretary General in Azerbaijan and Georgia, March 2025"


@pytest.fixture(autouse=True)
def roles(transactional_db) -> None:
    """The Editor and Publisher groups. Migration 0008 creates them, but a transactional test
    empties every table when it ends, so they are created again as that migration does."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("registry.migrations.0008_editor_and_publisher_groups")
    config = apps.get_app_config("registry")
    models_module = config.models_module
    try:
        migration.create_groups(apps, None)
    finally:
        config.models_module = models_module


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = SCREENSHOTS if os.environ.get("REGISTRY_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def session(browser, site: str, role: str, *, width: int = 1280):
    """A browser context with a user of `role` logged in through the admin's login form."""
    user = f.create_user(role=role)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(site + "/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site + "/admin/")
    return context, page


def choose(page, select_id: str, text: str) -> None:
    """Pick `text` in an autocomplete (select2) input."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def leg_orders(page) -> list[tuple[str, str]]:
    """(city, order) of each leg row, top to bottom."""
    return page.eval_on_selector_all(
        "#legs-group tr.form-row:not(.empty-form)",
        "rows => rows.map(r => [r.querySelector('input[name$=\"-city\"]').value,"
        " r.querySelector('input[name$=\"-order\"]').value])",
    )


def add_leg(page, country: str, city: str, start: str, end: str = "") -> None:
    page.click("#legs-group .add-row a")
    row = page.locator("#legs-group tr.form-row.dynamic-legs:not(.empty-form)").last
    prefix = row.get_attribute("id")  # legs-N
    choose(page, f"id_{prefix}-country", country)
    page.fill(f"#id_{prefix}-city", city)
    page.fill(f"#id_{prefix}-start_date", start)
    page.fill(f"#id_{prefix}-end_date", end)


def test_editor_drafts_a_visit_and_a_publisher_publishes_it(site, browser, shots) -> None:
    api_url = f"{site}/api/v1/visits/{SLUG}/"
    public_url = f"{site}/visits/{SLUG}/"
    try:
        feed_url = site + reverse("registry:visit-feed-rss")
    except NoReverseMatch:  # the feed is optional here
        feed_url = None

    # --- the Editor -------------------------------------------------------------------------
    context, page = session(browser, site, "editor")
    page.goto(site + "/admin/registry/visit/add/")
    page.fill("#id_title", TITLE)
    page.press("#id_title", "Tab")  # the slug is filled in from the title, then replaced
    page.fill("#id_slug", SLUG)
    page.press("#id_slug", "Tab")
    choose(page, "id_traveller", "Jens Stoltenberg")
    page.fill("#id_start_date", "17 March 2025")
    page.fill("#id_end_date", "2025-03-19")
    # Two legs, entered in the wrong order, then put right with the ↑ button.
    add_leg(page, "Georgia", "Tbilisi", "18 March 2025", "19 March 2025")
    add_leg(page, "Azerbaijan", "Baku", "17 March 2025")
    assert leg_orders(page) == [["Tbilisi", "1"], ["Baku", "2"]]  # numbered as added
    page.locator("#legs-group tr.form-row.dynamic-legs").nth(1).locator(".leg-up").click()
    assert leg_orders(page) == [["Baku", "1"], ["Tbilisi", "2"]]
    # A meeting.
    page.click("#meetings-group .add-row a")
    page.fill("#id_meetings-0-order", "1")
    page.fill("#id_meetings-0-counterpart_group", "Students at ADA University")
    page.fill("#id_meetings-0-date", "17 March 2025")
    page.fill("#id_meetings-0-venue", "ADA University")
    page.locator("#legs-group").screenshot(path=str(shots / "admin-legs.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "admin-visit-form.png"))
    page.click("input[name=_save]")
    page.wait_for_url(site + "/admin/registry/visit/")
    assert "was added successfully" in page.locator(".messagelist").inner_text()

    visit = Visit.objects.get(title=TITLE)
    assert visit.slug == SLUG
    assert visit.status == Status.DRAFT
    assert [(leg.order, leg.city) for leg in visit.legs.order_by("order")] == [
        (1, "Baku"),
        (2, "Tbilisi"),
    ]
    # A draft: the public site, the API and the feed show nothing of it.
    assert page.goto(public_url).status == 404
    assert page.request.get(api_url).status == 404
    if feed_url:
        assert TITLE not in page.request.get(feed_url).text()
    # An Editor has no publish button.
    page.goto(f"{site}/admin/registry/visit/{visit.pk}/change/")
    assert page.locator("input[name=_publish]").count() == 0
    context.close()

    # --- the Publisher ----------------------------------------------------------------------
    context, page = session(browser, site, "publisher")
    page.goto(f"{site}/admin/registry/visit/{visit.pk}/change/")
    assert "Draft" in page.locator("#publication-notice").inner_text()
    # No source cited yet: the publishing gate keeps it a draft and says why.
    page.click("input[name=_publish]")
    page.wait_for_load_state()
    assert "not published: it cites no source" in page.locator(".messagelist").inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "admin-publish-blocked.png"))
    visit.refresh_from_db()
    assert visit.status == Status.DRAFT
    f.create_citation(record=visit, quote="A visit to Azerbaijan and Georgia.")
    page.reload()
    page.click("input[name=_publish]")
    page.wait_for_load_state()
    assert "saved and published" in page.locator(".messagelist").inner_text()
    visit.refresh_from_db()
    assert visit.status == Status.PUBLISHED

    # --- the public -------------------------------------------------------------------------
    response = page.goto(public_url)
    assert response.status == 200
    # The title, then the reference to its source.
    assert page.get_by_role("heading", level=1).inner_text().startswith(TITLE)
    body = page.locator("main").inner_text()
    for text in ("Baku", "Tbilisi", "Students at ADA University", "Jens Stoltenberg"):
        assert text in body
    api = page.request.get(api_url)
    assert api.status == 200
    data = json.loads(api.text())
    assert data["title"] == TITLE
    assert [leg["country"]["slug"] for leg in data["legs"]] == ["azerbaijan", "georgia"]
    assert [m["counterpart_group"] for m in data["meetings"]] == ["Students at ADA University"]
    if feed_url:
        feed = page.request.get(feed_url)
        assert feed.status == 200 and TITLE in feed.text()
    context.close()


def test_two_editors_saving_the_same_visit_get_the_conflict_screen(site, browser, shots) -> None:
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    original = visit.title
    target = f"{site}/admin/registry/visit/{visit.pk}/change/"
    first, alice = session(browser, site, "publisher")
    second, bob = session(browser, site, "publisher")
    alice.goto(target)
    bob.goto(target)
    alice.fill("#id_title", "Alice's title")
    alice.click("input[name=_continue]")
    alice.wait_for_load_state()
    bob.fill("#id_title", "Bob's title")
    bob.fill("#id_purpose", "Bob's purpose")
    bob.click("input[name=_continue]")
    bob.wait_for_load_state()
    screen = bob.locator("#edit-conflict")
    assert screen.is_visible()
    row = screen.locator("tr.edit-conflict-choose", has_text="Title")
    assert row.locator("td.started").inner_text() == original
    assert row.locator("td.saved").inner_text() == "Alice's title"
    assert row.locator("td.yours").inner_text() == "Bob's title"
    assert bob.input_value("#id_purpose") == "Bob's purpose"  # nothing Bob typed is lost
    visit.refresh_from_db()
    assert visit.title == "Alice's title"
    bob.evaluate("window.scrollTo(0, 0)")
    bob.screenshot(path=str(shots / "admin-conflict.png"))
    row.get_by_label("the saved value").check()
    bob.click("input[name=_continue]")
    bob.wait_for_load_state()
    assert bob.locator("#edit-conflict").count() == 0
    visit.refresh_from_db()
    assert (visit.title, visit.purpose) == ("Alice's title", "Bob's purpose")
    first.close()
    second.close()


def test_admin_screenshots_for_the_editors_guide(site, browser, shots, tmp_path) -> None:
    context, page = session(browser, site, "publisher")
    page.goto(site + "/admin/")
    assert page.locator("#registry-dashboard").is_visible()
    page.screenshot(path=str(shots / "admin-dashboard.png"), full_page=True)
    page.locator("#registry-dashboard a").first.click()
    page.wait_for_load_state()
    assert page.locator("#changelist").is_visible()
    page.goto(site + "/admin/registry/office/?closed=no&contact=missing")
    page.screenshot(path=str(shots / "admin-list-filtered.png"))
    # The CSV import's dry run.
    rows = tmp_path / "visits.csv"
    rows.write_text(
        "slug,title,traveller,start_date,end_date,legs\n"
        f'{SLUG},"{TITLE}",jens-stoltenberg,17 March 2025,2025-03-19,'
        '"AZ | Baku | 2025-03-17; GE | Tbilisi | 18 March 2025 | 19 March 2025"\n'
        "bad-row,A visit with a bad date,jens-stoltenberg,31 Febtember 2025,,\n"
    )
    page.goto(site + "/admin/registry/visit/import/")
    assert page.locator("#import-columns").is_visible()  # the formats, before any upload
    page.locator("#import-help").screenshot(path=str(shots / "admin-import-columns.png"))
    page.set_input_files("#id_import_file", str(rows))
    page.click("input[type=submit]")
    page.wait_for_load_state()
    errors = page.locator("#import-invalid-rows .row-errors").first
    assert errors.is_visible()  # written beside the row, not only on hover
    assert "not a month we know" in errors.inner_text()
    assert not Visit.objects.filter(slug=SLUG).exists()  # a dry run writes nothing
    page.screenshot(path=str(shots / "admin-import-errors.png"))
    # Without the bad row: the preview of what would be written, then the confirmation.
    rows.write_text("\n".join(rows.read_text().splitlines()[:2]) + "\n")
    page.set_input_files("#id_import_file", str(rows))
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert "New" in page.locator("#content").inner_text()
    # The legs column shows the legs the row imports.
    assert "AZ | Baku | 2025-03-17; GE | Tbilisi" in page.locator(".import-preview").inner_text()
    assert not Visit.objects.filter(slug=SLUG).exists()
    page.screenshot(path=str(shots / "admin-import-preview.png"), full_page=True)
    page.click("input[name=confirm]")
    page.wait_for_load_state()
    assert "Import finished: 1 new" in page.locator(".messagelist").inner_text()
    assert Visit.objects.get(slug=SLUG).legs.count() == 2
    context.close()
    assert (shots / "admin-dashboard.png").stat().st_size > 10_000


# --- the layout at 1,280 px --------------------------------------------------------------------


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def scrolling_inside(page, selector: str) -> list[str]:
    """The boxes matching `selector` whose content is wider than they are."""
    return page.eval_on_selector_all(
        selector,
        "boxes => boxes.filter(b => b.scrollWidth > b.clientWidth)"
        ".map(b => b.id || b.closest('[id]').id)",
    )


def test_the_visit_form_and_the_import_preview_fit_a_1280_px_window(
    site, browser, tmp_path
) -> None:
    context, page = session(browser, site, "editor", width=1280)
    visit = Visit.objects.get(slug="secretary-general-south-caucasus-march-2024")
    page.goto(f"{site}/admin/registry/visit/{visit.pk}/change/")
    add_leg(page, "Georgia", "Batumi", "19 March 2024")  # a new leg is laid out the same way
    assert page_width(page) <= 1280
    # Nothing is hidden in a box that scrolls either: every input of the legs is in view.
    assert scrolling_inside(page, ".inline-group fieldset") == []
    rights = page.eval_on_selector_all(
        "#legs-group tr.form-row:not(.empty-form) :is(input:not([type=hidden]), textarea,"
        " .select2-container, .leg-move, .inline-deletelink)",
        "inputs => inputs.map(i => i.getBoundingClientRect().right)",
    )
    assert len(rights) == 4 * 10 and max(rights) <= 1280  # notes in English and French
    # Each leg: its short inputs on one line, its notes on the next.
    leg = page.locator("#legs-group tr.form-row.dynamic-legs").last
    city = leg.locator("input[name$='-city']").bounding_box()
    until = leg.locator("input[name$='-end_date']").bounding_box()
    notes = leg.locator("textarea[name$='-notes']").bounding_box()
    assert abs(city["y"] - until["y"]) < 2
    assert notes["y"] >= city["y"] + city["height"]
    assert notes["width"] > 400
    leg.locator("textarea[name$='-notes']").fill("Stop added on the way back.")
    page.screenshot(path=str(tmp_path / "visit-form-1280.png"), full_page=True)

    # The CSV import: the list of invalid rows, then the preview.
    rows = tmp_path / "visits.csv"
    good = (
        f'{SLUG},"{TITLE}",jens-stoltenberg,17 March 2025,2025-03-19,'
        '"AZ | Baku | 2025-03-17; GE | Tbilisi | 18 March 2025 | 19 March 2025"\n'
    )
    rows.write_text(
        "slug,title,traveller,start_date,end_date,legs\n"
        + good
        + "bad-row,A visit with a bad date,jens-stoltenberg,31 Febtember 2025,,\n"
    )
    page.goto(site + "/admin/registry/visit/import/")
    page.set_input_files("#id_import_file", str(rows))
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#import-invalid-rows .row-errors").count() == 1
    assert page_width(page) <= 1280
    rows.write_text("slug,title,traveller,start_date,end_date,legs\n" + good)
    page.set_input_files("#id_import_file", str(rows))
    page.click("input[type=submit]")
    page.wait_for_load_state()
    preview = page.locator("table.import-preview")
    assert "traveller_position" in preview.locator("thead").inner_text().lower()
    assert page_width(page) <= 1280
    assert scrolling_inside(page, ".import-preview-box") == []
    page.screenshot(path=str(tmp_path / "import-preview-1280.png"), full_page=True)
    context.close()


# --- a meeting on a leg added in the same save -------------------------------------------------


def leg_menu(page, meeting: int) -> list[tuple[str, str]]:
    """(value, label) of each option of a meeting's Leg menu."""
    options = page.eval_on_selector_all(
        f"#id_meetings-{meeting}-leg option", "options => options.map(o => [o.value, o.text])"
    )
    return [tuple(option) for option in options]


def test_a_meeting_is_put_on_a_leg_added_in_the_same_save(site, browser) -> None:
    context, page = session(browser, site, "editor")
    page.goto(site + "/admin/registry/visit/add/")
    page.fill("#id_title", TITLE)
    page.press("#id_title", "Tab")
    page.fill("#id_slug", SLUG)
    choose(page, "id_traveller", "Jens Stoltenberg")
    page.fill("#id_start_date", "17 March 2025")
    page.fill("#id_end_date", "2025-03-19")
    add_leg(page, "Azerbaijan", "Baku", "17 March 2025")
    add_leg(page, "Armenia", "Yerevan", "18 March 2025")
    add_leg(page, "Georgia", "Tbilisi", "18 March 2025", "19 March 2025")
    page.click("#meetings-group .add-row a")
    assert leg_menu(page, 0) == [
        ("", "---------"),
        ("new-0", "New leg: 1. Baku, Azerbaijan"),
        ("new-1", "New leg: 2. Yerevan, Armenia"),
        ("new-2", "New leg: 3. Tbilisi, Georgia"),
    ]
    page.select_option("#id_meetings-0-leg", label="New leg: 3. Tbilisi, Georgia")
    # Moving a leg renumbers it in the menu; the meeting stays on it.
    page.locator("#legs-group tr.form-row.dynamic-legs").nth(2).locator(".leg-up").click()
    assert page.locator("#id_meetings-0-leg option:checked").inner_text() == (
        "New leg: 2. Tbilisi, Georgia"
    )
    page.locator("#legs-group tr.form-row.dynamic-legs").nth(1).locator(".leg-down").click()
    assert leg_orders(page) == [["Baku", "1"], ["Yerevan", "2"], ["Tbilisi", "3"]]
    # Taking the Yerevan leg out renumbers the rows after it: the meeting follows its leg.
    assert page.input_value("#id_legs-1-city") == "Yerevan"
    page.click("#legs-1 .inline-deletelink")
    assert leg_menu(page, 0) == [
        ("", "---------"),
        ("new-0", "New leg: 1. Baku, Azerbaijan"),
        ("new-1", "New leg: 3. Tbilisi, Georgia"),
    ]
    assert page.input_value("#id_meetings-0-leg") == "new-1"
    page.fill("#id_meetings-0-order", "1")
    page.fill("#id_meetings-0-counterpart_group", "Students at Tbilisi State University")
    page.fill("#id_meetings-0-date", "18 March 2025")
    page.click("input[name=_save]")
    page.wait_for_url(site + "/admin/registry/visit/")
    context.close()

    visit = Visit.objects.get(slug=SLUG)
    tbilisi = visit.legs.get(city="Tbilisi")
    assert visit.meetings.get().leg == tbilisi
    visit.status = Status.PUBLISHED  # a Publisher's step, shown in the test above
    visit.save()
    context, page = session(browser, site, "editor")
    page.goto(f"{site}/visits/{SLUG}/")
    stop = page.locator(".itinerary > li", has=page.get_by_role("heading", name="Tbilisi"))
    assert "Students at Tbilisi State University" in stop.inner_text()
    assert page.get_by_role("heading", name="Other meetings").count() == 0
    context.close()


# --- "View on site" ----------------------------------------------------------------------------


def test_view_on_site_opens_the_preview_of_a_draft_and_the_page_of_a_published_record(
    site, browser
) -> None:
    from registry.models import Person

    published_visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    draft_visit = Visit.objects.get(slug="secretary-general-south-caucasus-march-2024")
    published_person = Person.objects.get(slug="jens-stoltenberg")
    draft_person = Person.objects.exclude(pk=published_person.pk).first()
    for record in (draft_visit, draft_person):
        type(record).objects.filter(pk=record.pk).update(status=Status.DRAFT)
    context, page = session(browser, site, "editor")
    for record, public in (
        (draft_visit, False),
        (published_visit, True),
        (draft_person, False),
        (published_person, True),
    ):
        opts = record._meta
        page.goto(f"{site}/admin/registry/{opts.model_name}/{record.pk}/change/")
        page.click("a.viewsitelink")
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text().startswith(str(record))
        if public:
            assert page.url == site + record.get_absolute_url()
            assert page.locator("#preview-banner").count() == 0
        else:
            assert page.url == f"{site}/en/preview/registry/{opts.model_name}/{record.pk}/"
            assert "this page is not public" in page.locator("#preview-banner").inner_text()
    context.close()


# --- the conflict screen's choices -------------------------------------------------------------

# For each label of the conflict screen, the number of lines each of its words is set on.
WORD_LINES = """ths => ths.map(th => {
  const node = th.firstChild, words = [];
  let at = 0;
  for (const part of node.textContent.split(/(\\s+)/)) {
    if (part.trim()) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + part.length);
      const tops = Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => r.top);
      words.push([part, new Set(tops.map(Math.round)).size]);
    }
    at += part.length;
  }
  return words;
})"""


def test_conflict_choices_fill_the_box_and_the_box_is_what_is_saved(site, browser) -> None:
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    target = f"{site}/admin/registry/visit/{visit.pk}/change/"
    first, alice = session(browser, site, "publisher")
    second, bob = session(browser, site, "publisher")
    alice.goto(target)
    bob.goto(target)
    long_text = " and ".join(["partnership talks on interoperability"] * 12)
    alice.fill("#id_title", "Alice's title")
    alice.fill("#id_purpose", "Alice's purpose: " + long_text)
    alice.click("input[name=_continue]")
    alice.wait_for_load_state()
    bob.fill("#id_title", "Bob's title")
    bob.fill("#id_purpose", "Bob's purpose: " + long_text)
    bob.click("input[name=_continue]")
    bob.wait_for_load_state()
    screen = bob.locator("#edit-conflict")
    assert screen.is_visible()
    # One box says why nothing was saved; no second one above the form says it again.
    assert bob.locator(".errornote").count() == 0
    assert bob.locator(".errorlist.nonfield").count() == 0
    assert "nothing was saved" in screen.inner_text().lower()
    # No label of the screen is broken inside a word.
    labels = bob.eval_on_selector_all("#edit-conflict th[scope=row]", WORD_LINES)
    assert [word for label in labels for word, lines in label if lines != 1] == []
    assert ["Purpose", 1] in [word for label in labels for word in label]

    title = screen.locator("tr.edit-conflict-choose", has_text="Title")
    purpose = screen.locator("tr.edit-conflict-choose", has_text="Purpose")
    assert bob.input_value("#id_title") == "Bob's title"
    title.get_by_label("the saved value").check()
    assert bob.input_value("#id_title") == "Alice's title"  # the box takes the saved value
    title.get_by_label("yours").check()
    assert bob.input_value("#id_title") == "Bob's title"  # and gives Bob's back
    title.get_by_label("the saved value").check()
    purpose.get_by_label("the saved value").check()
    assert bob.input_value("#id_purpose").startswith("Alice's purpose: ")
    # Bob edits the saved value: the box is his own now, and it is what is saved.
    bob.fill("#id_purpose", "Alice's purpose, as Bob puts it")
    assert purpose.get_by_label("yours").is_checked()
    bob.evaluate("window.scrollTo(0, 0)")
    bob.click("input[name=_continue]")
    bob.wait_for_load_state()
    assert bob.locator("#edit-conflict").count() == 0
    visit.refresh_from_db()
    assert (visit.title, visit.purpose) == ("Alice's title", "Alice's purpose, as Bob puts it")
    first.close()
    second.close()


# --- review before a change goes live ------------------------------------------------------


def test_autosave_restores_what_an_editor_typed_after_the_tab_is_closed(site, browser) -> None:
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    target = f"{site}/admin/registry/visit/{visit.pk}/change/"
    context, page = session(browser, site, "editor")
    page.goto(target)
    page.fill("#id_title", "")  # a required field may be empty in a draft
    page.fill("#id_purpose", "Typed before the tab closed")
    state = page.locator("#autosave-state")
    state.filter(has_text="Saved at").wait_for()
    page.close()
    again = context.new_page()
    again.goto(target)
    assert "Restored what you typed before" in again.locator("#autosave-state").inner_text()
    assert again.input_value("#id_purpose") == "Typed before the tab closed"
    assert again.input_value("#id_title") == ""
    visit.refresh_from_db()
    assert visit.purpose != "Typed before the tab closed"  # nothing saved to the record
    again.fill("#id_title", "Restored and saved")
    again.click("input[name=_save_pending]")
    again.wait_for_load_state()
    revision = PendingRevision.objects.get(object_id=visit.pk)
    fields = revision.data["parent"]["fields"]
    assert (fields["title"], fields["purpose"]) == (
        "Restored and saved",
        "Typed before the tab closed",
    )
    assert not FormDraft.objects.exists()  # the draft is spent by the save
    context.close()


def test_two_editors_autosaving_get_the_conflict_screen_not_an_overwrite(
    site, browser, shots
) -> None:
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    target = f"{site}/admin/registry/visit/{visit.pk}/change/"
    first, alice = session(browser, site, "editor")
    second, bob = session(browser, site, "editor")
    alice.goto(target)
    bob.goto(target)
    bob.fill("#id_purpose", "Bob's purpose")
    bob.locator("#autosave-state").filter(has_text="Saved at").wait_for()
    alice.fill("#id_title", "Alice's title")
    alice.locator("#autosave-state").filter(has_text="Saved at").wait_for()
    alice.click("input[name=_save_pending]")
    alice.wait_for_load_state()
    bob.fill("#id_title", "Bob's title")
    box = bob.locator("#autosave-conflict")
    box.wait_for(state="visible")
    assert "Someone else saved this record" in box.inner_text()
    box.locator("button").click()
    bob.wait_for_load_state()
    screen = bob.locator("#edit-conflict")
    assert screen.is_visible()
    row = screen.locator("tr.edit-conflict-choose", has_text="Title")
    assert row.locator("td.saved").inner_text() == "Alice's title"
    assert row.locator("td.yours").inner_text() == "Bob's title"
    assert bob.input_value("#id_purpose") == "Bob's purpose"
    fields = PendingRevision.objects.get(object_id=visit.pk).data["parent"]["fields"]
    assert fields["title"] == "Alice's title"  # Alice's save was not overwritten
    visit.refresh_from_db()
    assert visit.title != "Alice's title"  # and the public still sees the live version
    first.close()
    second.close()


def test_a_publisher_reviews_and_publishes_an_editors_correction(site, browser, shots) -> None:
    visit = Visit.objects.get(slug="deputy-secretary-general-azerbaijan")
    target = f"{site}/admin/registry/visit/{visit.pk}/change/"
    context, editor = session(browser, site, "editor")
    editor.goto(target)
    editor.fill("#id_title", "Deputy Secretary General in Baku (corrected)")
    editor.click("input[name=_submit_review]")
    editor.wait_for_load_state()
    assert "submitted for review" in editor.locator(".messagelist").inner_text()
    public = browser.new_context().new_page()
    public.goto(site + visit.get_absolute_url())
    assert "(corrected)" not in public.content()
    other, publisher = session(browser, site, "publisher")
    queue = publisher.locator("#review-queue")
    assert "Submitted for review" in queue.inner_text()
    queue.locator("a", has_text=visit.title).click()
    publisher.wait_for_load_state()
    diff = publisher.locator("table.review-diff").first
    assert "Deputy Secretary General in Baku (corrected)" in diff.inner_text()
    publisher.set_viewport_size({"width": 1280, "height": 900})
    publisher.screenshot(path=str(shots / "admin-review.png"), full_page=True)
    with publisher.expect_navigation():
        publisher.click("input[name=_publish_revision]")
    assert "are published" in publisher.locator(".messagelist").inner_text()
    visit.refresh_from_db()
    assert visit.title == "Deputy Secretary General in Baku (corrected)"
    # A new visitor (the first one's browser may keep its copy for the page's max-age).
    public.context.close()
    public = browser.new_context().new_page()
    public.goto(site + visit.get_absolute_url())
    assert "Deputy Secretary General in Baku (corrected)" in public.content()
    public.context.close()
    context.close()
    other.close()
