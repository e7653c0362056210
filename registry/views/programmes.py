"""Partnership programmes, summits and other events, and topics."""

from __future__ import annotations

from django.db.models import Prefetch

from registry.filters import nulls_last
from registry.models import Event, Participation, Position, Programme, Topic

from . import facts
from .base import RecordDetailView, RecordListView, published_citations
from .places import place_schema


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

    def prefetches(self):
        return [Prefetch("replaced_by", queryset=Programme.objects.published().order_by("name"))]

    def prepare(self, records):
        facts.hide_drafts(records, "replaces", "part_of")
        self.footnotes.cite_all(records)
        return {}


class ProgrammeDetailView(RecordDetailView):
    model = Programme
    template_name = "registry/programme_detail.html"
    select = ("replaces", "part_of", "launched_at")
    section_label, section_url = "Programmes", "programme-list"

    def prefetches(self):
        return [
            Prefetch("replaced_by", queryset=Programme.objects.published().order_by("name")),
            Prefetch("components", queryset=Programme.objects.published().order_by("name")),
            Prefetch(
                "participations",
                queryset=Participation.objects.published()
                .select_related("country")
                .prefetch_related(published_citations())
                .order_by(*nulls_last("start_date"), "country__name", "pk"),
            ),
        ]

    def load_related(self, programme):
        facts.hide_drafts([programme], "replaces", "part_of", "launched_at")
        self.footnotes.cite_all(programme.participations.all())
        return {}

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

    def prepare(self, records):
        facts.hide_drafts(records, "country")
        self.footnotes.cite_all(records)
        return {}


class EventDetailView(RecordDetailView):
    model = Event
    template_name = "registry/event_detail.html"
    select = ("country",)
    section_label, section_url = "Summits and events", "event-list"

    def prefetches(self):
        return [
            facts.topics_prefetch(),
            Prefetch(
                "programmes_launched", queryset=Programme.objects.published().order_by("name")
            ),
            Prefetch(
                "positions_established", queryset=Position.objects.published().order_by("title")
            ),
        ]

    def load_related(self, event):
        facts.hide_drafts([event], "country")
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
        visits = list(facts.visits_queryset().filter(topics=topic))
        events = list(
            Event.objects.published()
            .filter(topics=topic)
            .prefetch_related(published_citations())
            .order_by(*nulls_last("start_date"), "name", "pk")
        )
        meetings = list(
            facts.published_meetings()
            .filter(topics=topic)
            .select_related("visit", "counterpart", "counterpart_position")
            .prefetch_related(Prefetch("visit__citations", queryset=published_citations().queryset))
            .order_by(*nulls_last("-visit__start_date"), "visit__title", "order", "pk")
        )
        facts.hide_drafts(meetings, "counterpart", "counterpart_position")
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
