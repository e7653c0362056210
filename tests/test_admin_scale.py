"""The admin at scale: changelists and the visit change form do work bounded by the page,
not by the table.

* every registry changelist (and its filters) runs the same number of queries on the seed
  and with about ten times more records, and never counts the whole table when filtered;
* filters over large tables (travellers, posts, sources...) render an autocomplete input,
  never an option or a link per record, and filter correctly;
* the year filter lists the years between the first and last visit without a DISTINCT;
* the change form of a visit with 50 legs, 50 meetings and 50 citations renders in as
  many queries as one with 5 of each, with 10,000 people in the database, and saves;
* no module of the admin imports a module that imports it back.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import (
    Appointment,
    Citation,
    Country,
    Meeting,
    Person,
    Position,
    Source,
    Status,
    Visit,
    VisitLeg,
)
from tests import factories as f
from tests.test_admin import all_row_errors, form_data, url
from tests.test_pages import seeded_module  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = sorted(
    (m for m in admin.site._registry if m._meta.app_label == "registry"),
    key=lambda m: m._meta.model_name,
)


# --- data -----------------------------------------------------------------------------------


def grow(times: int, first: int = 0) -> None:
    """Add `times` records of every kind, linked as real records are, drafts included."""
    for n in range(first, first + times):
        status = Status.DRAFT if n % 4 == 3 else Status.PUBLISHED
        region = f.create_region(name=f"Scale region {n}")
        country = f.create_country(name=f"Scale country {n}", region=region)
        organisation = f.create_organisation(name=f"Scale ministry {n}", country=country)
        office = f.create_office(name=f"Scale office {n}", host_country=country, start="2001")
        office.countries_covered.add(country)
        post = f.create_position(
            title=f"Scale post {n}", organisation=organisation, office=office, start="2000"
        )
        person = f.create_person(name=f"Scale person {n}", status=status)
        appointment = f.create_appointment(
            person=person, position=post, start=f"{2001 + n}", ongoing=True
        )
        programme = f.create_programme(name=f"Scale programme {n}", start="1994")
        participation = f.create_participation(
            country=country, programme=programme, start=f"{1995 + n % 20}"
        )
        topic = f.create_topic(name=f"Scale topic {n}")
        source = f.create_source(title=f"Scale source {n}")
        event = f.create_event(name=f"Scale summit {n}", country=country, start="2004-06")
        event.topics.add(topic)
        visit = f.create_visit(
            title=f"Scale visit {n}",
            traveller=person,
            traveller_position=post,
            start=f"{2015 + n % 10}-03-01",
            end=f"{2015 + n % 10}-03-20",
            status=status,
        )
        visit.topics.add(topic)
        legs = [
            f.create_leg(visit=visit, country=country, order=order, city=f"City {order}")
            for order in (1, 2)
        ]
        for order, leg in enumerate(legs, start=1):
            meeting = Meeting.objects.create(
                visit=visit, leg=leg, counterpart=person, counterpart_position=post, order=order
            )
            meeting.topics.add(topic)
        # Every kind of record that can be cited, so that every page of citations names
        # records of each kind (their labels are one query per kind on the page).
        cited = (visit, appointment, participation, person, post, country, event, region)
        cited += (organisation, office, programme, topic)
        for record in cited:
            f.create_citation(record=record, source=source, locator=f"p. {n}")


def _ids() -> dict[str, Any]:
    """Records the filtered changelists below point at (created by the first `grow`)."""
    return {
        "person": Person.objects.get(name="Scale person 0").pk,
        "post": Position.objects.get(title="Scale post 0").pk,
        "organisation": Position.objects.get(title="Scale post 0").organisation_id,
        "country": Country.objects.get(name="Scale country 0").pk,
        "source": Source.objects.get(title="Scale source 0").pk,
        "visit": Visit.objects.get(title="Scale visit 0").pk,
    }


def changelist_urls(ids: dict[str, Any]) -> dict[str, str]:
    urls = {m._meta.model_name: url(m, "changelist") for m in REGISTRY_MODELS}
    visits = url(Visit, "changelist")
    urls.update(
        {
            "visit-traveller": f"{visits}?traveller__id__exact={ids['person']}",
            "visit-year": f"{visits}?start_year=2015",
            "visit-country": f"{visits}?legs__country__id__exact={ids['country']}",
            "visit-search": f"{visits}?q=Scale",
            "visit-live": f"{visits}?public=live&status__exact=published",
            "visit-sorted": f"{visits}?o=1",
            "meeting-counterpart": url(Meeting, "changelist")
            + f"?counterpart__id__exact={ids['person']}",
            "leg-visit": url(VisitLeg, "changelist") + f"?visit__id__exact={ids['visit']}",
            "appointment-person": url(Appointment, "changelist")
            + f"?person__id__exact={ids['person']}&position__id__exact={ids['post']}",
            "position-organisation": url(Position, "changelist")
            + f"?organisation__id__exact={ids['organisation']}",
            "citation-source": url(Citation, "changelist")
            + f"?source__id__exact={ids['source']}&verified=never",
            "citation-kind": url(Citation, "changelist")
            + "?content_type__id__exact="
            + str(_content_type_id(Visit)),
        }
    )
    return urls


def _content_type_id(model: type) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def count_queries(client: Any, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, target in urls.items():
        client.get(target)  # warm caches (content types, the session)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target)
        assert response.status_code == 200, (target, response.status_code)
        counts[name] = len(queries)
    return counts


# --- changelists ----------------------------------------------------------------------------


@pytest.mark.usefixtures("seeded_module")
def test_changelist_query_counts_do_not_grow_with_the_data(admin_client: Any) -> None:
    grow(2)
    urls = changelist_urls(_ids())
    small = count_queries(admin_client, urls)
    grow(20, first=2)
    large = count_queries(admin_client, urls)
    assert Visit.objects.filter(title__startswith="Scale visit").count() == 22
    report = {name: (small[name], large[name]) for name in urls}
    assert small == large, {name: pair for name, pair in report.items() if len(set(pair)) > 1}
    print("\nQueries per admin changelist (seed, about ten times more):", report)


@pytest.mark.usefixtures("seeded_module")
def test_filtered_changelists_show_the_right_rows(admin_client: Any) -> None:
    grow(3)
    ids = _ids()
    urls = changelist_urls(ids)
    shown = {
        name: {str(obj) for obj in admin_client.get(target).context["cl"].result_list}
        for name, target in urls.items()
        if "-" in name
    }
    assert shown["visit-traveller"] == {"Scale visit 0"}
    assert "Scale visit 0" in shown["visit-year"]
    assert not {"Scale visit 1", "Scale visit 2"} & shown["visit-year"]
    assert shown["visit-country"] == {"Scale visit 0"}
    assert shown["meeting-counterpart"] == {"Meeting with Scale person 0"}
    assert shown["leg-visit"] == {
        "Scale visit 0: City 1, Scale country 0",
        "Scale visit 0: City 2, Scale country 0",
    }
    assert shown["appointment-person"] == {"Scale person 0 as Scale post 0"}
    assert shown["position-organisation"] == {"Scale post 0"}
    assert all(s.startswith("Scale source 0") for s in shown["citation-source"])
    assert shown["citation-source"]
    kinds = admin_client.get(urls["citation-kind"]).context["cl"].result_list
    assert kinds and {c.content_type.model for c in kinds} == {"visit"}


def test_columns_show_the_counts(admin_client: Any) -> None:
    grow(2)
    visit = Visit.objects.get(title="Scale visit 0")
    f.create_leg(visit=visit, country=Country.objects.get(name="Scale country 1"), order=3)
    rows = admin_client.get(url(Visit, "changelist"), {"q": "Scale"}).context["cl"].result_list
    assert {v.title: v.leg_count for v in rows} == {"Scale visit 0": 3, "Scale visit 1": 2}
    people = admin_client.get(url(Person, "changelist"), {"q": "Scale"}).context["cl"].result_list
    assert {p.name: p.appointment_count for p in people} == {
        "Scale person 0": 1,
        "Scale person 1": 1,
    }
    sources = admin_client.get(url(Source, "changelist"), {"q": "Scale"}).context["cl"].result_list
    assert {s.title: s.citation_count for s in sources} == {
        "Scale source 0": 12,
        "Scale source 1": 12,
    }


def _counts(queries: CaptureQueriesContext) -> list[str]:
    """The counting queries (the paginator's, a total), not counts inside a column."""
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(")]


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_never_counts_the_whole_table(admin_client: Any, model: type) -> None:
    grow(2)
    target = url(model, "changelist")
    admin_client.get(target)
    # Unfiltered: one count, the paginator's (of the rows listed, here all of them).
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(target)
    table = model._meta.db_table
    counts = [sql for sql in _counts(queries) if f'FROM "{table}"' in sql]
    assert len(counts) == 1, counts
    assert response.context["cl"].full_result_count is None
    # Filtered: the count is of the filtered rows only; no total of the table beside it.
    filtered = f"{target}?{'status__exact=published' if hasattr(model, 'status') else 'q=Scale'}"
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(filtered)
    assert response.status_code == 200
    counts = [sql for sql in _counts(queries) if f'FROM "{table}"' in sql]
    assert counts and all("WHERE" in sql for sql in counts), counts
    assert "Show all" in response.text  # instead of "N total"


def test_changelists_run_no_distinct_over_a_table(admin_client: Any) -> None:
    """Django's "related only" filters and date hierarchy run a DISTINCT over every row."""
    grow(2)
    for model in REGISTRY_MODELS:
        target = url(model, "changelist")
        admin_client.get(target)
        with CaptureQueriesContext(connection) as queries:
            admin_client.get(target)
        distinct = [q["sql"] for q in queries.captured_queries if "SELECT DISTINCT" in q["sql"]]
        assert distinct == [], (model, distinct)


# --- the traveller filter and the other autocomplete filters -------------------------------


def _filter_html(page: str, title: str) -> str:
    match = re.search(rf'<details data-filter-title="{title}".*?</details>', page, re.S)
    assert match, f"no filter {title!r}"
    return match.group(0)


def test_traveller_filter_lists_no_people(admin_client: Any) -> None:
    people = Person.objects.bulk_create(
        Person(name=f"Traveller {n:04}", slug=f"traveller-{n}", sort_name=f"Traveller {n:04}")
        for n in range(300)
    )
    for person in people[:150]:
        f.create_visit(traveller=person)
    page = admin_client.get(url(Visit, "changelist")).text
    traveller = _filter_html(page, "traveller")
    assert re.findall(r"<option[^>]*>", traveller) == ['<option value="">']
    assert "traveller__id__exact=" not in traveller  # no link per person either
    assert "Traveller " not in traveller
    assert page.count("Traveller ") <= 50  # the names in the page's rows, no more
    assert 'data-field-name="traveller"' in traveller
    assert 'data-model-name="visit"' in traveller
    assert reverse("admin:autocomplete") in traveller
    assert "admin-autocomplete-filter" in page  # the script that applies a choice
    assert "admin/js/autocomplete" in page and "select2" in page


def test_traveller_filter_filters_and_shows_the_chosen_name(admin_client: Any) -> None:
    chosen, other = f.create_person(name="Ilse Aigner"), f.create_person(name="Otto Other")
    f.create_visit(title="Aigner in Baku", traveller=chosen)
    f.create_visit(title="Other in Baku", traveller=other)
    response = admin_client.get(
        url(Visit, "changelist"), {"traveller__id__exact": chosen.pk, "status__exact": "published"}
    )
    assert [v.title for v in response.context["cl"].result_list] == ["Aigner in Baku"]
    traveller = _filter_html(response.text, "traveller")
    assert f'<option value="{chosen.pk}" selected>Ilse Aigner</option>' in traveller
    assert "Otto Other" not in traveller
    # The form keeps the other filters when a new traveller is picked.
    assert '<input type="hidden" name="status__exact" value="published">' in traveller
    # The input searches through the admin's autocomplete endpoint, which finds people.
    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "registry", "model_name": "visit", "field_name": "traveller", "term": "aign"},
    ).json()
    assert [r["text"] for r in found["results"]] == ["Ilse Aigner"]


