"""The public change log in the API: /api/v1/changes/ (registry/publication/change_log.py)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from registry import filters
from registry.models import PublicChange

from .fields import api_url
from .serializers import utc_timestamp
from .views import RegistryViewSet


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.CharField()
    after = serializers.CharField()


class PublicChangeSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    record_type = serializers.CharField(source="content_type.model")
    record_id = serializers.IntegerField(source="object_id")
    html_url = serializers.SerializerMethodField()
    fields = FieldChangeSerializer(many=True)
    at = utc_timestamp()
    editor = serializers.SerializerMethodField()

    class Meta:
        model = PublicChange
        fields = [
            "id",
            "at",
            "kind",
            "record_type",
            "record_id",
            "label",
            "html_url",
            "fields",
            "note",
            "editor",
            "url",
        ]

    def get_url(self, change: PublicChange) -> str:
        return api_url(self.context.get("request"), "change", change.pk)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_html_url(self, change: PublicChange) -> str | None:
        """The record's page as it was then; null for a deleted record or one without a page."""
        if not change.path or change.kind == PublicChange.Kind.DELETED:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(change.path) if request is not None else change.path

    @extend_schema_field({"type": "string", "nullable": True})
    def get_editor(self, change: PublicChange) -> str | None:
        """Who made the change: only where the registry publishes its editors' names."""
        if not settings.CHANGE_LOG_NAMES_EDITORS:
            return None
        return change.editor or None


class PublicChangeViewSet(RegistryViewSet):
    """Every change the public could see, newest first: filter by `kind`, `type` (record
    type), `record` (its id, with `type`), `since` and `until` (days)."""

    model = PublicChange
    serializer_class = PublicChangeSerializer
    filterset_class = filters.PublicChangeFilterSet
    lookup_field = "pk"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet:
        return PublicChange.objects.visible().select_related("content_type").order_by("-at", "-id")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        # An entry of the log is not a record to cite, nor one that moves.
        return Response(self.get_serializer(self.get_object()).data)
