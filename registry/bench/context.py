"""The generator's working state and the random helpers every step shares."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.text import slugify

from registry.models import Citation, Status
from registry.partial_dates import Precision

from . import words as w

BATCH = 2000
PUBLISHED = {"status": Status.PUBLISHED}


@dataclass(frozen=True)
class Sizes:
    """How many records of each kind to add for a number of visits."""

    visits: int
    people: int
    appointments: int
    legs: int
    meetings: int
    citations: int
    countries: int
    organisations: int
    positions: int
    offices: int
    sources: int
    topics: int
    events: int
    programmes: int
    participations: int

    @classmethod
    def for_visits(cls, visits: int) -> Sizes:
        """The issue's proportions: per 100,000 visits 10,000 people, 20,000 appointments,
        150,000 legs, 150,000 meetings and 50,000 citations; the rest in proportion, with a
        floor so that a tiny run still has every kind of record."""
        n = visits
        return cls(
            visits=n,
            people=max(3, n // 10),
            appointments=max(6, n // 5),
            legs=max(n, n * 3 // 2),
            meetings=n * 3 // 2,
            citations=n // 2,
            countries=min(len(w.OTHER_COUNTRIES), max(2, n // 2000)),
            organisations=max(8, n // 250),
            positions=max(8, n // 50),
            offices=max(1, n // 2000),
            sources=max(3, n // 20),
            topics=max(5, n // 1000),
            events=max(2, n // 200),
            programmes=max(2, n // 1000),
            participations=max(2, n // 100),
        )


def cumulative_weights(count: int, skew: float = 1.0) -> list[float]:
    """Zipf-like weights for `random.choices`: the first items are drawn far more often."""
    return list(itertools.accumulate(1 / (rank + 1) ** skew for rank in range(count)))


_SURNAME_WEIGHTS = cumulative_weights(len(w.COMMON_SURNAMES))
_DATE_SHAPES = ("day", "month", "year", "unknown")


@dataclass
class Context:
    """What the generator has made so far, as ids and a few attributes (never the big rows)."""

    rng: random.Random
    sizes: Sizes
    log: Callable[[str], None] = print
    taken: dict[str, set[str]] = field(default_factory=dict)
    # (pk, ISO code, name, cities)
    countries: list[tuple[int, str, str, list[str]]] = field(default_factory=list)
    partners: list[int] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    # (pk, sentences a citation may quote)
    sources: list[tuple[int, list[str]]] = field(default_factory=list)
    # (pk, name, country pk, kind)
    organisations: list[tuple[int, str, int | None, str]] = field(default_factory=list)
    nato: int = 0
    events: list[int] = field(default_factory=list)
    programmes: list[int] = field(default_factory=list)
    participations: list[int] = field(default_factory=list)
    offices: list[int] = field(default_factory=list)
    positions: list[tuple[int, int, bool]] = field(default_factory=list)  # pk, holders, NATO
    people: list[int] = field(default_factory=list)
    traveller_pool: list[int] = field(default_factory=list)
    counterparts: list[int] = field(default_factory=list)
    appointments: list[int] = field(default_factory=list)
    post_of: dict[int, int] = field(default_factory=dict)  # person -> their latest post
    travellers: list[tuple[int, int]] = field(default_factory=list)  # person, NATO post
    citations: list[Citation] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    traveller_names: dict[int, str] = field(default_factory=dict)
    _source_weights: list[float] = field(default_factory=list)
    _next_suffix: dict[tuple[str, str], int] = field(default_factory=dict)

    # Names and slugs

    def unique(self, kind: str, value: str, limit: int) -> str:
        """`value`, or `value (2)` (`value-2` for a slug) when a record of `kind` has it."""
        used = self.taken.setdefault(kind, set())
        is_slug = kind.endswith(".slug")
        base = value[:limit].rstrip("- ") if is_slug else value[:limit]
        candidate, n = base, self._next_suffix.get((kind, base), 2)
        while candidate in used:
            suffix = f"-{n}" if is_slug else f" ({n})"
            candidate = value[: limit - len(suffix)].rstrip("- ") + suffix
            n += 1
        # Remember where the numbering got to: common names would otherwise rescan it.
        self._next_suffix[(kind, base)] = n
        used.add(candidate)
        return candidate

    def slug(self, model: type[models.Model], text: str) -> str:
        limit = model._meta.get_field("slug").max_length
        return self.unique(f"{model.__name__}.slug", slugify(text) or "record", limit)

    # Words

    def surname(self, *, common: bool = False) -> str:
        if common or self.rng.random() < 0.7:
            return self.rng.choices(w.COMMON_SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]
        return (
            self.rng.choice(w.SURNAME_STARTS)
            + self.rng.choice(w.SURNAME_MIDDLES)
            + self.rng.choice(w.SURNAME_ENDS)
        )

    def city(self, country: int | None = None) -> str:
        if country is None:
            return self.rng.choice(self.rng.choice(self.countries)[3])
        return self.rng.choice(self.cities[country])

    @property
    def cities(self) -> dict[int, list[str]]:
        return {pk: cities for pk, _, _, cities in self.countries}

    def sentence(self) -> str:
        parts = w.SENTENCE_PARTS
        who = f"{self.rng.choice(w.GIVEN_NAMES)} {self.surname(common=True)}"
        verb, thing = self.rng.choice(parts["verbs"]), self.rng.choice(parts["objects"])
        return f"{who} {verb} {thing} in {self.city()}."

    def paragraph(self, sentences: int) -> str:
        body = [self.sentence() for _ in range(sentences)]
        return " ".join([*body, self.rng.choice(w.SENTENCE_PARTS["closings"])])

    def some(self, items: Sequence[int], low: int, high: int) -> list[int]:
        return self.rng.sample(list(items), min(len(items), self.rng.randint(low, high)))

    # Dates

    def day(self, first: int = 1992, last: int = 2025) -> dt.date:
        start = dt.date(first, 1, 1).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, dt.date(last, 12, 31).toordinal()))

    def partial(
        self, day: dt.date, shares: Sequence[int] = (80, 10, 6, 4)
    ) -> tuple[dt.date | None, str]:
        """`day` at a random precision (shares of day, month, year, unknown), normalised."""
        shape = self.rng.choices(_DATE_SHAPES, shares)[0]
        if shape == "unknown":
            return None, Precision.DAY
        if shape == "month":
            return day.replace(day=1), Precision.MONTH
        if shape == "year":
            return day.replace(month=1, day=1), Precision.YEAR
        return day, Precision.DAY

    def span(self, *, ongoing_share: float = 0.4) -> dict[str, Any]:
        """Start and end fields (or `ongoing`) for an office, post, programme or the like."""
        start = self.day(1992, 2020)
        start_date, start_precision = self.partial(start, (60, 20, 18, 2))
        values: dict[str, Any] = {"start_date": start_date, "start_precision": start_precision}
        if self.rng.random() < ongoing_share:
            return {**values, "ongoing": True}
        end = min(start + dt.timedelta(days=self.rng.randint(400, 5000)), dt.date(2025, 12, 31))
        end_date, end_precision = self.partial(end, (60, 20, 18, 2))
        return {**values, "end_date": end_date, "end_precision": end_precision}

    # Writing

    def save(self, model: type[models.Model], rows: list[models.Model]) -> list[models.Model]:
        created = model.objects.bulk_create(rows, batch_size=BATCH)
        name = str(model._meta.verbose_name_plural)
        self.created[name] = self.created.get(name, 0) + len(created)
        return created

    def cite(self, record_type: int, record_id: int, count: int) -> None:
        """Queue `count` citations of `record_id`, quoting a sentence of a random source."""
        if len(self._source_weights) != len(self.sources):
            # Some sources are cited far more often than others, as in a real registry.
            self._source_weights = cumulative_weights(len(self.sources), 0.8)
        for _ in range(count):
            source, sentences = self.rng.choices(self.sources, cum_weights=self._source_weights)[0]
            self.citations.append(
                Citation(
                    source_id=source,
                    content_type_id=record_type,
                    object_id=record_id,
                    quote=self.rng.choice(sentences),
                    locator=f"para. {self.rng.randint(1, len(sentences))}",
                )
            )
        if len(self.citations) >= BATCH:
            self.flush_citations()

    def flush_citations(self) -> None:
        if self.citations:
            self.save(Citation, self.citations)
            self.citations = []
