"""The home page, regions and countries."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from registry.models import Country, Office, Organisation, Position, Region, VisitLeg
from registry.publication.visibility import hide_hidden
from registry.queries import facts
from registry.queries.common import nulls_last, published_citations
from registry.queries.sections import Section, bounded, list_url
from registry.queries.timeline import Timeline, in_date_order
from registry.translation import shown_text

from . import as_of
from .base import SITE_NAME, Footnotes, PageMixin, RecordDetailView, RecordListView, latest_update


class HomeView(as_of.AsOfMixin, PageMixin, TemplateView):
    template_name = "registry/home.html"
    page_title = gettext_lazy("NATO partnerships in the South Caucasus and Central Asia")
    meta_description = gettext_lazy(
        "The public record of NATO's partnerships with Armenia, Azerbaijan, Georgia, "
        "Kazakhstan, the Kyrgyz Republic, Tajikistan, Turkmenistan and Uzbekistan: offices, "
        "posts and their holders, visits, programmes and the sources behind every fact."
    )
    latest_visits = 5
    key_posts_shown = 8

    def get_breadcrumbs(self):
        return []

    def as_of_view(self, record, day):
        return as_of.AsOfView(
            day,
            groups=[
                (_("Offices"), as_of.offices(day)),
                (_("Posts and their holders"), as_of.holders(day, with_post=True)),
                (_("Partnerships"), as_of.participations(day, "country")),
            ],
        )

    def get_context_data(self, **kwargs):
        regions = list(
            Region.objects.published().prefetch_related(
                Prefetch("countries", queryset=Country.objects.published().order_by("name"))
            )
        )
        visits = list(facts.visits_queryset()[: self.latest_visits])
        key_posts = facts.positions_with_holders(
            Position.objects.published()
            .filter(
                organisation__in=Organisation.objects.published().filter(
                    kind=Organisation.Kind.INTERNATIONAL
                ),
                # Not known to have ended: the sources seldom say that a post continues.
                end_date__isnull=True,
            )
            .order_by("title", "pk")[: self.key_posts_shown],
            current=3,
        )
        offices = bounded(
            Office.objects.published()
            .filter(ongoing=True)
            .select_related("host_country")
            .prefetch_related(published_citations())
            .order_by("name", "pk"),
            list_url("office-list", current="true"),
        )
        hide_hidden(offices, "host_country")
        self.regions, self.visits, self.key_posts, self.offices = (
            regions,
            visits,
            key_posts,
            offices.items,
        )
        self.footnotes = Footnotes()
        self.footnotes.cite_all(key_posts)
        for position in key_posts:
            self.footnotes.cite_all(position.current_appointments)
            self.footnotes.cite_all(position.past_appointments)
        self.footnotes.cite_all(visits)
        self.footnotes.cite_all(offices)
        context = super().get_context_data(**kwargs)
        context.update(regions=regions, visits=visits, key_posts=key_posts, offices=offices)
        return context

    def get_last_updated(self):
        countries = [c for region in self.regions for c in region.countries.all()]
        return latest_update(self.regions, countries, self.visits, self.key_posts, self.offices)

    def get_jsonld(self):
        return {
            "@type": "WebSite",
            "name": SITE_NAME,
            "url": self.absolute("/"),
            "description": str(self.meta_description),
            "about": [
                {"@type": "Place", "name": shown_text(region, "name"), "url": self.absolute(region)}
                for region in self.regions
            ],
        }


# A place's timeline is its story: it shows more facts than the other sections.
TIMELINE_CAP = 25


class PlaceDetailView(RecordDetailView):
    """What a region and a country page share: the latest facts about the countries in
    scope, each section capped, with its total and a link to the full filtered list."""

    many_countries = False

    def countries_in_scope(self, record) -> list[int]:
        """The ids of the published countries the page is about."""
        raise NotImplementedError

    def scope(self, record) -> dict[str, object]:
        """The filter that gives the full lists of the page's sections."""
        raise NotImplementedError

    def load_related(self, record) -> dict:
        countries = self.countries_in_scope(record)
        scope = self.scope(record)
        timeline = Timeline(
            countries, newest_first=True, with_country=self.many_countries, undated=True
        )
        # The latest facts (then the undated ones), shown in date order.
        entries = in_date_order(timeline.entries(TIMELINE_CAP))
        timeline_section = Section(entries, timeline.count(), list_url("timeline", **scope))
        covering = Office.countries_covered.through.objects.filter(country__in=countries)
        offices = bounded(
            Office.objects.published()
            .filter(Q(host_country__in=countries) | Q(pk__in=covering.values("office_id")))
            .select_related("host_country", "succeeded_by")
            .prefetch_related(published_citations())
            .order_by("-ongoing", *nulls_last("-end_date"), "name", "pk"),
            list_url("office-list", **scope),
        )
        hide_hidden(offices, "host_country", "succeeded_by")
        visits = bounded(
            facts.visits_queryset().filter(
                pk__in=VisitLeg.objects.filter(country__in=countries).values("visit_id")
            ),
            list_url("visit-list", **scope),
        )
        met = bounded(
            facts.officials_met_queryset(
                facts.published_meetings().filter(leg__country__in=countries)
            ),
            list_url("meeting-list", **scope),
        )
        facts.prepare_officials_met(met.items)
        posts = bounded(
            facts.with_holders(
                Position.objects.published()
                .filter(facts.in_countries_q(countries))
                .order_by("title", "pk")
            ),
            list_url("position-list", **scope),
        )
        facts.prepare_holders(posts.items)
        notes = self.footnotes
        notes.cite_all(entry.record for entry in entries)
        notes.cite_all(visits)
        notes.cite_all(offices)
        notes.cite_all(posts)
        for post in posts:
            notes.cite_all(post.current_appointments)
            notes.cite_all(post.past_appointments)
        return {
            "timeline": timeline_section,
            "offices": offices,
            "visits": visits,
            "officials_met": met,
            "posts": posts,
        }


