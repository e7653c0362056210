"""Read-only endpoints over published records (docs/api.md).

Every queryset starts from `Model.objects.published()`, and every linked record is loaded
in the same fixed set of queries (select_related, or a Prefetch of its published rows), so
that a request costs the same number of queries whatever the page size or data size.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import APIException, Throttled
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from registry import filters
from registry.cite import cite
from registry.models import (
    Appointment,
    Country,
    Event,
    Meeting,
    Office,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Topic,
    Visit,
    VisitLeg,
)
from registry.models.names import HasOtherNames
from registry.publication import addresses
from registry.queries.common import published_citations
from registry.releases import cited_release

from . import serializers as s
from .as_of import parse_as_of
from .conditional import finalize_caching
from .pagination import PagePagination, VisitCursorPagination
from .renderers import RENDERERS

SLUG_REGEX = r"[-a-zA-Z0-9_]{1,120}"
ID_REGEX = r"[0-9]{1,18}"  # larger numbers would overflow the database's integer

AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="YYYY-MM-DD: say whether the record was certainly, possibly or not active "
    "on that day (see docs/api.md).",
)


class Gone(APIException):
    status_code = 410
    default_code = "gone"
    default_detail = gettext_lazy(
        "This record was published here and has since been removed from the registry."
    )


class RegistryViewSet(viewsets.ReadOnlyModelViewSet):
    """A published-only list and detail, with filters, CSV, ETags and `as_of` where given."""

    model: ClassVar[type[models.Model]]
    default_ordering: ClassVar[tuple[str, ...]] = ()
    select: ClassVar[tuple[str, ...]] = ()
    answers_as_of: ClassVar[bool] = False
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX
    renderer_classes = RENDERERS
    pagination_class = PagePagination
    filter_backends = [DjangoFilterBackend]
    as_of: dt.date | None = None

    def prefetches(self) -> list[Prefetch | str]:
        """Linked lists to load, each as one query of its published rows."""
        return []

    def get_queryset(self) -> QuerySet:
        queryset = self.model.objects.published().select_related(*self.select)
        lookups = self.prefetches()
        if any(field.name == "citations" for field in self.model._meta.private_fields):
            lookups.append(published_citations())
        if issubclass(self.model, HasOtherNames):
            lookups.append("other_names")
        queryset = queryset.prefetch_related(*lookups)
        return filters.stable_order(queryset, *self.default_ordering)

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.as_of = parse_as_of(request) if self.answers_as_of else None

    def get_object(self) -> models.Model:
        # One record by its key, whatever list filters the query string carries.
        key = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        record = get_object_or_404(self.get_queryset(), **{self.lookup_field: key})
        self.check_object_permissions(self.request, record)
        return record

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "as_of": self.as_of}

    def list(self, request: Request, *args, **kwargs) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        try:
            record = self.get_object()
        except Http404:
            return self.moved_or_gone(request)
        data = self.get_serializer(record).data
        # How to cite it: its page's address, or its own for records without a page.
        page = getattr(record, "get_absolute_url", None)
        url = request.build_absolute_uri(page() if page else request.path)
        release = cited_release(record, request.build_absolute_uri)
        return Response({**data, "citation": cite(record, url, release=release).as_dict()})

    def moved_or_gone(self, request: Request) -> HttpResponsePermanentRedirect:
        """A renamed record's old address redirects to its new one, a deleted public
        record's answers 410 (publication/addresses.py); anything else stays a 404."""
        key = str(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        address = addresses.retired(self.model, key)
        if address is not None and address.deleted:
            raise Gone()
        record = addresses.current_record(address, self.get_queryset()) if address else None
        if record is None:
            raise Http404
        new_key = getattr(record, self.lookup_field)
        target = reverse(f"api:{self.basename}-detail", kwargs={self.lookup_field: new_key})
        if query := request.META.get("QUERY_STRING"):
            target = f"{target}?{query}"
        return HttpResponsePermanentRedirect(target)

    def throttled(self, request: Request, wait: float | None) -> None:
        raise Throttled(
            wait,
            detail=_(
                "Too many requests from your address: the API is rate-limited for "
                "anonymous clients. Wait and retry, or use the CSV export for bulk data."
            ),
        )

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and response.status_code >= 400:
            # Errors are JSON whatever format was asked for, as the schema documents.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return finalize_caching(request, response)


def as_of_schema(cls: type[RegistryViewSet]) -> type[RegistryViewSet]:
    return extend_schema_view(retrieve=extend_schema(parameters=[AS_OF_PARAMETER]))(cls)


class RegionViewSet(RegistryViewSet):
    model = Region
    serializer_class = s.RegionSerializer
    filterset_class = filters.RegionFilterSet
    default_ordering = ("sort_order", "name")

    def prefetches(self) -> list[Prefetch | str]:
        return [Prefetch("countries", queryset=Country.objects.published())]


class CountryViewSet(RegistryViewSet):
    model = Country
    serializer_class = s.CountrySerializer
    filterset_class = filters.CountryFilterSet
    default_ordering = ("name",)
    select = ("region",)


@as_of_schema
class ProgrammeViewSet(RegistryViewSet):
    model = Programme
    serializer_class = s.ProgrammeSerializer
    filterset_class = filters.ProgrammeFilterSet
    default_ordering = ("start_date", "name")
    select = ("replaces", "part_of", "launched_at")
    answers_as_of = True


@as_of_schema
class ParticipationViewSet(RegistryViewSet):
    model = Participation
    serializer_class = s.ParticipationSerializer
    filterset_class = filters.ParticipationFilterSet
    default_ordering = ("start_date", "country__name", "programme__name")
    select = ("country", "programme")
    answers_as_of = True
    lookup_field = "pk"
    lookup_value_regex = ID_REGEX


@as_of_schema
class OfficeViewSet(RegistryViewSet):
    model = Office
    serializer_class = s.OfficeSerializer
    filterset_class = filters.OfficeFilterSet
    default_ordering = ("name",)
    select = ("host_country", "succeeded_by")
    answers_as_of = True

    def prefetches(self) -> list[Prefetch | str]:
        return [Prefetch("countries_covered", queryset=Country.objects.published())]


@as_of_schema
class PositionViewSet(RegistryViewSet):
    model = Position
    serializer_class = s.PositionSerializer
    filterset_class = filters.PositionFilterSet
    default_ordering = ("title",)
    select = ("organisation__country", "office", "established_by")
    answers_as_of = True

    def prefetches(self) -> list[Prefetch | str]:
        if self.as_of is None:
            return []
        # The holders on that day, in one query for the whole page.
        holders = (
            Appointment.objects.published()
            .filter(filters.possibly_active_q(self.as_of))
            .select_related("person")
        )
        holders = filters.stable_order(holders, "start_date", "person__sort_name")
        return [Prefetch("appointments", queryset=holders, to_attr="holders_on_date")]


class PersonViewSet(RegistryViewSet):
    model = Person
    serializer_class = s.PersonSerializer
    filterset_class = filters.PersonFilterSet
    default_ordering = ("sort_name", "name")


@as_of_schema
class AppointmentViewSet(RegistryViewSet):
    model = Appointment
    serializer_class = s.AppointmentSerializer
    filterset_class = filters.AppointmentFilterSet
    default_ordering = ("position__title", "start_date")
    select = ("person", "position")

    def prefetches(self) -> list[Prefetch | str]:
        # A draft visit is not named (the link serializer would follow its dependencies).
        return [
            Prefetch("attested_visit", queryset=Visit.objects.published()),
            "position__other_names",
        ]

    answers_as_of = True
    lookup_field = "pk"
    lookup_value_regex = ID_REGEX


class EventViewSet(RegistryViewSet):
    model = Event
    serializer_class = s.EventSerializer
    filterset_class = filters.EventFilterSet
    default_ordering = ("start_date", "name")
    select = ("country",)

    def prefetches(self) -> list[Prefetch | str]:
        return [Prefetch("topics", queryset=Topic.objects.published())]


class VisitViewSet(RegistryViewSet):
    model = Visit
    serializer_class = s.VisitSerializer
    filterset_class = filters.VisitFilter
    pagination_class = VisitCursorPagination
    default_ordering = ("-start_date",)
    select = ("traveller", "traveller_position")

    def prefetches(self) -> list[Prefetch | str]:
        topics = Topic.objects.published()
        meetings = (
            Meeting.objects.select_related("counterpart", "counterpart_position", "leg")
            .prefetch_related(Prefetch("topics", queryset=topics))
            .order_by("order", "pk")
        )
        return [
            Prefetch("topics", queryset=topics),
            Prefetch(
                "legs",
                queryset=VisitLeg.objects.select_related("country")
                .prefetch_related("country__other_names")
                .order_by("order"),
            ),
            Prefetch("meetings", queryset=meetings),
        ]


class TopicViewSet(RegistryViewSet):
    model = Topic
    serializer_class = s.TopicSerializer
    filterset_class = filters.TopicFilterSet
    default_ordering = ("name",)


class SourceViewSet(RegistryViewSet):
    model = Source
    filterset_class = filters.SourceFilterSet
    default_ordering = ("title",)

    def prefetches(self) -> list[Prefetch | str]:
        published = Source.objects.published().order_by("title", "pk")
        return [Prefetch("cited_in", queryset=published), Prefetch("cites", queryset=published)]

    def get_serializer_class(self):
        # The full text only on a source's own page: lists stay light.
        return s.SourceDetailSerializer if self.action == "retrieve" else s.SourceSerializer


def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Unknown paths under /api/v1/ answer in JSON too."""
    detail = _("Not found. The endpoints are listed at /api/v1/.")
    return JsonResponse({"detail": detail}, status=404)
