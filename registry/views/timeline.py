"""Every dated fact of the registry in date order, filterable by country and kind."""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.views.generic import TemplateView

from registry.models import Country

from . import facts
from .base import Footnotes, PageMixin, friendly_errors, latest_update


class TimelineForm(forms.Form):
    country = forms.ChoiceField(label="Country", required=False)
    kind = forms.ChoiceField(
        label="Kind of fact",
        required=False,
        choices=[("", "All kinds"), *facts.KINDS.items()],
    )

    def __init__(self, *args, countries: list[Country], **kwargs):
        super().__init__(*args, **kwargs)
        self.countries = {country.slug: country for country in countries}
        self.fields["country"].choices = [("", "All countries")] + [
            (country.slug, country.name) for country in countries
        ]


class TimelineView(PageMixin, TemplateView):
    template_name = "registry/timeline.html"
    page_title = "Timeline"
    meta_description = (
        "Every dated fact of NATO's partnership with the South Caucasus and Central Asia in "
        "date order: programmes, participations, offices, summits, visits and appointments."
    )

    def get(self, request, *args, **kwargs):
        countries = list(facts.partner_countries())
        self.form = TimelineForm(request.GET, countries=countries)
        self.footnotes = Footnotes()
        self.entries = []
        status = 200
        if self.form.is_valid():
            country = self.form.countries.get(self.form.cleaned_data["country"])
            kind = self.form.cleaned_data["kind"]
            querysets = facts.timeline_querysets([country.pk] if country else None)
            if kind:
                querysets = {kind: querysets[kind]}
            self.entries = facts.timeline_entries(querysets)
            self.footnotes.cite_all(entry.record for entry in self.entries)
            self.country, self.kind = country, kind
        else:
            status = 400
            self.country, self.kind = None, ""
        years = [
            (year, list(items))
            for year, items in groupby(self.entries, key=lambda entry: entry.date.date.year)
        ]
        context = self.get_context_data(
            form=self.form,
            countries=countries,
            years=years,
            entries=self.entries,
            filter_errors=friendly_errors(self.form) if status == 400 else [],
        )
        return self.render_to_response(context, status=status)

    def get_page_title(self):
        title = "Timeline"
        if self.kind:
            title += f": {facts.KINDS[self.kind].lower()} facts"
        if self.country:
            title += f" for {self.country.name}"
        return title

    def get_canonical_query(self):
        query = {}
        if self.country:
            query["country"] = self.country.slug
        if self.kind:
            query["kind"] = self.kind
        return query

    def get_last_updated(self):
        return latest_update(entry.record for entry in self.entries)
