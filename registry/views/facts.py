"""Published facts shared by several pages: visit lists with their itineraries, posts with
their holders, officials met, and the dated entries of timelines.

Each loader runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from registry.filters import nulls_last
from registry.models import (
    Appointment,
    Country,
    Event,
    Meeting,
    Office,
    Organisation,
    Participation,
    Person,
    Position,
    Programme,
    Topic,
    Visit,
    VisitLeg,
)
from registry.partial_dates import PartialDate

from .base import hide_drafts, published_citations


def legs_prefetch() -> Prefetch:
    """A visit's stops in order, only in published countries."""
    return Prefetch(
        "legs",
        queryset=VisitLeg.objects.filter(country__in=Country.objects.published())
        .select_related("country")
        .order_by("order", "start_date", "pk"),
    )


def topics_prefetch(lookup: str = "topics") -> Prefetch:
    return Prefetch(lookup, queryset=Topic.objects.published().order_by("name"))


def visits_queryset() -> QuerySet:
    """Published visits, newest first (undated last), with traveller, post and itinerary."""
    return (
        Visit.objects.published()
        .select_related("traveller", "traveller_position")
        .prefetch_related(legs_prefetch(), published_citations())
        .order_by(*nulls_last("-start_date"), "title", "pk")
    )


def holders_prefetch(lookup: str = "appointments") -> Prefetch:
    """A post's published appointments, earliest first, undated last."""
    return Prefetch(
        lookup,
        queryset=Appointment.objects.published()
        .select_related("person")
        .prefetch_related(published_citations())
        .order_by(*nulls_last("start_date", "ordinal"), "pk"),
    )


def split_holders(position: Position) -> Position:
    """Sort a post's prefetched appointments into current (ongoing) and past/other holders.

    Only an appointment recorded as ongoing makes a current holder: an unknown end is not
    taken to mean the person is still in post."""
    appointments = list(position.appointments.all())
    position.current_appointments = [a for a in appointments if a.ongoing]
    position.past_appointments = [a for a in appointments if not a.ongoing]
    return position


def positions_with_holders(queryset: QuerySet) -> list[Position]:
    positions = list(
        queryset.select_related("organisation", "office").prefetch_related(
            holders_prefetch(), published_citations()
        )
    )
    hide_drafts(positions, "office")
    return [split_holders(position) for position in positions]


def officials_met(meetings: QuerySet) -> list[Meeting]:
    """Meetings with a published counterpart, each with the post held then and whether the
    counterpart is recorded as still holding it."""
    rows = list(
        meetings.filter(counterpart__in=Person.objects.published())
        .select_related("counterpart", "counterpart_position", "visit", "leg__country")
        .prefetch_related(
            Prefetch(
                "counterpart__appointments",
                queryset=Appointment.objects.published().filter(ongoing=True),
                to_attr="ongoing_appointments",
            )
        )
        .order_by(*nulls_last("-visit__start_date"), "visit__title", "order", "pk")
    )
    hide_drafts(rows, "counterpart_position")
    for meeting in rows:
        if meeting.leg is not None and not meeting.leg.country.is_published:
            meeting.leg = None
        meeting.still_in_post = meeting.counterpart_position is not None and any(
            a.position_id == meeting.counterpart_position_id
            for a in meeting.counterpart.ongoing_appointments
        )
    return rows


def in_countries_q(countries) -> Q:
    """Posts of a published organisation of one of `countries`, or based in a published
    office there (a draft organisation or office must not place a post)."""
    return Q(organisation__in=Organisation.objects.published().filter(country__in=countries)) | Q(
        office__in=Office.objects.published().filter(host_country__in=countries)
    )


def published_meetings() -> QuerySet:
    return Meeting.objects.filter(visit__in=Visit.objects.published())


# --- Timelines ----------------------------------------------------------------------------

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

    @property
    def sort_key(self) -> tuple:
        if self.date is None:
            return (1, dt.date.max, 0, self.title)
        return (0, self.date.earliest, self.date.latest, self.title)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def sort_entries(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda entry: entry.sort_key)