def test_traveller_filter_for_visits_without_traveller(admin_client: Any) -> None:
    nobody = f.create_visit(title="Nobody's visit")
    Visit.objects.filter(pk=nobody.pk).update(traveller=None)
    f.create_visit(title="Someone's visit")
    response = admin_client.get(url(Visit, "changelist"), {"traveller__isnull": "True"})
    rows = response.context["cl"].result_list
    assert "Nobody's visit" in {v.title for v in rows}
    assert all(v.traveller_id is None for v in rows)


@pytest.mark.parametrize("value", ["abc", "1.5", "\x00"])
def test_bad_filter_value_is_not_an_error(admin_client: Any, value: str) -> None:
    f.create_visit()
    for param in ("traveller__id__exact", "start_year"):
        response = admin_client.get(url(Visit, "changelist"), {param: value})
        # The admin's answer to an invalid lookup: back to the list, flagged "?e=1".
        assert response.status_code == 302
        assert response.url.endswith("?e=1")


def test_unknown_traveller_lists_nothing(admin_client: Any) -> None:
    f.create_visit()
    response = admin_client.get(url(Visit, "changelist"), {"traveller__id__exact": "999999"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


# --- the year filter ------------------------------------------------------------------------


def test_year_filter_lists_the_years_and_filters(admin_client: Any) -> None:
    f.create_visit(title="Early", start="2019-05", end="2019-06")
    f.create_visit(title="Late", start="2024-02-01", end="2024-02-03")
    f.create_visit(title="Year only", start="2024")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url(Visit, "changelist"))
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"]]
    years = re.findall(r"start_year=(\d+)", _filter_html(response.text, "year"))
    bounds = Visit.objects.aggregate(first=Min("start_date"), last=Max("start_date"))
    first, last = bounds["first"], bounds["last"]
    assert years == [str(y) for y in range(last.year, first.year - 1, -1)]
    assert {"2019", "2024"} <= set(years)
    chosen = admin_client.get(url(Visit, "changelist"), {"start_year": "2024"})
    rows = chosen.context["cl"].result_list
    assert {"Late", "Year only"} <= {v.title for v in rows}
    assert {v.start_date.year for v in rows} == {2024}


# --- the visit change form ------------------------------------------------------------------


def build_visit(rows: int, tag: str) -> Visit:
    """A visit with `rows` legs, meetings and citations, each pointing to other records."""
    visit = f.create_visit(title=f"Grand tour {tag}", start="2024-03-01", end="2024-03-31")
    visit.topics.add(f.create_topic())
    post = f.create_position()
    countries = [f.create_country() for _ in range(3)]
    legs = [
        f.create_leg(visit=visit, country=countries[i % 3], order=i + 1, city=f"Stop {i}")
        for i in range(rows)
    ]
    topics = [f.create_topic() for _ in range(3)]
    for i in range(rows):
        meeting = Meeting.objects.create(
            visit=visit,
            leg=legs[i],
            counterpart=f.create_person(name=f"Counterpart {tag} {i}"),
            counterpart_position=post,
            order=i + 1,
        )
        meeting.topics.add(topics[i % 3], topics[(i + 1) % 3])
        f.create_citation(record=visit, source=f.create_source(), locator=f"p. {i}")
    return visit


def _render(client: Any, visit: Visit) -> tuple[int, Any]:
    target = url(Visit, "change", visit.pk)
    client.get(target)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(target)
    assert response.status_code == 200
    return len(queries), response


@pytest.fixture
def many_people(db: Any) -> None:
    Person.objects.bulk_create(
        Person(name=f"Bystander {n:05}", slug=f"bystander-{n}", sort_name=f"Bystander {n:05}")
        for n in range(10_000)
    )


@pytest.mark.usefixtures("many_people")
def test_change_form_queries_do_not_grow_with_its_rows(admin_client: Any) -> None:
    small, _ = _render(admin_client, build_visit(5, "small"))
    large, response = _render(admin_client, build_visit(50, "large"))
    assert large == small, (small, large)
    inlines = {
        i.formset.prefix: len(i.formset.forms) for i in response.context["inline_admin_formsets"]
    }
    assert inlines["legs"] == inlines["meetings"] == 50
    assert max(inlines.values()) == 50 and len(inlines) == 3
    # Every row shows its records by name (the labels came in one query per column).
    assert "Counterpart large 49" in response.text
    assert response.text.count("Bystander") == 0  # no list of every person anywhere


@pytest.mark.usefixtures("many_people")
def test_change_form_offers_only_the_visits_own_legs(admin_client: Any) -> None:
    visit = build_visit(3, "own")
    elsewhere = f.create_leg(visit=f.create_visit(), order=1, city="Elsewhere")
    _, response = _render(admin_client, visit)
    select = re.search(r'<select name="meetings-0-leg".*?</select>', response.text, re.S)
    assert select
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select.group(0))
    own = list(visit.legs.order_by("order"))
    assert [value for value, _, _ in options] == ["", *(str(leg.pk) for leg in own)]
    assert options[1][1] == " selected"  # meeting 1 is on leg 1
    assert options[1][2] == f"1. Stop 0, {own[0].country}"
    assert str(elsewhere.pk) not in [value for value, _, _ in options]


