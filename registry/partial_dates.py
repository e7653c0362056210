"""Dates known to a day, a month or only a year.

The sources say "June 2004", "2013" or "17 March 2024". A `PartialDate` keeps the first day
of the period it names together with its precision, so that it sorts and filters like a date
but is never shown more precisely than the source gave it.

This module is the one home of the two rules every output and every check relies on:

* the last day a partial date covers: `PartialDate.latest` in Python, `ends_on_or_after_q`
  for queries and model constraints, and the SQL function `registry_latest` (migration
  0004, `LAST_DAY_SQL`) for the PostgreSQL exclusion constraint and triggers;
* how a date or a span reads: `describe_span`, used by the pages, feeds, calendar, CSV and
  API alike, in the active language: English ("June 2004", "17–19 March 2024") or French
  ("juin 2004", "du 17 au 19 mars 2024").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncMonth, TruncYear
from django.utils import translation

# Month names as the site writes them, whatever the process's locale (calendar.month_name
# follows it).
FRENCH_MONTHS = (
    "",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
ENGLISH_MONTHS = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def in_french() -> bool:
    """Whether dates are written in French: the active language is French."""
    return (translation.get_language() or "").lower().startswith("fr")


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_ISO = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?$")
_WORDS = re.compile(
    r"^(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$"
)
_MONTH_FIRST = re.compile(
    r"^(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})$"
)
MIN_YEAR, MAX_YEAR = 1800, 2200


class PartialDateError(ValueError):
    """Raised for text that is not a date we can store."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date at day, month or year precision; `date` is the first day of that period."""

    date: dt.date
    precision: str = Precision.DAY

    def __post_init__(self) -> None:
        if self.precision not in Precision.values:
            raise PartialDateError(f"Unknown precision {self.precision!r}.")
        if self.precision == Precision.MONTH and self.date.day != 1:
            object.__setattr__(self, "date", self.date.replace(day=1))
        if self.precision == Precision.YEAR and (self.date.month, self.date.day) != (1, 1):
            object.__setattr__(self, "date", self.date.replace(month=1, day=1))

    @classmethod
    def year(cls, year: int) -> PartialDate:
        return cls(dt.date(year, 1, 1), Precision.YEAR)

    @classmethod
    def month(cls, year: int, month: int) -> PartialDate:
        return cls(dt.date(year, month, 1), Precision.MONTH)

    @classmethod
    def day(cls, year: int, month: int, day: int) -> PartialDate:
        return cls(dt.date(year, month, day), Precision.DAY)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read "2004", "2004-06", "2004-06-15", "June 2004", "15 June 2004" or "June 15, 2004"."""
        if "\x00" in str(text):
            raise PartialDateError("A date cannot contain a NUL character.")
        value = " ".join(str(text).split()).lower()
        if not value:
            raise PartialDateError("Enter a date such as 2004, June 2004 or 2004-06-15.")
        year = month = day = None
        if match := _ISO.match(value):
            year, month, day = match["year"], match["month"], match["day"]
        elif match := _WORDS.match(value) or _MONTH_FIRST.match(value):
            if match["month"] not in MONTHS:
                raise PartialDateError(f"{text!r} is not a month we know.")
            year, month, day = match["year"], MONTHS[match["month"]], match["day"]
        else:
            raise PartialDateError(
                f"{text!r} is not a date. Use 2004, June 2004, 15 June 2004 or 2004-06-15."
            )
        year = int(year)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PartialDateError(f"The year must be between {MIN_YEAR} and {MAX_YEAR}.")
        try:
            if month is None:
                return cls.year(year)
            if day is None:
                return cls.month(year, int(month))
            return cls.day(year, int(month), int(day))
        except ValueError as exc:
            raise PartialDateError(f"{text!r} is not a real date ({exc}).") from None

    @property
    def earliest(self) -> dt.date:
        return self.date

    @property
    def latest(self) -> dt.date:
        """The last day the period covers."""
        if self.precision == Precision.YEAR:
            return self.date.replace(month=12, day=31)
        if self.precision == Precision.MONTH:
            last = calendar.monthrange(self.date.year, self.date.month)[1]
            return self.date.replace(day=last)
        return self.date

    def isoformat(self) -> str:
        """ISO 8601 at reduced precision: "2004", "2004-06" or "2004-06-15"."""
        if self.precision == Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def display(self) -> str:
        """Human form at the stored precision: "2004", "June 2004", "15 June 2004"; in
        French "2004", "juin 2004", "15 juin 2004" and "1er juin 2004"."""
        if self.precision == Precision.YEAR:
            return str(self.date.year)
        french = in_french()
        month_name = (FRENCH_MONTHS if french else ENGLISH_MONTHS)[self.date.month]
        if self.precision == Precision.MONTH:
            return f"{month_name} {self.date.year}"
        return f"{_day_number(self.date.day, french)} {month_name} {self.date.year}"

    __str__ = display


# The SQL form of `PartialDate.latest` (the PostgreSQL function `registry_latest`).
LAST_DAY_SQL = """
  SELECT CASE p
    WHEN 'year' THEN (d + interval '1 year' - interval '1 day')::date
    WHEN 'month' THEN (d + interval '1 month' - interval '1 day')::date
    ELSE d END
