"""Official visits: the filterable list and a visit's itinerary and meetings."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from registry.filters import MeetingFilterSet, VisitFilter
from registry.models import Country, Meeting, Region, Visit
from registry.publication.visibility import hide_hidden
from registry.queries import facts
from registry.queries.common import legs_prefetch, published_citations, topics_prefetch
from registry.queries.facts import newest_first, oldest_first
from registry.translation import shown_text

from .base import RecordDetailView, RecordListView
from .places import place_schema


class VisitListView(RecordListView):
    """Visits, filterable with the API's VisitFilter by country, region, year, person, post,
    topic and source. A person is chosen by typing (suggestions come from
    `/people/suggest/`), never from a menu of every person."""

    model = Visit
    template_name = "registry/visit_list.html"
    page_title = gettext_lazy("Visits")
    meta_description = gettext_lazy(
        "Official visits of NATO officials to the South Caucasus and Central Asia: itinerary, "
        "meetings, topics and sources. Filter by country, region, year and person."
    )
    paginate_by = 20
    filterset_class = VisitFilter
    filter_phrases = {
        "country": pgettext_lazy("visits list title", " to %(value)s"),
        "region": pgettext_lazy("visits list title", " to %(value)s"),
        "year": pgettext_lazy("visits list title: year", " in %(value)s"),
        "person": pgettext_lazy("visits list title", " involving %(value)s"),
        "position": pgettext_lazy("visits list title", " by the %(value)s"),
        "topic": pgettext_lazy("visits list title", " on %(value)s"),
        "source": pgettext_lazy("visits list title", " cited from “%(value)s”"),
    }

    def get_queryset(self):
        return facts.visits_queryset()

    def prepare(self, records):
        self.footnotes.cite_all(records)
        selected = {name: self.request.GET.get(name, "") for name in self.filter_params}
        countries = list(Country.objects.published().order_by("name"))
        code = selected["country"].upper()
        for country in countries:
            if country.iso_code == code:
                selected["country"] = country.slug
        active = self.active_filters()
        if "person" in active:
            selected["person_name"] = active["person"].name
        # The years from the first to the last visit: two reads along the date indexes.
        dated = Visit.objects.published().filter(start_date__isnull=False)
        last = dated.order_by(*newest_first()).values_list("start_date", flat=True).first()
        first = dated.order_by(*oldest_first()).values_list("start_date", flat=True).first()
        years = list(range(last.year, first.year - 1, -1)) if first and last else []
        return {
            "choices": {
                "country": countries,
                "region": list(Region.objects.published()),
                "year": years,
            },
            "selected": selected,
            "filtered": bool(active),
        }


class VisitDetailView(RecordDetailView):
    model = Visit
    template_name = "registry/visit_detail.html"
    select = ("traveller", "traveller_position")
    section_label, section_url = gettext_lazy("Visits"), "visit-list"

    def prefetches(self):
        return [
            legs_prefetch(),
            topics_prefetch(),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related("counterpart", "counterpart_position")
                .prefetch_related(topics_prefetch())
                .order_by("order", "date", "pk"),
            ),
        ]

    def load_related(self, visit):
        legs = visit.stops()
        meetings = list(visit.meetings.all())
        # A meeting's counterpart or their post may still be a draft: show the meeting
        # without naming them.
        hide_hidden(meetings, "counterpart", "counterpart_position")
        shown = {leg.pk for leg in legs}
        for leg in legs:
            leg.meeting_list = [m for m in meetings if m.leg_id == leg.pk]
        other = [m for m in meetings if m.leg_id not in shown]
        self.meetings = meetings
        return {"legs": legs, "other_meetings": other, "meetings": meetings}

    def get_meta_description(self):
        visit = self.object
        places = ", ".join(shown_text(leg.country, "name") for leg in visit.stops())
        about = shown_text(visit, "purpose") or shown_text(visit, "summary")
        if visit.traveller:
            return _(
                "%(person)s's visit to %(places)s: itinerary, meetings, topics and sources. "
                "%(about)s"
            ) % {"person": visit.traveller.name, "places": places, "about": about}
        return _(
            "A NATO official's visit to %(places)s: itinerary, meetings, topics and sources. "
            "%(about)s"
        ) % {"places": places, "about": about}

    def get_jsonld(self):
        visit = self.object
        data = {"@type": "Event", "name": shown_text(visit, "title"), "url": self.absolute(visit)}
        if visit.start:
            data["startDate"] = visit.start.isoformat()
        if visit.end:
            data["endDate"] = visit.end.isoformat()
        if visit.purpose or visit.summary:
            data["description"] = shown_text(visit, "purpose") or shown_text(visit, "summary")
        places = [place_schema(leg) for leg in visit.stops()]
        if places:
            data["location"] = [p for p in places if p]
        attendees = []
        if visit.traveller:
            attendees.append(
                {
                    "@type": "Person",
                    "name": visit.traveller.name,
                    "url": self.absolute(visit.traveller),
                    **(
                        {"jobTitle": shown_text(visit.traveller_position, "title")}
                        if visit.traveller_position
                        else {}
                    ),
                }
            )
        for meeting in self.meetings:
            if meeting.counterpart:
                attendees.append(
                    {
                        "@type": "Person",
                        "name": meeting.counterpart.name,
                        "url": self.absolute(meeting.counterpart),
                    }
                )
        if attendees:
            data["attendee"] = attendees
        topics = [shown_text(topic, "name") for topic in visit.topics.all()]
        if topics:
            data["keywords"] = ", ".join(topics)
        return data


class MeetingListView(RecordListView):
    """Meetings held on published visits with named, published counterparts: the full list
    behind every page's "Officials met", filterable by country, region, person, post and
    topic."""

    model = Meeting
    template_name = "registry/meeting_list.html"
    page_title = gettext_lazy("Officials met on visits")
    meta_description = gettext_lazy(
        "The officials NATO's visiting officials met in the South Caucasus and Central Asia: "
        "who, in which post at the time, on which visit, where and when."
    )
    paginate_by = 50
    filterset_class = MeetingFilterSet
    filter_phrases = {
        "country": pgettext_lazy("officials met list title", " in %(value)s"),
        "region": pgettext_lazy("officials met list title", " in %(value)s"),
        "person": pgettext_lazy("officials met list title", ": %(value)s"),
        "position": pgettext_lazy("officials met list title", ", holders of the post of %(value)s"),
        "topic": pgettext_lazy("officials met list title", ", on %(value)s"),
    }

    def get_queryset(self):
        return facts.officials_met_queryset(facts.published_meetings()).prefetch_related(
            published_citations("visit__citations")
        )

    def get_ordered_queryset(self):
        return self.get_queryset()

    def prepare(self, records):
        facts.prepare_officials_met(records)
        self.footnotes.cite_all(m.visit for m in records)
        return {"filtered": bool(self.active_filters())}
