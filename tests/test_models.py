"""The registry's models: database constraints, model validation, querysets and helpers.

Constraint tests bypass model validation (`.update()` or `.save()` without `full_clean()`) to
show that the database itself refuses bad data. The appointment exclusion constraint exists
on PostgreSQL only; its tests skip elsewhere.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.urls import resolve

from registry.models import (
    Appointment,
    Citation,
    Country,
    Event,
    Meeting,
    Office,
    Organisation,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Status,
    Topic,
    Visit,
    VisitLeg,
)
from registry.partial_dates import PartialDate, Precision
from tests import factories as f

D, M, Y = Precision.DAY, Precision.MONTH, Precision.YEAR
day = dt.date


# --- Helpers -------------------------------------------------------------------------------


@contextmanager
def db_refuses(*errors: type[Exception], match: str):
    """The statements in the block are refused by the database (and rolled back).

    `match` finds the constraint in the database's message: PostgreSQL names the constraint;
    SQLite names a check constraint but lists the columns of a unique one.
    """
    with pytest.raises(errors or IntegrityError, match=match), transaction.atomic():
        yield


UNIQUE_LEG_ORDER = r"visitleg_unique_order|registry_visitleg\.visit_id, registry_visitleg\.order"
UNIQUE_PARTICIPATION = (
    r"participation_unique_start|registry_participation\.country_id, "
    r"registry_participation\.programme_id, registry_participation\.start_date"
)
UNIQUE_ORDINAL = (
    r"appointment_unique_ordinal|registry_appointment\.position_id, registry_appointment\.ordinal"
)
EXCLUSION = "appointment_single_holder_no_overlap"


def pdate(text: str | None) -> PartialDate | None:
    return PartialDate.parse(text) if text else None


def span_columns(start: str | None, end: str | None) -> dict:
    """Column values for a start and an end written as text ("June 2004", "2004-06-10")."""
    s, e = pdate(start), pdate(end)
    return {
        "start_date": s.date if s else None,
        "start_precision": s.precision if s else D,
        "end_date": e.date if e else None,
        "end_precision": e.precision if e else D,
    }


def update_row(obj, **values) -> int:
    """Write columns straight to the database, bypassing `clean()` and `save()`."""
    return type(obj).objects.filter(pk=obj.pk).update(**values)


def error_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


def create_leg(**kw) -> VisitLeg:
    return f.create_leg(visit=kw.pop("visit", None) or f.create_visit(), **kw)


SPAN_FACTORIES = {
    "programme": f.create_programme,
    "participation": f.create_participation,
    "office": f.create_office,
    "position": f.create_position,
    "appointment": f.create_appointment,
    "event": f.create_event,
    "visit": f.create_visit,
    "visitleg": create_leg,
}
ONGOING_FACTORIES = {
    name: SPAN_FACTORIES[name]
    for name in ("programme", "participation", "office", "position", "appointment")
}
PUBLISHABLE_FACTORIES = {
    "region": f.create_region,
    "country": f.create_country,
    "organisation": f.create_organisation,
    "person": f.create_person,
    "position": f.create_position,
    "appointment": f.create_appointment,
    "office": f.create_office,
    "programme": f.create_programme,
    "participation": f.create_participation,
    "event": f.create_event,
    "topic": f.create_topic,
    "visit": f.create_visit,
    "source": f.create_source,
}
SLUG_FACTORIES = {
    name: PUBLISHABLE_FACTORIES[name]
    for name in (
        "region",
        "country",
        "organisation",
        "person",
        "position",
        "office",
        "programme",
        "event",
        "topic",
        "visit",
        "source",
    )
}

# (start, end, whether the end may follow that start). An end is refused only when it is
# certainly before the start: its last possible day precedes the start's first.
SPAN_CASES = [
    ("June 2004", "2004", True),
    ("June 2004", "June 2004", True),
    ("June 2004", "2004-06-10", True),
    ("June 2004", "2004-06-01", True),
    ("June 2004", "December 2010", True),
    ("June 2004", "May 2004", False),
    ("June 2004", "2004-05-31", False),
    ("June 2004", "2003", False),
    ("2004-06-15", "June 2004", True),
    ("2004-06-15", "2004", True),
    ("2004-06-15", "2004-06-15", True),
    ("2004-06-15", "2004-06-14", False),
    ("2004-06-15", "May 2004", False),
    ("2004-06-15", "2003", False),
    ("2004", "2004-01-01", True),
    ("2004", "January 2004", True),
    ("2004", "December 2003", False),
    ("2004", "2003-12-31", False),
    ("2004", "2003", False),
    (None, "2003", True),
    ("2004", None, True),
]


@pytest.fixture
def postgresql():
    """Skip unless the tests run on PostgreSQL (checked at run time, not import time)."""
    if connection.vendor != "postgresql":
        pytest.skip("The appointment exclusion constraint exists on PostgreSQL only.")


@pytest.fixture
def sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite behaviour only.")


pytestmark = pytest.mark.django_db


# --- Spans: the end may not lie certainly before the start ---------------------------------


@pytest.mark.parametrize("model", SPAN_FACTORIES)
@pytest.mark.parametrize(("start", "end", "allowed"), SPAN_CASES)
def test_db_end_not_before_start(model, start, end, allowed):
    obj = SPAN_FACTORIES[model]()
    columns = span_columns(start, end)
    if allowed:
        assert update_row(obj, **columns) == 1
        obj.refresh_from_db()
        assert (obj.start, obj.end) == (pdate(start), pdate(end))
    else:
        with db_refuses(match=f"{model}_end_not_before_start"):
            update_row(obj, **columns)
        obj.refresh_from_db()
        assert (obj.start, obj.end) == (None, None)


@pytest.mark.parametrize("model", SPAN_FACTORIES)
def test_db_refuses_saving_end_before_start_without_validation(model):
    obj = SPAN_FACTORIES[model](start="June 2004")
    obj.end = PartialDate.month(2004, 5)
    with db_refuses(match=f"{model}_end_not_before_start"):
        obj.save()


@pytest.mark.parametrize("model", SPAN_FACTORIES)
@pytest.mark.parametrize(("start", "end", "allowed"), SPAN_CASES)
def test_clean_end_not_before_start_matches_the_database(model, start, end, allowed):
    obj = SPAN_FACTORIES[model]()
    obj.start, obj.end = pdate(start), pdate(end)
    if allowed:
        obj.full_clean()
    else:
        with pytest.raises(ValidationError) as exc:
            obj.full_clean()
        assert "end_date" in error_fields(exc)
        assert "before the start" in " ".join(exc.value.message_dict["end_date"])


# --- Dates stored normalised: a month on its first day, a year on 1 January ---------------

NORMALISATION_CASES = [
    (M, day(2004, 6, 15), False),
    (M, day(2004, 6, 1), True),
    (Y, day(2004, 3, 1), False),
    (Y, day(2004, 1, 15), False),
    (Y, day(2004, 6, 15), False),
    (Y, day(2004, 1, 1), True),
    (D, day(2004, 6, 15), True),
]


@pytest.mark.parametrize("model", SPAN_FACTORIES)
@pytest.mark.parametrize("which", ["start", "end"])
@pytest.mark.parametrize(("precision", "date", "allowed"), NORMALISATION_CASES)
def test_db_refuses_unnormalised_span_dates(model, which, precision, date, allowed):
    obj = SPAN_FACTORIES[model]()
    values = {f"{which}_date": date, f"{which}_precision": precision}
    if allowed:
        assert update_row(obj, **values) == 1
    else:
        with db_refuses(match=f"{model}_{which}_normalised"):
            update_row(obj, **values)


@pytest.mark.parametrize("model", ["source", "meeting"])
@pytest.mark.parametrize(("precision", "date", "allowed"), NORMALISATION_CASES)
def test_db_refuses_unnormalised_single_dates(model, precision, date, allowed):
    obj = f.create_source() if model == "source" else f.create_meeting(visit=f.create_visit())
    values = {"date": date, "date_precision": precision}
    if allowed:
        assert update_row(obj, **values) == 1
    else:
        with db_refuses(match=f"{model}_date_normalised"):
            update_row(obj, **values)


@pytest.mark.parametrize("model", SPAN_FACTORIES)
def test_clean_normalises_month_and_year_dates(model):
    obj = SPAN_FACTORIES[model]()
    obj.start_date, obj.start_precision = day(2004, 6, 15), M
    obj.end_date, obj.end_precision = day(2007, 9, 20), Y
    obj.full_clean()
    assert (obj.start_date, obj.end_date) == (day(2004, 6, 1), day(2007, 1, 1))
    obj.save()
    obj.refresh_from_db()
    assert obj.start == PartialDate.month(2004, 6)
    assert obj.end == PartialDate.year(2007)


def test_clean_reports_an_unknown_precision_as_a_validation_error():
    office = f.create_office()
    office.start_date, office.start_precision = day(2004, 6, 1), "week"
    with pytest.raises(ValidationError) as exc:
        office.full_clean()
    assert "start_precision" in error_fields(exc)


def test_span_setters_accept_text_and_none():
    office = f.create_office()
    office.start = "June 2004"
    assert (office.start_date, office.start_precision) == (day(2004, 6, 1), M)
    office.start = None
    assert (office.start_date, office.start_precision) == (None, D)


# --- Ongoing spans have no end -------------------------------------------------------------


@pytest.mark.parametrize("model", ONGOING_FACTORIES)
def test_db_refuses_ongoing_with_an_end(model):
    obj = ONGOING_FACTORIES[model](start="2004")
    assert update_row(obj, ongoing=True) == 1
    with db_refuses(match=f"{model}_ongoing_has_no_end"):
        update_row(obj, end_date=day(2010, 1, 1), end_precision=D)
    obj.refresh_from_db()
    assert obj.ongoing is True
    assert obj.end is None


@pytest.mark.parametrize("model", ONGOING_FACTORIES)
def test_db_refuses_marking_an_ended_span_ongoing(model):
    obj = ONGOING_FACTORIES[model](start="2004", end="2010")
    with db_refuses(match=f"{model}_ongoing_has_no_end"):
        update_row(obj, ongoing=True)


@pytest.mark.parametrize("model", ONGOING_FACTORIES)
def test_clean_refuses_ongoing_with_an_end(model):
    obj = ONGOING_FACTORIES[model](start="2004")
    obj.ongoing = True
    obj.end = PartialDate.year(2010)
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    assert "ongoing" in error_fields(exc)


# --- Unique slugs, names and codes ---------------------------------------------------------


@pytest.mark.parametrize("model", SLUG_FACTORIES)
def test_db_refuses_duplicate_slug(model):
    first, second = SLUG_FACTORIES[model](), SLUG_FACTORIES[model]()
    with db_refuses(match="slug"):
        update_row(second, slug=first.slug)
    second.refresh_from_db()
    assert second.slug != first.slug


@pytest.mark.parametrize("model", SLUG_FACTORIES)
def test_clean_refuses_duplicate_slug(model):
    first, second = SLUG_FACTORIES[model](), SLUG_FACTORIES[model]()
    second.slug = first.slug
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert "slug" in error_fields(exc)


def test_db_refuses_duplicate_iso_code():
    first, second = f.create_country(iso_code="GE"), f.create_country(iso_code="AM")
    with db_refuses(match="iso_code"):
        update_row(second, iso_code=first.iso_code)
    second.refresh_from_db()
    assert second.iso_code == "AM"


@pytest.mark.parametrize("code", ["ge", "Ge", "G1", "1G", "G", "", "G-", "É1"])
def test_db_refuses_iso_code_that_is_not_two_capitals(code):
    country = f.create_country(iso_code="GE")
    with db_refuses(match="country_iso_code_two_capitals"):
        update_row(country, iso_code=code)
    country.refresh_from_db()
    assert country.iso_code == "GE"


def test_db_refuses_three_letter_iso_code():
    # SQLite does not enforce max_length, so there the regex check refuses it; PostgreSQL
    # refuses the value as too long for varchar(2) (DataError) before checks run.
    country = f.create_country(iso_code="GE")
    with db_refuses(IntegrityError, DataError, match="country_iso_code_two_capitals|too long"):
        update_row(country, iso_code="GEO")
    country.refresh_from_db()
    assert country.iso_code == "GE"


def test_db_refuses_iso_code_with_a_trailing_newline():
    country = f.create_country(iso_code="GE")
    with db_refuses(IntegrityError, DataError, match="country_iso_code_two_capitals|too long"):
        update_row(country, iso_code="GE\n")


def test_db_accepts_a_two_capital_iso_code():
    country = f.create_country(iso_code="GE")
    assert update_row(country, iso_code="KZ") == 1
    country.refresh_from_db()
    assert country.iso_code == "KZ"


def test_clean_refuses_lower_case_iso_code():
    country = f.create_country(iso_code="GE")
    country.iso_code = "ge"
    with pytest.raises(ValidationError, match="two capital letters"):
        country.full_clean()


def test_db_refuses_partner_country_without_region():
    country = f.create_country(is_partner=True)
    with db_refuses(match="country_partner_has_region"):
        update_row(country, region=None)
    country.refresh_from_db()
    assert country.region_id is not None


def test_db_accepts_non_partner_country_without_region():
    country = f.create_country(is_partner=False)
    assert update_row(country, region=None) == 1
    country.refresh_from_db()
    assert country.region is None


def test_partner_not_stated_is_neither_yes_nor_no_and_needs_no_region():
    country = f.create_country(is_partner=None)
    country.region = None
    country.full_clean()  # the constraint holds for a country whose partnership is not stated
    assert update_row(country, region=None) == 1
    country.refresh_from_db()
    assert country.is_partner is None and country.partner_text == "Not stated in the sources"
    assert not Country.objects.filter(is_partner=False).filter(pk=country.pk).exists()
    assert Country._meta.get_field("is_partner").default is None  # not "no" by default


def test_db_refuses_making_a_regionless_country_a_partner():
    country = f.create_country(is_partner=False)
    update_row(country, region=None)
    with db_refuses(match="country_partner_has_region"):
        update_row(country, is_partner=True)


# --- Visits, legs and meetings -------------------------------------------------------------


def test_db_refuses_two_legs_with_the_same_order_in_a_visit():
    visit = f.create_visit()
    f.create_leg(visit=visit, order=1)
    second = f.create_leg(visit=visit, order=2)
    with db_refuses(match=UNIQUE_LEG_ORDER):
        update_row(second, order=1)
    with db_refuses(match=UNIQUE_LEG_ORDER):
        f.create_leg(visit=visit, order=2)
    assert sorted(visit.legs.values_list("order", flat=True)) == [1, 2]


def test_db_accepts_the_same_leg_order_in_different_visits():
    a = f.create_leg(visit=f.create_visit(), order=1)
    b = f.create_leg(visit=f.create_visit(), order=1)
    assert a.order == b.order == 1
    assert VisitLeg.objects.filter(order=1).count() == 2


def test_db_refuses_meeting_without_counterpart_or_group():
    meeting = f.create_meeting(visit=f.create_visit())
    with db_refuses(match="meeting_has_counterpart"):
        update_row(meeting, counterpart=None, counterpart_group="")
    with db_refuses(match="meeting_has_counterpart"):
        Meeting.objects.create(visit=meeting.visit)
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    ("counterpart", "group"), [(True, ""), (False, "Students at ADA University"), (True, "x")]
)
def test_db_accepts_meeting_with_counterpart_or_group(counterpart, group):
    meeting = Meeting.objects.create(
        visit=f.create_visit(),
        counterpart=f.create_person() if counterpart else None,
        counterpart_group=group,
    )
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_clean_refuses_meeting_without_counterpart_or_group():
    meeting = Meeting(visit=f.create_visit(), counterpart_group="   ")
    with pytest.raises(ValidationError) as exc:
        meeting.full_clean()
    assert "counterpart" in error_fields(exc)


@pytest.mark.parametrize(("days", "allowed"), [(0, False), (367, False), (1, True), (366, True)])
def test_db_visit_duration_range(days, allowed):
    visit = f.create_visit()
    if allowed:
        assert update_row(visit, duration_days=days) == 1
    else:
        with db_refuses(match="visit_duration_range"):
            update_row(visit, duration_days=days)
        visit.refresh_from_db()
        assert visit.duration_days is None


def test_db_accepts_visit_without_duration():
    visit = f.create_visit(duration_days=3)
    assert update_row(visit, duration_days=None) == 1


# --- Positions, appointments, participations -----------------------------------------------


def test_db_refuses_position_with_no_holders():
    position = f.create_position()
    with db_refuses(match="position_max_holders_positive"):
        update_row(position, max_holders=0)
    position.refresh_from_db()
    assert position.max_holders == 1


def test_clean_refuses_position_with_no_holders():
    position = f.create_position()
    position.max_holders = 0
    with pytest.raises(ValidationError) as exc:
        position.full_clean()
    assert "max_holders" in error_fields(exc)


def test_db_refuses_duplicate_participation_start():
    country, programme = f.create_country(), f.create_programme()
    f.create_participation(country=country, programme=programme, start="1994")
    with db_refuses(match=UNIQUE_PARTICIPATION):
        f.create_participation(country=country, programme=programme, start="1994")
    assert Participation.objects.filter(country=country, programme=programme).count() == 1


def test_db_accepts_participations_with_different_starts_or_countries():
    country, programme = f.create_country(), f.create_programme()
    f.create_participation(country=country, programme=programme, start="1994")
    f.create_participation(country=country, programme=programme, start="2004")
    f.create_participation(programme=programme, start="1994")
    assert Participation.objects.filter(programme=programme).count() == 3


def test_db_refuses_duplicate_appointment_ordinal_on_a_post():
    position = f.create_position(max_holders=5)
    f.create_appointment(position=position, ordinal=1)
    with db_refuses(match=UNIQUE_ORDINAL):
        f.create_appointment(position=position, ordinal=1)
    f.create_appointment(position=position, ordinal=2)
    f.create_appointment(position=f.create_position(), ordinal=1)
    assert Appointment.objects.filter(ordinal=1).count() == 2


# --- Appointment overlap: PostgreSQL exclusion constraint and Appointment.clean ------------

# (first appointment, second appointment, whether both may be on a single-holder post).
# An appointment is (start, end, ongoing). Only a certain overlap is refused.
OVERLAP_CASES = {
    "days overlap": (("2004-01-01", "2006-01-01", False), ("2005-01-01", "2007-01-01", False), 0),
    "years overlap": (("2004", "2008", False), ("2006", "2010", False), 0),
    "nested": (("2000", "2010", False), ("2003", "2005", False), 0),
    "ongoing then later": (("2004-01-01", None, True), ("2010-01-01", "2012-01-01", False), 0),
    "both ongoing": (("2004", None, True), ("2010", None, True), 0),
    "month start within": (("June 2004", "2006", False), ("2005-12-01", "2007", False), 0),
    "same-day handover": (
        ("2004-01-01", "2005-06-15", False),
        ("2005-06-15", "2007-01-01", False),
        1,
    ),
    "year handover": (("2004", "2007", False), ("2007", "2010", False), 1),
    "month handover": (("June 2004", "June 2005", False), ("June 2005", "2006", False), 1),
    "possible overlap only": (("2004", "2006", False), ("2006", "2008", False), 1),
    "consecutive days": (
        ("2004-01-01", "2004-12-31", False),
        ("2005-01-01", "2006-01-01", False),
        1,
    ),
    "unknown start": ((None, "2010", False), ("2000", "2020", False), 1),
    "unknown start, ongoing": ((None, None, True), ("2000", None, True), 1),
    "unknown end": (("2000", None, False), ("2001", "2005", False), 1),
    "nothing known": ((None, None, False), ("2000", "2020", False), 1),
    "no certain day": (("2004", "2004", False), ("2003", "2006", False), 1),
}


def make_appointment(position, spec, *, save=True) -> Appointment:
    start, end, ongoing = spec
    if save:
        return f.create_appointment(position=position, start=start, end=end, ongoing=ongoing)
    appointment = Appointment(person=f.create_person(), position=position, ongoing=ongoing)
    appointment.start, appointment.end = pdate(start), pdate(end)
    return appointment


@pytest.mark.parametrize("case", OVERLAP_CASES)
def test_db_exclusion_on_single_holder_post(postgresql, case):
    first, second, allowed = OVERLAP_CASES[case]
    position = f.create_position(max_holders=1)
    make_appointment(position, first)
    if allowed:
        make_appointment(position, second)
        assert position.appointments.count() == 2
    else:
        with db_refuses(match=EXCLUSION):
            make_appointment(position, second)
        assert position.appointments.count() == 1


@pytest.mark.parametrize("case", OVERLAP_CASES)
def test_db_exclusion_in_either_order(postgresql, case):
    first, second, allowed = OVERLAP_CASES[case]
    position = f.create_position(max_holders=1)
    make_appointment(position, second)
    if allowed:
        make_appointment(position, first)
        assert position.appointments.count() == 2
    else:
        with db_refuses(match=EXCLUSION):
            make_appointment(position, first)


def test_db_exclusion_refuses_an_update_into_overlap(postgresql):
    position = f.create_position(max_holders=1)
    f.create_appointment(position=position, start="2004-01-01", end="2006-01-01")
    later = f.create_appointment(position=position, start="2006-01-01", end="2008-01-01")
    with db_refuses(match=EXCLUSION):
        update_row(later, start_date=day(2005, 6, 1))
    later.refresh_from_db()
    assert later.start == PartialDate.day(2006, 1, 1)


def test_db_exclusion_applies_per_post(postgresql):
    person = f.create_person()
    f.create_appointment(person=person, start="2004", end="2010")
    f.create_appointment(person=person, start="2004", end="2010")
    assert person.appointments.count() == 2


def test_db_multi_holder_post_allows_overlaps(postgresql):
    position = f.create_position(max_holders=2)
    for _ in range(3):
        # The database guards single-holder posts only; the limit of a multi-holder post is
        # left to model validation.
        f.create_appointment(position=position, start="2004", end="2010")
    assert position.appointments.count() == 3
    assert not position.appointments.filter(single_holder=True).exists()


def test_lowering_holder_limit_with_overlaps_is_refused_by_db(postgresql):
    position = f.create_position(max_holders=2)
    f.create_appointment(position=position, start="2004", end="2010")
    f.create_appointment(position=position, start="2006", end="2012")
    position.max_holders = 1
    with db_refuses(match=EXCLUSION):
        position.save()
    position.refresh_from_db()
    assert position.max_holders == 2
    assert list(position.appointments.values_list("single_holder", flat=True)) == [False, False]


@pytest.mark.django_db(transaction=True)
def test_refused_holder_limit_change_leaves_the_position_unchanged(postgresql):
    position = f.create_position(max_holders=2)
    f.create_appointment(position=position, start="2004", end="2010")
    f.create_appointment(position=position, start="2006", end="2012")
    position.max_holders = 1
    with pytest.raises(IntegrityError):
        position.save()
    assert Position.objects.get(pk=position.pk).max_holders == 2


def test_lowering_holder_limit_with_overlaps_is_not_refused_on_sqlite(sqlite):
    # SQLite has no exclusion constraint: the change is stored and the overlap remains.
    position = f.create_position(max_holders=2)
    f.create_appointment(position=position, start="2004", end="2010")
    f.create_appointment(position=position, start="2006", end="2012")
    position.max_holders = 1
    position.save()
    position.refresh_from_db()
    assert position.max_holders == 1
    assert list(position.appointments.values_list("single_holder", flat=True)) == [True, True]


def test_position_save_keeps_single_holder_in_step_with_the_limit():
    position = f.create_position(max_holders=1)
    a = f.create_appointment(position=position, start="2004", end="2006")
    b = f.create_appointment(position=position, start="2007", end="2010")
    assert {a.single_holder, b.single_holder} == {True}
    position.max_holders = 3
    position.save()
    assert set(position.appointments.values_list("single_holder", flat=True)) == {False}
    position.max_holders = 1
    position.save()
    assert set(position.appointments.values_list("single_holder", flat=True)) == {True}


def test_appointment_save_copies_the_holder_limit():
    assert f.create_appointment(position=f.create_position(max_holders=1)).single_holder is True
    assert f.create_appointment(position=f.create_position(max_holders=4)).single_holder is False


def test_clean_refuses_lowering_holder_limit_below_existing_overlaps():
    position = f.create_position(max_holders=2)
    f.create_appointment(position=position, start="2004", end="2010")
    f.create_appointment(position=position, start="2006", end="2012")
    position.max_holders = 1
    try:
        position.full_clean()
    except ValidationError as exc:
        errors = set(exc.message_dict)
    else:
        errors = set()
    assert "max_holders" in errors


@pytest.mark.parametrize("case", OVERLAP_CASES)
def test_clean_overlap_on_single_holder_post(case):
    first, second, allowed = OVERLAP_CASES[case]
    position = f.create_position(max_holders=1)
    existing = make_appointment(position, first)
    candidate = make_appointment(position, second, save=False)
    if allowed:
        candidate.full_clean()
        assert candidate.overlapping() == []
    else:
        with pytest.raises(ValidationError) as exc:
            candidate.full_clean()
        assert error_fields(exc) == {"start_date"}
        assert existing.person.name in exc.value.message_dict["start_date"][0]
        assert candidate.overlapping() == [existing]


def test_clean_does_not_count_the_appointment_against_itself():
    appointment = f.create_appointment(start="2004", end="2010")
    appointment.notes = "Edited."
    appointment.full_clean()
    assert appointment.overlapping() == []


def test_clean_allows_overlaps_up_to_the_holder_limit():
    position = f.create_position(max_holders=2)
    f.create_appointment(position=position, start="2004", end="2010")
    second = make_appointment(position, ("2005", "2009", False), save=False)
    second.full_clean()
    second.save()
    third = make_appointment(position, ("2006", "2008", False), save=False)
    with pytest.raises(ValidationError) as exc:
        third.full_clean()
    assert "start_date" in error_fields(exc)
    assert "2 holder(s)" in exc.value.message_dict["start_date"][0]


def test_clean_counts_simultaneous_holders_not_all_overlapping_appointments():
    position = f.create_position(max_holders=2)
    f.create_appointment(position=position, start="2000-01-01", end="2002-01-01")
    f.create_appointment(position=position, start="2003-01-01", end="2005-01-01")
    # Never more than two holders at once: 2001 (first and new), 2003-2004 (second and new).
    candidate = make_appointment(position, ("2001-01-01", "2004-01-01", False), save=False)
    candidate.full_clean()


# --- certain_span and active-on helpers ----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "ongoing", "span"),
    [
        (None, "2010", False, None),
        (None, None, True, None),
        ("2004", None, False, None),
        ("2004", None, True, (day(2004, 12, 31), None)),
        ("June 2004", None, True, (day(2004, 6, 30), None)),
        ("2004-06-15", None, True, (day(2004, 6, 15), None)),
        ("2004", "2007", False, (day(2004, 12, 31), day(2007, 1, 1))),
        ("June 2004", "August 2004", False, (day(2004, 6, 30), day(2004, 8, 1))),
        ("2004-06-15", "2004-06-16", False, (day(2004, 6, 15), day(2004, 6, 16))),
        ("2004-06-15", "2004-06-15", False, None),
        ("2004", "2004", False, None),
        ("2004", "2005", False, (day(2004, 12, 31), day(2005, 1, 1))),
        ("June 2004", "2004-06-20", False, None),
        ("2004-02", "2004-02-29", False, None),
    ],
)
def test_certain_span(start, end, ongoing, span):
    appointment = Appointment(ongoing=ongoing)
    appointment.start, appointment.end = pdate(start), pdate(end)
    assert appointment.certain_span() == span


OFFICE_2013_2017 = [
    # (day, certainly open, possibly open)
    (day(2012, 12, 31), False, False),
    (day(2013, 1, 1), False, True),
    (day(2013, 6, 1), False, True),
    (day(2013, 12, 30), False, True),
    (day(2013, 12, 31), True, True),
    (day(2015, 1, 1), True, True),
    (day(2017, 1, 1), True, True),
    (day(2017, 1, 2), False, True),
    (day(2017, 12, 31), False, True),
    (day(2018, 1, 1), False, False),
]


@pytest.mark.parametrize(("on", "certainly", "possibly"), OFFICE_2013_2017)
def test_office_open_2013_to_2017(on, certainly, possibly):
    office = f.create_office(start="2013", end="2017")
    assert office.certainly_active_on(on) is certainly
    assert office.possibly_active_on(on) is possibly
    assert office.is_closed is True


@pytest.mark.parametrize(("on", "certainly", "possibly"), OFFICE_2013_2017)
def test_appointment_2013_to_2017(on, certainly, possibly):
    appointment = f.create_appointment(start="2013", end="2017")
    assert appointment.certainly_active_on(on) is certainly
    assert appointment.possibly_active_on(on) is possibly


@pytest.mark.parametrize(
    ("on", "certainly", "possibly"),
    [
        (day(2004, 6, 14), False, False),
        (day(2004, 6, 15), True, True),
        (day(2005, 6, 15), True, True),
        (day(2005, 6, 16), False, False),
    ],
)
def test_appointment_with_day_dates(on, certainly, possibly):
    appointment = f.create_appointment(start="2004-06-15", end="2005-06-15")
    assert appointment.certainly_active_on(on) is certainly
    assert appointment.possibly_active_on(on) is possibly


def test_ongoing_office_is_certainly_open_from_the_end_of_its_start_period():
    office = f.create_office(start="June 2013", ongoing=True)
    assert office.is_closed is False
    assert office.certainly_active_on(day(2013, 6, 29)) is False
    assert office.certainly_active_on(day(2013, 6, 30)) is True
    assert office.certainly_active_on(day(2100, 1, 1)) is True
    assert office.possibly_active_on(day(2013, 6, 1)) is True
    assert office.possibly_active_on(day(2013, 5, 31)) is False


def test_office_with_unknown_end_is_never_certainly_open():
    office = f.create_office(start="2013")
    assert office.certainly_active_on(day(2014, 1, 1)) is False
    assert office.possibly_active_on(day(2014, 1, 1)) is True
    assert office.possibly_active_on(day(2100, 1, 1)) is True
    assert office.possibly_active_on(day(2012, 12, 31)) is False


def test_office_with_unknown_start_is_never_certainly_open():
    office = f.create_office(end="2017")
    assert office.certainly_active_on(day(2015, 1, 1)) is False
    assert office.possibly_active_on(day(1900, 1, 1)) is True
    assert office.possibly_active_on(day(2017, 12, 31)) is True
    assert office.possibly_active_on(day(2018, 1, 1)) is False


def test_ongoing_appointment_with_unknown_start_is_never_certainly_active():
    appointment = f.create_appointment(ongoing=True)
    assert appointment.certainly_active_on(day(2020, 1, 1)) is False
    assert appointment.possibly_active_on(day(2020, 1, 1)) is True


# --- Legs and meetings within their visit --------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        ("2024-03-10", "2024-03-12", True),
        ("2024-03-14", "2024-03-14", True),
        ("March 2024", "March 2024", True),
        ("2024", None, True),
        (None, None, True),
        ("2024-03-08", "2024-03-11", False),
        ("2024-03-13", "2024-03-15", False),
        ("2024-03-15", None, False),
        (None, "2024-03-09", False),
        ("February 2024", None, False),
        ("April 2024", None, False),
        ("2023", None, False),
    ],
)
def test_clean_leg_within_visit_dates(start, end, allowed):
    visit = f.create_visit(start="2024-03-10", end="2024-03-14")
    leg = VisitLeg(visit=visit, country=f.create_country(), order=1)
    leg.start, leg.end = pdate(start), pdate(end)
    if allowed:
        leg.full_clean()
    else:
        with pytest.raises(ValidationError) as exc:
            leg.full_clean()
        assert error_fields(exc) == {"start_date"}
        assert "outside the visit's dates" in exc.value.message_dict["start_date"][0]


def test_clean_leg_of_an_undated_visit_may_have_any_dates():
    leg = VisitLeg(visit=f.create_visit(), country=f.create_country())
    leg.start, leg.end = pdate("1999"), pdate("2030")
    leg.full_clean()


def test_clean_refuses_meeting_on_a_leg_of_another_visit():
    visit, other = f.create_visit(), f.create_visit()
    leg = f.create_leg(visit=other)
    meeting = Meeting(visit=visit, leg=leg, counterpart=f.create_person())
    with pytest.raises(ValidationError) as exc:
        meeting.full_clean()
    assert error_fields(exc) == {"leg"}
    meeting.leg = f.create_leg(visit=visit)
    meeting.full_clean()


@pytest.mark.parametrize(
    ("when", "allowed"),
    [
        ("2024-03-10", True),
        ("2024-03-14", True),
        ("March 2024", True),
        ("2024", True),
        ("2024-03-09", False),
        ("2024-03-15", False),
        ("February 2024", False),
        ("2025", False),
    ],
)
def test_clean_meeting_within_visit_dates(when, allowed):
    visit = f.create_visit(start="2024-03-10", end="2024-03-14")
    meeting = Meeting(visit=visit, counterpart=f.create_person())
    value = pdate(when)
    meeting.date, meeting.date_precision = value.date, value.precision
    if allowed:
        meeting.full_clean()
    else:
        with pytest.raises(ValidationError) as exc:
            meeting.full_clean()
        assert error_fields(exc) == {"date"}


def test_clean_reports_every_meeting_problem_at_once():
    visit = f.create_visit(start="2024-03-10", end="2024-03-14")
    meeting = Meeting(visit=visit, leg=f.create_leg(visit=f.create_visit()))
    meeting.date, meeting.date_precision = day(2025, 1, 1), D
    with pytest.raises(ValidationError) as exc:
        meeting.full_clean()
    assert {"counterpart", "leg", "date"} <= error_fields(exc)


# --- published() ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", PUBLISHABLE_FACTORIES)
def test_published_excludes_drafts(model):
    factory = PUBLISHABLE_FACTORIES[model]
    published, draft = factory(), factory(status=Status.DRAFT)
    queryset = type(published).objects
    assert published.is_published is True
    assert draft.is_published is False
    assert list(queryset.published().filter(pk__in=[published.pk, draft.pk])) == [published]
    assert list(queryset.drafts().filter(pk__in=[published.pk, draft.pk])) == [draft]


def test_new_records_are_drafts_by_default():
    region = Region.objects.create(name="Draft region", slug="draft-region")
    assert region.status == Status.DRAFT
    assert not Region.objects.published().filter(pk=region.pk).exists()


@pytest.mark.parametrize("draft", ["person", "position"])
def test_appointment_published_needs_published_person_and_position(draft):
    shown = f.create_appointment()
    hidden = f.create_appointment(**{draft: PUBLISHABLE_FACTORIES[draft](status=Status.DRAFT)})
    assert hidden.status == Status.PUBLISHED
    assert list(Appointment.objects.published()) == [shown]


@pytest.mark.parametrize("draft", ["country", "programme"])
def test_participation_published_needs_published_country_and_programme(draft):
    shown = f.create_participation()
    hidden = f.create_participation(**{draft: PUBLISHABLE_FACTORIES[draft](status=Status.DRAFT)})
    assert hidden.status == Status.PUBLISHED
    assert list(Participation.objects.published()) == [shown]


def test_visit_published_needs_published_traveller():
    shown = f.create_visit()
    hidden = f.create_visit(traveller=f.create_person(status=Status.DRAFT))
    assert hidden.status == Status.PUBLISHED
    assert list(Visit.objects.published()) == [shown]


def test_visit_without_traveller_can_be_published():
    visit = f.create_visit()
    update_row(visit, traveller=None)
    assert list(Visit.objects.published()) == [visit]
    update_row(visit, status=Status.DRAFT)
    assert not Visit.objects.published().exists()


def test_citation_published_excludes_citations_of_draft_sources():
    record = f.create_region()
    shown = f.create_citation(record=record)
    f.create_citation(record=record, source=f.create_source(status=Status.DRAFT))
    assert list(Citation.objects.published()) == [shown]
    assert Citation.objects.for_object(record).count() == 2
    assert list(Citation.objects.for_object(record).published()) == [shown]


def test_citations_are_reachable_from_the_cited_record():
    record = f.create_office()
    citation = f.create_citation(record=record, locator="p. 3")
    f.create_citation(record=f.create_office())
    assert list(record.citations.all()) == [citation]
    assert citation.record == record


# --- Person.sort_name, __str__ and get_absolute_url ----------------------------------------


@pytest.mark.parametrize(
    ("name", "sort_name"),
    [
        ("Robert Simmons", "Simmons, Robert"),
        ("  Robert   Simmons ", "Simmons, Robert"),
        ("Jens Stoltenberg", "Stoltenberg, Jens"),
        ("Robert F. Simmons", "Simmons, Robert F."),
        ("Madonna", "Madonna"),
    ],
)
def test_person_save_fills_sort_name(name, sort_name):
    person = f.create_person(name=name)
    person.refresh_from_db()
    assert person.sort_name == sort_name


def test_person_save_keeps_an_explicit_sort_name():
    person = f.create_person(name="Javier Colomina Piriz", sort_name="Colomina, Javier")
    person.refresh_from_db()
    assert person.sort_name == "Colomina, Javier"


def test_people_are_ordered_by_sort_name():
    f.create_person(name="Robert Simmons")
    f.create_person(name="Javier Colomina", sort_name="Colomina, Javier")
    f.create_person(name="James Appathurai")
    assert [p.name for p in Person.objects.all()] == [
        "James Appathurai",
        "Javier Colomina",
        "Robert Simmons",
    ]


def test_str_of_each_model():
    region = f.create_region(name="South Caucasus")
    georgia = f.create_country(name="Georgia", iso_code="GE", region=region)
    nato = f.create_organisation(name="North Atlantic Treaty Organization", short_name="NATO")
    ministry = f.create_organisation(name="Ministry of Defence of Georgia")
    person = f.create_person(name="Robert Simmons")
    position = f.create_position(title="Special Representative", organisation=nato)
    pfp = f.create_programme(name="Partnership for Peace", short_name="PfP")
    ipap = f.create_programme(name="Individual Partnership Action Plan")
    visit = f.create_visit(title="Visit to Georgia", traveller=person)
    source = f.create_source(title="NATO Review")

    assert str(region) == "South Caucasus"
    assert str(georgia) == "Georgia"
    assert str(nato) == "NATO"
    assert str(ministry) == "Ministry of Defence of Georgia"
    assert str(person) == "Robert Simmons"
    assert str(position) == "Special Representative"
    assert str(f.create_office(name="NATO Liaison Office Tbilisi")) == "NATO Liaison Office Tbilisi"
    assert str(pfp) == "Partnership for Peace (PfP)"
    assert str(ipap) == "Individual Partnership Action Plan"
    assert str(f.create_participation(country=georgia, programme=pfp)) == "Georgia in PfP"
    assert str(f.create_participation(country=georgia, programme=ipap)) == (
        "Georgia in Individual Partnership Action Plan"
    )
    assert str(f.create_appointment(person=person, position=position)) == (
        "Robert Simmons as Special Representative"
    )
    assert str(f.create_event(name="Istanbul Summit")) == "Istanbul Summit"
    assert str(f.create_topic(name="Defence reform")) == "Defence reform"
    assert str(visit) == "Visit to Georgia"
    assert (
        str(f.create_leg(visit=visit, country=georgia, city="Tbilisi"))
        == f"{visit.title}: Tbilisi, Georgia"
    )
    assert str(f.create_leg(visit=visit, country=georgia, order=1)) == f"{visit.title}: Georgia"
    assert str(f.create_meeting(visit=visit, counterpart=person)) == "Meeting with Robert Simmons"
    assert str(f.create_meeting(visit=visit, counterpart_group="students")) == (
        "Meeting with students"
    )
    assert str(source) == "NATO Review"
    assert str(f.create_citation(record=georgia, source=source, locator="p. 3")) == (
        "NATO Review (p. 3)"
    )
    assert str(f.create_citation(record=georgia, source=source)) == "NATO Review"


@pytest.mark.parametrize(
    ("model", "url_name", "segment"),
    [
        ("region", "region-detail", "regions"),
        ("country", "country-detail", "countries"),
        ("programme", "programme-detail", "programmes"),
        ("office", "office-detail", "offices"),
        ("position", "position-detail", "positions"),
        ("person", "person-detail", "people"),
        ("event", "event-detail", "events"),
        ("visit", "visit-detail", "visits"),
        ("topic", "topic-detail", "topics"),
        ("source", "source-detail", "sources"),
    ],
)
def test_get_absolute_url_resolves_to_the_detail_page(model, url_name, segment):
    obj = PUBLISHABLE_FACTORIES[model]()
    url = obj.get_absolute_url()
    assert url.endswith(f"/{segment}/{obj.slug}/")
    match = resolve(url)
    assert (match.namespace, match.url_name) == ("registry", url_name)
    assert match.kwargs == {"slug": obj.slug}


def test_model_registry_is_complete():
    # Guard the parametrisations above: every publishable model is covered.
    publishable = {
        Region,
        Country,
        Organisation,
        Person,
        Position,
        Appointment,
        Office,
        Programme,
        Participation,
        Event,
        Topic,
        Visit,
        Source,
    }
    made = {type(factory()) for factory in PUBLISHABLE_FACTORIES.values()}
    assert made == publishable
    assert {type(factory()) for factory in SPAN_FACTORIES.values()} == {
        Programme,
        Participation,
        Office,
        Position,
        Appointment,
        Event,
        Visit,
        VisitLeg,
    }


def test_visit_published_excludes_a_visit_whose_travellers_post_is_a_draft():
    position = f.create_position(status=Status.DRAFT)
    hidden = f.create_visit(traveller_position=position)
    shown = f.create_visit(traveller_position=f.create_position())
    published = set(Visit.objects.published())
    assert shown in published and hidden not in published


# --- Appointments attested in post -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "attested", "error"),
    [
        ("2019", "2024", "2024-03", None),
        ("2019", "2024", "2018-12", "before the start (2019)"),
        ("2019", "2024-02", "2024-03", "after the end (February 2024)"),
        ("2024-03-20", None, "2024-03", None),  # the month may contain the start
        (None, None, "2024-03-17", None),
    ],
)
def test_an_attestation_lies_within_the_term(start, end, attested, error):
    appointment = f.create_appointment(start=start, end=end)
    appointment.attested = attested
    if error is None:
        appointment.full_clean()
        return
    with pytest.raises(ValidationError) as caught:
        appointment.full_clean()
    assert error in " ".join(caught.value.message_dict["attested_date"])


@pytest.mark.django_db
def test_an_attested_month_is_stored_as_its_first_day():
    appointment = f.create_appointment()
    appointment.attested_date, appointment.attested_precision = dt.date(2024, 3, 17), "month"
    appointment.full_clean()
    assert appointment.attested_date == dt.date(2024, 3, 1)
    assert str(appointment.attested) == "March 2024"


@pytest.mark.django_db
def test_the_last_recorded_holder_is_the_latest_the_sources_place_in_post():
    from registry.models import Position
    from registry.queries.facts import positions_with_holders

    post = f.create_position()
    f.create_appointment(position=post, start="2009", end="2014", person=f.create_person(name="A"))
    f.create_appointment(
        position=post,
        attested_date=dt.date(2024, 3, 1),
        attested_precision="month",
        person=f.create_person(name="B"),
    )
    f.create_appointment(position=post, ordinal=1, person=f.create_person(name="C"))
    [shown] = positions_with_holders(Position.objects.filter(pk=post.pk))
    assert shown.current_appointments == []
    assert shown.last_recorded.person.name == "B"
    assert [a.person.name for a in shown.earlier_appointments] == ["A", "C"]
    f.create_appointment(
        position=post, start="2025", ongoing=True, person=f.create_person(name="D")
    )
    [shown] = positions_with_holders(Position.objects.filter(pk=post.pk))
    assert [a.person.name for a in shown.current_appointments] == ["D"]
    assert shown.last_recorded is None
