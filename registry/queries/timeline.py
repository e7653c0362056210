"""Timelines: every dated fact of the registry (a programme launched, a country joining a
partnership, an office opening, a summit, a visit, an appointment, a post created or
abolished), merged in date order by the database and read a page at a time.

Each kind of fact contributes the rows of its dated edges (start, end) to one `UNION ALL`
query of small rows (kind, edge, id, date, precision rank), ordered and sliced in SQL; only
the page's records are then loaded, one query per kind on the page. A page therefore costs
the same whatever the number of facts, and a count is never more than `COUNT_LIMIT`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from registry.models import (
    Appointment,
    Event,
    Office,
    Participation,
    Position,
    Programme,
    Visit,
    VisitLeg,
)
from registry.partial_dates import PartialDate

from .common import attach_citations
from .facts import in_countries_q
from .sections import COUNT_LIMIT

KINDS = {
    "participation": "Participation",
    "programme": "Programme",
    "office": "Office",
    "event": "Event",
    "visit": "Visit",
    "appointment": "Appointment",
    "position": "Post",
}


@dataclass
class Entry:
    """One dated fact of a timeline."""

    date: PartialDate | None
    kind: str
    label: str
    title: str
    url: str
    record: Any
    note: str = ""
    badges: list[str] = field(default_factory=list)
    edge: str = "start"

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


# --- One entry per dated edge of a record -----------------------------------------------


def participation_entry(p: Participation, edge: str, *, with_country: bool = True) -> Entry:
    title = f"{p.country.name}: {p.programme}" if with_country else str(p.programme)
    url = p.programme.get_absolute_url()
    if edge == "end":
        return Entry(p.end, "participation", "Partnership ended", title, url, p, edge=edge)
    preparing = p.stage == Participation.Stage.IN_PREPARATION
    badges = [p.programme.get_kind_display()] + (["In preparation"] if preparing else [])
    label = "Partnership in preparation" if preparing else "Partnership began"
    return Entry(p.start, "participation", label, title, url, p, p.summary, badges)


def programme_entry(programme: Programme, edge: str) -> Entry:
    url = programme.get_absolute_url()
    if edge == "end":
        return Entry(
            programme.end, "programme", "Programme ended", str(programme), url, programme, edge=edge
        )
    return Entry(
        programme.start,
        "programme",
        "Programme launched",
        str(programme),
        url,
        programme,
        programme.get_kind_display(),
    )


def office_entry(office: Office, edge: str) -> Entry:
    date, label = (
        (office.end, "Office closed") if edge == "end" else (office.start, "Office opened")
    )
    return Entry(
        date,
        "office",
        label,
        office.name,
        office.get_absolute_url(),
        office,
        office.city,
        edge=edge,
    )


def event_entry(event: Event, edge: str = "start") -> Entry:
    return Entry(
        event.start,
        "event",
        event.get_kind_display(),
        event.name,
        event.get_absolute_url(),
        event,
        event.city,
    )


def visit_entry(visit: Visit, edge: str = "start") -> Entry:
    who = visit.traveller.name if visit.traveller else ""
    if visit.traveller_position:
        who = f"{who}, {visit.traveller_position.title}" if who else str(visit.traveller_position)
    return Entry(visit.start, "visit", "Visit", visit.title, visit.get_absolute_url(), visit, who)


def appointment_entry(a: Appointment, edge: str) -> Entry:
    title = f"{a.person.name}: {a.position.title}"
    date, label = (a.end, "Left post") if edge == "end" else (a.start, "Took up post")
    return Entry(date, "appointment", label, title, a.person.get_absolute_url(), a, edge=edge)


def position_entry(position: Position, edge: str) -> Entry:
    date, label = (
        (position.end, "Post abolished") if edge == "end" else (position.start, "Post created")
    )
    return Entry(
        date, "position", label, position.title, position.get_absolute_url(), position, edge=edge
    )


BUILDERS: dict[str, Callable[[Any, str], Entry]] = {
    "participation": participation_entry,
    "programme": programme_entry,
    "office": office_entry,
    "event": event_entry,
    "visit": visit_entry,
    "appointment": appointment_entry,
    "position": position_entry,
}

# The edges each kind contributes: a summit and a visit are placed at their start only.
EDGES = {
    "participation": ("start", "end"),
    "programme": ("start", "end"),
    "office": ("start", "end"),
    "event": ("start",),
    "visit": ("start",),
    "appointment": ("start", "end"),
    "position": ("start", "end"),
}


# --- What each kind contributes -------------------------------------------------------------


def kind_querysets(countries: QuerySet | list | None = None) -> dict[str, QuerySet]:
    """Published records of every kind, limited to `countries` (a queryset or ids) if given,
    with what their entries show loaded alongside."""
    participations = Participation.objects.published().select_related("country", "programme")
    programmes = Programme.objects.published()
    offices = Office.objects.published()
    events = Event.objects.published()
    visits = Visit.objects.published().select_related("traveller", "traveller_position")
    appointments = Appointment.objects.published().select_related("person", "position")
    positions = Position.objects.published()
    if countries is not None:
        taking_part = Participation.objects.published().filter(country__in=countries)
        participations = participations.filter(country__in=countries)
        programmes = programmes.filter(pk__in=taking_part.values("programme_id"))
        offices = offices.filter(
            Q(host_country__in=countries)
            | Q(
                pk__in=Office.countries_covered.through.objects.filter(
                    country__in=countries
                ).values("office_id")
            )
        )
        events = events.filter(country__in=countries)
        visits = visits.filter(
            pk__in=VisitLeg.objects.filter(country__in=countries).values("visit_id")
        )
        in_country = in_countries_q(countries)
        positions = positions.filter(in_country)
        appointments = appointments.filter(
            position__in=Position.objects.published().filter(in_country)
        )
    return {
        "participation": participations,
        "programme": programmes,
        "office": offices,
        "event": events,
        "visit": visits,
        "appointment": appointments,
        "position": positions,
    }


KIND_NUMBERS = {kind: number for number, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Period:
    """Years from and to, inclusive; either may be open."""

    first: int | None = None
    last: int | None = None

    def q(self, date_field: str) -> Q:
        condition = Q()
        if self.first is not None:
            condition &= Q(**{f"{date_field}__gte": dt.date(self.first, 1, 1)})
        if self.last is not None:
            condition &= Q(**{f"{date_field}__lte": dt.date(self.last, 12, 31)})
        return condition


# Kinds whose undated records a record page's timeline still lists (after the dated ones):
# a partnership, a visit or a summit the sources give no date for is still a fact.
UNDATED_KINDS = ("participation", "event", "visit")


def _edge_rows(kind: str, queryset: QuerySet, edge: str, period: Period, undated: bool) -> QuerySet:
    date, precision = f"{edge}_date", f"{edge}_precision"
    if undated and edge == "start" and kind in UNDATED_KINDS:
        undated_flag = Case(
            When(**{f"{date}__isnull": True}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    else:
        # A constant, so that the database can read each kind in its index's order.
        queryset = queryset.filter(**{f"{date}__isnull": False})
        undated_flag = Value(0, output_field=IntegerField())
    return (
        queryset.filter(period.q(date))
        .order_by()
        .annotate(
            t_undated=undated_flag,
            t_day=F(date),
            # "day" < "month" < "year": for facts starting on the same day, the order of
            # the last day each may be, and the order of the models' date indexes.
            t_rank=F(precision),
            t_kind=Value(KIND_NUMBERS[kind], output_field=IntegerField()),
            t_edge=Value(1 if edge == "end" else 0, output_field=IntegerField()),
            t_id=F("pk"),
        )
        .values_list("t_undated", "t_day", "t_rank", "t_kind", "t_edge", "t_id")
    )


class Timeline:
    """The dated facts of the chosen kinds, countries and period, in date order."""

    def __init__(
        self,
        countries: QuerySet | list | None = None,
        kinds: list[str] | None = None,
        period: Period | None = None,
        *,
        newest_first: bool = False,
        with_country: bool = True,
        undated: bool = False,
    ) -> None:
        self.undated = undated
        self.querysets = kind_querysets(countries)
        self.with_country = with_country
        self.kinds = [kind for kind in KINDS if not kinds or kind in kinds]
        self.period = period or Period()
        self.newest_first = newest_first

    def rows(self) -> QuerySet:
        pieces = [
            _edge_rows(kind, self.querysets[kind], edge, self.period, self.undated)
            for kind in self.kinds
            for edge in EDGES[kind]
        ]
        first, *rest = pieces
        union = first.union(*rest, all=True) if rest else first
        order = ("t_day", "t_rank", "t_kind", "t_edge", "t_id")
        if self.newest_first:
            order = tuple(f"-{name}" for name in order)
        # Undated facts come last either way.
        return union.order_by("t_undated", *order)

    def count(self, limit: int = COUNT_LIMIT) -> int:
        """The number of facts, counted up to `limit` + 1 (so "more than `limit`")."""
        return self.rows().order_by()[: limit + 1].count()

    def entries(self, offset: int, size: int) -> list[Entry]:
        """The facts from `offset`, at most `size`, each with its record and citations."""
        rows = list(self.rows()[offset : offset + size])
        return self.load(rows)

    def load(self, rows: list[tuple]) -> list[Entry]:
        """The entries of `rows` (from `rows()`), in their order: one query per kind of fact
        and one for all their citations, whatever the kinds on the page."""
        kinds = list(KINDS)
        wanted: dict[str, list[int]] = defaultdict(list)
        for *_, kind_number, _, pk in rows:
            wanted[kinds[kind_number]].append(pk)
        records: dict[tuple[str, int], Any] = {}
        for kind in self.kinds:
            # A kind with nothing on the page still costs its query: constant counts.
            for record in self.querysets[kind].filter(pk__in=wanted[kind] or [-1]):
                records[(kind, record.pk)] = record
        attach_citations(records.values())
        entries = []
        for *_, kind_number, edge_number, pk in rows:
            kind = kinds[kind_number]
            record = records.get((kind, pk))
            if record is None:
                continue
            edge = "end" if edge_number else "start"
            if kind == "participation":
                entries.append(participation_entry(record, edge, with_country=self.with_country))
            else:
                entries.append(BUILDERS[kind](record, edge))
        return entries


def in_date_order(entries: list[Entry]) -> list[Entry]:
    """Entries earliest first, undated last (for a page that loaded the latest facts)."""

    def key(entry: Entry) -> tuple:
        if entry.date is None:
            return (1, dt.date.max, dt.date.max)
        return (0, entry.date.earliest, entry.date.latest)

    return sorted(entries, key=key)
