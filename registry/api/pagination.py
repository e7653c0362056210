"""Pagination: page numbers for the small lists, a keyset cursor for visits.

Every parameter is validated: a malformed `page`, `page_size` or `cursor` is a 400 naming
it (DRF's defaults silently fall back or answer 404), a page past the end is a 404.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from registry.models.visits import NEWEST_FIRST, OLDEST_FIRST

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
_MAX_DIGITS = 9  # any page number or size with more digits is malformed, not merely large


def _positive_int(request: Request, name: str, *, maximum: int | None = None) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    text = raw.strip()
    if maximum:
        message = _("Must be a whole number from 1 to %(maximum)d.") % {"maximum": maximum}
    else:
        message = _("Must be a whole number of 1 or more.")
    if not text.isascii() or not text.isdigit() or len(text) > _MAX_DIGITS or int(text) < 1:
        raise ValidationError({name: [message]})
    if maximum is not None and int(text) > maximum:
        raise ValidationError({name: [message]})
    return int(text)


def _page_size(request: Request) -> int:
    return _positive_int(request, "page_size", maximum=MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE


def _size_parameter() -> dict[str, Any]:
    return {
        "name": "page_size",
        "required": False,
        "in": "query",
        "description": f"Records per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    }


def _link_header(response: Response, next_url: str | None, previous_url: str | None) -> None:
    # RFC 8288 links, so that CSV users (who get no JSON envelope) can page too.
    links = [f'<{url}>; rel="{rel}"' for rel, url in (("next", next_url), ("prev", previous_url))]
    links = [link for link, url in zip(links, (next_url, previous_url), strict=True) if url]
    if links:
        response["Link"] = ", ".join(links)


class PagePagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return _page_size(request)

    def get_page_number(self, request: Request, paginator) -> int:
        return _positive_int(request, self.page_query_param) or 1

    def get_paginated_response(self, data) -> Response:
        response = super().get_paginated_response(data)
        _link_header(response, self.get_next_link(), self.get_previous_link())
        return response

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        page = {
            "name": "page",
            "required": False,
            "in": "query",
            "description": "Page number, from 1.",
            "schema": {"type": "integer", "minimum": 1},
        }
        return [page, _size_parameter()]


class VisitCursorPagination(BasePagination):
    """Keyset pagination on (start date, id): each page costs the same however deep it is.

    Visits are ordered by start date (`ordering=-start`, the default, or `start`) and then by
    id in the same direction. A visit whose start is unknown sorts last either way: its key
    uses a sentinel date (1 January of year 1 newest first, 31 December 9999 oldest first),
    because a NULL cannot be compared in a keyset condition. The opaque `cursor` encodes the
    key of the row a page starts after (or, going back, before).
    """

    cursor_query_param = "cursor"
    _SORT = "_cursor_date"

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list:
        self.request = request
        self.page_size = _page_size(request)
        ordering = (request.query_params.get("ordering") or "-start").split(",")[0].strip()
        self.descending = ordering != "start"
        cursor = self._decode(request.query_params.get(self.cursor_query_param))
        going_back = cursor is not None and cursor[2]
        key = NEWEST_FIRST[0] if self.descending else OLDEST_FIRST[0]
        queryset = queryset.annotate(**{self._SORT: key})
        # Going back reads the rows before the cursor in the opposite order, then flips them.
        forwards = self.descending != going_back
        key = (F(self._SORT).desc(), F("pk").desc()) if forwards else (F(self._SORT), F("pk"))
        queryset = queryset.order_by(*key)
        if cursor is not None:
            day, pk, _backwards = cursor
            op = "lt" if forwards else "gt"
            # The first condition repeats part of the second so that the index's range
            # starts at the cursor instead of being scanned from its beginning.
            queryset = queryset.filter(**{f"{self._SORT}__{op}e": day}).filter(
                Q(**{f"{self._SORT}__{op}": day}) | Q(**{f"pk__{op}": pk})
            )
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if going_back:
            rows.reverse()
        self.next_url = self.previous_url = None
        if rows:
            first, last = rows[0], rows[-1]
            if going_back:
                self.next_url = self._link(last, back=False)
                self.previous_url = self._link(first, back=True) if more else None
            else:
                self.next_url = self._link(last, back=False) if more else None
                self.previous_url = self._link(first, back=True) if cursor else None
        return rows

    def _link(self, row, *, back: bool) -> str:
        day: dt.date = getattr(row, self._SORT)
        token = f"{day.isoformat()}|{row.pk}|{'p' if back else 'n'}"
        encoded = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, encoded)

    def _decode(self, raw: str | None) -> tuple[dt.date, int, bool] | None:
        if raw in (None, ""):
            return None
        try:
            if len(raw) > 64 or not raw.isascii():
                raise ValueError
            text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
            day_text, pk_text, direction = text.split("|")
            if not pk_text.isdigit() or len(pk_text) > 18 or direction not in {"n", "p"}:
                raise ValueError
            return dt.date.fromisoformat(day_text), int(pk_text), direction == "p"
        except (ValueError, binascii.Error, UnicodeError):
            raise ValidationError(
                {self.cursor_query_param: [_("Invalid cursor: use the next or previous link.")]}
            ) from None

    def get_paginated_response(self, data) -> Response:
        response = Response({"next": self.next_url, "previous": self.previous_url, "results": data})
        _link_header(response, self.next_url, self.previous_url)
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        cursor = {
            "name": self.cursor_query_param,
            "required": False,
            "in": "query",
            "description": "Opaque position from a `next` or `previous` link.",
            "schema": {"type": "string"},
        }
        return [cursor, _size_parameter()]
