"""What every public page shares: published-only querysets, numbered sources, breadcrumbs,
JSON-LD, "last updated", and friendly pagination.

Every page runs a fixed number of queries: views load each list with one query (and one
per prefetched relation) and hand templates plain objects, so no template touches the
database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Page, Paginator
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, TemplateView

from registry.cite import cite
from registry.models import Citation, Source
from registry.models.names import HasOtherNames
from registry.publication import addresses
from registry.publication.gate import is_citable
from registry.queries.common import published_citations
from registry.queries.sections import capped_count
from registry.releases import cited_release
from registry.translation import record_title, shown_text

SITE_NAME = "Partnership Registry"
SCHEMA = "https://schema.org"
PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,8}\Z")


def latest_update(*groups: Iterable[Any]) -> dt.datetime | None:
    """The newest `updated_at` of the records shown."""
    stamps = [
        record.updated_at
        for group in groups
        for record in group
        if record is not None and getattr(record, "updated_at", None)
    ]
    return max(stamps, default=None)


@dataclass
class SourceNote:
    """One numbered entry of a page's "Sources": a source and the passages cited from it."""

    number: int
    source: Source
    citations: list[Citation] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"source-{self.number}"


class Footnotes:
    """Numbers the sources behind the facts of one page, in the order the facts appear.

    `cite(record)` reads the record's prefetched citations and sets `record.source_refs`,
    the numbers of its sources, which templates show with `{% refs record %}`."""

    def __init__(self) -> None:
        self._notes: dict[int, SourceNote] = {}

    def cite(self, *records: models.Model | None) -> None:
        for record in records:
            if record is None or not hasattr(record, "citations"):
                continue
            numbers: list[int] = []
            for citation in record.citations.all():
                note = self._notes.get(citation.source_id)
                if note is None:
                    note = SourceNote(len(self._notes) + 1, citation.source)
                    self._notes[citation.source_id] = note
                passage = (citation.quote.strip(), citation.locator.strip())
                if passage != ("", "") and all(
                    (c.quote.strip(), c.locator.strip()) != passage for c in note.citations
                ):
                    note.citations.append(citation)
                if note.number not in numbers:
                    numbers.append(note.number)
            record.source_refs = sorted(numbers)

    def cite_all(self, records: Iterable[models.Model | None]) -> None:
        self.cite(*records)

    @property
    def notes(self) -> list[SourceNote]:
        return list(self._notes.values())


def friendly_errors(form) -> list[str]:
    """A form's errors as "Label: message" lines; a NUL byte echoed back is replaced."""
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        messages += [
            # Translators: a form field's label and one of its error messages.
            (_("%(label)s: %(message)s") % {"label": label, "message": error}).replace(
                "\x00", "\ufffd"
            )
            for error in errors
        ]
    return messages


def filter_label(value: Any) -> str:
    """A filter's value as a title names it: a record by its name or title (in the page's
    language), a year plainly."""
    for attribute in ("name", "title"):
        if hasattr(value, attribute):
            return shown_text(value, attribute)
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    return str(value)


