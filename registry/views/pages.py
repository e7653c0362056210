"""Public pages, one module per area; this module gathers them for `registry/urls.py`.

Every view reads through the model's `published()` queryset (`base.PublishedMixin`)."""

from __future__ import annotations

from .base import PageMixin, PublishedMixin, RecordDetailView, RecordListView
from .people import (
    AppointmentDetailView,
    OfficeDetailView,
    OfficeListView,
    PersonDetailView,
    PersonListView,
    PositionDetailView,
    PositionListView,
)
from .places import CountryDetailView, HomeView, RegionDetailView, RegionListView
from .programmes import (
    EventDetailView,
    EventListView,
    ParticipationDetailView,
    ProgrammeDetailView,
    ProgrammeListView,
    TopicDetailView,
    TopicListView,
)
from .sources import SourceDetailView, SourceListView
from .timeline import TimelineView
from .visits import MeetingListView, VisitDetailView, VisitListView

__all__ = [
    "AppointmentDetailView",
    "CountryDetailView",
    "EventDetailView",
    "EventListView",
    "HomeView",
    "MeetingListView",
    "OfficeDetailView",
    "OfficeListView",
    "PageMixin",
    "ParticipationDetailView",
    "PersonDetailView",
    "PersonListView",
    "PositionDetailView",
    "PositionListView",
    "ProgrammeDetailView",
    "ProgrammeListView",
    "PublishedMixin",
    "RecordDetailView",
    "RecordListView",
    "RegionDetailView",
    "RegionListView",
    "SourceDetailView",
    "SourceListView",
    "TimelineView",
    "TopicDetailView",
    "TopicListView",
    "VisitDetailView",
    "VisitListView",
]
