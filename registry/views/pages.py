"""Public pages. Every view reads through the model's `published()` queryset."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.views.generic import DetailView, TemplateView

from registry.models import (
    Citation,
    Country,
    Event,
    Office,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Topic,
    Visit,
)


class PublishedMixin:
    """Serve only published records: anything else is a 404 for the public."""

    model = None

    def get_queryset(self) -> QuerySet:
        queryset = self.model.objects.published()
        if hasattr(self.model, "citations"):
            queryset = queryset.prefetch_related(
                Prefetch(
                    "citations",
                    queryset=Citation.objects.published().select_related("source"),
                )
            )
        return queryset


class RecordDetailView(PublishedMixin, DetailView):
    template_name = "registry/record_detail.html"
    context_object_name = "record"


class HomeView(TemplateView):
    template_name = "registry/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["regions"] = Region.objects.published().prefetch_related(
            Prefetch("countries", queryset=Country.objects.published())
        )
        return context


class RegionDetailView(RecordDetailView):
    model = Region


class CountryDetailView(RecordDetailView):
    model = Country


class ProgrammeDetailView(RecordDetailView):
    model = Programme


class OfficeDetailView(RecordDetailView):
    model = Office


class PositionDetailView(RecordDetailView):
    model = Position


class PersonDetailView(RecordDetailView):
    model = Person


class EventDetailView(RecordDetailView):
    model = Event


class VisitDetailView(RecordDetailView):
    model = Visit


class TopicDetailView(RecordDetailView):
    model = Topic


class SourceDetailView(RecordDetailView):
    model = Source