def query_value(value: Any) -> str:
    """A filter's cleaned value as it goes back into a URL: a record by its slug."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    return str(getattr(value, "slug", value))


def crumb(label: str, url_name: str | None = None, **kwargs) -> tuple[str, str | None]:
    label = str(label)
    return (label, reverse(f"registry:{url_name}", kwargs=kwargs or None) if url_name else None)


class PageMixin:
    """Context of every public page.

    Subclasses give `page_title`, `get_meta_description()`, `get_breadcrumbs()` (the trail
    after "Home"; the last item is the page itself), `get_jsonld()` and
    `get_last_updated()`."""

    page_title: ClassVar[str] = ""
    meta_description: ClassVar[str] = ""
    footnotes: Footnotes

    def get_page_title(self) -> str:
        return str(self.page_title)

    def get_meta_description(self) -> str:
        return str(self.meta_description)

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return [(self.get_page_title(), None)]

    def get_jsonld(self) -> dict | list | None:
        return None

    def get_last_updated(self) -> dt.datetime | None:
        return None

    def get_canonical_query(self) -> dict[str, str]:
        """Query parameters that make this page distinct (a list's filters and page)."""
        return {}

    def get_canonical_url(self) -> str:
        query = urlencode(sorted(self.get_canonical_query().items()))
        return self.request.build_absolute_uri(self.request.path + (f"?{query}" if query else ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not hasattr(self, "footnotes"):
            self.footnotes = Footnotes()
        crumbs = [(_("Home"), reverse("registry:home")), *self.get_breadcrumbs()]
        context.update(
            page_title=self.get_page_title(),
            meta_description=Truncator(" ".join(self.get_meta_description().split())).chars(160),
            breadcrumbs=crumbs,
            source_notes=self.footnotes.notes,
            last_updated=self.get_last_updated(),
            canonical_url=self.get_canonical_url(),
        )
        context["jsonld"] = self.build_jsonld(crumbs)
        return context

    def build_jsonld(self, crumbs: list[tuple[str, str | None]]) -> dict:
        absolute = self.request.build_absolute_uri
        items = [
            {
                "@type": "ListItem",
                "position": position,
                "name": label,
                "item": absolute(url or self.request.path),
            }
            for position, (label, url) in enumerate(crumbs, start=1)
        ]
        graph: list[dict] = []
        main = self.get_jsonld()
        if isinstance(main, dict):
            graph.append(main)
        elif main:
            graph.extend(main)
        graph.append({"@type": "BreadcrumbList", "itemListElement": items})
        return {"@context": SCHEMA, "@graph": graph}

    def absolute(self, record_or_path) -> str:
        path = (
            record_or_path if isinstance(record_or_path, str) else record_or_path.get_absolute_url()
        )
        return self.request.build_absolute_uri(path)


class PublishedMixin:
    """Serve only published records: anything else is a 404 for the public.

    `select` names the linked records loaded with the record; `prefetches()` the linked
    lists, each a Prefetch of published rows. Citations of published sources come too."""

    model: ClassVar[type[models.Model]]
    select: ClassVar[tuple[str, ...]] = ()

    def prefetches(self) -> list[Prefetch | str]:
        return []

    def get_queryset(self) -> QuerySet:
        queryset = self.model.objects.published().select_related(*self.select)
        lookups = self.prefetches()
        if is_citable(self.model):
            lookups.append(published_citations())
        if issubclass(self.model, HasOtherNames):
            lookups.append("other_names")
        return queryset.prefetch_related(*lookups)


def change_log_url(record: models.Model) -> str:
    """The address of one record's public change history (views/changes.py)."""
    query = urlencode({"type": record._meta.model_name, "record": record.pk})
    return f"{reverse('registry:change-list')}?{query}"


class RecordDetailView(PublishedMixin, PageMixin, DetailView):
    """One published record. `load_related(record)` fetches what the page shows with it."""

    context_object_name = "record"
    section_label: ClassVar[str] = ""
    section_url: ClassVar[str | None] = None

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            answer = self.moved_or_gone()
            if answer is None:
                raise
            return answer

    def moved_or_gone(self) -> HttpResponse | None:
        """For an address the record has left: a permanent redirect to where it is now, or
        410 if the public record was deleted (publication/addresses.py)."""
        key = self.kwargs.get(self.slug_url_kwarg) or self.kwargs.get(self.pk_url_kwarg)
        address = addresses.retired(self.model, str(key)) if key else None
        if address is None:
            return None
        if address.deleted:
            changes = urlencode({"type": self.model._meta.model_name, "record": address.object_id})
            context = {
                "address": address,
                "changes_url": f"{reverse('registry:change-list')}?{changes}",
            }
            return render(self.request, "410.html", context, status=410)
        record = addresses.current_record(address, self.model.objects.published())
        if record is None:
            return None
        target = record.get_absolute_url()
        if query := self.request.META.get("QUERY_STRING"):
            target = f"{target}?{query}"
        return HttpResponsePermanentRedirect(target)

    def get_page_title(self) -> str:
        return record_title(self.object)

    def get_breadcrumbs(self):
        trail = []
        if self.section_label:
            trail.append(crumb(self.section_label, self.section_url))
        return [*trail, (self.get_page_title(), None)]

    def get_last_updated(self):
        return self.object.updated_at

    def load_related(self, record) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        self.footnotes = Footnotes()
        self.footnotes.cite(self.object)
        extra = self.load_related(self.object)
        context = super().get_context_data(**kwargs)
        context.update(extra)
        context["record_changes_url"] = change_log_url(self.object)
        url = self.request.build_absolute_uri(self.object.get_absolute_url())
        release = cited_release(self.object, self.request.build_absolute_uri)
        context["record_citation"] = cite(
            self.object, url, title=self.get_page_title(), release=release
        )
        return context


@dataclass
class Pagination:
    page: Page | None
    error: str = ""
    status: int = 200


# A list counts its records up to this many: past it, it says "more than 5,000" and offers
# that many records' pages; the filters narrow it down, and the API pages through all.
LIST_COUNT_LIMIT = 5_000


class BoundedPaginator(Paginator):
    """A paginator whose count stops at `LIST_COUNT_LIMIT`, so that a list's cost does not
    grow with the whole table."""

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, LIST_COUNT_LIMIT)

    @property
    def count_label(self) -> str:
        if self.count > LIST_COUNT_LIMIT:
            return _("more than %(count)s") % {
                "count": number_format(LIST_COUNT_LIMIT, force_grouping=True)
            }
        return number_format(self.count, force_grouping=True)


def paginate(request, queryset: QuerySet, per_page: int) -> Pagination:
    """The requested page, or a friendly error: 400 for a malformed number, 404 past the end.

    The page's rows are loaded here, in the view."""
    raw = request.GET.get("page", "1")
    paginator = BoundedPaginator(queryset, per_page)
    if not PAGE_NUMBER.match(raw):
        return Pagination(None, _("A page number is a whole number such as 2."), 400)
    try:
        page = paginator.page(int(raw))
    except EmptyPage:
        pages = paginator.num_pages
        return Pagination(
            None,
            ngettext(
                "There is no page %(number)d: this list has %(pages)d page.",
                "There is no page %(number)d: this list has %(pages)d pages.",
                pages,
            )
            % {"number": int(raw), "pages": pages},
            404,
        )
    page.object_list = list(page.object_list)
    return Pagination(page)


def page_range(page: Page | None) -> list:
    if page is None:
        return []
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


class RecordListView(PublishedMixin, PageMixin, TemplateView):
    """A paginated list of published records, with optional validated filters.

    `filterset_class` (one of `registry.filters`, shared with the API) gives the list the
    API's parameters, so that a record page's "See all" links can point at a filtered list;
    `filter_phrases` names those the page takes, each with the words it adds to the title
    ("{}" for the record or value chosen; for a yes/no filter, the words for each)."""

    paginate_by: ClassVar[int] = 25
    ordering: ClassVar[tuple[str, ...]] = ()
    filterset_class: ClassVar[type | None] = None
    filter_phrases: ClassVar[dict[str, str | dict[bool, str]]] = {}
    pagination: Pagination

    @property
    def filter_params(self) -> tuple[str, ...]:
        return tuple(self.filter_phrases)

    def get_ordered_queryset(self) -> QuerySet:
        queryset = self.get_queryset()
        return queryset.order_by(*self.ordering) if self.ordering else queryset

    def prepare(self, records: list) -> dict:
        """Work on the page's records (footnotes, hiding drafts); returns extra context."""
        return {}

    def get_page_title(self) -> str:
        title = str(self.page_title) + self.describe_filters(self.active_filters())
        page = self.pagination.page
        if page is not None and page.number > 1:
            title = _("%(title)s, page %(number)d") % {"title": title, "number": page.number}
        return title

    def get_last_updated(self):
        page = self.pagination.page
        return latest_update(page.object_list) if page else None

    def get_canonical_query(self):
        query = {name: query_value(value) for name, value in self.active_filters().items()}
        page = self.pagination.page
        if page is not None and page.number > 1:
            query["page"] = str(page.number)
        return query

    def validate(self) -> list[str]:
        """Check the query's filters; returns friendly messages for the bad ones."""
        if self.filterset_class is None:
            return []
        data = {
            name: self.request.GET[name] for name in self.filter_params if name in self.request.GET
        }
        self.filterset = self.filterset_class(data, queryset=self.get_ordered_queryset())
        if self.filterset.is_valid():
            return []
        return friendly_errors(self.filterset.form)

    def get_filtered_queryset(self) -> QuerySet:
        if self.filterset_class is None:
            return self.get_ordered_queryset()
        return self.filterset.qs

    def active_filters(self) -> dict[str, Any]:
        """The valid filters given, by name: records, numbers or text."""
        if self.filterset_class is None or self.filter_errors:
            return {}
        data = self.filterset.form.cleaned_data
        return {name: data[name] for name in self.filter_params if data.get(name) not in (None, "")}

    def describe_filters(self, active: dict[str, Any]) -> str:
        """Words added to the title for the active filters ("to Georgia, in 2004"); a
        phrase names the value chosen `%(value)s`."""
        words = []
        for name, value in active.items():
            phrase = self.filter_phrases[name]
            if isinstance(phrase, dict):
                words.append(str(phrase[bool(value)]))
            else:
                words.append(str(phrase) % {"value": filter_label(value)})
        return "".join(words)

    def get(self, request, *args, **kwargs):
        self.footnotes = Footnotes()
        self.filter_errors = self.validate()
        if self.filter_errors:
            self.pagination = Pagination(None, "", 400)
        else:
            self.pagination = paginate(request, self.get_filtered_queryset(), self.paginate_by)
        records = self.pagination.page.object_list if self.pagination.page else []
        extra = self.prepare(records)
        context = self.get_context_data(
            page_obj=self.pagination.page,
            records=records,
            page_error=self.pagination.error,
            page_range=page_range(self.pagination.page),
            filter_errors=self.filter_errors,
            active_filters=self.active_filters(),
            **extra,
        )
        return self.render_to_response(context, status=self.pagination.status)
