"""A visit names its traveller's post: the editor is warned, without losing the save, when the
recorded appointments rule out that the traveller held that post at the visit's dates; and
the post autocomplete ranks the post that is the term before those that contain it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from registry.models import Person, Position, Visit
from registry.partial_dates import PartialDate
from tests import factories as f
from tests.test_admin import submit, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def stoltenberg() -> Person:
    return f.create_person(name="Jens Stoltenberg", slug="jens-stoltenberg")


@pytest.fixture
def dsg() -> Position:
    return f.create_position(title="NATO Deputy Secretary General", slug="dsg")


def visit(traveller: Person | None, post: Position | None, start: Any, end: Any, **kw) -> Visit:
    """An unsaved visit: the check reads the form's values before they are stored."""
    made = Visit(title="A visit", slug="a-visit", traveller=traveller, traveller_position=post)
    made.start, made.end = (PartialDate.parse(d) if d else None for d in (start, end))
    for name, value in kw.items():
        setattr(made, name, value)
    return made


# --- when the appointments rule the post out --------------------------------------------------

# (appointment from, until, ongoing; visit from, until): the appointments rule the post out.
RULED_OUT = {
    "ended years before": ("2001", "2004", False, "2024-03-17", "2024-03-19"),
    "ended the day before": ("2019-10", "2024-03-16", False, "2024-03-17", "2024-03-19"),
    "began the day after": ("2024-03-20", None, True, "2024-03-17", "2024-03-19"),
    "began the month after": ("April 2024", None, False, "March 2024", "March 2024"),
    "ended the year before": ("2014", "2023", False, "2024", "2024"),
}
# The same, where partial dates or missing ends leave it possible.
POSSIBLE = {
    "in post, ongoing": ("2014", None, True, "2024-03-17", "2024-03-19"),
    "end not recorded": ("2014-10-01", None, False, "2024-03-17", "2024-03-19"),
    "ended that month": ("2019", "March 2024", False, "2024-03-17", "2024-03-19"),
    "ended that year": ("2019", "2024", False, "2024-06-15", "2024-06-15"),
    "began during the visit": ("2024-03-19", None, True, "2024-03-17", "2024-03-19"),
    "began that year": ("2024", None, True, "2024-01", "2024-01"),
    "no dates recorded": (None, None, False, "2024-03-17", "2024-03-19"),
    "visit without dates": ("2001", "2004", False, None, None),
}


@pytest.mark.parametrize("case", RULED_OUT)
def test_appointments_that_rule_the_post_out_are_a_problem(stoltenberg, dsg, case) -> None:
    start, end, ongoing, visit_start, visit_end = RULED_OUT[case]
    f.create_appointment(person=stoltenberg, position=dsg, start=start, end=end, ongoing=ongoing)
    problem = visit(stoltenberg, dsg, visit_start, visit_end).traveller_post_problem()
    assert problem.startswith(
        "Jens Stoltenberg's recorded appointments as NATO Deputy Secretary General ("
    )
    assert "do not cover the visit's dates" in problem


@pytest.mark.parametrize("case", POSSIBLE)
def test_appointments_that_leave_the_post_possible_are_no_problem(stoltenberg, dsg, case) -> None:
    start, end, ongoing, visit_start, visit_end = POSSIBLE[case]
    f.create_appointment(person=stoltenberg, position=dsg, start=start, end=end, ongoing=ongoing)
    assert visit(stoltenberg, dsg, visit_start, visit_end).traveller_post_problem() == ""


def test_one_appointment_that_may_cover_the_visit_is_enough(stoltenberg, dsg) -> None:
    f.create_appointment(person=stoltenberg, position=dsg, start="2001", end="2004")
    f.create_appointment(person=stoltenberg, position=dsg, start="2023", ongoing=True)
    assert visit(stoltenberg, dsg, "2024-03-17", "2024-03-19").traveller_post_problem() == ""


def test_a_traveller_never_appointed_to_the_post_is_a_problem(stoltenberg, dsg) -> None:
    f.create_appointment(person=stoltenberg, start="2014", ongoing=True)  # another post
    for dates in (("2024-03-17", "2024-03-19"), (None, None)):
        assert visit(stoltenberg, dsg, *dates).traveller_post_problem() == (
            "No appointment of Jens Stoltenberg as NATO Deputy Secretary General is recorded."
        )


def test_a_visit_without_an_end_may_last_as_long_as_a_visit_can(stoltenberg, dsg) -> None:
    f.create_appointment(person=stoltenberg, position=dsg, start="2024-06-01", ongoing=True)
    assert visit(stoltenberg, dsg, "2024-03-17", None).traveller_post_problem() == ""
    short = visit(stoltenberg, dsg, "2024-03-17", None, duration_days=3)
    assert (
        "do not cover the visit's dates (From 17 March 2024; end not recorded)"
        in short.traveller_post_problem()
    )


