"""The PDF text repair in the source form: damaged text pasted into a source's full text is
not saved until the editor has seen every change the repair would make, and then either
accepted them or kept the text as pasted; what was repaired is recorded on the source and
in its history (registry/admin/text_repairs.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from registry.admin.text_repairs import review
from registry.models import Source
from registry.models.history import Versions
from registry.text_repair import repair_text
from tests import factories as f
from tests.test_admin import form_data, form_errors, url

pytestmark = pytest.mark.django_db

# Damage copied from the seed's document 001: lost ligatures (U+FFFD), a wrong-font "ý".
DAMAGED = (
    "Azerbaijan and Georgia. \ufffdis re\ufffdects the decision\n"
    "to bene\u00fdt from Allied support. He works closely with regional o\ufffdcials;\n"
    "it is part of NATO\ufffds policy to reach out."
)
REPAIRED = (
    "Azerbaijan and Georgia. This reflects the decision\n"
    "to benefit from Allied support. He works closely with regional officials;\n"
    "it is part of NATO’s policy to reach out."
)


def new_source(client: Client, **changes: str) -> Any:
    data = form_data(client.get(url(Source, "add")))
    data.update({"title": "Partners in the South Caucasus", "slug": "partners", "kind": "web_page"})
    data.update(changes)
    return client.post(url(Source, "add"), data)


def as_a_browser_sends(page: Any, *, apply: bool | None = None, **changes: str) -> dict:
    """The review page's form as a browser submits it, the box as shown unless `apply`."""
    data = form_data(page)
    html = page.content.decode()
    data["text_repairs_reviewed"] = re.search(
        r'name="text_repairs_reviewed" value="([0-9a-f]+)"', html
    ).group(1)
    ticked = bool(re.search(r'<input type="checkbox" name="apply_repairs"[^>]* checked', html))
    data.pop("apply_repairs", None)
    if ticked if apply is None else apply:
        data["apply_repairs"] = "on"
    return {**data, **changes}


