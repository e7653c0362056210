"""Prefetches and orderings that every public output shares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Prefetch, Q, QuerySet

from registry.models import Citation, Country, Topic, VisitLeg


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


def published_citations(lookup: str = "citations") -> Prefetch:
    """A record's citations of published sources, with the source, in one query."""
    return Prefetch(
        lookup,
        queryset=Citation.objects.published().select_related("source").order_by("pk"),
    )


def topics_prefetch(lookup: str = "topics") -> Prefetch:
    return Prefetch(lookup, queryset=Topic.objects.published().order_by("name"))


def legs_prefetch(lookup: str = "legs") -> Prefetch:
    """A visit's stops in order, only in published countries."""
    return Prefetch(
        lookup,
        queryset=VisitLeg.objects.filter(country__in=Country.objects.published())
        .select_related("country")
        .prefetch_related("country__other_names")
        .order_by("order", "start_date", "pk"),
    )


def attach_citations(records: Iterable[models.Model]) -> None:
    """Load the citations of records of several kinds in one query, as if each had been
    loaded with `published_citations()` (so `record.citations.all()` reads no more)."""
    records = list(records)
    by_model: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for record in records:
        by_model[type(record)].append(record)
    types = ContentType.objects.get_for_models(*by_model)
    # Always one query, even with nothing to load, so that a page's count stays the same.
    wanted = Q(object_id=-1)
    for model, group in by_model.items():
        wanted |= Q(content_type=types[model], object_id__in=[r.pk for r in group])
    found = defaultdict(list)
    for citation in published_citations().queryset.filter(wanted):
        found[(citation.content_type_id, citation.object_id)].append(citation)
    for record in records:
        manager = record.citations
        queryset = manager.get_queryset()
        queryset._result_cache = found[(types[type(record)].pk, record.pk)]
        queryset._prefetch_done = True
        record._prefetched_objects_cache = {
            **getattr(record, "_prefetched_objects_cache", {}),
            manager.prefetch_cache_name: queryset,
        }
