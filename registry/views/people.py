"""Offices, posts and the people who hold them."""

from __future__ import annotations

from django.db.models import Prefetch

from registry.filters import nulls_last
from registry.models import Appointment, Country, Office, Person, Position

from . import facts
from .base import RecordDetailView, RecordListView, published_citations
from .places import place_schema


class OfficeListView(RecordListView):
    model = Office
    template_name = "registry/office_list.html"
    page_title = "Offices"
    meta_description = (
        "NATO's liaison and representative offices for the South Caucasus and Central Asia, "
        "open and closed, with addresses, telephone numbers and dates."
    )
    select = ("host_country", "succeeded_by")
    ordering = ("-ongoing", *nulls_last("-end_date"), "name", "pk")

    def prepare(self, records):
        facts.hide_drafts(records, "host_country", "succeeded_by")
        self.footnotes.cite_all(records)
        return {}


class OfficeDetailView(RecordDetailView):
    model = Office
    template_name = "registry/office_detail.html"
    select = ("host_country", "succeeded_by")
    section_label, section_url = "Offices", "office-list"

    def prefetches(self):
        return [
            Prefetch("countries_covered", queryset=Country.objects.published().order_by("name")),
            Prefetch("predecessors", queryset=Office.objects.published().order_by("name")),
        ]

    def load_related(self, office):
        facts.hide_drafts([office], "host_country", "succeeded_by")
        posts = facts.positions_with_holders(
            Position.objects.published().filter(office=office).order_by("title")
        )
        self.footnotes.cite_all(posts)
        for post in posts:
            self.footnotes.cite_all(post.appointments.all())
        return {"posts": posts}

    def get_meta_description(self):
        office = self.object
        status = "closed" if office.is_closed else "open" if office.ongoing else ""
        where = f" in {office.city}" if office.city else ""
        return (
            f"{office.name}{where}: address, telephone, email, dates"
            f"{' (' + status + ')' if status else ''} and sources."
        )

    def get_jsonld(self):
        office = self.object
        data = {
            "@type": "GovernmentOrganization",
            "name": office.name,
            "url": self.absolute(office),
        }
        address = {"@type": "PostalAddress"}
        if office.address:
            address["streetAddress"] = ", ".join(facts_lines(office.address))
        if office.city:
            address["addressLocality"] = office.city
        if office.host_country:
            address["addressCountry"] = office.host_country.iso_code
        if len(address) > 1:
            data["address"] = address
        if office.phone:
            data["telephone"] = office.phone
        if office.email:
            data["email"] = office.email
        if office.start:
            data["foundingDate"] = office.start.isoformat()
        if office.end:
            data["dissolutionDate"] = office.end.isoformat()
        if place := place_schema(office):
            data["location"] = place
        areas = [c.name for c in office.countries_covered.all()]
        if areas:
            data["areaServed"] = areas
        return data


def facts_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PositionListView(RecordListView):
    model = Position
    template_name = "registry/position_list.html"
    page_title = "Posts"
    meta_description = (
        "Posts in NATO's partnership with the South Caucasus and Central Asia and in partner "
        "governments: duties, dates, current and past holders."
    )
    select = ("organisation", "office")
    ordering = ("title", "pk")

    def prefetches(self):
        return [facts.holders_prefetch()]

    def prepare(self, records):
        facts.hide_drafts(records, "office")
        for record in records:
            facts.split_holders(record)
        self.footnotes.cite_all(records)
        for record in records:
            self.footnotes.cite_all(record.appointments.all())
        return {}


class PositionDetailView(RecordDetailView):
    model = Position
    template_name = "registry/position_detail.html"
    select = ("organisation", "office", "established_by")
    section_label, section_url = "Posts", "position-list"

    def prefetches(self):
        return [facts.holders_prefetch()]

    def load_related(self, position):
        facts.hide_drafts([position], "office", "established_by")
        facts.split_holders(position)
        visits = list(facts.visits_queryset().filter(traveller_position=position))
        met = facts.officials_met(facts.published_meetings().filter(counterpart_position=position))
        self.footnotes.cite_all(position.appointments.all())
        self.footnotes.cite_all(visits)
        return {"visits": visits, "officials_met": met}

    def get_meta_description(self):
        position = self.object
        current = ", ".join(a.person.name for a in position.current_appointments)
        holder = f"Current holder: {current}." if current else "No current holder recorded."
        return f"{position.title}: duties, dates, current and past holders. {holder}"

    def get_jsonld(self):
        # A post is no schema.org type of its own: describe its current holders.
        position = self.object
        return [
            {
                "@type": "Person",
                "name": a.person.name,
                "url": self.absolute(a.person),
                "jobTitle": position.title,
            }
            for a in position.current_appointments
        ]


class PersonListView(RecordListView):
    model = Person
    template_name = "registry/person_list.html"
    page_title = "People"
    meta_description = (
        "People in the record of NATO's partnership with the South Caucasus and Central Asia: "
        "officials who travelled, the counterparts they met, and the posts they held."
    )
    ordering = ("sort_name", "name", "pk")
    paginate_by = 50

    def prefetches(self):
        return [
            Prefetch(
                "appointments",
                queryset=Appointment.objects.published()
                .select_related("position")
                .order_by(*nulls_last("start_date"), "pk"),
            )
        ]

    def prepare(self, records):
        self.footnotes.cite_all(records)
        return {}


class PersonDetailView(RecordDetailView):
    model = Person
    template_name = "registry/person_detail.html"
    section_label, section_url = "People", "person-list"

    def prefetches(self):
        return [
            Prefetch(
                "appointments",
                queryset=Appointment.objects.published()
                .select_related("position__organisation")
                .prefetch_related(published_citations())
                .order_by(*nulls_last("start_date"), "pk"),
            )
        ]

    def load_related(self, person):
        visits = list(facts.visits_queryset().filter(traveller=person))
        meetings = list(
            facts.published_meetings()
            .filter(counterpart=person)
            .select_related(
                "visit__traveller", "visit__traveller_position", "counterpart_position", "leg"
            )
            .prefetch_related(
                facts.topics_prefetch(),
                Prefetch("visit__citations", queryset=published_citations().queryset),
            )
            .order_by(*nulls_last("-visit__start_date"), "visit__title", "order", "pk")
        )
        facts.hide_drafts(meetings, "counterpart_position")
        self.footnotes.cite_all(person.appointments.all())
        self.footnotes.cite_all(visits)
        self.footnotes.cite_all(m.visit for m in meetings)
        return {"visits": visits, "meetings": meetings}

    def get_meta_description(self):
        person = self.object
        return f"{person.name}: posts held, visits made and meetings attended. {person.summary}"

    def get_jsonld(self):
        person = self.object
        data = {
            "@type": "Person",
            "name": person.name,
            "url": self.absolute(person),
        }
        if person.summary:
            data["description"] = person.summary
        current = [a.position.title for a in person.appointments.all() if a.ongoing]
        if current:
            data["jobTitle"] = current
        return data
