"""The FilterSets shared by the public list pages and the API, so both accept the same
parameters and refuse the same bad values with the same messages."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from registry.models import (
    Appointment,
    Country,
    Event,
    Meeting,
    Office,
    Organisation,
    Participation,
    Person,
    Position,
    Programme,
    PublicChange,
    Region,
    Release,
    Source,
    Topic,
    Visit,
    VisitLeg,
)
from registry.partial_dates import MAX_YEAR, MIN_YEAR

from .fields import (
    CitingSourceFilter,
    CountryFilter,
    PersonFilter,
    SearchFilter,
    SlugChoiceFilter,
    SpanFilterSet,
    StableOrderingFilter,
    ThreeStateBooleanFilter,
    published,
)


class VisitFilter(django_filters.FilterSet):
    country = CountryFilter(
        queryset=published(Country),
        method="filter_country",
        label=_("Country"),
        help_text=_("A country's slug or ISO code: a visit with a leg in that country."),
    )
    region = SlugChoiceFilter(queryset=published(Region), method="filter_region", label=_("Region"))
    person = PersonFilter(
        queryset=published(Person),
        method="filter_person",
        label=_("Person"),
        help_text=_("The traveller or a person met: a slug, or the exact name."),
    )
    position = SlugChoiceFilter(
        queryset=published(Position),
        field_name="traveller_position",
        label=_("Post"),
        help_text=_("Visits made by a holder of this post, in that post."),
    )
    topic = SlugChoiceFilter(queryset=published(Topic), field_name="topics", label=_("Topic"))
    source = CitingSourceFilter()
    year = django_filters.NumberFilter(
        method="filter_year",
        label=_("Year"),
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    start_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("Starting on or after (YYYY-MM-DD)")
    )
    end_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", label=_("Ending on or before (YYYY-MM-DD)")
    )
    q = SearchFilter(search_fields=["title", "purpose", "summary"])
    # Only by date: the API pages visits with a cursor on (start date, id), see docs/api.md.
    ordering = StableOrderingFilter(
        fields=(("start_date", "start"),),
        help_text=_("start (oldest first) or -start (newest first, the default); undated last."),
    )

    class Meta:
        model = Visit
        fields = ["country", "region", "person", "topic", "year", "start_after", "end_before"]

    # Subqueries rather than joins: no DISTINCT over a hundred thousand visits.
    def filter_country(self, queryset: QuerySet, name: str, value: Country) -> QuerySet:
        return queryset.filter(pk__in=VisitLeg.objects.filter(country=value).values("visit_id"))

    def filter_region(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        legs = VisitLeg.objects.filter(country__region=value)
        return queryset.filter(pk__in=legs.values("visit_id"))

    def filter_person(self, queryset: QuerySet, name: str, value: Person) -> QuerySet:
        met = Meeting.objects.filter(counterpart=value).values("visit_id")
        return queryset.filter(Q(traveller=value) | Q(pk__in=met))

    def filter_year(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # A range rather than __year, so that the start date's index serves it.
        year = int(value)
        return queryset.filter(
            start_date__gte=dt.date(year, 1, 1), start_date__lte=dt.date(year, 12, 31)
        )


class MeetingFilterSet(django_filters.FilterSet):
    """Meetings held on published visits (the public "officials met" lists)."""

    country = CountryFilter(
        queryset=published(Country),
        field_name="leg__country",
        label=_("Country"),
        help_text=_("A country's slug or ISO code: meetings on a leg in that country."),
    )
    region = SlugChoiceFilter(
        queryset=published(Region), field_name="leg__country__region", label=_("Region")
    )
    person = SlugChoiceFilter(
        queryset=published(Person), field_name="counterpart", label=_("Person met")
    )
    position = SlugChoiceFilter(
        queryset=published(Position),
        field_name="counterpart_position",
        label=_("Post"),
        help_text=_("Meetings with a holder of this post, in that post."),
    )
    topic = SlugChoiceFilter(queryset=published(Topic), field_name="topics", label=_("Topic"))

    class Meta:
        model = Meeting
        fields: list[str] = []


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
    region = SlugChoiceFilter(queryset=published(Region), field_name="region", label=_("Region"))
    is_partner = ThreeStateBooleanFilter(field_name="is_partner", label=_("Partner country"))
    q = SearchFilter(search_fields=["name", "iso_code", "profile"])
    ordering = StableOrderingFilter(fields=(("name", "name"), ("iso_code", "iso_code")))

    class Meta:
        model = Country
        fields: list[str] = []


class ProgrammeFilterSet(SpanFilterSet):
    source = CitingSourceFilter()
    kind = _choices(Programme.Kind.choices)
    country = CountryFilter(
        queryset=published(Country),
        method="filter_country",
        label=_("Country"),
        help_text=_("A country's slug or ISO code: programmes it takes part in."),
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
    country = CountryFilter(queryset=published(Country), field_name="country", label=_("Country"))
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
    source = CitingSourceFilter()
    country = CountryFilter(
        queryset=published(Country),
        method="filter_country",
        label=_("Country"),
        help_text=_("A country's slug or ISO code: offices in it or covering it."),
    )
    region = SlugChoiceFilter(
        queryset=published(Region),
        method="filter_region",
        label=_("Region"),
        help_text=_("Offices in or covering a country of the region."),
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
    source = CitingSourceFilter()
    region = SlugChoiceFilter(
        queryset=published(Region),
        method="filter_region",
        label=_("Region"),
        help_text=_("Posts of an organisation of the region or based in an office there."),
    )
    organisation = SlugChoiceFilter(queryset=published(Organisation), field_name="organisation")
    office = SlugChoiceFilter(queryset=published(Office), field_name="office")
    person = SlugChoiceFilter(
        queryset=published(Person),
        method="filter_person",
        label=_("Person"),
        help_text=_("Posts this person has held."),
    )
    country = CountryFilter(
        queryset=published(Country),
        method="filter_country",
        label=_("Country"),
        help_text=_("Posts of an organisation of that country or based in an office there."),
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

    def filter_region(self, queryset: QuerySet, name: str, value: Region) -> QuerySet:
        organisations = Organisation.objects.published().filter(country__region=value)
        offices = Office.objects.published().filter(host_country__region=value)
        return queryset.filter(Q(organisation__in=organisations) | Q(office__in=offices))


class PersonFilterSet(django_filters.FilterSet):
    source = CitingSourceFilter()
    position = SlugChoiceFilter(
        queryset=published(Position),
        method="filter_position",
        label=_("Position"),
        help_text=_("People who have held this post."),
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
    source = CitingSourceFilter()
    country = CountryFilter(queryset=published(Country), field_name="country", label=_("Country"))
    topic = SlugChoiceFilter(queryset=published(Topic), field_name="topics", label=_("Topic"))
    kind = _choices(Event.Kind.choices)
    year = django_filters.NumberFilter(
        method="filter_year",
        label=_("Year"),
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
    )
    start_after = django_filters.DateFilter(
        field_name="start_date", lookup_expr="gte", label=_("Starting on or after (YYYY-MM-DD)")
    )
    end_before = django_filters.DateFilter(
        field_name="end_date", lookup_expr="lte", label=_("Ending on or before (YYYY-MM-DD)")
    )
    q = SearchFilter(search_fields=["name", "city", "summary", "decisions"])
    ordering = StableOrderingFilter(fields=(("start_date", "start"), ("name", "name")))

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(start_date__year=int(value))


class TopicFilterSet(django_filters.FilterSet):
    source = CitingSourceFilter()
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


def _logged_types() -> list[tuple[str, str]]:
    """The record types the change log holds: every publishable model."""
    from django.apps import apps

    from registry.models.base import Publishable

    models = apps.get_app_config("registry").get_models()
    return sorted(
        (m._meta.model_name, str(m._meta.verbose_name))
        for m in models
        if issubclass(m, Publishable)
    )


class ReleaseFilterSet(django_filters.FilterSet):
    """Data releases made between two days."""

    since = django_filters.DateFilter(
        field_name="made_at", lookup_expr="date__gte", label=_("since")
    )
    until = django_filters.DateFilter(
        field_name="made_at", lookup_expr="date__lte", label=_("until")
    )

    class Meta:
        model = Release
        fields: list[str] = []


class PublicChangeFilterSet(django_filters.FilterSet):
    """The change log's filters: what happened, to which kind of record (or which record),
    and between which days."""

    kind = _choices(PublicChange.Kind.choices)
    type = django_filters.ChoiceFilter(
        choices=_logged_types, field_name="content_type__model", label=_("record type")
    )
    record = django_filters.NumberFilter(field_name="object_id", min_value=1, label=_("record id"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("since"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("until"))

    class Meta:
        model = PublicChange
        fields: list[str] = []
