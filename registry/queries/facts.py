"""Published facts shared by several pages: visit lists with their itineraries, posts with
their holders, officials met.

Each loader runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from registry.models import (
    Appointment,
    Country,
    Meeting,
    Office,
    Organisation,
    Person,
    Position,
    Visit,
)
from registry.models.visits import NEWEST_FIRST, OLDEST_FIRST
from registry.publication.visibility import hide_hidden, is_public

from .common import legs_prefetch, nulls_last, published_citations


def visits_queryset() -> QuerySet:
    """Published visits, newest first (undated last), with traveller, post and itinerary."""
    return (
        Visit.objects.published()
        .select_related("traveller", "traveller_position")
        .prefetch_related(legs_prefetch(), published_citations())
        .order_by(*newest_first())
    )


def newest_first() -> tuple:
    """Visits newest first, undated last, in the order of the index that serves it."""
    return (NEWEST_FIRST[0].desc(), F("pk").desc())


def oldest_first() -> tuple:
    """Visits oldest first, undated last, in the order of the index that serves it."""
    return (OLDEST_FIRST[0].asc(), F("pk").asc())


def holders_prefetch(lookup: str = "appointments") -> Prefetch:
    """A post's published appointments, earliest first, undated last (for a person's or an
    appointment's own list, which is short; a post's holders are capped: `with_holders`)."""
    return Prefetch(
        lookup,
        queryset=Appointment.objects.published()
        .select_related("person")
        .prefetch_related(published_citations())
        .order_by(*nulls_last("start_date", "ordinal"), "pk"),
    )


# Holders a post shows by default: those recorded as still in post, and the latest others.
CURRENT_HOLDERS, PAST_HOLDERS = 10, 3


def holder_count() -> Subquery:
    """The number of published appointments to a post, as a subquery evaluated only for
    the posts a page shows (an aggregate over a join would count every post's)."""
    counted = (
        Appointment.objects.published()
        .filter(position=OuterRef("pk"))
        .order_by()
        .values("position")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_holders(
    queryset: QuerySet,
    *,
    current: int = CURRENT_HOLDERS,
    past: int = PAST_HOLDERS,
    cited: bool = True,
) -> QuerySet:
    """Posts with their latest holders, bounded (`current` + `past` appointments, holders
    still in post first), and `holder_total`, the number of published appointments to the
    post; with `cited`, the post's own citations too. Pass the posts loaded to
    `prepare_holders` with the same caps."""
    appointments = (
        Appointment.objects.published()
        .select_related("person")
        .prefetch_related(
            published_citations(),
            Prefetch("attested_visit", queryset=Visit.objects.published()),
        )
    )
    # Holders still in post, then by the latest day the sources place them in it.
    last_known = Coalesce("end_date", "attested_date", "start_date")
    latest = ("-ongoing", last_known.desc(nulls_last=True), *nulls_last("-ordinal"), "-pk")
    return (
        queryset.select_related("organisation", "office")
        .annotate(holder_total=holder_count())
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=appointments.order_by(*latest)[: current + past],
                to_attr="latest_appointments",
            ),
            *([published_citations()] if cited else []),
        )
    )


def prepare_holders(
    positions: list[Position], *, current: int = CURRENT_HOLDERS, past: int = PAST_HOLDERS
) -> list[Position]:
    """Split each post's holders into `current_appointments` and `past_appointments`, name
    the `last_recorded` holder when none is current, hide hidden offices, and count the
    holders not shown (`more_holders`).

    Only an appointment recorded as ongoing makes a current holder: an unknown end is not
    taken to mean the person is still in post. Without one, the post names the latest
    holder the sources record and when they place them in post ("in post in March 2024"),
    rather than no one."""
    hide_hidden(positions, "office")
    for position in positions:
        latest = position.latest_appointments
        position.current_appointments = [a for a in latest if a.ongoing][:current]
        position.past_appointments = [a for a in latest if not a.ongoing][:past]
        position.last_recorded = (
            position.past_appointments[0]
            if position.past_appointments and not position.current_appointments
            else None
        )
        position.earlier_appointments = [
            a for a in position.past_appointments if a is not position.last_recorded
        ]
        shown = len(position.current_appointments) + len(position.past_appointments)
        position.more_holders = max(position.holder_total - shown, 0)
    return positions


def positions_with_holders(
    queryset: QuerySet, *, current: int = CURRENT_HOLDERS, past: int = PAST_HOLDERS
) -> list[Position]:
    positions = list(with_holders(queryset, current=current, past=past))
    return prepare_holders(positions, current=current, past=past)


def officials_met_queryset(meetings: QuerySet) -> QuerySet:
    """Meetings with a published counterpart, newest visit first, with the post held then;
    pass the rows loaded to `prepare_officials_met`."""
    return (
        meetings.filter(counterpart__in=Person.objects.published())
        .select_related("counterpart", "counterpart_position", "visit", "leg__country")
        .prefetch_related(
            Prefetch(
                "counterpart__appointments",
                queryset=Appointment.objects.published().filter(ongoing=True),
                to_attr="ongoing_appointments",
            )
        )
        .order_by(*meetings_newest_first())
    )


def meetings_newest_first() -> tuple:
    """Meetings by their visit, newest first (the visits' own index order, so that the
    database reads visits along it and stops at a page), then in the visit's order."""
    visit_key = Coalesce("visit__start_date", Value(dt.date.min), output_field=DateField())
    return (visit_key.desc(), F("visit_id").desc(), "order", "pk")


def prepare_officials_met(rows: list[Meeting]) -> list[Meeting]:
    """Hide hidden posts and countries, and say whether each counterpart is recorded as still
    holding the post they held then."""
    hide_hidden(rows, "counterpart_position")
    for meeting in rows:
        if meeting.leg is not None and not is_public(meeting.leg.country):
            meeting.leg = None
        meeting.still_in_post = meeting.counterpart_position is not None and any(
            a.position_id == meeting.counterpart_position_id
            for a in meeting.counterpart.ongoing_appointments
        )
    return rows


def officials_met(meetings: QuerySet) -> list[Meeting]:
    return prepare_officials_met(list(officials_met_queryset(meetings)))


def in_countries_q(countries) -> Q:
    """Posts of a published organisation of one of `countries`, or based in a published
    office there (a draft organisation or office must not place a post)."""
    return Q(organisation__in=Organisation.objects.published().filter(country__in=countries)) | Q(
        office__in=Office.objects.published().filter(host_country__in=countries)
    )


def published_meetings() -> QuerySet:
    return Meeting.objects.filter(visit__in=Visit.objects.published())


def partner_countries() -> QuerySet:
    return Country.objects.published().select_related("region").order_by("name")
