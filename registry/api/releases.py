"""The data releases in the API: /api/v1/releases/, so that a program finds the latest
download and its checksums without reading a page (registry/releases/)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from registry import filters
from registry.models import Release

from .serializers import utc_timestamp
from .views import RegistryViewSet


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    bytes = serializers.IntegerField()
    sha256 = serializers.CharField()


class ReleaseCountSerializer(serializers.Serializer):
    records = serializers.IntegerField()
    added = serializers.IntegerField()
    changed = serializers.IntegerField()
    removed = serializers.IntegerField()


class ReleaseSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    checksums_url = serializers.SerializerMethodField()
    made_at = utc_timestamp()
    files = ReleaseFileSerializer(many=True)
    counts = serializers.DictField(child=ReleaseCountSerializer())

    class Meta:
        model = Release
        fields = [
            "number",
            "made_at",
            "note",
            "download_url",
            "archive_bytes",
            "archive_sha256",
            "checksums_url",
            "data_sha256",
            "counts",
            "files",
            "html_url",
            "url",
        ]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, release: Release) -> str:
        return self._absolute(reverse("api:release-detail", kwargs={"number": release.number}))

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_html_url(self, release: Release) -> str:
        return self._absolute(release.get_absolute_url())

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_download_url(self, release: Release) -> str:
        """The zip: one CSV per table, JSON, Popolo and datapackage.json (docs/data.md)."""
        return self._absolute(release.download_url)

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_checksums_url(self, release: Release) -> str:
        return self._absolute(release.checksums_url)


class ReleaseViewSet(RegistryViewSet):
    """The data releases, newest first: filter by `since` and `until` (days)."""

    model = Release
    serializer_class = ReleaseSerializer
    filterset_class = filters.ReleaseFilterSet
    lookup_field = "number"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet:
        return Release.objects.order_by("-number")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        # A release is cited by its own page and files, and never moves.
        return Response(self.get_serializer(self.get_object()).data)
