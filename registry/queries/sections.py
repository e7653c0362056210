"""A page's capped lists: the first items of a section, how many there are in all, and the
address of the full, filtered, paginated list.

Every section costs two queries (the count and the capped rows, plus its prefetches),
whatever the amount of data, so a page's work is bounded by its caps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# How many items a section of a record's page shows before "See all".
SECTION_CAP = 10
# Counting stops here: a section with more says "more than 1,000", so a count's cost is
# bounded too.
COUNT_LIMIT = 1000


@dataclass
class Section:
    items: list[Any]
    total: int
    more_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_more(self) -> bool:
        return self.total > len(self.items)

    @property
    def remaining(self) -> int:
        return max(self.total - len(self.items), 0)

    @property
    def total_label(self) -> str:
        """The total as a page says it: "1,234", or "more than 1,000" past the count limit."""
        if self.total > COUNT_LIMIT:
            return _("more than %(count)s") % {
                "count": number_format(COUNT_LIMIT, force_grouping=True)
            }
        return number_format(self.total, force_grouping=True)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def list_url(url_name: str, **params: Any) -> str:
    """The address of a public list filtered by `params` (records are given by slug)."""
    query = {
        name: getattr(value, "slug", value) for name, value in params.items() if value is not None
    }
    path = reverse(f"registry:{url_name}")
    return f"{path}?{urlencode(query)}" if query else path


def capped_count(queryset: QuerySet, limit: int = COUNT_LIMIT) -> int:
    """The number of rows, counted up to `limit` + 1 at most."""
    return queryset.order_by()[: limit + 1].count()


def bounded(queryset: QuerySet, more_url: str | None = None, *, cap: int = SECTION_CAP) -> Section:
    """The first `cap` rows of an ordered queryset, with the total (see `capped_count`)."""
    return Section(list(queryset[:cap]), capped_count(queryset), more_url)
