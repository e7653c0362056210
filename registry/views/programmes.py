"""Partnership programmes, summits and other events, and topics."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse

from registry.filters import EventFilterSet, ProgrammeFilterSet
from registry.models import Event, Participation, Position, Programme, Topic
from registry.partial_dates import dates_text
from registry.publication.visibility import hide_hidden
from registry.queries import facts
from registry.queries.common import nulls_last, published_citations, topics_prefetch
from registry.queries.sections import bounded, list_url

from . import as_of
from .base import RecordDetailView, RecordListView
from .places import place_schema

# Lists on a programme or summit page that are short by nature are still capped.
LINKED_CAP = 50


class ProgrammeListView(RecordListView):
    model = Programme
    template_name = "registry/programme_list.html"
    page_title = "Programmes"
    meta_description = (
        "NATO partnership programmes, action plans, dialogues and forums with the South "
        "Caucasus and Central Asia: what each is, when it ran and what replaced it."
    )
    select = ("replaces", "part_of")
    ordering = (*nulls_last("start_date"), "name", "pk")
    filterset_class = ProgrammeFilterSet
    filter_phrases = {
        "country": " with {}",
        "source": " citing “{}”",
        "q": " matching “{}”",
    }

    def prefetches(self):
        return [Prefetch("replaced_by", queryset=Programme.objects.published().order_by("name"))]

    def prepare(self, records):
        hide_hidden(records, "replaces", "part_of")
        self.footnotes.cite_all(records)
        return {}


class ProgrammeDetailView(as_of.AsOfMixin, RecordDetailView):
    model = Programme
    template_name = "registry/programme_detail.html"
    select = ("replaces", "part_of", "launched_at")
    section_label, section_url = "Programmes", "programme-list"
    as_of_noun, as_of_own_text = "programme", "running"

    def as_of_view(self, programme, day):
        taking_part = as_of.participations(day, "country", programme=programme)
        return as_of.AsOfView(day, groups=[("Countries taking part", taking_part)])

    def prefetches(self):
        return [
            Prefetch(
                "replaced_by",
                queryset=Programme.objects.published().order_by("name", "pk")[:LINKED_CAP],
                to_attr="replaced_by_list",
            ),
            Prefetch(
                "components",
                queryset=Programme.objects.published().order_by("name", "pk")[:LINKED_CAP],
                to_attr="components_list",
            ),
        ]

    def load_related(self, programme):
        hide_hidden([programme], "replaces", "part_of", "launched_at")
        participations = bounded(
            Participation.objects.published()
            .filter(programme=programme)
            .select_related("country")
            .prefetch_related(published_citations())
            .order_by(*nulls_last("start_date"), "country__name", "pk"),
            reverse("api:participation-list") + f"?programme={programme.slug}",
            cap=LINKED_CAP,
        )
        self.footnotes.cite_all(participations)
        return {"participations": participations}

    def get_meta_description(self):
        programme = self.object
        return f"{programme}: {programme.get_kind_display().lower()}. " + programme.description


class EventListView(RecordListView):
    model = Event
    template_name = "registry/event_list.html"
    page_title = "Summits and events"
    meta_description = (
        "NATO summits and meetings that decided the Alliance's partnership with the South "
        "Caucasus and Central Asia, with their decisions and sources."
    )
    select = ("country",)
    ordering = (*nulls_last("start_date"), "name", "pk")
    filterset_class = EventFilterSet
    filter_phrases = {
        "country": " in {}",
        "topic": " on {}",
        "year": " in {}",
        "source": " citing “{}”",
        "q": " matching “{}”",
    }

    def prepare(self, records):
        hide_hidden(records, "country")
        self.footnotes.cite_all(records)
        return {}


class EventDetailView(RecordDetailView):
    model = Event
    template_name = "registry/event_detail.html"
    select = ("country",)
    section_label, section_url = "Summits and events", "event-list"

    def prefetches(self):
        return [
            topics_prefetch(),
            Prefetch(
                "programmes_launched",
                queryset=Programme.objects.published().order_by("name", "pk")[:LINKED_CAP],
                to_attr="programmes_launched_list",
            ),
            Prefetch(
                "positions_established",
                queryset=Position.objects.published().order_by("title", "pk")[:LINKED_CAP],
                to_attr="positions_established_list",
            ),
        ]

    def load_related(self, event):
        hide_hidden([event], "country")
        return {}

    def get_meta_description(self):
        event = self.object
        return f"{event.name}: what NATO decided, where and when. {event.summary}"

    def get_jsonld(self):
        event = self.object
        data = {"@type": "Event", "name": event.name, "url": self.absolute(event)}
        if event.start:
            data["startDate"] = event.start.isoformat()
        if event.end:
            data["endDate"] = event.end.isoformat()
        if event.summary:
            data["description"] = event.summary
        if place := place_schema(event):
            data["location"] = place
        data["organizer"] = {"@type": "GovernmentOrganization", "name": "NATO"}
        return data


class TopicListView(RecordListView):
    model = Topic
    template_name = "registry/topic_list.html"
    page_title = "Topics"
    meta_description = (
        "Topics of NATO's partnership with the South Caucasus and Central Asia, from energy "
        "security to demining, with the visits and events that addressed them."
    )
    ordering = ("name", "pk")
    paginate_by = 50

    def prepare(self, records):
        self.footnotes.cite_all(records)
        return {}


class TopicDetailView(RecordDetailView):
    model = Topic
    template_name = "registry/topic_detail.html"
    section_label, section_url = "Topics", "topic-list"

    def load_related(self, topic):
        visits = bounded(
            facts.visits_queryset().filter(topics=topic), list_url("visit-list", topic=topic)
        )
        events = bounded(
            Event.objects.published()
            .filter(topics=topic)
            .prefetch_related(published_citations())
            .order_by(*nulls_last("-start_date"), "name", "pk"),
            list_url("event-list", topic=topic),
        )
        meetings = bounded(
            facts.published_meetings()
            .filter(topics=topic)
            .select_related("visit", "counterpart", "counterpart_position")
            .prefetch_related(published_citations("visit__citations"))
            .order_by(*facts.meetings_newest_first()),
            list_url("meeting-list", topic=topic),
        )
        hide_hidden(meetings, "counterpart", "counterpart_position")
        self.footnotes.cite_all(visits)
        self.footnotes.cite_all(m.visit for m in meetings)
        self.footnotes.cite_all(events)
        return {"visits": visits, "events": events, "meetings": meetings}

    def get_meta_description(self):
        topic = self.object
        return (
            f"{topic.name}: the visits, meetings and events of NATO's partnership with the "
            f"South Caucasus and Central Asia that addressed it. {topic.description}"
        )


class ParticipationDetailView(RecordDetailView):
    """One country's part in one programme: its stage, its dates and the sources."""

    model = Participation
    template_name = "registry/participation_detail.html"
    select = ("country", "programme")
    section_label, section_url = "Programmes", "programme-list"

    def prefetches(self):
        return ["country__other_names", "programme__other_names"]

    def get_page_title(self) -> str:
        participation = self.object
        return f"{participation.country.name} in the {participation.programme.name}"

    def get_meta_description(self):
        participation = self.object
        return (
            f"{participation.country.name} in the {participation.programme.name}: "
            f"{dates_text(participation)}, with the sources that say so."
        )

    def get_jsonld(self):
        participation = self.object
        return {
            "@type": "Role",
            "roleName": participation.programme.name,
            "url": self.absolute(participation),
            "member": {
                "@type": "Country",
                "name": participation.country.name,
                "url": self.absolute(participation.country),
            },
        }