def test_no_traveller_or_no_post_is_nothing_to_check(stoltenberg, dsg) -> None:
    assert visit(None, dsg, "2024", "2024").traveller_post_problem() == ""
    assert visit(stoltenberg, None, "2024", "2024").traveller_post_problem() == ""


# --- the warning in the admin ---------------------------------------------------------------


def save_visit(client: Client, traveller: Person, post: Position, obj: Visit | None = None) -> Any:
    target = url(Visit, "change", obj.pk) if obj else url(Visit, "add")
    changes = {"traveller": str(traveller.pk), "traveller_position": str(post.pk)}
    if obj is None:
        changes |= {
            "title": "Deputy Secretary General in Georgia",
            "slug": "dsg-georgia-2024",
            "start_date": "2024-03-17",
            "end_date": "2024-03-19",
        }
    response = submit(client, target, changes)
    assert response.status_code == 302, "a warning must not stop the save"
    return client.get(response.url)


def messages_of(page: Any) -> list[str]:
    return [str(message) for message in page.context["messages"]]


def test_saving_a_visit_with_a_post_never_held_warns_and_keeps_the_save(
    admin_client: Client, stoltenberg, dsg
) -> None:
    f.create_appointment(
        person=stoltenberg, position=f.create_position(title="NATO Secretary General"),
        start="2014-10-01", end="2024-10-01",
    )  # fmt: skip
    page = save_visit(admin_client, stoltenberg, dsg)
    warnings = [m for m in messages_of(page) if m.startswith("Saved, but check")]
    assert warnings == [
        "Saved, but check the traveller's post: No appointment of Jens Stoltenberg as NATO "
        "Deputy Secretary General is recorded. If the sources say Jens Stoltenberg held it "
        "then, record or correct the appointment on their page; if not, correct this visit's "
        "post or dates."
    ]
    saved = Visit.objects.get(slug="dsg-georgia-2024")
    assert (saved.traveller, saved.traveller_position) == (stoltenberg, dsg)


def test_saving_a_visit_outside_the_appointment_warns(admin_client: Client, stoltenberg, dsg):
    f.create_appointment(person=stoltenberg, position=dsg, start="2001", end="2004")
    page = save_visit(admin_client, stoltenberg, dsg)
    [warning] = [m for m in messages_of(page) if m.startswith("Saved, but check")]
    assert "appointments as NATO Deputy Secretary General (2001–2004)" in warning
    assert "do not cover the visit's dates (17–19 March 2024)" in warning


def test_saving_a_visit_the_appointments_allow_gives_no_warning(
    admin_client: Client, stoltenberg, dsg
) -> None:
    f.create_appointment(person=stoltenberg, position=dsg, start="2024", ongoing=True)
    page = save_visit(admin_client, stoltenberg, dsg)
    assert not [m for m in messages_of(page) if m.startswith("Saved, but check")]
    again = save_visit(admin_client, stoltenberg, dsg, Visit.objects.get(slug="dsg-georgia-2024"))
    assert not [m for m in messages_of(again) if m.startswith("Saved, but check")]


# --- the post autocomplete ---------------------------------------------------------------------


def autocomplete(client: Client, term: str) -> list[str]:
    params = {
        "app_label": "registry",
        "model_name": "visit",
        "field_name": "traveller_position",
        "term": term,
    }
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_the_post_autocomplete_ranks_exact_then_prefix_then_the_rest(admin_client: Client):
    for title in (
        "Assistant Secretary General for Operations",
        "Deputy Secretary General",
        "Secretary General's Special Representative",
        "Secretary General",
        "Liaison Officer",
    ):
        f.create_position(title=title)
    assert autocomplete(admin_client, "secretary general") == [
        "Secretary General",
        "Secretary General's Special Representative",
        "Deputy Secretary General",
        "Assistant Secretary General for Operations",
    ]


def test_the_post_autocomplete_matches_a_title_as_its_organisation_writes_it(
    admin_client: Client,
) -> None:
    nato = f.create_organisation(name="North Atlantic Treaty Organization", short_name="NATO")
    for title in (
        "NATO Deputy Secretary General",
        "Secretary General's Special Representative for the Caucasus and Central Asia",
        "NATO Secretary General",
    ):
        f.create_position(title=title, organisation=nato)
    assert autocomplete(admin_client, "Secretary General") == [
        "NATO Secretary General",
        "Secretary General's Special Representative for the Caucasus and Central Asia",
        "NATO Deputy Secretary General",
    ]
    assert autocomplete(admin_client, "NATO Deputy") == ["NATO Deputy Secretary General"]
