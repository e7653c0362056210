"""Offices, posts and the people who hold them."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from registry.filters import OfficeFilterSet, PersonFilterSet, PositionFilterSet
from registry.models import Appointment, Country, Office, Person, Position
from registry.partial_dates import dates_text
from registry.publication.visibility import hide_hidden
from registry.queries import facts
from registry.queries.common import nulls_last, published_citations, topics_prefetch
from registry.queries.sections import bounded, list_url
from registry.translation import shown_text

from . import as_of
from .base import RecordDetailView, RecordListView
from .places import place_schema

SUGGESTIONS = 10


class OfficeListView(RecordListView):
    model = Office
    template_name = "registry/office_list.html"
    page_title = gettext_lazy("Offices")
    meta_description = gettext_lazy(
        "NATO's liaison and representative offices for the South Caucasus and Central Asia, "
        "open and closed, with addresses, telephone numbers and dates."
    )
    select = ("host_country", "succeeded_by")
    ordering = ("-ongoing", *nulls_last("-end_date"), "name", "pk")
    filterset_class = OfficeFilterSet
    filter_phrases = {
        "current": {
            True: pgettext_lazy("offices list title", ", open"),
            False: pgettext_lazy("offices list title", ", closed or end unknown"),
        },
        "country": pgettext_lazy("offices list title", ", in or covering %(value)s"),
        "region": pgettext_lazy("offices list title", ", in or covering %(value)s"),
        "source": pgettext_lazy("offices list title", ", citing “%(value)s”"),
        "q": pgettext_lazy("offices list title", ", matching “%(value)s”"),
    }

    def prepare(self, records):
        hide_hidden(records, "host_country", "succeeded_by")
        self.footnotes.cite_all(records)
        return {}


class OfficeDetailView(as_of.AsOfMixin, RecordDetailView):
    model = Office
    template_name = "registry/office_detail.html"
    select = ("host_country", "succeeded_by")
    section_label, section_url = gettext_lazy("Offices"), "office-list"
    as_of_sentences = as_of.OFFICE_SENTENCES

    def as_of_view(self, office, day):
        holders = as_of.holders(day, position__office=office)
        return as_of.AsOfView(day, groups=[(_("Holders of its posts"), holders)])

    def prefetches(self):
        return [
            Prefetch("countries_covered", queryset=Country.objects.published().order_by("name")),
            Prefetch("predecessors", queryset=Office.objects.published().order_by("name")),
        ]

    def load_related(self, office):
        hide_hidden([office], "host_country", "succeeded_by")
        posts = bounded(
            facts.with_holders(
                Position.objects.published().filter(office=office).order_by("title", "pk")
            ),
            list_url("position-list", office=office),
        )
        facts.prepare_holders(posts.items)
        self.footnotes.cite_all(posts)
        for post in posts:
            self.footnotes.cite_all(post.current_appointments)
            self.footnotes.cite_all(post.past_appointments)
        return {"posts": posts}

    def get_meta_description(self):
        office = self.object
        name = shown_text(office, "name")
        if office.is_closed:
            dates = _("dates (closed)")
        elif office.ongoing:
            dates = _("dates (open)")
        else:
            dates = _("dates")
        if office.city:
            return _(
                "%(office)s in %(city)s: address, telephone, email, %(dates)s and sources."
            ) % {
                "office": name,
                "city": office.city,
                "dates": dates,
            }
        return _("%(office)s: address, telephone, email, %(dates)s and sources.") % {
            "office": name,
            "dates": dates,
        }

    def get_jsonld(self):
        office = self.object
        data = {
            "@type": "GovernmentOrganization",
            "name": shown_text(office, "name"),
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
        areas = [shown_text(c, "name") for c in office.countries_covered.all()]
        if areas:
            data["areaServed"] = areas
        return data


def facts_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PositionListView(RecordListView):
    model = Position
    template_name = "registry/position_list.html"
    page_title = gettext_lazy("Posts")
    meta_description = gettext_lazy(
        "Posts in NATO's partnership with the South Caucasus and Central Asia and in partner "
        "governments: duties, dates, current and past holders."
    )
    ordering = ("title", "pk")
    filterset_class = PositionFilterSet
    filter_phrases = {
        "country": pgettext_lazy("posts list title", " in %(value)s"),
        "region": pgettext_lazy("posts list title", " in %(value)s"),
        "office": pgettext_lazy("posts list title", " based in the %(value)s"),
        "organisation": pgettext_lazy("posts list title", " of the %(value)s"),
        "person": pgettext_lazy("posts list title", " held by %(value)s"),
        "source": pgettext_lazy("posts list title", " citing “%(value)s”"),
        "q": pgettext_lazy("posts list title", " matching “%(value)s”"),
    }

    def get_queryset(self):
        return facts.with_holders(Position.objects.published())

    def prepare(self, records):
        facts.prepare_holders(records)
        self.footnotes.cite_all(records)
        for record in records:
            self.footnotes.cite_all(record.current_appointments)
            self.footnotes.cite_all(record.past_appointments)
        return {}


class PositionDetailView(as_of.AsOfMixin, RecordDetailView):
    model = Position
    template_name = "registry/position_detail.html"
    select = ("organisation", "office", "established_by")
    section_label, section_url = gettext_lazy("Posts"), "position-list"
    as_of_sentences = as_of.POST_SENTENCES

    def as_of_view(self, position, day):
        return as_of.AsOfView(day, groups=[(_("Holders"), as_of.holders(day, position=position))])

    holders_shown = 20

    def get_queryset(self):
        return facts.with_holders(
            super().get_queryset(), current=self.holders_shown, past=self.holders_shown, cited=False
        )

    def load_related(self, position):
        hide_hidden([position], "office", "established_by")
        shown = self.holders_shown
        facts.prepare_holders([position], current=shown, past=shown)
        visits = bounded(
            facts.visits_queryset().filter(traveller_position=position),
            list_url("visit-list", position=position),
        )
        met = bounded(
            facts.officials_met_queryset(
                facts.published_meetings().filter(counterpart_position=position)
            ),
            list_url("meeting-list", position=position),
        )
        facts.prepare_officials_met(met.items)
        self.footnotes.cite_all(position.current_appointments)
        self.footnotes.cite_all(position.past_appointments)
        self.footnotes.cite_all(visits)
        return {
            "visits": visits,
            "officials_met": met,
            "holders_url": list_url("person-list", position=position),
        }

    def get_meta_description(self):
        position = self.object
        current = ", ".join(a.person.name for a in position.current_appointments)
        last = position.last_recorded
        holder = (
            _("Current holder: %(names)s.") % {"names": current}
            if current
            else _("Last recorded holder: %(name)s.") % {"name": last.person.name}
            if last
            else _("No holder recorded.")
        )
        return _("%(post)s: duties, dates, current and past holders. %(holder)s") % {
            "post": shown_text(position, "title"),
            "holder": holder,
        }

    def get_jsonld(self):
        # A post is no schema.org type of its own: describe its current holders.
        position = self.object
        return [
            {
                "@type": "Person",
                "name": a.person.name,
                "url": self.absolute(a.person),
                "jobTitle": shown_text(position, "title"),
            }
            for a in position.current_appointments
        ]


class PersonListView(RecordListView):
    model = Person
    template_name = "registry/person_list.html"
    page_title = gettext_lazy("People")
    meta_description = gettext_lazy(
        "People in the record of NATO's partnership with the South Caucasus and Central Asia: "
        "officials who travelled, the counterparts they met, and the posts they held."
    )
    ordering = ("sort_name", "name", "pk")
    paginate_by = 50
    filterset_class = PersonFilterSet
    filter_phrases = {
        "position": pgettext_lazy("people list title", " who held the post of %(value)s"),
        "source": pgettext_lazy("people list title", " cited from “%(value)s”"),
        "q": pgettext_lazy("people list title", " matching “%(value)s”"),
    }

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
    section_label, section_url = gettext_lazy("People"), "person-list"

    def load_related(self, person):
        appointments = bounded(
            Appointment.objects.published()
            .filter(person=person)
            .select_related("position__organisation")
            .prefetch_related(published_citations(), "position__other_names")
            .order_by(*nulls_last("-start_date"), "-pk"),
            list_url("position-list", person=person),
            cap=20,
        )
        visits = bounded(
            facts.visits_queryset().filter(traveller=person), list_url("visit-list", person=person)
        )
        meetings = bounded(
            facts.published_meetings()
            .filter(counterpart=person)
            .select_related(
                "visit__traveller", "visit__traveller_position", "counterpart_position", "leg"
            )
            .prefetch_related(topics_prefetch(), published_citations("visit__citations"))
            .order_by(*facts.meetings_newest_first()),
            list_url("meeting-list", person=person),
        )
        hide_hidden(meetings, "counterpart_position")
        self.appointments = appointments
        self.footnotes.cite_all(appointments)
        self.footnotes.cite_all(visits)
        self.footnotes.cite_all(m.visit for m in meetings)
        return {"appointments": appointments, "visits": visits, "meetings": meetings}

    def get_meta_description(self):
        person = self.object
        return _("%(person)s: posts held, visits made and meetings attended. %(summary)s") % {
            "person": person.name,
            "summary": shown_text(person, "summary"),
        }

    def get_jsonld(self):
        person = self.object
        data = {
            "@type": "Person",
            "name": person.name,
            "url": self.absolute(person),
        }
        if person.summary:
            data["description"] = shown_text(person, "summary")
        current = [shown_text(a.position, "title") for a in self.appointments if a.ongoing]
        if current:
            data["jobTitle"] = current
        return data


def person_suggest(request: HttpRequest) -> JsonResponse:
    """Up to ten published people whose name contains the text typed, for the filters'
    suggestions: `{"results": [{"value": slug, "label": name}]}`."""
    text = " ".join(request.GET.get("q", "").split())
    if len(text) < 2 or len(text) > 100 or "\x00" in text:
        return JsonResponse({"results": []})
    people = (
        Person.objects.published()
        .filter(name__icontains=text)
        .order_by("sort_name", "name", "pk")
        .values_list("slug", "name")[:SUGGESTIONS]
    )
    return JsonResponse({"results": [{"value": slug, "label": name} for slug, name in people]})


class AppointmentDetailView(RecordDetailView):
    """One person's term in one post: who, which post, in what capacity, when, and the
    passages that say so."""

    model = Appointment
    template_name = "registry/appointment_detail.html"
    select = ("person", "position", "position__organisation", "attested_visit")
    section_label, section_url = gettext_lazy("Posts"), "position-list"

    def prefetches(self):
        return ["position__other_names"]

    def load_related(self, appointment):
        hide_hidden([appointment], "attested_visit")
        hide_hidden([appointment.position], "organisation")
        return {}

    def get_page_title(self) -> str:
        appointment = self.object
        return f"{appointment.person.name}, {shown_text(appointment.position, 'title')}"

    def get_meta_description(self):
        appointment = self.object
        return _("%(person)s as %(post)s: %(dates)s, with the sources that say so.") % {
            "person": appointment.person.name,
            "post": shown_text(appointment.position, "title"),
            "dates": dates_text(appointment),
        }

    def get_jsonld(self):
        appointment = self.object
        role = {
            "@type": "Role",
            "roleName": shown_text(appointment.position, "title"),
            "url": self.absolute(appointment),
            "member": {
                "@type": "Person",
                "name": appointment.person.name,
                "url": self.absolute(appointment.person),
            },
        }
        if appointment.start:
            role["startDate"] = appointment.start.isoformat()
        if appointment.end:
            role["endDate"] = appointment.end.isoformat()
        return role
