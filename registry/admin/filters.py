"""Changelist filters that stay small and cheap however large the tables grow.

* `AutocompleteFilter`: filter by a related record (a traveller, a post, a source) through
  a search-as-you-type input served by the admin's own autocomplete endpoint, instead of a
  link per record (Django's related filters list every person: 10,000 links, and a
  `SELECT DISTINCT` over the whole table for the "related only" variant). The page shows
  only the chosen record's name, found with one query by primary key.
* `year_filter(...)`: one link per year between the first and the last date (two index
  lookups, `MIN` and `MAX`), not a `SELECT DISTINCT` of every year over every row; choosing
  a year filters on a date range, which the date's index answers.
* `subquery_count(...)`: a count column as a correlated subquery rather than a `GROUP BY`
  over the whole table (still sortable; the database runs it for every row it passes,
  those skipped by a deep page's OFFSET too).
* `PageCountsAdminMixin`: count columns computed after paging, for the rows shown only (one
  query per column), for tables where even the subquery per skipped row is too slow.
* `FilterMediaAdminMixin`: puts the filters' scripts on the changelist page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import Count, IntegerField, Max, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .prefetch import PrefetchedAutocompleteSelect

AUTOCOMPLETE_FILTER_JS = "js/admin-autocomplete-filter.js"


class AutocompleteFilter(admin.FieldListFilter):
    """A list filter on a foreign key, picked with the admin's autocomplete input.

    Use it as `list_filter = (("traveller", AutocompleteFilter),)`; the related model's
    admin needs `search_fields` (as for `autocomplete_fields`). Without JavaScript the
    input cannot search, but the chosen record and the links to clear it still show."""

    template = "admin/registry/filters/autocomplete.html"

    def __init__(
        self,
        field: models.Field,
        request: HttpRequest,
        params: dict[str, Any],
        model: type[models.Model],
        model_admin: admin.ModelAdmin,
        field_path: str,
    ) -> None:
        if not (field.many_to_one or field.many_to_many):
            raise TypeError(f"{field_path} is not a relation: AutocompleteFilter needs one.")
        self.lookup_kwarg = f"{field_path}__{field.target_field.name}__exact"
        self.lookup_kwarg_isnull = f"{field_path}__isnull"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.remote_model = field.remote_field.model
        self.title = str(getattr(field, "verbose_name", field_path))
        self.empty_value_display = model_admin.get_empty_value_display()
        self.admin_site = model_admin.admin_site
        self.carried: list[tuple[str, str]] = []

    def expected_parameters(self) -> list[str]:
        return [self.lookup_kwarg, self.lookup_kwarg_isnull]

    def has_output(self) -> bool:
        return True

    def get_facet_counts(self, pk_attname: str, filtered_qs: QuerySet) -> dict[str, Any]:
        return {}  # a count per record would be a query over the whole table

    @property
    def value(self) -> str | None:
        values = self.used_parameters.get(self.lookup_kwarg)
        return str(values[-1]) if values else None

    @property
    def include_empty_choice(self) -> bool:
        return bool(self.field.null or self.field.many_to_many)

    @cached_property
    def chosen(self) -> models.Model | None:
        """The chosen record (one query by primary key), or None."""
        value = self.value
        if value is None:
            return None
        try:
            pk = self.remote_model._meta.pk.to_python(value)
        except Exception:  # a malformed id: the changelist reports the bad parameter
            return None
        return self.remote_model._default_manager.filter(pk=pk).first()

    def widget_html(self) -> str:
        field = forms.ModelChoiceField(
            queryset=self.remote_model._default_manager.none(),
            required=False,
            widget=PrefetchedAutocompleteSelect(self.field, self.admin_site),
        )
        widget = field.widget  # the field's own copy
        chosen = self.chosen
        widget.known = {str(chosen.pk): str(chosen)} if chosen is not None else {}
        attrs = {
            "id": f"filter_{self.lookup_kwarg}",
            "aria-label": _("Filter by %(title)s") % {"title": self.title},
        }
        return widget.render(self.lookup_kwarg, self.value, attrs)

    @property
    def media(self) -> forms.Media:
        widget = PrefetchedAutocompleteSelect(self.field, self.admin_site)
        return widget.media + forms.Media(js=[AUTOCOMPLETE_FILTER_JS])

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        # The other filters and the search, kept as hidden inputs of this filter's form.
        mine = set(self.expected_parameters())
        self.carried = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in mine
            for value in values
        ]
        isnull = self.used_parameters.get(self.lookup_kwarg_isnull)
        yield {
            "selected": self.value is None and not isnull,
            "query_string": changelist.get_query_string(remove=list(mine)),
            "display": _("All"),
        }
        if self.chosen is not None:
            yield {
                "selected": True,
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: self.value}, [self.lookup_kwarg_isnull]
                ),
                "display": str(self.chosen),
            }
        if self.include_empty_choice:
            yield {
                "selected": bool(isnull),
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg_isnull: "True"}, [self.lookup_kwarg]
                ),
                "display": _("None (%(empty)s)") % {"empty": self.empty_value_display},
            }


YEAR = gettext_lazy("year")


def year_filter(field_name: str, title: Any = YEAR) -> type[admin.SimpleListFilter]:
    """A filter by the calendar year of a date column (a partial date's first day)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name.removesuffix('_date')}_year"

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
            bounds = model_admin.model._default_manager.aggregate(
                first=Min(field_name), last=Max(field_name)
            )
            if bounds["first"] is None:
                return []
            years = range(bounds["last"].year, bounds["first"].year - 1, -1)
            return [(str(year), str(year)) for year in years]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            value = self.value()
            if value is None:
                return queryset
            if not value.isdigit() or not 1 <= int(value) < dt.MAXYEAR:
                raise IncorrectLookupParameters(_("%(value)r is not a year.") % {"value": value})
            year = int(value)
            return queryset.filter(
                **{
                    f"{field_name}__gte": dt.date(year, 1, 1),
                    f"{field_name}__lt": dt.date(year + 1, 1, 1),
                }
            )

    YearFilter.title = title
    YearFilter.__name__ = f"{field_name.title().replace('_', '')}YearFilter"
    return YearFilter


def subquery_count(model: type[models.Model], fk: str, field: str = "pk") -> Coalesce:
    """The number of `model` rows whose `fk` points to the outer row, as a subquery.

    With `field` other than "pk", distinct values of that field are counted."""
    count = Count(field, distinct=field != "pk")
    rows = (
        model._default_manager.filter(**{fk: OuterRef("pk")})
        .order_by()
        .values(fk)
        .annotate(n=count)
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class PageCountsAdminMixin:
    """Count columns filled in for the page's rows only: `page_counts` maps an attribute
    to (child model, foreign key); the column reads the attribute. Not sortable."""

    page_counts: dict[str, tuple[type[models.Model], str]] = {}

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        changelist = super().get_changelist_instance(request)
        if not self.page_counts:
            return changelist
        rows = list(changelist.result_list)  # the page; the template reuses these rows
        ids = [row.pk for row in rows]
        for name, (model, fk) in self.page_counts.items():
            counts: dict[Any, int] = {}
            if ids:
                found = (
                    model._default_manager.filter(**{f"{fk}__in": ids})
                    .order_by()
                    .values_list(fk)
                    .annotate(n=Count("pk"))
                )
                counts = dict(found)
            for row in rows:
                setattr(row, name, counts.get(row.pk, 0))
        return changelist


class FilterMediaAdminMixin:
    """Adds the scripts and styles of the changelist's filters (autocomplete) to its page."""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        changelist = context.get("cl") if context else None
        if changelist is not None and "media" in context:
            for spec in changelist.filter_specs:
                if isinstance(spec, AutocompleteFilter):
                    context["media"] += spec.media
        return response
