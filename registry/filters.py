"""FilterSets shared by the public list pages and the API, so both accept the same
parameters and refuse the same bad values with the same messages."""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import (
    Appointment,
    Country,
    Event,
    Office,
    Organisation,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Topic,
    Visit,
)
from .partial_dates import MAX_YEAR, MIN_YEAR, Precision
from .search import KINDS_BY_MODEL, filter_matching

SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,120}\Z")


class SlugOrCodeField(forms.ModelChoiceField):
    """A country given by its slug ("kyrgyz-republic") or ISO code ("KG", any case)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if "\x00" in text or len(text) > 100:
            raise forms.ValidationError(
                "Unknown country: use a slug or an ISO code.", code="invalid"
            )
        match = self.queryset.filter(Q(slug=text) | Q(iso_code=text.upper())).first()
        if match is None:
            # The value goes in as a parameter: django-filter's DRF backend formats every
            # message with `%`, so user text such as "%Y" inside the message would crash it.
            raise forms.ValidationError(
                "Unknown country %(value)r: use a country's slug or its two-letter ISO code.",
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
            "error_messages", {"invalid_choice": "No published record has the slug %(value)s."}
        )
        super().__init__(*args, **kwargs)


class CountryFilter(django_filters.ModelChoiceFilter):
    field_class = SlugOrCodeField


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
        kwargs.setdefault("label", "Search")
        kwargs.setdefault("help_text", "Words that must all appear in the record's text.")
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
        raise forms.ValidationError("Use true or false.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


def _end_not_before(day: dt.date, prefix: str = "") -> Q:
    """The span's end is possibly on or after `day`: a month or year is stored as its first
    day, so compare it with `day` truncated to the end's precision."""
    return (
        Q(**{f"{prefix}end_date__isnull": True})
        | Q(**{f"{prefix}end_precision": Precision.DAY, f"{prefix}end_date__gte": day})
        | Q(
            **{
                f"{prefix}end_precision": Precision.MONTH,
                f"{prefix}end_date__gte": day.replace(day=1),
            }
        )
        | Q(
            **{
                f"{prefix}end_precision": Precision.YEAR,
                f"{prefix}end_date__gte": day.replace(month=1, day=1),
            }
        )
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


def nulls_last(*fields: str) -> list:
    """Order expressions with NULLs last on every database (SQLite and PostgreSQL disagree by
    default), so that both give the same pages."""
    return [
        F(f[1:]).desc(nulls_last=True) if f.startswith("-") else F(f).asc(nulls_last=True)
        for f in fields
    ]


def stable_order(qs: QuerySet, *fields: str) -> QuerySet:
    """Order by `fields` (NULLs last) and then the primary key, so that paging is stable."""
    return qs.order_by(*nulls_last(*fields), "pk")


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
        kwargs.setdefault("label", "As of (YYYY-MM-DD)")
        kwargs.setdefault(
            "help_text",
            "Only records possibly active on this day, each marked certain or possible.",
        )
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: dt.date | None) -> QuerySet:
        return qs if value is None else qs.filter(possibly_active_q(value))


