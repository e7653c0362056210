"""Dates known to a day, a month or only a year.

The sources say "June 2004", "2013" or "17 March 2024". A `PartialDate` keeps the first day
of the period it names together with its precision, so that it sorts and filters like a date
but is never shown more precisely than the source gave it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models


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
        """Human form at the stored precision: "2004", "June 2004", "15 June 2004"."""
        if self.precision == Precision.YEAR:
            return str(self.date.year)
        month_name = calendar.month_name[self.date.month]
        if self.precision == Precision.MONTH:
            return f"{month_name} {self.date.year}"
        return f"{self.date.day} {month_name} {self.date.year}"

    __str__ = display


def display_span(start: PartialDate | None, end: PartialDate | None, *, open_end: str = "") -> str:
    """A readable span: "17–19 March 2024", "2013–2017", "Until 2021", "From June 2004"."""
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
            return f"{start.date.day} {calendar.month_name[start.date.month]} – {end.display()}"
    if same_precision and start.precision == Precision.MONTH and start.date.year == end.date.year:
        return f"{calendar.month_name[start.date.month]}–{end.display()}"
    if same_precision and start.precision == Precision.YEAR:
        return f"{start.display()}–{end.display()}"
    return f"{start.display()} – {end.display()}"
