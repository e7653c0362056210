"""Filters shared by the public list pages and the API: `fields` holds the building
blocks, `sets` one FilterSet per list."""

from registry.queries.common import nulls_last, stable_order

from .fields import (
    AsOfFilter,
    CountryFilter,
    SearchFilter,
    SlugChoiceFilter,
    current_q,
    possibly_active_q,
)
from .sets import (
    AppointmentFilterSet,
    CountryFilterSet,
    EventFilterSet,
    MeetingFilterSet,
    OfficeFilterSet,
    ParticipationFilterSet,
    PersonFilterSet,
    PositionFilterSet,
    ProgrammeFilterSet,
    PublicChangeFilterSet,
    RegionFilterSet,
    ReleaseFilterSet,
    SourceFilterSet,
    TopicFilterSet,
    VisitFilter,
)

__all__ = [
    "AppointmentFilterSet",
    "AsOfFilter",
    "CountryFilter",
    "CountryFilterSet",
    "EventFilterSet",
    "MeetingFilterSet",
    "OfficeFilterSet",
    "ParticipationFilterSet",
    "PersonFilterSet",
    "PositionFilterSet",
    "ProgrammeFilterSet",
    "PublicChangeFilterSet",
    "RegionFilterSet",
    "ReleaseFilterSet",
    "SearchFilter",
    "SlugChoiceFilter",
    "SourceFilterSet",
    "TopicFilterSet",
    "VisitFilter",
    "current_q",
    "nulls_last",
    "possibly_active_q",
    "stable_order",
]
