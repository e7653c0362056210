"""Every dated fact of the registry in date order, filterable by country or region, kind
and period, a page at a time."""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import TemplateView

from registry.models import Country, Region
from registry.partial_dates import MAX_YEAR, MIN_YEAR
from registry.queries.sections import COUNT_LIMIT
from registry.queries.timeline import KINDS, Period, Timeline, decode_cursor, encode_cursor
from registry.translation import shown_text

from .base import Footnotes, PageMixin, friendly_errors, latest_update

PAGE_SIZE = 50


class TimelineForm(forms.Form):
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of fact"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *KINDS.items()],
    )
    first = forms.IntegerField(
        label=gettext_lazy("From year"),
        required=False,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    last = forms.IntegerField(
        label=gettext_lazy("To year"),
        required=False,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    after = forms.CharField(required=False, max_length=60)
    before = forms.CharField(required=False, max_length=60)

    def __init__(self, *args, countries: list[Country], regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        self.countries = {country.slug: country for country in countries}
        self.regions = {region.slug: region for region in regions}
        # A country may also be given by its ISO code, as on the visit list.
        self.codes = {country.iso_code.lower(): country.slug for country in countries}
        self.fields["country"].choices = [("", _("All countries"))] + [
            (country.slug, shown_text(country, "name")) for country in countries
        ]
        self.fields["region"].choices = [("", _("All regions"))] + [
            (region.slug, shown_text(region, "name")) for region in regions
        ]

    def full_clean(self) -> None:
        if self.is_bound and "country" in self.data:
            data = self.data.copy()
            value = str(data.get("country", ""))
            data["country"] = self.codes.get(value.lower(), value)
            self.data = data
        super().full_clean()

    def clean_after(self):
        return self._cursor("after")

    def clean_before(self):
        return self._cursor("before")

    def _cursor(self, name: str):
        text = self.cleaned_data[name]
        if not text:
            return None
        cursor = decode_cursor(text)
        if cursor is None:
            raise forms.ValidationError(_("Use the timeline's own links to move between pages."))
        return cursor

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first is not None and last is not None and last < first:
            self.add_error("last", _("The last year is before the first."))
        return cleaned


class TimelineView(PageMixin, TemplateView):
    template_name = "registry/timeline.html"
    page_title = gettext_lazy("Timeline")
    meta_description = gettext_lazy(
        "Every dated fact of NATO's partnership with the South Caucasus and Central Asia in "
        "date order: programmes, participations, offices, summits, visits and appointments."
    )

    def get(self, request, *args, **kwargs):
        countries = list(Country.objects.published().order_by("name"))
        regions = list(Region.objects.published())
        self.form = TimelineForm(request.GET, countries=countries, regions=regions)
        self.footnotes = Footnotes()
        self.entries = []
        self.country = self.region = None
        self.kind, self.period, self.paged = "", Period(), False
        status, total, earlier, later = 200, 0, None, None
        if self.form.is_valid():
            data = self.form.cleaned_data
            self.country = self.form.countries.get(data["country"])
            self.region = self.form.regions.get(data["region"])
            self.kind = data["kind"]
            self.period = Period(data["first"], data["last"])
            scope = None
            if self.country:
                scope = [self.country.pk]
            elif self.region:
                scope = [c.pk for c in countries if c.region_id == self.region.pk]
            timeline = Timeline(scope, [self.kind] if self.kind else None, self.period)
            before, after = data["before"], data["after"]
            self.paged = bool(before or after)
            if before:
                rows = timeline.rows(PAGE_SIZE + 1, before, backwards=True)[::-1]
                more_before, rows = len(rows) > PAGE_SIZE, rows[-PAGE_SIZE:]
                more_after = True
            else:
                rows = timeline.rows(PAGE_SIZE + 1, after)
                more_after, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
                more_before = after is not None
            if rows:
                earlier = encode_cursor(rows[0]) if more_before else None
                later = encode_cursor(rows[-1]) if more_after else None
            self.entries = timeline.load(rows)
            total = timeline.count()
            self.footnotes.cite_all(entry.record for entry in self.entries)
        else:
            status = 400
        years = [
            (year, list(items))
            for year, items in groupby(self.entries, key=lambda entry: entry.date.date.year)
        ]
        context = self.get_context_data(
            form=self.form,
            countries=countries,
            regions=regions,
            years=years,
            entries=self.entries,
            total=total,
            total_label=(
                _("more than %(count)s")
                % {"count": number_format(COUNT_LIMIT, force_grouping=True)}
                if total > COUNT_LIMIT
                else number_format(total, force_grouping=True)
            ),
            earlier=earlier,
            later=later,
            page_size=PAGE_SIZE,
            filter_errors=friendly_errors(self.form) if status == 400 else [],
        )
        response = self.render_to_response(context, status=status)
        if self.paged:
            # Pages after the first are reached through links only; the canonical page is
            # the first.
            response["X-Robots-Tag"] = "noindex, follow"
        return response

    def get_page_title(self):
        title = _("Timeline")
        if self.kind:
            title = _("%(title)s: %(kind)s facts") % {
                "title": title,
                "kind": str(KINDS[self.kind]).lower(),
            }
        place = self.country or self.region
        if place:
            title = _("%(title)s for %(place)s") % {
                "title": title,
                "place": shown_text(place, "name"),
            }
        period = {"title": title, "first": self.period.first, "last": self.period.last}
        if self.period.first and self.period.last:
            title = pgettext_lazy("timeline title", "%(title)s, %(first)s–%(last)s") % period
        elif self.period.first:
            title = pgettext_lazy("timeline title", "%(title)s, from %(first)s") % period
        elif self.period.last:
            title = pgettext_lazy("timeline title", "%(title)s, to %(last)s") % period
        if self.paged:
            title = pgettext_lazy("timeline title", "%(title)s, continued") % {"title": title}
        return title

    def get_canonical_query(self):
        query = {}
        if self.country:
            query["country"] = self.country.slug
        elif self.region:
            query["region"] = self.region.slug
        if self.kind:
            query["kind"] = self.kind
        if self.period.first:
            query["first"] = str(self.period.first)
        if self.period.last:
            query["last"] = str(self.period.last)
        return query

    def get_last_updated(self):
        return latest_update(entry.record for entry in self.entries)
