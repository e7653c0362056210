"""Serializer building blocks: partial dates, absolute links, linked records, citations."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.models import Organisation
from registry.partial_dates import PartialDate, Precision, dates_text
from registry.publication.visibility import is_public
from registry.translation import shown_text

API_NAMESPACE = "api"


def api_url(request, basename: str, key: Any) -> str:
    """The absolute API URL of one record (`key` is its slug, or id for keyless records)."""
    kwarg = "pk" if isinstance(key, int) else "slug"
    path = reverse(f"{API_NAMESPACE}:{basename}-detail", kwargs={kwarg: key})
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_field({"type": "string"})
class DatesTextField(serializers.Field):
    """The dates in words, as the site shows them (`partial_dates.describe_span`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        kwargs.setdefault(
            "help_text",
            'The dates as the site words them: "June 2004" (a dated point), "2013–2017", '
            '"2004 – present" (known to continue), "From 2004; end not recorded".',
        )
        super().__init__(**kwargs)

    def to_representation(self, record: Any) -> str:
        return dates_text(record)


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
        "description": 'ISO 8601 at the precision the sources give: "2004", "2004-06" or '
        '"2004-06-15"; null when unknown.',
        "example": "2004-06",
    }
)
class PartialDateField(serializers.Field):
    """A PartialDate as reduced-precision ISO 8601 ("2004-06")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: PartialDate) -> str:
        return value.isoformat()


@extend_schema_field(
    serializers.ChoiceField(
        choices=Precision.choices,
        allow_null=True,
        help_text="The precision of the date beside it; null when the date is unknown.",
    )
)
class PrecisionField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: PartialDate) -> str:
        return value.precision


@extend_schema_field(OpenApiTypes.URI)
class SelfUrlField(serializers.Field):
    """The record's own absolute API URL."""

    def __init__(self, basename: str, **kwargs):
        self.basename = basename
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, record: models.Model) -> str:
        key = getattr(record, "slug", None) or record.pk
        return api_url(self.context.get("request"), self.basename, key)


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class HtmlUrlField(serializers.Field):
    """The absolute URL of the record's public page; null for records without a page."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, record: models.Model) -> str | None:
        if not hasattr(record, "get_absolute_url"):
            return None
        request = self.context.get("request")
        path = record.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class LinkSerializer(serializers.Serializer):
    """A linked record in brief: slug, name and API URL; null when it is not published."""

    slug = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def __init__(self, *args, basename: str, **kwargs):
        self.basename = basename
        kwargs.setdefault("read_only", True)
        super().__init__(*args, **kwargs)

    def to_representation(self, instance):
        # Drafts never show through a published record's links.
        return super().to_representation(instance) if is_public(instance) else None

    def get_name(self, record) -> str:
        # In the language of the answer, the English when there is no French.
        field = "title" if getattr(record, "title", None) else "name"
        return shown_text(record, field)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, record) -> str:
        return api_url(self.context.get("request"), self.basename, record.slug)


def link(basename: str, **kwargs) -> LinkSerializer:
    if not kwargs.get("many"):
        kwargs.setdefault("allow_null", True)
    return LinkSerializer(basename=basename, **kwargs)


class OrganisationSerializer(serializers.Serializer):
    """An organisation in brief (it has no endpoint of its own)."""

    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    short_name = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, read_only=True)
    country = serializers.SerializerMethodField()

    def to_representation(self, instance):
        return super().to_representation(instance) if is_public(instance) else None

    @extend_schema_field({"type": "string", "nullable": True, "description": "Country slug."})
    def get_country(self, organisation) -> str | None:
        country = organisation.country
        return country.slug if country is not None and is_public(country) else None


class CitationSerializer(serializers.Serializer):
    """A source backing the record (citations of unpublished sources are never loaded)."""

    source = serializers.CharField(source="source.slug", read_only=True)
    source_title = serializers.CharField(source="source.title", read_only=True)
    source_url = serializers.SerializerMethodField()
    quote = serializers.CharField(read_only=True)
    locator = serializers.CharField(read_only=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_source_url(self, citation) -> str:
        return api_url(self.context.get("request"), "source", citation.source.slug)