class SpanFilterSet(django_filters.FilterSet):
    """Filters of every record with a start, an end and `ongoing`."""

    current = StrictBooleanFilter(
        method="filter_current",
        label="Current",
        help_text="true: known to continue today (ongoing, or its end has not passed); "
        "false: ended, or its end is unknown.",
    )
    start_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label="Starting on or after (YYYY-MM-DD)"
    )
    end_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", label="Ending on or before (YYYY-MM-DD)"
    )
    as_of = AsOfFilter()

    def filter_current(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        match = current_q(timezone.localdate())
        return queryset.filter(match) if value else queryset.exclude(match)


class VisitFilter(django_filters.FilterSet):
    country = CountryFilter(
        queryset=published(Country),
        method="filter_country",
        label="Country",
        help_text="A country's slug or ISO code: a visit with a leg in that country.",
    )
    region = SlugChoiceFilter(queryset=published(Region), method="filter_region", label="Region")
    person = SlugChoiceFilter(
        queryset=published(Person),
        method="filter_person",
        label="Person",
        help_text="The traveller or a person met.",
    )
    topic = SlugChoiceFilter(queryset=published(Topic), field_name="topics", label="Topic")
    year = django_filters.NumberFilter(
        method="filter_year",
        label="Year",
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    start_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label="Starting on or after (YYYY-MM-DD)"
    )
    end_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", label="Ending on or before (YYYY-MM-DD)"
    )
    q = SearchFilter(search_fields=["title", "purpose", "summary"])
    # Only by date: the API pages visits with a cursor on (start date, id), see docs/api.md.
    ordering = StableOrderingFilter(
        fields=(("start_date", "start"),),
        help_text="start (oldest first) or -start (newest first, the default); undated last.",
    )

    class Meta:
        model = Visit
        fields = ["country", "region", "person", "topic", "year", "start_after", "end_before"]

    def filter_country(self, queryset: QuerySet, name: str, value: Country) -> QuerySet:
        return queryset.filter(legs__country=value).distinct()

    def filter_region(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        return queryset.filter(legs__country__region=value).distinct()

    def filter_person(self, queryset: QuerySet, name: str, value: Person) -> QuerySet:
        return queryset.filter(Q(traveller=value) | Q(meetings__counterpart=value)).distinct()

    def filter_year(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(start_date__year=int(value))


# --- FilterSets of the other lists ------------------------------------------------------
# Named "...FilterSet" because `CountryFilter` above is a single filter, not a FilterSet.


def _choices(choices) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=choices)


class RegionFilterSet(django_filters.FilterSet):
    q = SearchFilter(search_fields=["name", "summary"])
    ordering = StableOrderingFilter(fields=(("sort_order", "sort_order"), ("name", "name")))

    class Meta:
        model = Region
        fields: list[str] = []


class CountryFilterSet(django_filters.FilterSet):
    region = SlugChoiceFilter(queryset=published(Region), field_name="region", label="Region")
    is_partner = StrictBooleanFilter(field_name="is_partner", label="Partner country")
    q = SearchFilter(search_fields=["name", "iso_code", "profile"])
    ordering = StableOrderingFilter(fields=(("name", "name"), ("iso_code", "iso_code")))

    class Meta:
        model = Country
        fields: list[str] = []


class ProgrammeFilterSet(SpanFilterSet):
    kind = _choices(Programme.Kind.choices)
    country = CountryFilter(
        queryset=published(Country),
        method="filter_country",
        label="Country",
        help_text="A country's slug or ISO code: programmes it takes part in.",
    )
    part_of = SlugChoiceFilter(queryset=published(Programme), field_name="part_of")
    q = SearchFilter(search_fields=["name", "short_name", "description"])
    ordering = StableOrderingFilter(fields=(("start_date", "start"), ("name", "name")))

    class Meta:
        model = Programme
        fields: list[str] = []

    def filter_country(self, queryset: QuerySet, name: str, value: Country) -> QuerySet:
        # Through published participations only: a draft one must not show through.
        taking_part = Participation.objects.published().filter(country=value)
        return queryset.filter(pk__in=taking_part.values("programme_id"))


class ParticipationFilterSet(SpanFilterSet):
    country = CountryFilter(queryset=published(Country), field_name="country", label="Country")
    region = SlugChoiceFilter(queryset=published(Region), field_name="country__region")
    programme = SlugChoiceFilter(queryset=published(Programme), field_name="programme")
    stage = _choices(Participation.Stage.choices)
    q = SearchFilter(
        search_fields=["summary", "country__name", "programme__name", "programme__short_name"]
    )
    ordering = StableOrderingFilter(
        fields=(
            ("start_date", "start"),
            ("country__name", "country"),
            ("programme__name", "programme"),
        )
    )

    class Meta:
        model = Participation
        fields: list[str] = []


class OfficeFilterSet(SpanFilterSet):
    country = CountryFilter(
        queryset=published(Country),
        method="filter_country",
        label="Country",
        help_text="A country's slug or ISO code: offices in it or covering it.",
    )
    region = SlugChoiceFilter(
        queryset=published(Region),
        method="filter_region",
        label="Region",
        help_text="Offices in or covering a country of the region.",
    )
    q = SearchFilter(search_fields=["name", "city", "description", "closure_note"])
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("start_date", "start"), ("end_date", "end"))
    )

    class Meta:
        model = Office
        fields: list[str] = []

    def _covering(self, **lookup) -> QuerySet:
        return Office.countries_covered.through.objects.filter(**lookup).values("office_id")

    def filter_country(self, queryset: QuerySet, name: str, value: Country) -> QuerySet:
        return queryset.filter(Q(host_country=value) | Q(pk__in=self._covering(country=value)))

    def filter_region(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        return queryset.filter(
            Q(host_country__region=value) | Q(pk__in=self._covering(country__region=value))
        )


class PositionFilterSet(SpanFilterSet):
    organisation = SlugChoiceFilter(queryset=published(Organisation), field_name="organisation")
    office = SlugChoiceFilter(queryset=published(Office), field_name="office")
    person = SlugChoiceFilter(
        queryset=published(Person),
        method="filter_person",
        label="Person",
        help_text="Posts this person has held.",
    )
    country = CountryFilter(
        queryset=published(Country),
        method="filter_country",
        label="Country",
        help_text="Posts of an organisation of that country or based in an office there.",
    )
    q = SearchFilter(search_fields=["title", "duties", "notes"])
    ordering = StableOrderingFilter(fields=(("title", "title"), ("start_date", "start")))

    class Meta:
        model = Position
        fields: list[str] = []

    def filter_person(self, queryset: QuerySet, name: str, value: Person) -> QuerySet:
        held = Appointment.objects.published().filter(person=value)
        return queryset.filter(pk__in=held.values("position_id"))

    def filter_country(self, queryset: QuerySet, name: str, value: Country) -> QuerySet:
        # Only through published organisations and offices, so that a draft shows nothing.
        organisations = Organisation.objects.published().filter(country=value)
        offices = Office.objects.published().filter(host_country=value)
        return queryset.filter(Q(organisation__in=organisations) | Q(office__in=offices))


class PersonFilterSet(django_filters.FilterSet):
    position = SlugChoiceFilter(
        queryset=published(Position),
        method="filter_position",
        label="Position",
        help_text="People who have held this post.",
    )
    q = SearchFilter(search_fields=["name", "sort_name", "summary"])
    ordering = StableOrderingFilter(fields=(("sort_name", "name"),))

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_position(self, queryset: QuerySet, name: str, value: Position) -> QuerySet:
        held = Appointment.objects.published().filter(position=value)
        return queryset.filter(pk__in=held.values("person_id"))


class AppointmentFilterSet(SpanFilterSet):
    person = SlugChoiceFilter(queryset=published(Person), field_name="person")
    position = SlugChoiceFilter(queryset=published(Position), field_name="position")
    capacity = _choices(Appointment.Capacity.choices)
    q = SearchFilter(search_fields=["notes", "person__name", "position__title"])
    ordering = StableOrderingFilter(
        fields=(
            ("start_date", "start"),
            ("end_date", "end"),
            ("person__sort_name", "person"),
            ("position__title", "position"),
        )
    )

    class Meta:
        model = Appointment
        fields: list[str] = []


class EventFilterSet(django_filters.FilterSet):
    country = CountryFilter(queryset=published(Country), field_name="country", label="Country")
    topic = SlugChoiceFilter(queryset=published(Topic), field_name="topics", label="Topic")
    kind = _choices(Event.Kind.choices)
    year = django_filters.NumberFilter(
        method="filter_year",
        label="Year",
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    start_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label="Starting on or after (YYYY-MM-DD)"
    )
    end_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", label="Ending on or before (YYYY-MM-DD)"
    )
    q = SearchFilter(search_fields=["name", "city", "summary", "decisions"])
    ordering = StableOrderingFilter(fields=(("start_date", "start"), ("name", "name")))

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(start_date__year=int(value))


class TopicFilterSet(django_filters.FilterSet):
    q = SearchFilter(search_fields=["name", "description"])
    ordering = StableOrderingFilter(fields=(("name", "name"),))

    class Meta:
        model = Topic
        fields: list[str] = []


class SourceFilterSet(django_filters.FilterSet):
    kind = _choices(Source.Kind.choices)
    q = SearchFilter(search_fields=["title", "publisher", "author", "full_text"])
    ordering = StableOrderingFilter(fields=(("title", "title"), ("date", "date")))

    class Meta:
        model = Source
        fields: list[str] = []
