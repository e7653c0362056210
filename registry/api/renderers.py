"""CSV for spreadsheet users, and content negotiation that refuses an unknown `format`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer

from registry.csv_safety import write_csv

LIST_SEPARATOR = "; "
_LABEL_KEYS = ("slug", "source", "id")


def _label(item: Any) -> str:
    """One cell's text for a nested value: a linked record by its slug, a list joined with
    "; ", any other object as "key: value" pairs."""
    if item is None:
        return ""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, list):
        return LIST_SEPARATOR.join(text for text in map(_label, item) if text)
    if isinstance(item, dict):
        for key in _LABEL_KEYS:
            if item.get(key) not in (None, ""):
                return str(item[key])
        return ", ".join(
            f"{key}: {_label(value)}"
            for key, value in item.items()
            if value not in (None, "", []) and not key.endswith("url")
        )
    return str(item)


class CSVRenderer(BaseRenderer):
    """One row per record, a header row of the serializer's field names, UTF-8.

    Nested records are given by their slug (citations by their source's slug), lists are
    joined with "; ", dates stay reduced-precision ISO strings as in JSON. Cells that a
    spreadsheet would run as formulas are neutralised (registry/csv_safety.py).
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type=None, renderer_context=None) -> bytes:
        renderer_context = renderer_context or {}
        records = data.get("results", data) if isinstance(data, dict) else data
        if isinstance(records, dict):
            records = [records]
        header = self._header(renderer_context, records)
        rows = [header]
        rows += [[_label(record.get(name)) for name in header] for record in records]
        return write_csv(rows).encode("utf-8")

    def _header(self, renderer_context: dict, records: list[dict]) -> list[str]:
        view = renderer_context.get("view")
        if view is not None and hasattr(view, "get_serializer_class"):
            return list(view.get_serializer_class()().fields)
        return list(records[0]) if records else []


RENDERERS = [JSONRenderer, CSVRenderer]
FORMATS = tuple(renderer.format for renderer in RENDERERS)


class ContentNegotiation(DefaultContentNegotiation):
    """`?format=` must name a format we have: DRF's default answers 404 for `format=xml`,
    which reads as "no such record"; a 400 naming the parameter is clearer."""

    def filter_renderers(self, renderers, format):
        if format not in FORMATS:
            shown = str(format).replace("\x00", "\\0")[:20]
            raise ValidationError(
                {
                    "format": [
                        _("Unknown format %(format)s: use %(formats)s.")
                        % {"format": repr(shown), "formats": " or ".join(FORMATS)}
                    ]
                }
            )
        return super().filter_renderers(renderers, format)