class RegionListView(RecordListView):
    """The regions, each with its published partner countries."""

    model = Region
    template_name = "registry/region_list.html"
    page_title = gettext_lazy("Regions")
    meta_description = gettext_lazy(
        "The regions of NATO's partnerships covered by the registry, the South Caucasus and "
        "Central Asia, with their partner countries."
    )
    ordering = ("sort_order", "name", "pk")

    def prefetches(self):
        return [Prefetch("countries", queryset=Country.objects.published().order_by("name"))]

    def prepare(self, records):
        self.footnotes.cite_all(records)
        return {}


class RegionDetailView(PlaceDetailView):
    model = Region
    template_name = "registry/region_detail.html"
    section_label, section_url = gettext_lazy("Regions"), "region-list"
    many_countries = True

    def prefetches(self):
        return [Prefetch("countries", queryset=Country.objects.published().order_by("name"))]

    def countries_in_scope(self, record):
        return [country.pk for country in record.countries.all()]

    def scope(self, record):
        return {"region": record}

    def get_meta_description(self):
        names = ", ".join(shown_text(c, "name") for c in self.object.countries.all())
        return _(
            "NATO's partnership with %(region)s (%(countries)s): timeline, offices, "
            "visits, officials met and sources."
        ) % {"region": shown_text(self.object, "name"), "countries": names}

    def get_jsonld(self):
        region = self.object
        return {
            "@type": "Place",
            "name": shown_text(region, "name"),
            "url": self.absolute(region),
            "description": shown_text(region, "summary"),
            "containsPlace": [
                {"@type": "Country", "name": shown_text(c, "name"), "url": self.absolute(c)}
                for c in region.countries.all()
            ],
        }


class CountryDetailView(as_of.AsOfMixin, PlaceDetailView):
    model = Country
    template_name = "registry/country_detail.html"
    select = ("region",)

    def as_of_view(self, country, day):
        return as_of.AsOfView(
            day,
            groups=[
                (_("Programmes"), as_of.participations(day, "programme", country=country)),
                (_("Offices in the country"), as_of.offices(day, host_country=country)),
            ],
        )

    def get_object(self, queryset=None):
        country = super().get_object(queryset)
        hide_hidden([country], "region")
        return country

    def countries_in_scope(self, record):
        return [record.pk]

    def scope(self, record):
        return {"country": record}

    def get_breadcrumbs(self):
        region = self.object.region
        trail = [(shown_text(region, "name"), region.get_absolute_url())] if region else []
        return [*trail, (shown_text(self.object, "name"), None)]

    def get_meta_description(self):
        return _(
            "NATO and %(country)s: partnership timeline, offices, visits, "
            "officials met and sources. %(profile)s"
        ) % {
            "country": shown_text(self.object, "name"),
            "profile": shown_text(self.object, "profile"),
        }

    def get_jsonld(self):
        country = self.object
        data = {
            "@type": "Country",
            "name": shown_text(country, "name"),
            "url": self.absolute(country),
            "identifier": country.iso_code,
            "description": shown_text(country, "profile"),
        }
        if country.region:
            data["containedInPlace"] = {
                "@type": "Place",
                "name": shown_text(country.region, "name"),
                "url": self.absolute(country.region),
            }
        return data


def place_schema(office_or_event) -> dict | None:
    """A schema.org Place for a city and country, or None when neither is known."""
    country = getattr(office_or_event, "host_country", None) or getattr(
        office_or_event, "country", None
    )
    if not office_or_event.city and not country:
        return None
    address = {"@type": "PostalAddress"}
    if office_or_event.city:
        address["addressLocality"] = office_or_event.city
    if country:
        address["addressCountry"] = country.iso_code
    country_name = shown_text(country, "name") if country else ""
    name = ", ".join(part for part in (office_or_event.city, country_name) if part)
    return {"@type": "Place", "name": name, "address": address}
