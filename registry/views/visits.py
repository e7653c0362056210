"""Official visits: the filterable list and a visit's itinerary and meetings."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from registry.filters import VisitFilter
from registry.models import Country, Meeting, Person, Region, Visit

from . import facts
from .base import RecordDetailView, RecordListView, friendly_errors
from .places import place_schema

FILTER_PARAMS = ("country", "region", "year", "person")


class VisitListView(RecordListView):
    """Visits, filterable by country, region, year and person with the API's VisitFilter."""

    model = Visit
    template_name = "registry/visit_list.html"
    page_title = "Visits"
    meta_description = (
        "Official visits of NATO officials to the South Caucasus and Central Asia: itinerary, "
        "meetings, topics and sources. Filter by country, region, year and person."
    )
    paginate_by = 20

    def get_queryset(self):
        return facts.visits_queryset()

    def validate(self) -> list[str]:
        self.filterset = VisitFilter(self.request.GET, queryset=self.get_queryset())
        if self.filterset.is_valid():
            return []
        return friendly_errors(self.filterset.form)

    def get_filtered_queryset(self):
        return self.filterset.qs

    def active_filters(self) -> dict:
        if self.filter_errors:
            return {}
        data = self.filterset.form.cleaned_data
        return {name: data[name] for name in FILTER_PARAMS if data.get(name) not in (None, "")}

    def get_page_title(self):
        active = self.active_filters()
        title = "Visits"
        if "country" in active:
            title += f" to {active['country'].name}"
        elif "region" in active:
            title += f" to {active['region'].name}"
        if "year" in active:
            title += f" in {int(active['year'])}"
        if "person" in active:
            title += f" involving {active['person'].name}"
        page = self.pagination.page
        return f"{title}, page {page.number}" if page is not None and page.number > 1 else title

    def get_canonical_query(self):
        active = self.active_filters()
        query = {name: self.request.GET[name] for name in active}
        if "country" in active:
            query["country"] = active["country"].slug
        if "year" in active:
            query["year"] = str(int(active["year"]))
        return {**query, **super().get_canonical_query()}

    def prepare(self, records):
        self.footnotes.cite_all(records)
        visits = Visit.objects.published()
        met = facts.published_meetings().values("counterpart_id")
        people = Person.objects.published().filter(
            Q(pk__in=visits.values("traveller_id")) | Q(pk__in=met)
        )
        selected = {name: self.request.GET.get(name, "") for name in FILTER_PARAMS}
        countries = list(Country.objects.published().order_by("name"))
        code = selected["country"].upper()
        for country in countries:
            if country.iso_code == code:
                selected["country"] = country.slug
        return {
            "choices": {
                "country": countries,
                "region": list(Region.objects.published()),
                "person": list(people.order_by("sort_name", "name")),
                "year": [d.year for d in visits.dates("start_date", "year", order="DESC")],
            },
            "selected": selected,
            "filtered": bool(self.active_filters()),
        }


class VisitDetailView(RecordDetailView):
    model = Visit
    template_name = "registry/visit_detail.html"
    select = ("traveller", "traveller_position")
    section_label, section_url = "Visits", "visit-list"

    def prefetches(self):
        return [
            facts.legs_prefetch(),
            facts.topics_prefetch(),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related("counterpart", "counterpart_position")
                .prefetch_related(facts.topics_prefetch())
                .order_by("order", "date", "pk"),
            ),
        ]

    def load_related(self, visit):
        legs = list(visit.legs.all())
        meetings = list(visit.meetings.all())
        # A meeting's counterpart or their post may still be a draft: show the meeting
        # without naming them.
        facts.hide_drafts(meetings, "counterpart", "counterpart_position")
        shown = {leg.pk for leg in legs}
        for leg in legs:
            leg.meeting_list = [m for m in meetings if m.leg_id == leg.pk]
        other = [m for m in meetings if m.leg_id not in shown]
        self.meetings = meetings
        return {"legs": legs, "other_meetings": other, "meetings": meetings}

    def get_meta_description(self):
        visit = self.object
        places = ", ".join(leg.country.name for leg in visit.legs.all())
        who = visit.traveller.name if visit.traveller else "A NATO official"
        return f"{who}'s visit to {places}: itinerary, meetings, topics and sources. " + (
            visit.purpose or visit.summary
        )

    def get_jsonld(self):
        visit = self.object
        data = {"@type": "Event", "name": visit.title, "url": self.absolute(visit)}
        if visit.start:
            data["startDate"] = visit.start.isoformat()
        if visit.end:
            data["endDate"] = visit.end.isoformat()
        if visit.purpose or visit.summary:
            data["description"] = visit.purpose or visit.summary
        places = [place_schema(leg) for leg in visit.legs.all()]
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
                        {"jobTitle": visit.traveller_position.title}
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
        topics = [topic.name for topic in visit.topics.all()]
        if topics:
            data["keywords"] = ", ".join(topics)
        return data
