"""Building blocks of the FilterSets: fields that refuse bad values with clear messages,
free-text search, date spans and orderings."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from registry.models import Citation, Source
from registry.partial_dates import ends_on_or_after_q
from registry.queries.common import nulls_last
from registry.search import KINDS_BY_MODEL, filter_matching

SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,120}\Z")


class SlugOrCodeField(forms.ModelChoiceField):
    """A country given by its slug ("kyrgyz-republic") or ISO code ("KG", any case)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if "\x00" in text or len(text) > 100:
            raise forms.ValidationError(
                _("Unknown country: use a slug or an ISO code."), code="invalid"
            )
        match = self.queryset.filter(Q(slug=text) | Q(iso_code=text.upper())).first()
        if match is None:
            # The value goes in as a parameter: django-filter's DRF backend formats every
            # message with `%`, so user text such as "%Y" inside the message would crash it.
            raise forms.ValidationError(
                _("Unknown country %(value)r: use a country's slug or its two-letter ISO code."),
                code="invalid_choice",
                params={"value": text},
            )
        return match


class SlugModelChoiceField(forms.ModelChoiceField):
    """A record by its slug; text that cannot be a slug is refused before any query, so a NUL
    byte or a megabyte of text never reaches the database (PostgreSQL rejects NUL)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not SLUG_PATTERN.match(str(value)):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": str(value)[:120]},
            )
        return super().to_python(value)


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """Choose a published record by its slug; an unknown slug is a clear error."""

    field_class = SlugModelChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("No published record has the slug %(value)s.")}
        )
        super().__init__(*args, **kwargs)


class CountryFilter(django_filters.ModelChoiceFilter):
    field_class = SlugOrCodeField


class SlugOrNameField(SlugModelChoiceField):
    """A person by slug or, for visitors typing into a search box, by their exact name."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = " ".join(str(value).split())
        if SLUG_PATTERN.match(text):
            match = self.queryset.filter(slug=text).first()
            if match is not None:
                return match
        if "\x00" not in text and len(text) <= 200:
            named = list(self.queryset.filter(name__iexact=text)[:2])
            if len(named) == 1:
                return named[0]
        raise forms.ValidationError(
            _(
                "No published person is called or has the slug %(value)s: type a name and "
                "choose one of the suggestions."
            ),
            code="invalid_choice",
            params={"value": text[:120]},
        )


class PersonFilter(SlugChoiceFilter):
    field_class = SlugOrNameField


def published(model):
    # A callable so that the queryset is evaluated per request, never at import time.
    return lambda request: model.objects.published()


# --- Building blocks shared by the FilterSets below -------------------------------------


class SearchFilter(django_filters.CharFilter):
    """Free text `q`, as the site search reads it (words that must all appear, "a phrase",
    `or`, `-word`), matched against the record's search document (registry/search.py: on
    PostgreSQL through its index). A model the site search does not cover is matched word
    by word, case-insensitively, in `search_fields`.

    A record's document holds only its own text and the names of the records it links,
    which it shows only while they are published, so a search never reveals what a draft
    says."""

    def __init__(self, *, search_fields: list[str], **kwargs):
        self.search_fields = search_fields
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("help_text", _("Words that must all appear in the record's text."))
        kwargs.setdefault("max_length", 200)  # the form field refuses NUL bytes itself
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if qs.model._meta.concrete_model in KINDS_BY_MODEL:
            return filter_matching(qs, value)
        for word in (value or "").split()[:10]:
            match = Q()
            for field in self.search_fields:
                match |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(match)
        return qs


class StrictBooleanField(forms.Field):
    """true/false (or 1/0, yes/no); anything else is an error rather than "no filter", which
    is what Django's NullBooleanField would make of `current=maybe`."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


NOT_STATED = "unknown"


class ThreeStateBooleanField(StrictBooleanField):
    """true, false or `unknown`: for a yes/no fact that the sources may leave unstated."""

    def to_python(self, value):
        if value not in self.empty_values and str(value).strip().lower() == NOT_STATED:
            return NOT_STATED
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(_("Use true, false or unknown."), code="invalid") from None


@extend_schema_field({"type": "string", "enum": ["true", "false", NOT_STATED]})
class ThreeStateBooleanFilter(StrictBooleanFilter):
    """`true` or `false` as a source states it; `unknown` for the records where no source
    says (the field is empty)."""

    field_class = ThreeStateBooleanField

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if value == NOT_STATED:
            return qs.filter(**{f"{self.field_name}__isnull": True})
        return super().filter(qs, value)


def _end_not_before(day: dt.date, prefix: str = "") -> Q:
    """The span's end is unknown or possibly on or after `day`."""
    return Q(**{f"{prefix}end_date__isnull": True}) | ends_on_or_after_q(
        f"{prefix}end_date", f"{prefix}end_precision", day
    )


def possibly_active_q(day: dt.date, prefix: str = "") -> Q:
    """Spans that possibly covered `day` (SpanMixin.possibly_active_on in SQL): the start is
    unknown or its period began by `day`, and the end is unknown or its period ends on or
    after `day`. An unknown end counts as possibly later, whether or not `ongoing`."""
    started = Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day})
    return started & _end_not_before(day, prefix)


def current_q(today: dt.date) -> Q:
    """Known to be current: possibly started by today and either `ongoing` or with an end
    whose period has not passed. An unknown end that is not `ongoing` is not current."""
    started = Q(start_date__isnull=True) | Q(start_date__lte=today)
    return started & (Q(ongoing=True) | (Q(end_date__isnull=False) & _end_not_before(today)))


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering=name,-start`: NULLs last and the primary key as a final tie-breaker."""

    def get_ordering_value(self, param: str):
        return nulls_last(super().get_ordering_value(param))[0]

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        return qs.order_by(*[self.get_ordering_value(p) for p in value if p], "pk")


class AsOfFilter(django_filters.DateFilter):
    """`as_of=YYYY-MM-DD`: the records possibly active on that day (docs/api.md)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("As of (YYYY-MM-DD)"))
        kwargs.setdefault(
            "help_text",
            _("Only records possibly active on this day, each marked certain or possible."),
        )
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: dt.date | None) -> QuerySet:
        return qs if value is None else qs.filter(possibly_active_q(value))


class SpanFilterSet(django_filters.FilterSet):
    """Filters of every record with a start, an end and `ongoing`."""

    current = StrictBooleanFilter(
        method="filter_current",
        label=_("Current"),
        help_text=_(
            "true: known to continue today (ongoing, or its end has not passed); "
            "false: ended, or its end is unknown."
        ),
    )
    start_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("Starting on or after (YYYY-MM-DD)")
    )
    end_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", label=_("Ending on or before (YYYY-MM-DD)")
    )
    as_of = AsOfFilter()

    def filter_current(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        match = current_q(timezone.localdate())
        return queryset.filter(match) if value else queryset.exclude(match)


@extend_schema_field(OpenApiTypes.STR)
class CitingSourceFilter(SlugChoiceFilter):
    """`source=<slug>`: the records that cite that published source."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", published(Source))
        kwargs.setdefault("label", _("Source"))
        kwargs.setdefault("help_text", _("Records citing this source (its slug)."))
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: Source | None) -> QuerySet:
        if value is None:
            return qs
        cited = Citation.objects.for_model(qs.model).filter(source=value)
        return qs.filter(pk__in=cited.values("object_id"))
