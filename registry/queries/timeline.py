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

from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

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
from registry.translation import record_title, shown_text

from .common import attach_citations
from .facts import in_countries_q
from .sections import COUNT_LIMIT

KINDS = {
    "participation": pgettext_lazy("timeline kind", "Participation"),
    "programme": pgettext_lazy("timeline kind", "Programme"),
    "office": pgettext_lazy("timeline kind", "Office"),
    "event": pgettext_lazy("timeline kind", "Event"),
    "visit": pgettext_lazy("timeline kind", "Visit"),
    "appointment": pgettext_lazy("timeline kind", "Appointment"),
    "position": pgettext_lazy("timeline kind", "Post"),
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
        return str(KINDS[self.kind])


# --- One entry per dated edge of a record -----------------------------------------------


def participation_entry(p: Participation, edge: str, *, with_country: bool = True) -> Entry:
    programme = record_title(p.programme)
    title = f"{shown_text(p.country, 'name')}: {programme}" if with_country else programme
    url = p.programme.get_absolute_url()
    if edge == "end":
        return Entry(p.end, "participation", _("Partnership ended"), title, url, p, edge=edge)
    preparing = p.stage == Participation.Stage.IN_PREPARATION
    badges = [p.programme.get_kind_display()] + ([_("In preparation")] if preparing else [])
    label = _("Partnership in preparation") if preparing else _("Partnership began")
    return Entry(p.start, "participation", label, title, url, p, shown_text(p, "summary"), badges)


def programme_entry(programme: Programme, edge: str) -> Entry:
    url = programme.get_absolute_url()
    if edge == "end":
        return Entry(
            programme.end,
            "programme",
            _("Programme ended"),
            record_title(programme),
            url,
            programme,
            edge=edge,
        )
    return Entry(
        programme.start,
        "programme",
        _("Programme launched"),
        record_title(programme),
        url,
        programme,
        programme.get_kind_display(),
    )


def office_entry(office: Office, edge: str) -> Entry:
    date, label = (
        (office.end, _("Office closed")) if edge == "end" else (office.start, _("Office opened"))
    )
    return Entry(
        date,
        "office",
        label,
        shown_text(office, "name"),
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
        shown_text(event, "name"),
        event.get_absolute_url(),
        event,
        event.city,
    )


def visit_entry(visit: Visit, edge: str = "start") -> Entry:
    who = visit.traveller.name if visit.traveller else ""
    if visit.traveller_position:
        post = shown_text(visit.traveller_position, "title")
        who = f"{who}, {post}" if who else post
    title = shown_text(visit, "title")
    return Entry(
        visit.start,
        "visit",
        pgettext("timeline", "Visit"),
        title,
        visit.get_absolute_url(),
        visit,
        who,
    )


def appointment_entry(a: Appointment, edge: str) -> Entry:
    title = f"{a.person.name}: {shown_text(a.position, 'title')}"
    date, label = (a.end, _("Left post")) if edge == "end" else (a.start, _("Took up post"))
    return Entry(date, "appointment", label, title, a.person.get_absolute_url(), a, edge=edge)


def position_entry(position: Position, edge: str) -> Entry:
    date, label = (
        (position.end, _("Post abolished"))
        if edge == "end"
        else (position.start, _("Post created"))
    )
    title = shown_text(position, "title")
    return Entry(date, "position", label, title, position.get_absolute_url(), position, edge=edge)


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

# A row of the timeline: its sort key (undated flag, date, precision, kind, edge, id).
Row = tuple[int, dt.date | None, str, int, int, int]


def _edge_rows(
    kind: str, queryset: QuerySet, edge: str, period: Period, *, dated: bool = True
) -> QuerySet:
    """The sort keys of one kind's edge: dated rows, or (`dated=False`) the undated ones."""
    date, precision = f"{edge}_date", f"{edge}_precision"
    queryset = queryset.filter(**{f"{date}__isnull": not dated})
    if dated:
        queryset = queryset.filter(period.q(date))
    return (
        queryset.order_by()
        .annotate(
            t_undated=Value(0 if dated else 1, output_field=IntegerField()),
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


def _after(rows: QuerySet, kind: str, edge: str, cursor: Row, *, backwards: bool) -> QuerySet:
    """The rows of one kind's edge that come after `cursor` in timeline order (before it,
    `backwards`), as index range conditions: within a kind the order is (date, precision,
    id), and the kind and edge, constant here, rank it against the cursor's."""
    _, day, rank, cursor_kind, cursor_edge, pk = cursor
    mine = (KIND_NUMBERS[kind], 1 if edge == "end" else 0)
    later = "lt" if backwards else "gt"
    at_least = f"{later[0]}te"
    date, precision = f"{edge}_date", f"{edge}_precision"
    same_day = Q(**{date: day})
    beyond = Q(**{f"{date}__{later}": day}) | (same_day & Q(**{f"{precision}__{later}": rank}))
    tie = same_day & Q(**{precision: rank})
    if mine == (cursor_kind, cursor_edge):
        tie &= Q(**{f"pk__{later}": pk})
    elif (mine < (cursor_kind, cursor_edge)) != backwards:
        tie = Q(pk__in=[])
    # The first condition repeats the others' bound so that the index range starts there.
    return rows.filter(**{f"{date}__{at_least}": day}).filter(beyond | tie)


class Timeline:
    """The facts of the chosen kinds, countries and period, in date order.

    Each kind's edge is read in its index's order, at most a page of rows from where the
    page starts (a cursor: the sort key of the row before it), and the kinds are merged
    here: a page costs the same however deep it is and however many facts there are."""

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

    def edges(self) -> list[tuple[str, str]]:
        return [(kind, edge) for kind in self.kinds for edge in EDGES[kind]]

    def rows(self, size: int, after: Row | None = None, *, backwards: bool = False) -> list[Row]:
        """Up to `size` rows after the cursor `after` (before it, `backwards`), in the
        timeline's order; undated rows, when asked for, come after every dated one."""
        descending = self.newest_first != backwards
        order = ("t_day", "t_rank", "t_id")
        order = tuple(f"-{name}" for name in order) if descending else order
        found: list[Row] = []
        for kind, edge in self.edges():
            rows = _edge_rows(kind, self.querysets[kind], edge, self.period)
            if after is not None and not after[0]:
                rows = _after(rows, kind, edge, after, backwards=descending)
            elif after is not None:
                rows = rows.none()  # past the dated rows already
            found += list(rows.order_by(*order)[:size])
        found.sort(key=_sort_key, reverse=descending)
        found = found[:size]
        if self.undated and not backwards:
            # Read even when the dated rows fill the page, so that a page's queries are the
            # same whatever the data.
            found += self._undated(size, after)[: size - len(found)]
        return found

    def _undated(self, size: int, after: Row | None) -> list[Row]:
        found: list[Row] = []
        for kind in self.kinds:
            if kind not in UNDATED_KINDS:
                continue
            rows = _edge_rows(kind, self.querysets[kind], "start", self.period, dated=False)
            if after is not None and after[0]:
                rows = (
                    rows.filter(pk__gt=after[5])
                    if KIND_NUMBERS[kind] == after[3]
                    else (rows if KIND_NUMBERS[kind] > after[3] else rows.none())
                )
            found += list(rows.order_by("t_id")[:size])
        found.sort(key=_sort_key)
        return found[:size]

    def count(self, limit: int = COUNT_LIMIT) -> int:
        """The number of facts, counted up to `limit` + 1 (so "more than `limit`")."""
        pieces = [_edge_rows(k, self.querysets[k], e, self.period) for k, e in self.edges()]
        if self.undated:
            pieces += [
                _edge_rows(k, self.querysets[k], "start", self.period, dated=False)
                for k in self.kinds
                if k in UNDATED_KINDS
            ]
        first, *rest = pieces
        union = first.union(*rest, all=True) if rest else first
        return union[: limit + 1].count()

    def entries(self, size: int, after: Row | None = None) -> list[Entry]:
        """The first `size` facts after `after`, each with its record and citations."""
        return self.load(self.rows(size, after))

    def load(self, rows: list[tuple]) -> list[Entry]:
        """The entries of `rows` (from `rows()`), in their order: one query per kind of fact
        and one for all their citations, whatever the kinds on the page."""
        kinds = list(KINDS)
        wanted: dict[str, list[int]] = defaultdict(list)
        for *_rest, kind_number, _edge, pk in rows:
            wanted[kinds[kind_number]].append(pk)
        records: dict[tuple[str, int], Any] = {}
        for kind in self.kinds:
            # A kind with nothing on the page still costs its query: constant counts.
            for record in self.querysets[kind].filter(pk__in=wanted[kind] or [-1]):
                records[(kind, record.pk)] = record
        attach_citations(records.values())
        entries = []
        for *_rest, kind_number, edge_number, pk in rows:
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


def _sort_key(row: Row) -> tuple:
    undated, day, rank, kind, edge, pk = row
    return (undated, day or dt.date.min, rank, kind, edge, pk)


def encode_cursor(row: Row) -> str:
    """A row's sort key as a URL parameter: "2004-06-01.month.3.0.41"."""
    undated, day, rank, kind, edge, pk = row
    return ".".join(["u" if undated else day.isoformat(), rank, str(kind), str(edge), str(pk)])


def decode_cursor(text: str) -> Row | None:
    """The sort key of `encode_cursor`, or None if `text` is not one."""
    parts = text.split(".")
    if len(text) > 60 or len(parts) != 5:
        return None
    day, rank, kind, edge, pk = parts
    if rank not in {"day", "month", "year"} or not all(p.isdigit() for p in (kind, edge, pk)):
        return None
    if int(kind) >= len(KINDS) or edge not in {"0", "1"} or len(pk) > 18:
        return None
    if day == "u":
        return (1, None, rank, int(kind), int(edge), int(pk))
    try:
        return (0, dt.date.fromisoformat(day), rank, int(kind), int(edge), int(pk))
    except ValueError:
        return None