"""


def ends_on_or_after_q(date_field: str, precision_field: str, day) -> Q:
    """The stored period's last day (`PartialDate.latest`) is on or after `day`, a date or
    an expression of one. A month or a year is stored as its first day, so its first day
    is compared with `day` truncated to the period's precision: the same test, and one
    that every database runs on an index."""
    if isinstance(day, dt.date):
        month, year = day.replace(day=1), day.replace(month=1, day=1)
    else:
        # A field given as F("name") is truncated by name, as the migrations state it.
        field = day.name if isinstance(day, F) else day
        month, year = TruncMonth(field), TruncYear(field)
    return (
        Q(**{precision_field: Precision.DAY, f"{date_field}__gte": day})
        | Q(**{precision_field: Precision.MONTH, f"{date_field}__gte": month})
        | Q(**{precision_field: Precision.YEAR, f"{date_field}__gte": year})
    )


def _from_fr(date: PartialDate) -> str:
    """ "du 17 mars 2024", "de juin 2004", "de 2004": a span's start in French."""
    return f"du {date.display()}" if date.precision == Precision.DAY else f"de {date.display()}"


def _to_fr(date: PartialDate) -> str:
    """ "au 19 mars 2024", "à juin 2006", "à 2017": a span's end in French."""
    return f"au {date.display()}" if date.precision == Precision.DAY else f"à {date.display()}"


def _since_fr(date: PartialDate) -> str:
    return (
        f"À partir du {date.display()}"
        if date.precision == Precision.DAY
        else (f"À partir de {date.display()}")
    )


def _until_fr(date: PartialDate) -> str:
    return (
        f"Jusqu'au {date.display()}"
        if date.precision == Precision.DAY
        else (f"Jusqu'en {date.display()}")
    )


def _display_span_fr(start: PartialDate | None, end: PartialDate | None, *, open_end: str) -> str:
    """A span in French: "du 17 au 19 mars 2024", "de 2013 à 2017", "jusqu'en 2021"."""
    if start is None and end is None:
        return "Dates inconnues"
    if end is None:
        return f"{_since_fr(start)}{open_end}"
    if start is None:
        return _until_fr(end)
    if start == end:
        return start.display()
    same_precision = start.precision == end.precision
    same_year = start.date.year == end.date.year
    if same_precision and start.precision == Precision.DAY and same_year:
        if start.date.month == end.date.month:
            return f"du {_day_number(start.date.day, True)} au {end.display()}"
        first = f"{_day_number(start.date.day, True)} {FRENCH_MONTHS[start.date.month]}"
        return f"du {first} au {end.display()}"
    if same_precision and start.precision == Precision.MONTH and same_year:
        return f"de {FRENCH_MONTHS[start.date.month]} à {end.display()}"
    return f"{_from_fr(start)} {_to_fr(end)}"


def describe_span(
    start: PartialDate | None,
    end: PartialDate | None,
    *,
    ongoing: bool = False,
    unknown: str | None = None,
) -> str:
    """How a record's dates read everywhere they are shown, saying no more than the sources.

    A dated point (start and end the same, as for a summit) reads as one date: "June 2004".
    A span reads "2013–2017"; one known to continue, "2004 – present"; one whose end the
    sources do not give, "From 2004; end not recorded", never as if it went on. In French:
    "de 2013 à 2017", "2004 – aujourd'hui", "À partir de 2004 ; fin non indiquée"."""
    if in_french():
        return _describe_span_fr(start, end, ongoing=ongoing, unknown=unknown)
    if ongoing:
        return f"{start.display()} – present" if start else "Start date not recorded – present"
    if start and end:
        return display_span(start, end)
    if start:
        return f"From {start.display()}; end not recorded"
    if end:
        return f"Until {end.display()}; start not recorded"
    return "Dates not recorded" if unknown is None else unknown


def _describe_span_fr(
    start: PartialDate | None, end: PartialDate | None, *, ongoing: bool, unknown: str | None
) -> str:
    if ongoing:
        return f"{start.display()} – aujourd'hui" if start else "Début non indiqué – aujourd'hui"
    if start and end:
        return _display_span_fr(start, end, open_end="")
    if start:
        return f"{_since_fr(start)} ; fin non indiquée"
    if end:
        return f"{_until_fr(end)} ; début non indiqué"
    return "Dates non indiquées" if unknown is None else unknown


def describe(record, unknown: str | None = None) -> str:
    """`describe_span` of a record with `start`, `end` and perhaps `ongoing`."""
    return describe_span(
        record.start, record.end, ongoing=bool(getattr(record, "ongoing", False)), unknown=unknown
    )


def dates_text(record) -> str:
    """A record's dates as outputs show them: its own `dates_text()` where it words more
    than its dates (a visit known only by its length), else `describe`."""
    own = getattr(record, "dates_text", None)
    return own() if callable(own) else describe(record)


def _day_number(day: int, french: bool) -> str:
    return "1er" if french and day == 1 else str(day)


def display_span(start: PartialDate | None, end: PartialDate | None, *, open_end: str = "") -> str:
    """A readable span: "17–19 March 2024", "2013–2017", "Until 2021", "From June 2004"."""
    if in_french():
        return _display_span_fr(start, end, open_end=open_end)
    if start is None and end is None:
        return "Dates unknown"
    if end is None:
        return f"From {start.display()}{open_end}"
    if start is None:
        return f"Until {end.display()}"
    if start == end:
        return start.display()
    same_precision = start.precision == end.precision
    if same_precision and start.precision == Precision.DAY:
        if start.date.year == end.date.year and start.date.month == end.date.month:
            return f"{start.date.day}–{end.display()}"
        if start.date.year == end.date.year:
            return f"{start.date.day} {ENGLISH_MONTHS[start.date.month]} – {end.display()}"
    if same_precision and start.precision == Precision.MONTH and start.date.year == end.date.year:
        return f"{ENGLISH_MONTHS[start.date.month]}–{end.display()}"
    if same_precision and start.precision == Precision.YEAR:
        return f"{start.display()}–{end.display()}"
    return f"{start.display()} – {end.display()}"
