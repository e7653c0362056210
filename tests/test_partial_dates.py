"""PartialDate: parsing, normalisation, bounds, formatting, spans and ordering."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.partial_dates import (
    MAX_YEAR,
    MIN_YEAR,
    PartialDate,
    PartialDateError,
    Precision,
    describe_span,
    display_span,
)

D, M, Y = Precision.DAY, Precision.MONTH, Precision.YEAR


def pd(text: str) -> PartialDate:
    return PartialDate.parse(text)


# --- Parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        # ISO forms
        ("2004", dt.date(2004, 1, 1), Y),
        ("2004-06", dt.date(2004, 6, 1), M),
        ("2004-6", dt.date(2004, 6, 1), M),
        ("2004-06-15", dt.date(2004, 6, 15), D),
        ("2004-6-5", dt.date(2004, 6, 5), D),
        (f"{MIN_YEAR}", dt.date(MIN_YEAR, 1, 1), Y),
        (f"{MAX_YEAR}-12-31", dt.date(MAX_YEAR, 12, 31), D),
        ("2004-02-29", dt.date(2004, 2, 29), D),
        # Month and year
        ("June 2004", dt.date(2004, 6, 1), M),
        ("Jun 2004", dt.date(2004, 6, 1), M),
        ("Jun. 2004", dt.date(2004, 6, 1), M),
        ("June, 2004", dt.date(2004, 6, 1), M),
        ("Sept 2006", dt.date(2006, 9, 1), M),
        ("Sep 2006", dt.date(2006, 9, 1), M),
        ("September 2006", dt.date(2006, 9, 1), M),
        # Day, month and year
        ("15 June 2004", dt.date(2004, 6, 15), D),
        ("15th June 2004", dt.date(2004, 6, 15), D),
        ("1st March 2024", dt.date(2024, 3, 1), D),
        ("2nd May 2010", dt.date(2010, 5, 2), D),
        ("3rd Dec 2010", dt.date(2010, 12, 3), D),
        ("June 15, 2004", dt.date(2004, 6, 15), D),
        ("June 15 2004", dt.date(2004, 6, 15), D),
        ("Sept 6, 2006", dt.date(2006, 9, 6), D),
        ("Jan. 5th, 2010", dt.date(2010, 1, 5), D),
        # Case and whitespace
        ("june 2004", dt.date(2004, 6, 1), M),
        ("JUNE 2004", dt.date(2004, 6, 1), M),
        ("jUnE 2004", dt.date(2004, 6, 1), M),
        ("  June   2004  ", dt.date(2004, 6, 1), M),
        ("\t15\nJune\t2004\n", dt.date(2004, 6, 15), D),
        ("  2004  ", dt.date(2004, 1, 1), Y),
        ("june   15,   2004", dt.date(2004, 6, 15), D),
    ],
)
def test_parse_accepts(text, date, precision):
    value = PartialDate.parse(text)
    assert value.date == date
    assert value.precision == precision


def test_parse_accepts_non_string_input():
    assert PartialDate.parse(2004) == PartialDate.year(2004)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\t\n",
        "\x00",
        "\x00\x00 \x00",
        "2004-02-30",
        "2003-02-29",
        "2004-04-31",
        "2004-13",
        "2004-00",
        "2004-06-00",
        "2004-06-32",
        "2004-13-01",
        "31 June 2004",
        "February 30, 2004",
        "foo",
        "June",
        "june",
        "15 June",
        "June 15",
        "99999",
        "204",
        "04",
        "2004-",
        "2004-06-",
        "2004/06/15",
        "15.06.2004",
        "Juni 2004",
        "Smarch 2004",
        "2004 June",
        "June 2004 and more",
        "0000",
        "1799",
        f"{MIN_YEAR - 1}-12-31",
        f"{MAX_YEAR + 1}",
        "9999-01-01",
        "15 June 1066",
    ],
)
def test_parse_rejects(text):
    with pytest.raises(PartialDateError):
        PartialDate.parse(text)


def test_partial_date_error_is_a_value_error():
    # Callers (forms, importers) may catch ValueError.
    with pytest.raises(ValueError):
        PartialDate.parse("foo")


@pytest.mark.parametrize("text", ["1799", "2201", "June 1799", "15 June 2201", "1799-12-31"])
def test_parse_rejects_years_out_of_range_with_the_range_in_the_message(text):
    with pytest.raises(PartialDateError, match=f"{MIN_YEAR} and {MAX_YEAR}"):
        PartialDate.parse(text)


@pytest.mark.parametrize("text", ["1800", "2200", "June 1800", "31 December 2200"])
def test_parse_accepts_the_bounds_of_the_year_range(text):
    assert MIN_YEAR <= PartialDate.parse(text).date.year <= MAX_YEAR


def test_parse_rejects_unknown_month_name_with_its_own_message():
    with pytest.raises(PartialDateError, match="not a month we know"):
        PartialDate.parse("Juni 2004")


@pytest.mark.parametrize("text", ["2004\x00", "Ju\x00ne 2004", "\x002004-06-15"])
def test_parse_refuses_nul_bytes_with_a_clear_message(text):
    with pytest.raises(PartialDateError) as refused:
        PartialDate.parse(text)
    assert str(refused.value) == "A date cannot contain a NUL character."


def test_unknown_precision_is_refused():
    with pytest.raises(PartialDateError) as refused:
        PartialDate(dt.date(2004, 6, 1), "week")
    assert str(refused.value) == "Unknown precision 'week'."


# The messages are what an editor reads under the date field and an import lists per row.
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a date such as 2004, June 2004 or 2004-06-15."),
        ("  ", "Enter a date such as 2004, June 2004 or 2004-06-15."),
        ("soon", "'soon' is not a date. Use 2004, June 2004, 15 June 2004 or 2004-06-15."),
    ],
)
def test_parse_says_in_words_what_is_wrong(text, message):
    with pytest.raises(PartialDateError) as refused:
        PartialDate.parse(text)
    assert str(refused.value) == message


@pytest.mark.parametrize(("text", "reason"), [("2004-13", "month"), ("30 February 2024", "day")])
def test_parse_names_the_date_that_does_not_exist_and_why(text, reason):
    with pytest.raises(PartialDateError) as refused:
        PartialDate.parse(text)
    message = str(refused.value)
    # The reason in brackets is Python's own wording, which varies between versions.
    assert message.startswith(f"{text!r} is not a real date (")
    assert message.endswith(").")
    assert reason in message


# --- Normalisation and bounds --------------------------------------------------------------


def test_month_date_is_stored_as_its_first_day():
    value = PartialDate(dt.date(2004, 6, 15), M)
    assert value.date == dt.date(2004, 6, 1)
    assert value == PartialDate.month(2004, 6)


def test_year_date_is_stored_as_first_of_january():
    value = PartialDate(dt.date(2004, 6, 15), Y)
    assert value.date == dt.date(2004, 1, 1)
    assert value == PartialDate.year(2004)


@pytest.mark.parametrize(
    ("given", "precision", "stored"),
    [
        (dt.date(2004, 6, 2), M, dt.date(2004, 6, 1)),
        (dt.date(2004, 6, 30), M, dt.date(2004, 6, 1)),
        (dt.date(2004, 6, 1), M, dt.date(2004, 6, 1)),
        (dt.date(2004, 1, 2), Y, dt.date(2004, 1, 1)),
        (dt.date(2004, 2, 1), Y, dt.date(2004, 1, 1)),
        (dt.date(2004, 12, 31), Y, dt.date(2004, 1, 1)),
        (dt.date(2004, 1, 1), Y, dt.date(2004, 1, 1)),
    ],
)
def test_every_day_of_a_month_or_year_is_stored_as_its_first_day(given, precision, stored):
    value = PartialDate(given, precision)
    assert value.date == stored
    assert value.display() == PartialDate(stored, precision).display()


def test_day_date_is_kept_as_given():
    assert PartialDate(dt.date(2004, 6, 15)).date == dt.date(2004, 6, 15)
    assert PartialDate(dt.date(2004, 6, 15)).precision == D


def test_partial_date_is_immutable():
    value = PartialDate.year(2004)
    with pytest.raises(AttributeError):
        value.date = dt.date(2005, 1, 1)


@pytest.mark.parametrize(
    ("value", "earliest", "latest"),
    [
        (PartialDate.year(2004), dt.date(2004, 1, 1), dt.date(2004, 12, 31)),
        (PartialDate.month(2004, 6), dt.date(2004, 6, 1), dt.date(2004, 6, 30)),
        (PartialDate.month(2004, 7), dt.date(2004, 7, 1), dt.date(2004, 7, 31)),
        (PartialDate.month(2004, 2), dt.date(2004, 2, 1), dt.date(2004, 2, 29)),  # leap
        (PartialDate.month(2000, 2), dt.date(2000, 2, 1), dt.date(2000, 2, 29)),  # 400 rule
        (PartialDate.month(1900, 2), dt.date(1900, 2, 1), dt.date(1900, 2, 28)),  # 100 rule
        (PartialDate.month(2003, 2), dt.date(2003, 2, 1), dt.date(2003, 2, 28)),
        (PartialDate.month(2004, 12), dt.date(2004, 12, 1), dt.date(2004, 12, 31)),
        (PartialDate.day(2004, 6, 15), dt.date(2004, 6, 15), dt.date(2004, 6, 15)),
        (PartialDate.day(2004, 12, 31), dt.date(2004, 12, 31), dt.date(2004, 12, 31)),
    ],
)
def test_earliest_and_latest(value, earliest, latest):
    assert value.earliest == earliest
    assert value.latest == latest


# --- Formatting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        (PartialDate.year(2004), "2004"),
        (PartialDate.month(2004, 6), "2004-06"),
        (PartialDate.day(2004, 6, 15), "2004-06-15"),
        (PartialDate.day(2004, 6, 5), "2004-06-05"),
        (PartialDate(dt.date(2004, 6, 15), M), "2004-06"),
    ],
)
def test_isoformat(value, iso):
    assert value.isoformat() == iso


@pytest.mark.parametrize("text", ["2004", "2004-06", "2004-06-15", "1800", "2200-12-31"])
def test_isoformat_round_trips_through_parse(text):
    assert PartialDate.parse(text).isoformat() == text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (PartialDate.year(2004), "2004"),
        (PartialDate.month(2004, 6), "June 2004"),
        (PartialDate.day(2004, 6, 15), "15 June 2004"),
        (PartialDate.day(2004, 6, 1), "1 June 2004"),
        (PartialDate.month(2006, 9), "September 2006"),
    ],
)
def test_display(value, shown):
    assert value.display() == shown
    assert str(value) == shown


@pytest.mark.parametrize("text", ["June 2004", "2004-06", "jun 2004", "JUNE   2004"])
def test_month_is_never_displayed_with_a_day(text):
    value = PartialDate.parse(text)
    assert value.display() == "June 2004"
    assert str(value) == "June 2004"
    assert value.isoformat() == "2004-06"


def test_month_built_from_a_mid_month_day_is_still_displayed_as_a_month():
    assert PartialDate(dt.date(2004, 6, 15), M).display() == "June 2004"


def test_year_is_never_displayed_with_a_month_or_day():
    assert PartialDate(dt.date(2004, 6, 15), Y).display() == "2004"


@pytest.mark.parametrize(
    "text", ["2004", "June 2004", "15 June 2004", "1 January 1800", "December 2200"]
)
def test_display_round_trips_through_parse(text):
    assert PartialDate.parse(text).display() == text


# --- display_span --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        # Nothing known
        (None, None, "Dates unknown"),
        # Open ends
        ("June 2004", None, "From June 2004"),
        ("2004", None, "From 2004"),
        ("15 June 2004", None, "From 15 June 2004"),
        (None, "2021", "Until 2021"),
        (None, "March 2021", "Until March 2021"),
        # Same date
        ("17 March 2024", "17 March 2024", "17 March 2024"),
        ("March 2024", "March 2024", "March 2024"),
        ("2024", "2024", "2024"),
        # Days
        ("17 March 2024", "19 March 2024", "17–19 March 2024"),
        ("30 March 2024", "2 April 2024", "30 March – 2 April 2024"),
        ("30 December 2023", "2 January 2024", "30 December 2023 – 2 January 2024"),
        # Months
        ("March 2024", "June 2024", "March–June 2024"),
        ("December 2023", "January 2024", "December 2023 – January 2024"),
        # Years
        ("2013", "2017", "2013–2017"),
        # Mixed precisions
        ("June 2004", "2007", "June 2004 – 2007"),
        ("2004", "June 2007", "2004 – June 2007"),
        ("15 June 2004", "June 2004", "15 June 2004 – June 2004"),
        ("June 2004", "15 June 2004", "June 2004 – 15 June 2004"),
        ("2004", "15 March 2004", "2004 – 15 March 2004"),
        ("1 January 2004", "2004", "1 January 2004 – 2004"),
    ],
)
def test_display_span(start, end, shown):
    start = pd(start) if start else None
    end = pd(end) if end else None
    assert display_span(start, end) == shown


def test_display_span_open_end_suffix_applies_only_to_an_open_span():
    assert display_span(pd("June 2004"), None, open_end=" (still open)") == (
        "From June 2004 (still open)"
    )
    assert display_span(pd("2004"), pd("2007"), open_end=" (still open)") == "2004–2007"
    assert display_span(None, None, open_end=" (still open)") == "Dates unknown"
    assert display_span(None, pd("2021"), open_end=" (still open)") == "Until 2021"


def test_display_span_never_adds_a_day_to_a_month():
    shown = display_span(pd("June 2004"), pd("August 2004"))
    assert shown == "June–August 2004"
    assert "1 " not in shown


# --- Ordering, equality and hashing --------------------------------------------------------


def test_ordering_by_date():
    values = [pd("2007"), pd("15 June 2004"), pd("June 2004"), pd("2004-06-30"), pd("2003")]
    assert sorted(values) == [
        pd("2003"),
        pd("June 2004"),
        pd("15 June 2004"),
        pd("2004-06-30"),
        pd("2007"),
    ]


def test_ordering_of_equal_first_days_is_day_then_month_then_year():
    # Same stored first day: the tie is broken by the precision's value ("day" < "month" <
    # "year"), so the more precise date sorts first.
    day, month, year = pd("1 January 2004"), pd("January 2004"), pd("2004")
    assert sorted([year, month, day]) == [day, month, year]
    assert day < month < year


def test_comparison_operators():
    assert pd("2004") < pd("2005")
    assert pd("May 2004") < pd("June 2004")
    assert pd("June 2004") <= pd("June 2004")
    assert pd("2005") > pd("December 2004")
    assert pd("2005") >= pd("2005")


def test_equality_needs_same_date_and_precision():
    assert pd("June 2004") == PartialDate.month(2004, 6)
    assert pd("June 2004") == PartialDate(dt.date(2004, 6, 15), M)
    assert pd("June 2004") != pd("1 June 2004")
    assert pd("2004") != pd("1 January 2004")
    assert pd("2004") != pd("January 2004")


def test_hash_matches_equality():
    assert len({pd("June 2004"), PartialDate(dt.date(2004, 6, 20), M), pd("1 June 2004")}) == 2


# --- One wording for every output -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "ongoing", "shown"),
    [
        ("2004-06", "2004-06", False, "June 2004"),  # a summit: a dated point
        ("2025-06-15", "2025-06-15", False, "15 June 2025"),
        ("2013", "2017", False, "2013–2017"),
        ("2024-03-17", "2024-03-19", False, "17–19 March 2024"),
        ("2004", None, False, "From 2004; end not recorded"),
        ("2004", None, True, "2004 – present"),
        (None, None, True, "Start date not recorded – present"),
        (None, "2021", False, "Until 2021; start not recorded"),
        (None, None, False, "Dates not recorded"),
    ],
)
def test_describe_span_says_what_the_sources_say(start, end, ongoing, shown):
    from registry.partial_dates import describe_span

    start = pd(start) if start else None
    end = pd(end) if end else None
    assert describe_span(start, end, ongoing=ongoing) == shown


def test_describe_span_takes_the_callers_word_for_no_dates():
    from registry.partial_dates import describe_span

    assert describe_span(None, None, unknown="") == ""


@pytest.mark.parametrize(
    ("start", "end", "ongoing", "shown"),
    [
        ("2004", None, True, "2004 – present"),
        ("2004", None, False, "From 2004; end not recorded"),
        ("2013", "2017", False, "2013–2017"),
        (None, "2021", False, "Until 2021; start not recorded"),
    ],
)
def test_describe_reads_a_records_dates_and_whether_it_continues(start, end, ongoing, shown):
    from types import SimpleNamespace

    from registry.partial_dates import describe

    record = SimpleNamespace(
        start=pd(start) if start else None, end=pd(end) if end else None, ongoing=ongoing
    )
    assert describe(record) == shown


def test_describe_of_a_record_that_cannot_continue_and_the_callers_word_for_no_dates():
    from types import SimpleNamespace

    from registry.partial_dates import describe

    assert describe(SimpleNamespace(start=pd("2004"), end=None)) == "From 2004; end not recorded"
    assert describe(SimpleNamespace(start=None, end=None), unknown="") == ""
    assert describe(SimpleNamespace(start=None, end=None)) == "Dates not recorded"


def test_the_sql_rule_for_the_last_day_is_the_one_migration_0004_installs():
    """`LAST_DAY_SQL` is the body of `registry_latest`; the migrations that use the rule call
    that function rather than repeat it."""
    import importlib

    from registry.partial_dates import LAST_DAY_SQL

    installs = importlib.import_module("registry.migrations.0004_visitleg_within_visit")
    assert LAST_DAY_SQL.strip() in installs.CREATE
    uses = importlib.import_module(
        "registry.migrations.0017_single_holder_range_uses_registry_latest"
    )
    assert "interval" not in uses.CERTAIN_SPAN
    assert "registry_latest(start_date, start_precision)" in uses.CERTAIN_SPAN


DAYS = [
    dt.date(2024, 2, 28),
    dt.date(2024, 2, 29),
    dt.date(2024, 3, 1),
    dt.date(2023, 12, 31),
    dt.date(2024, 1, 1),
    dt.date(2024, 12, 31),
    dt.date(2025, 1, 1),
]
PERIODS = ["2024", "2024-02", "2024-12", "2023-12", "2024-02-29", "2024-03-01", "2025"]


@pytest.mark.django_db
def test_the_query_rule_for_the_last_day_agrees_with_python():
    from registry.models import Programme
    from registry.partial_dates import ends_on_or_after_q
    from tests import factories as f

    programmes = {text: f.create_programme(start="2000", end=text) for text in PERIODS}
    for day in DAYS:
        expected = {text for text in PERIODS if pd(text).latest >= day}
        found = Programme.objects.filter(
            ends_on_or_after_q("end_date", "end_precision", day),
            pk__in=[p.pk for p in programmes.values()],
        )
        assert {p.end.isoformat() for p in found} == expected, day


@pytest.mark.django_db
def test_the_sql_function_for_the_last_day_agrees_with_python():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("registry_latest is a PostgreSQL function")
    with connection.cursor() as cursor:
        for text in PERIODS:
            value = pd(text)
            cursor.execute("SELECT registry_latest(%s, %s)", [value.date, value.precision])
            assert cursor.fetchone()[0] == value.latest, text


@pytest.mark.django_db
@pytest.mark.parametrize("expression", ["field", "wrapped"])
def test_the_query_rule_for_the_last_day_agrees_with_python_for_a_day_in_the_query(expression):
    """The day may come from the query itself (another field, as the span constraints
    compare the end with the start): the rule truncates it as it truncates a given date."""
    from django.db.models import DateField, ExpressionWrapper, F, Value

    from registry.models import Programme
    from registry.partial_dates import ends_on_or_after_q
    from tests import factories as f

    programmes = {text: f.create_programme(start="2000", end=text) for text in PERIODS}
    for day in DAYS:
        on = F("day") if expression == "field" else ExpressionWrapper(F("day"), DateField())
        expected = {text for text in PERIODS if pd(text).latest >= day}
        found = Programme.objects.annotate(day=Value(day, DateField())).filter(
            ends_on_or_after_q("end_date", "end_precision", on),
            pk__in=[p.pk for p in programmes.values()],
        )
        assert {p.end.isoformat() for p in found} == expected, day


# --- in French --------------------------------------------------------------------------------


def _in(language: str, function, *args, **kwargs):
    from django.utils import translation

    with translation.override(language):
        return function(*args, **kwargs)


@pytest.mark.parametrize(
    ("text", "english", "french"),
    [
        ("2004", "2004", "2004"),
        ("June 2004", "June 2004", "juin 2004"),
        ("September 2006", "September 2006", "septembre 2006"),
        ("2024-03-17", "17 March 2024", "17 mars 2024"),
        ("2024-08-01", "1 August 2024", "1er août 2024"),
        ("2024-02-11", "11 February 2024", "11 février 2024"),
        ("2024-12-31", "31 December 2024", "31 décembre 2024"),
    ],
)
def test_a_date_reads_in_the_active_language(text, english, french):
    date = PartialDate.parse(text)
    assert _in("en-gb", date.display) == english
    assert _in("fr", date.display) == french
    assert _in("fr-fr", str, date) == french


def _span(start, end):
    return (
        PartialDate.parse(start) if start else None,
        PartialDate.parse(end) if end else None,
    )


@pytest.mark.parametrize(
    ("start", "end", "french"),
    [
        ("2024-03-17", "2024-03-19", "du 17 au 19 mars 2024"),
        ("2024-03-01", "2024-03-03", "du 1er au 3 mars 2024"),
        ("2024-02-28", "2024-03-02", "du 28 février au 2 mars 2024"),
        ("2024-02-01", "2024-03-01", "du 1er février au 1er mars 2024"),
        ("2024-12-30", "2025-01-02", "du 30 décembre 2024 au 2 janvier 2025"),
        ("2004-03", "2004-06", "de mars à juin 2004"),
        ("2004-11", "2005-02", "de novembre 2004 à février 2005"),
        ("2013", "2017", "de 2013 à 2017"),
        ("2004-06", "2006", "de juin 2004 à 2006"),
        ("2004-06-15", "2006", "du 15 juin 2004 à 2006"),
        ("2004", "2004-06-15", "de 2004 au 15 juin 2004"),
        ("2004-06", "2004-06", "juin 2004"),
        ("2004-06", None, "À partir de juin 2004"),
        ("2024-03-17", None, "À partir du 17 mars 2024"),
        (None, "2021", "Jusqu'en 2021"),
        (None, "2021-06", "Jusqu'en juin 2021"),
        (None, "2021-06-30", "Jusqu'au 30 juin 2021"),
        (None, None, "Dates inconnues"),
    ],
)
def test_a_span_reads_in_french(start, end, french):
    assert _in("fr", display_span, *_span(start, end)) == french


def test_an_open_end_is_added_in_french_too():
    start, _ = _span("2004-06", None)
    assert _in("fr", display_span, start, None, open_end=" ; en cours") == (
        "À partir de juin 2004 ; en cours"
    )


@pytest.mark.parametrize(
    ("start", "end", "ongoing", "english", "french"),
    [
        ("2013", "2017", False, "2013–2017", "de 2013 à 2017"),
        ("2004", None, True, "2004 – present", "2004 – aujourd'hui"),
        (None, None, True, "Start date not recorded – present", "Début non indiqué – aujourd'hui"),
        ("2004-06", None, False, "From June 2004; end not recorded",
         "À partir de juin 2004 ; fin non indiquée"),
        ("2024-03-17", None, False, "From 17 March 2024; end not recorded",
         "À partir du 17 mars 2024 ; fin non indiquée"),
        (None, "2021", False, "Until 2021; start not recorded",
         "Jusqu'en 2021 ; début non indiqué"),
        (None, "2021-06-30", False, "Until 30 June 2021; start not recorded",
         "Jusqu'au 30 juin 2021 ; début non indiqué"),
        (None, None, False, "Dates not recorded", "Dates non indiquées"),
    ],
)  # fmt: skip
def test_a_records_dates_read_in_the_active_language(start, end, ongoing, english, french):
    span = _span(start, end)
    assert _in("en-gb", describe_span, *span, ongoing=ongoing) == english
    assert _in("fr", describe_span, *span, ongoing=ongoing) == french


def test_a_wording_given_for_unknown_dates_is_kept_in_either_language():
    assert _in("fr", describe_span, None, None, unknown="Dates de cette étape non indiquées") == (
        "Dates de cette étape non indiquées"
    )
    assert _in("en-gb", describe_span, None, None, unknown="No dates") == "No dates"


def test_dates_text_is_a_records_own_wording_or_its_span():
    from types import SimpleNamespace

    from registry.partial_dates import dates_text

    plain = SimpleNamespace(start=pd("2013"), end=pd("2017"), ongoing=False)
    assert dates_text(plain) == "2013–2017"
    assert _in("fr", dates_text, plain) == "de 2013 à 2017"
    worded = SimpleNamespace(start=None, end=None, dates_text=lambda: "Three days")
    assert dates_text(worded) == "Three days"
    # An attribute that is not a method is not a wording.
    odd = SimpleNamespace(start=pd("2004"), end=None, ongoing=True, dates_text="stored text")
    assert dates_text(odd) == "2004 – present"
