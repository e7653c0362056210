"""The choices of the conflict screen: what the field's box holds when the editor saves is
what is stored (registry/admin/edit_merge.py). "The saved value" with the box left as the
screen showed it (no script ran) stores the saved value; a box edited after any choice is
stored as edited. The screen says once why nothing was saved."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import signing

from registry.admin import locking
from registry.admin.edit_snapshot import SALT
from registry.models import Visit
from tests import factories as f
from tests.test_locking import again, change_url, conflict, editor, open_form, visit  # noqa: F401

pytestmark = pytest.mark.django_db

SCREEN_TITLE = "Someone else saved this record while you were editing it"


def both_change_the_title(visit: Visit, **bob: str) -> Any:  # noqa: F811
    """Alice saves her title; Bob, who opened the form at the same time, saves his."""
    alice, bob_client = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob_client, target)
    form_a["title"] = "Alice's title"
    assert alice.post(target, form_a).status_code == 302
    form_b.update({"title": "Bob's title", **bob})
    return bob_client, target, bob_client.post(target, form_b)


def test_the_saved_value_with_the_box_edited_stores_the_box(visit: Visit) -> None:  # noqa: F811
    bob, target, refused = both_change_the_title(visit)
    data = again(refused, title="saved")
    data["title"] = "Bob's second thought"  # typed after choosing
    assert bob.post(target, data).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Bob's second thought"


def test_the_saved_value_with_the_box_as_shown_stores_the_saved_value(visit: Visit) -> None:  # noqa: F811
    # Without the screen's script the box still shows Bob's title: the choice decides.
    bob, target, refused = both_change_the_title(visit)
    data = again(refused, title="saved")
    assert data["title"] == "Bob's title"
    assert bob.post(target, data).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Alice's title"


def test_the_box_filled_with_the_saved_value_stores_it(visit: Visit) -> None:  # noqa: F811
    bob, target, refused = both_change_the_title(visit)
    data = again(refused, title="saved")
    data["title"] = "Alice's title"  # as the script puts it in the box
    assert bob.post(target, data).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Alice's title"


def test_yours_with_the_box_edited_stores_the_box(visit: Visit) -> None:  # noqa: F811
    bob, target, refused = both_change_the_title(visit)
    data = again(refused, title="mine")
    data["title"] = "Bob's third title"
    assert bob.post(target, data).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Bob's third title"


def test_a_leg_row_choice_follows_the_same_rule(visit: Visit) -> None:  # noqa: F811
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a["legs-0-city"] = "Ganja"
    alice.post(target, form_a)
    form_b["legs-0-city"] = "Sheki"
    refused = bob.post(target, form_b)
    data = again(refused, **{"legs-0-city": "saved"})
    data["legs-0-city"] = "Ganja (Gəncə)"
    assert bob.post(target, data).status_code == 302
    assert visit.legs.get(order=1).city == "Ganja (Gəncə)"


def test_a_choice_list_of_an_older_screen_stores_the_box(visit: Visit) -> None:  # noqa: F811
    bob, target, refused = both_change_the_title(visit)
    data = again(refused, title="saved")
    # The screens before this rule signed the saved values alone.
    data[locking.MERGE_SAVED_FIELD] = signing.dumps(
        {"_merge:title": {"title": ["Alice's title"]}}, salt=SALT, compress=True
    )
    assert bob.post(target, data).status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Bob's title"


def test_the_screen_is_the_only_error_box(visit: Visit) -> None:  # noqa: F811
    _bob, _target, refused = both_change_the_title(visit)
    conflict(refused)
    assert SCREEN_TITLE in refused.text
    assert "Please correct the error" not in refused.text
    assert str(locking.CONFLICT_MESSAGE) not in refused.text
    assert 'class="errorlist nonfield"' not in refused.text
    visit.refresh_from_db()
    assert visit.title == "Alice's title"  # and still nothing of Bob's was saved


def test_other_errors_are_listed_above_the_form_without_the_conflict(visit: Visit) -> None:  # noqa: F811
    _bob, _target, refused = both_change_the_title(visit, end_date="31 Febtember 2024")
    assert SCREEN_TITLE in refused.text
    assert "Please correct the error below." in refused.text
    assert str(locking.CONFLICT_MESSAGE) not in refused.text
    assert refused.context["adminform"].form.errors.keys() == {"end_date"}


def test_the_screen_gives_its_script_both_values_of_each_choice(visit: Visit) -> None:  # noqa: F811
    other = f.create_person(name="Mircea Geoană")
    mine = f.create_person(name="Radmila Shekerinska")
    alice, bob = editor(), editor()
    target = change_url(visit)
    form_a, form_b = open_form(alice, target), open_form(bob, target)
    form_a.update(title="Alice's title", traveller=str(other.pk))
    alice.post(target, form_a)
    form_b.update(title="Bob's title", traveller=str(mine.pk))
    refused = bob.post(target, form_b)
    script = staticfiles_storage.url("js/admin-edit-conflict.js")
    assert f'<script src="{script}" defer></script>' in refused.text
    blob = re.search(
        r'<script id="edit-conflict-values" type="application/json">(.*?)</script>',
        refused.text,
        re.S,
    )[1]
    values = json.loads(blob)
    assert values[locking.MERGE_CHOICE_PREFIX + "title"] == {
        "saved": {"title": [["Alice's title", "Alice's title"]]},
        "mine": {"title": [["Bob's title", "Bob's title"]]},
    }
    # A menu's values come with their labels: the saved person is not among its options.
    assert values[locking.MERGE_CHOICE_PREFIX + "traveller"] == {
        "saved": {"traveller": [[str(other.pk), "Mircea Geoană"]]},
        "mine": {"traveller": [[str(mine.pk), "Radmila Shekerinska"]]},
    }
