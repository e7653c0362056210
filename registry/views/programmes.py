"""Partnership programmes, summits and other events, and topics."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from registry.filters import EventFilterSet, ProgrammeFilterSet
from registry.models import Event, Participation, Position, Programme, Topic
from registry.partial_dates import dates_text
from registry.publication.visibility import hide_hidden
from registry.queries import facts
from registry.queries.common import nulls_last, published_citations, topics_prefetch
from registry.queries.sections import bounded, list_url
from registry.translation import shown_text

from . import as_of
from .base import RecordDetailView, RecordListView, record_title
from .places import place_schema

# Lists on a programme or summit page that are short by nature are still capped.
LINKED_CAP = 50


class ProgrammeListView(RecordListView):
    model = Programme
    template_name = "registry/programme_list.html"
    page_title = gettext_lazy("Programmes")
    meta_description = gettext_lazy(
        "NATO partnership programmes, action plans, dialogues and forums with the South "
        "Caucasus and Central Asia: what each is, when it ran and what replaced it."
    )
    select = ("replaces", "part_of")
    ordering = (*nulls_last("start_date"), "name", "pk")
    filterset_class = ProgrammeFilterSet
    filter_phrases = {
        "country": pgettext_lazy("programmes list title", " with %(value)s"),
        "source": pgettext_lazy("programmes list title", " citing “%(value)s”"),
        "q": pgettext_lazy("programmes list title", " matching “%(value)s”"),
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
    section_label, section_url = gettext_lazy("Programmes"), "programme-list"
    as_of_sentences = as_of.PROGRAMME_SENTENCES

    def as_of_view(self, programme, day):
        taking_part = as_of.participations(day, "country", programme=programme)
        return as_of.AsOfView(day, groups=[(_("Countries taking part"), taking_part)])

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
        return _("%(programme)s: %(kind)s. %(description)s") % {
            "programme": record_title(programme),
            "kind": programme.get_kind_display().lower(),
            "description": shown_text(programme, "description"),
        }


class EventListView(RecordListView):
    model = Event
    template_name = "registry/event_list.html"
    page_title = gettext_lazy("Summits and events")
    meta_description = gettext_lazy(
        "NATO summits and meetings that decided the Alliance's partnership with the South "
        "Caucasus and Central Asia, with their decisions and sources."
    )
    select = ("country",)
    ordering = (*nulls_last("start_date"), "name", "pk")
    filterset_class = EventFilterSet
    filter_phrases = {
        "country": pgettext_lazy("events list title: country", " in %(value)s"),
        "topic": pgettext_lazy("events list title", " on %(value)s"),
        "year": pgettext_lazy("events list title: year", " in %(value)s"),
        "source": pgettext_lazy("events list title", " citing “%(value)s”"),
        "q": pgettext_lazy("events list title", " matching “%(value)s”"),
    }

    def prepare(self, records):
        hide_hidden(records, "country")
        self.footnotes.cite_all(records)
        return {}


class EventDetailView(RecordDetailView):
    model = Event
    template_name = "registry/event_detail.html"
    select = ("country",)
    section_label, section_url = gettext_lazy("Summits and events"), "event-list"

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
        return _("%(event)s: what NATO decided, where and when. %(summary)s") % {
            "event": shown_text(event, "name"),
            "summary": shown_text(event, "summary"),
        }

    def get_jsonld(self):
        event = self.object
        data = {"@type": "Event", "name": shown_text(event, "name"), "url": self.absolute(event)}
        if event.start:
            data["startDate"] = event.start.isoformat()
        if event.end:
            data["endDate"] = event.end.isoformat()
        if event.summary:
            data["description"] = shown_text(event, "summary")
        if place := place_schema(event):
            data["location"] = place
        data["organizer"] = {"@type": "GovernmentOrganization", "name": _("NATO")}
        return data


class TopicListView(RecordListView):
    model = Topic
    template_name = "registry/topic_list.html"
    page_title = gettext_lazy("Topics")
    meta_description = gettext_lazy(
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
    section_label, section_url = gettext_lazy("Topics"), "topic-list"

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
        return _(
            "%(topic)s: the visits, meetings and events of NATO's partnership with the "
            "South Caucasus and Central Asia that addressed it. %(description)s"
        ) % {"topic": shown_text(topic, "name"), "description": shown_text(topic, "description")}


class ParticipationDetailView(RecordDetailView):
    """One country's part in one programme: its stage, its dates and the sources."""

    model = Participation
    template_name = "registry/participation_detail.html"
    select = ("country", "programme")
    section_label, section_url = gettext_lazy("Programmes"), "programme-list"

    def prefetches(self):
        return ["country__other_names", "programme__other_names"]

    def get_page_title(self) -> str:
        participation = self.object
        return _("%(country)s in the %(programme)s") % {
            "country": shown_text(participation.country, "name"),
            "programme": shown_text(participation.programme, "name"),
        }

    def get_meta_description(self):
        participation = self.object
        return _("%(country)s in the %(programme)s: %(dates)s, with the sources that say so.") % {
            "country": shown_text(participation.country, "name"),
            "programme": shown_text(participation.programme, "name"),
            "dates": dates_text(participation),
        }

    def get_jsonld(self):
        participation = self.object
        return {
            "@type": "Role",
            "roleName": shown_text(participation.programme, "name"),
            "url": self.absolute(participation),
            "member": {
                "@type": "Country",
                "name": shown_text(participation.country, "name"),
                "url": self.absolute(participation.country),
            },
        }