@pytest.mark.usefixtures("many_people")
def test_change_form_with_50_rows_saves(admin_client: Any) -> None:
    visit = build_visit(50, "save")
    target = url(Visit, "change", visit.pk)
    page = admin_client.get(target)
    data = form_data(page)
    legs = list(visit.legs.order_by("order"))
    data["meetings-0-leg"] = str(legs[49].pk)
    data["meetings-1-leg"] = ""
    data["meetings-2-summary"] = "Talks on energy."
    # More fields than Django's default limit of 1,000 (settings raise it).
    assert sum(len(v) if isinstance(v, list) else 1 for v in data.values()) > 1000
    response = admin_client.post(target, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    meetings = list(visit.meetings.order_by("order"))
    assert meetings[0].leg == legs[49]
    assert meetings[1].leg is None
    assert meetings[2].summary == "Talks on energy."
    assert visit.legs.count() == 50
    assert (
        Citation.objects.filter(object_id=visit.pk, content_type_id=_content_type_id(Visit)).count()
        == 50
    )
    assert meetings[3].topics.count() == 2


def test_meeting_leg_of_another_visit_is_refused(admin_client: Any) -> None:
    visit = build_visit(2, "refuse")
    elsewhere = f.create_leg(visit=f.create_visit(), order=1)
    target = url(Visit, "change", visit.pk)
    data = form_data(admin_client.get(target))
    data["meetings-0-leg"] = str(elsewhere.pk)
    response = admin_client.post(target, data)
    assert response.status_code == 200
    assert "belongs to another visit" in all_row_errors(response, "meetings")
    assert Meeting.objects.get(visit=visit, order=1).leg.visit == visit


# --- imports --------------------------------------------------------------------------------


def _admin_imports() -> dict[str, set[str]]:
    """Each admin module's imports of other admin modules, lazy ones (inside functions) too."""
    folder = Path(__file__).resolve().parent.parent / "registry" / "admin"
    names = {p.stem for p in folder.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level == 1:
                    found.add(module.split(".")[0] if module else "")
                    if not module:
                        found.update(alias.name for alias in node.names)
                elif module.startswith("registry.admin."):
                    found.add(module.split(".")[2])
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("registry.admin."):
                        found.add(alias.name.split(".")[2])
        graph[path.stem] = {name for name in found if name in names and name != path.stem}
    return graph


def test_no_import_cycle_in_the_admin() -> None:
    graph = _admin_imports()
    assert "base" in graph["visits"]  # the parser sees the imports

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = sorted(module for module in graph if reaches(module, module, {module}))
    assert cycles == []
