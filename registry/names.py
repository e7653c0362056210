"""The name of a record, or of a city, as it was on the date of a fact.

An other name applies to a fact when the fact's dates lie certainly within the dates the
name was used, by the partial-date rules (the as-of rules' "certain"): a name used until
2019 applies to a visit of June 2004 but not to one of 2019, which may have come after the
change; a name used from March 2019 applies to a visit of April 2019 but not to one of
2019. A name with neither date applies to no fact: it is only listed. An open end (a name
used "until 2019", its start not given) reaches back to any earlier fact. With no date for
the fact, today's name is shown.

Views prefetch `other_names` (`registry.queries.common.other_names_prefetch`); nothing here
queries the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext

from registry.partial_dates import PartialDate
from registry.publication.visibility import is_public
from registry.translation import shown_text

if TYPE_CHECKING:  # the models use these functions: no import of the models at run time
    from registry.models.names import OtherName


@dataclass(frozen=True)
class NameThen:
    """A name on a date: `then`, and today's name `now`."""

    then: str
    now: str

    @property
    def differs(self) -> bool:
        return self.then != self.now

    def __str__(self) -> str:
        if not self.differs:
            return self.now
        # Translators: a former name with today's, e.g. "Tiflis (now Tbilisi)".
        return gettext("%(then)s (now %(name)s)") % {"then": self.then, "name": self.now}


def applies(other: OtherName, when: PartialDate) -> bool:
    """Whether `other` was certainly the name used all through `when`."""
    start, end = other.start, other.end
    if start is None and end is None:
        return False
    if start is not None and start.latest > when.earliest:
        return False
    return end is None or when.latest <= end.earliest


def _then(names: Iterable[OtherName], now: str, when: PartialDate | None) -> NameThen:
    if when is not None:
        for other in names:
            if applies(other, when):
                return NameThen(other.name, now)
    return NameThen(now, now)


def _names(record: models.Model | None) -> list[OtherName]:
    # A hidden record's names are as hidden as the record (a leg in a draft country).
    if record is None or not hasattr(record, "other_names") or not is_public(record):
        return []
    return list(record.other_names.all())


def name_on(record: models.Model, when: PartialDate | None, now: str | None = None) -> NameThen:
    """The record's name on `when`; `now` is its name today (default: `str(record)`), in
    the page's language when it is the record's translated name or title."""
    names = [n for n in _names(record) if not n.city]
    if now is None:
        now = str(record)
    for field in ("name", "title"):
        if field in getattr(record, "translated_fields", ()) and now == getattr(record, field):
            now = shown_text(record, field)
            break
    return _then(names, now, when)


def city_on(country: models.Model | None, city: str, when: PartialDate | None) -> NameThen:
    """A city's name on `when`, from the other names its country lists for it."""
    names = [n for n in _names(country) if n.city == city]
    return _then(names, city, when)