def participation_entries(participations, *, with_country: bool = False) -> list[Entry]:
    entries = []
    for p in participations:
        title = str(p.programme)
        if with_country:
            title = f"{p.country.name}: {title}"
        badges = [p.programme.get_kind_display()]
        if p.stage == Participation.Stage.IN_PREPARATION:
            badges.append("In preparation")
        entries.append(
            Entry(
                p.start,
                "participation",
                "Partnership in preparation"
                if p.stage == Participation.Stage.IN_PREPARATION
                else "Partnership began",
                title,
                p.programme.get_absolute_url(),
                p,
                p.summary,
                badges,
            )
        )
        if p.end:
            entries.append(
                Entry(p.end, "participation", "Partnership ended", title, entries[-1].url, p)
            )
    return entries


def visit_entries(visits) -> list[Entry]:
    entries = []
    for visit in visits:
        who = visit.traveller.name if visit.traveller else ""
        if visit.traveller_position:
            who = (
                f"{who}, {visit.traveller_position.title}" if who else str(visit.traveller_position)
            )
        entries.append(
            Entry(visit.start, "visit", "Visit", visit.title, visit.get_absolute_url(), visit, who)
        )
    return entries


def event_entries(events) -> list[Entry]:
    return [
        Entry(
            event.start,
            "event",
            event.get_kind_display(),
            event.name,
            event.get_absolute_url(),
            event,
            event.city,
        )
        for event in events
    ]


def office_entries(offices, *, dated_only: bool = False) -> list[Entry]:
    entries = []
    for office in offices:
        url = office.get_absolute_url()
        if office.start or not dated_only:
            entries.append(
                Entry(
                    office.start, "office", "Office opened", office.name, url, office, office.city
                )
            )
        if office.end:
            entries.append(
                Entry(office.end, "office", "Office closed", office.name, url, office, office.city)
            )
    return [entry for entry in entries if entry.date or not dated_only]


def programme_entries(programmes) -> list[Entry]:
    entries = []
    for programme in programmes:
        url = programme.get_absolute_url()
        if programme.start:
            entries.append(
                Entry(
                    programme.start,
                    "programme",
                    "Programme launched",
                    str(programme),
                    url,
                    programme,
                    programme.get_kind_display(),
                )
            )
        if programme.end:
            entries.append(
                Entry(programme.end, "programme", "Programme ended", str(programme), url, programme)
            )
    return entries


def appointment_entries(appointments) -> list[Entry]:
    entries = []
    for a in appointments:
        title = f"{a.person.name}: {a.position.title}"
        url = a.person.get_absolute_url()
        if a.start:
            entries.append(Entry(a.start, "appointment", "Took up post", title, url, a))
        if a.end:
            entries.append(Entry(a.end, "appointment", "Left post", title, url, a))
    return entries


def position_entries(positions) -> list[Entry]:
    entries = []
    for position in positions:
        url = position.get_absolute_url()
        if position.start:
            entries.append(
                Entry(position.start, "position", "Post created", position.title, url, position)
            )
        if position.end:
            entries.append(
                Entry(position.end, "position", "Post abolished", position.title, url, position)
            )
    return entries


def dated(queryset: QuerySet) -> QuerySet:
    """Records with a known start or end (a timeline shows only dated facts)."""
    return queryset.filter(Q(start_date__isnull=False) | Q(end_date__isnull=False))


def timeline_querysets(countries: QuerySet | list | None) -> dict[str, QuerySet]:
    """Every kind of dated fact, limited to `countries` (a queryset or ids) when given."""
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
        "participation": dated(participations),
        "programme": dated(programmes),
        "office": dated(offices),
        "event": events.filter(start_date__isnull=False),
        "visit": dated(visits),
        "appointment": dated(appointments),
        "position": dated(positions),
    }


BUILDERS = {
    "participation": lambda rows: participation_entries(rows, with_country=True),
    "programme": programme_entries,
    "office": lambda rows: office_entries(rows, dated_only=True),
    "event": event_entries,
    "visit": visit_entries,
    "appointment": appointment_entries,
    "position": position_entries,
}


def timeline_entries(querysets: dict[str, QuerySet]) -> list[Entry]:
    """Load each kind (with its citations) and merge them in date order."""
    entries: list[Entry] = []
    for kind, queryset in querysets.items():
        rows = list(queryset.prefetch_related(published_citations()))
        entries += BUILDERS[kind](rows)
    return sort_entries([entry for entry in entries if entry.date])


def partner_countries() -> QuerySet:
    return Country.objects.published().select_related("region").order_by("name")