def review_rows(page: Any) -> list[tuple[str, str]]:
    """The review's rows: (the word as pasted, the word repaired)."""
    table = page.content.decode().split('id="text-repairs"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<del>(.*?)</del>.*?<ins>(.*?)</ins>", table, re.S)


def test_pasted_damage_is_shown_before_anything_is_saved(admin_client: Client) -> None:
    page = new_source(admin_client, full_text=DAMAGED)
    errors = form_errors(page)
    assert "damage from PDF extraction that can be repaired" in " ".join(errors["full_text"])
    assert not Source.objects.exists()
    # Every change the repair would make, as pasted and repaired, in the order of the text.
    assert len(review_rows(page)) == len(repair_text(DAMAGED).changes)
    assert review_rows(page) == [
        ("\ufffdis", "This"),
        ("re\ufffdects", "reflects"),
        ("bene\u00fdt", "benefit"),
        ("o\ufffdcials;", "officials;"),
        ("NATO\ufffds", "NATO’s"),
    ]
    # Each with its neighbours, as pasted on the left and repaired on the right.
    assert "Georgia. \ufffdis <del>re\ufffdects</del> the decision to bene\u00fdt" in page.text
    assert "Georgia. This <ins>reflects</ins> the decision to benefit" in page.text
    # The text box keeps the text as pasted; the box starts ticked.
    assert page.context["adminform"].form["full_text"].value() == DAMAGED
    assert re.search(r'name="apply_repairs"[^>]* checked', page.text)


def test_accepting_the_repairs_saves_the_repaired_text_and_records_them(
    admin_client: Client,
) -> None:
    review = new_source(admin_client, full_text=DAMAGED)
    saved = admin_client.post(url(Source, "add"), as_a_browser_sends(review), follow=True)
    assert saved.redirect_chain, form_errors(saved)
    source = Source.objects.get(slug="partners")
    assert source.full_text == REPAIRED
    assert source.text_repairs.splitlines() == [
        "“\ufffdis” → “This”",
        "“re\ufffdects” → “reflects”",
        "“bene\u00fdt” → “benefit”",
        "“o\ufffdcials” → “officials”",
        "“NATO\ufffds” → “NATO’s”",
    ]
    messages = [str(m) for m in saved.context["messages"]]
    assert any("saved with 5 repair(s)" in m for m in messages)
    [version] = Versions(Source, source.pk).list()
    assert version.reason == "Repaired 5 words damaged in PDF extraction"
    page = admin_client.get(url(Source, "version", source.pk, version.key))
    assert "Last repairs applied to the text" in page.text
    assert "“re\ufffdects” → “reflects”" in page.text


def test_declining_the_repairs_saves_the_text_as_pasted(admin_client: Client) -> None:
    review = new_source(admin_client, full_text=DAMAGED)
    data = as_a_browser_sends(review, apply=False)
    assert admin_client.post(url(Source, "add"), data).status_code == 302
    source = Source.objects.get(slug="partners")
    assert (source.full_text, source.text_repairs) == (DAMAGED, "")
    assert Versions(Source, source.pk).list()[0].reason == ""


def test_a_text_changed_after_the_review_is_reviewed_again(admin_client: Client) -> None:
    review = new_source(admin_client, full_text=DAMAGED)
    edited = DAMAGED + "\nNew line with e\ufb00orts."
    again = admin_client.post(url(Source, "add"), as_a_browser_sends(review, full_text=edited))
    assert "full_text" in form_errors(again)
    assert ("e\ufb00orts.", "efforts.") in review_rows(again)
    assert not Source.objects.exists()
    saved = admin_client.post(url(Source, "add"), as_a_browser_sends(again))
    assert saved.status_code == 302
    assert Source.objects.get().full_text == REPAIRED + "\nNew line with efforts."


def test_repairs_are_offered_when_the_full_text_of_a_source_is_changed(
    admin_client: Client,
) -> None:
    source = f.create_source(title="Partners", full_text="Clean text.")
    target = url(Source, "change", source.pk)
    data = form_data(admin_client.get(target))
    review = admin_client.post(target, {**data, "full_text": DAMAGED})
    assert "full_text" in form_errors(review)
    source.refresh_from_db()
    assert source.full_text == "Clean text."
    assert admin_client.post(target, as_a_browser_sends(review)).status_code == 302
    source.refresh_from_db()
    assert source.full_text == REPAIRED
    assert len(source.text_repairs.splitlines()) == 5


def test_clean_text_and_other_changes_are_saved_at_once(admin_client: Client) -> None:
    assert new_source(admin_client, full_text="A text with no damage.").status_code == 302
    # A stored text is not reviewed again when something else of the source changes.
    source = f.create_source(title="Old", full_text=DAMAGED)
    target = url(Source, "change", source.pk)
    data = form_data(admin_client.get(target))
    assert admin_client.post(target, {**data, "title": "New"}).status_code == 302
    source.refresh_from_db()
    assert (source.title, source.full_text) == ("New", DAMAGED)


def test_damage_the_repair_cannot_resolve_is_named_after_saving(admin_client: Client) -> None:
    text = "The minister подписed the agreement."
    saved = new_source(admin_client, full_text=text)
    assert saved.status_code == 302  # nothing to review: the repair would change nothing
    messages = [str(m) for m in admin_client.get(saved.url).context["messages"]]
    assert any("still look damaged" in m and "“подписed”" in m for m in messages)
    assert Source.objects.get().full_text == text


def test_the_review_pairs_words_even_when_one_goes() -> None:
    text = "one two o\ufffdcials three four five six seven \x01 eight"
    changes = review(text, repair_text(text)).changes
    assert [(c.pasted[1], c.repaired[1]) for c in changes] == [
        ("o\ufffdcials", "officials"),
        ("\x01", ""),  # a word of invisible characters only, removed whole
    ]
    first = changes[0]
    assert first.pasted == ("one two", "o\ufffdcials", "three four five six …")
    assert first.repaired == ("one two", "officials", "three four five six …")
    assert changes[1].pasted[0] == "… four five six seven"
