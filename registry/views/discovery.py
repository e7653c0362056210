"""Finding things: site search, feeds and an iCalendar of visits, the sitemap and robots.txt.

Everything here reads through `Model.objects.published()` and runs a fixed number of
queries whatever the amount of data: the search one per kind of record (registry/search.py),
the feeds and the calendar three (visits, their stops, their topics), the sitemap index one
read of the last id per section, and each sitemap section file one (a block of ids).

Dates are never given more precisely than stored. Feed items carry the visit's dates as
text at their precision; an entry is "published" on the visit's own first day (none when
the sources give none) and "updated" when its record last changed. The calendar of visits
is in `calendar.py`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from registry.models import (
    Appointment,
    Country,
    Event,
    Office,
    Organisation,
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
from registry.publication import addresses
from registry.search import KINDS, KINDS_BY_KEY, MAX_RESULTS, SearchResults, parse_query, search
from registry.text import xml_safe
from registry.translation import shown_text

from .base import SITE_NAME, PageMixin

# UIDs and ids of feed entries: stable for a record whatever its slug or the host name.
UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://partnership-registry/")
FEED_ITEMS = 50


def record_uuid(kind: str, pk: int) -> uuid.UUID:
    return uuid.uuid5(UID_NAMESPACE, f"{kind}/{pk}")


def first_url(*names: str) -> str:
    """The first of the named routes that exists (list pages may come and go)."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"


# --- Search -------------------------------------------------------------------------------

PAGE_NUMBER = re.compile(r"^[1-9][0-9]{0,5}\Z")

# The queries stay in English (the records are searched in the words of the sources); only
# what each shows is translated. "or" is the search's keyword, never translated.
EXAMPLES = [
    ("Tbilisi", gettext_lazy("a city: the office there and who works with it")),
    ('"Intensified Dialogue"', gettext_lazy("an exact phrase, in quotation marks")),
    ("Shekerinska", gettext_lazy("a person: their post and their visits")),
    ("energy or demining", gettext_lazy("either word")),
    ("Afghanistan -Kabul", gettext_lazy("a word, leaving out records that mention another")),
]


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


class SearchView(PageMixin, TemplateView):
    """/search/?q=...&kind=...&page=...: never an error, whatever the query."""

    template_name = "registry/search.html"
    per_page = 20

    def get(self, request, *args, **kwargs):
        self.parsed = parse_query(request.GET.get("q", ""))
        self.kind = KINDS_BY_KEY.get(request.GET.get("kind", ""))
        raw_page = request.GET.get("page", "1")
        self.max_pages = math.ceil(MAX_RESULTS / self.per_page)
        self.page = int(raw_page) if PAGE_NUMBER.match(raw_page) else 1
        self.page_ignored = self.page > self.max_pages
        if self.page_ignored:
            self.page = 1
        self.results: SearchResults = search(
            self.parsed,
            kinds=[self.kind.key] if self.kind else None,
            limit=self.per_page,
            offset=(self.page - 1) * self.per_page,
        )
        return self.render_to_response(self.get_context_data())

    # Page furniture (PageMixin) ---------------------------------------------------------

    def short_query(self) -> str:
        text = self.parsed.text
        return text if len(text) <= 60 else text[:59].rstrip() + "…"

    def get_page_title(self) -> str:
        if not self.parsed.text:
            return _("Search")
        if self.kind:
            title = _("Search results for “%(query)s” among %(kind)s") % {
                "query": self.short_query(),
                "kind": str(self.kind.plural).lower(),
            }
        else:
            title = _("Search results for “%(query)s”") % {"query": self.short_query()}
        if self.page > 1:
            return _("%(title)s, page %(number)d") % {"title": title, "number": self.page}
        return title

    def get_meta_description(self) -> str:
        if not self.parsed.text:
            return _(
                "Search the Partnership Registry: countries, programmes, offices, posts, "
                "people, visits, summits, topics and the source documents behind them."
            )
        total = self.results.total
        values = {"count": _number(total), "query": self.short_query()}
        if self.results.more:
            return (
                ngettext(
                    "More than %(count)s published record of the Partnership Registry "
                    "matching “%(query)s”.",
                    "More than %(count)s published records of the Partnership Registry "
                    "matching “%(query)s”.",
                    total,
                )
                % values
            )
        return (
            ngettext(
                "%(count)s published record of the Partnership Registry matching “%(query)s”.",
                "%(count)s published records of the Partnership Registry matching “%(query)s”.",
                total,
            )
            % values
        )

    def get_breadcrumbs(self):
        if not self.parsed.text:
            return [(_("Search"), None)]
        return [
            (_("Search"), reverse("registry:search")),
            (_("“%(query)s”") % {"query": self.short_query()}, None),
        ]

    def get_canonical_query(self) -> dict[str, str]:
        query = {}
        if self.parsed.text:
            query["q"] = self.parsed.text
            if self.kind:
                query["kind"] = self.kind.key
            if self.page > 1:
                query["page"] = str(self.page)
        return query

    def get_jsonld(self):
        kind = "SearchResultsPage" if self.parsed.text else "WebPage"
        return {"@type": kind, "name": self.get_page_title(), "url": self.get_canonical_url()}

    # The page itself --------------------------------------------------------------------

    def page_url(self, page: int | None = None, kind: str | None = "") -> str:
        """This search with another page or kind (kind=None: all kinds)."""
        params = {"q": self.parsed.text}
        chosen = self.kind.key if kind == "" and self.kind else kind
        if chosen:
            params["kind"] = chosen
        if page and page > 1:
            params["page"] = str(page)
        return f"{reverse('registry:search')}?{urlencode(params)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        results = self.results
        pages = max(1, math.ceil(results.browsable / self.per_page)) if results.total else 0
        context.update(
            query=self.parsed,
            results=results,
            hits=results.hits,
            selected_kind=self.kind,
            kind_param=self.request.GET.get("kind", ""),
            page_number=self.page,
            page_count=pages,
            page_ignored=self.page_ignored,
            page_past_end=bool(results.total) and self.page > pages,
            first_shown=results.offset + 1,
            last_shown=results.offset + len(results.hits),
            more_than_browsable=results.total > MAX_RESULTS,
            max_results=MAX_RESULTS,
            total_label=_number(results.total),
            total_all_label=(
                f"{_number(sum(results.counts.values()))}{'+' if results.all_more else ''}"
            ),
            max_candidates=_number(results.bound),
            previous_url=self.page_url(self.page - 1) if self.page > 1 else None,
            next_url=self.page_url(self.page + 1) if self.page < pages else None,
            page_links=[(n, self.page_url(n)) for n in range(1, pages + 1)],
            max_pages=self.max_pages,
            total_all=sum(results.counts.values()),
            last_page_url=self.page_url(pages) if pages else None,
            all_kinds_url=self.page_url(kind=None),
            facets=[(facet, self.page_url(kind=facet.kind.key)) for facet in results.facets],
            kinds=KINDS,
            examples=[
                (text, str(help_text), f"{reverse('registry:search')}?{urlencode({'q': text})}")
                for text, help_text in EXAMPLES
            ],
            noindex=bool(self.parsed.text),
        )
        return context


# --- Visits for feeds and the calendar ----------------------------------------------------


def feed_visits() -> QuerySet:
    """Published visits with their traveller, post, stops in published countries and
    published topics: three queries."""
    return (
        Visit.objects.published()
        .select_related("traveller", "traveller_position")
        .prefetch_related(
            Prefetch(
                "legs",
                queryset=VisitLeg.objects.filter(country__in=Country.objects.published())
                .select_related("country")
                .order_by("order", "pk"),
            ),
            Prefetch("topics", queryset=Topic.objects.published().order_by("name")),
        )
    )


def visit_when(visit: Visit) -> str:
    """The visit's dates at their precision, saying what is not recorded."""
    return visit.dates_text()


def visit_traveller(visit: Visit) -> str:
    # Visit.published() guarantees both are published when present.
    parts = [str(visit.traveller)] if visit.traveller else []
    if visit.traveller_position:
        parts.append(shown_text(visit.traveller_position, "title"))
    return ", ".join(parts)


def _xml_value(value: Any) -> Any:
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_value(item) for item in value)
    return value


class XMLSafeFeedMixin:
    """A feed writer that cannot be broken by stored text: every string of the feed and of
    its items goes through `xml_safe` (Django's XML writer refuses control characters with
    an exception, which was a 500 for every reader)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feed = {key: _xml_value(value) for key, value in self.feed.items()}

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*args, **kwargs)
        self.items[-1] = {key: _xml_value(value) for key, value in self.items[-1].items()}


class RssFeed(XMLSafeFeedMixin, Rss201rev2Feed):
    pass


class AtomFeed(XMLSafeFeedMixin, Atom1Feed):
    pass


class VisitRssFeed(Feed):
    """The visits most recently added to the registry, newest first."""

    feed_type = RssFeed
    description = gettext_lazy(
        "Official visits of NATO officials to the South Caucasus and Central Asia, as they are "
        "added to the Partnership Registry. Dates are given as precisely as the sources give "
        "them."
    )
    feed_guid = f"urn:uuid:{record_uuid('feed', 1)}"
    author_name = SITE_NAME  # Atom needs an author for entries without a traveller

    def title(self) -> str:
        return _("Visits – %(site)s") % {"site": SITE_NAME}

    def link(self) -> str:
        return first_url("registry:visit-list", "registry:home")

    def feed_url(self) -> str:
        return reverse("registry:visit-feed-rss")

    def items(self) -> QuerySet:
        return feed_visits().order_by("-created_at", "-pk")[:FEED_ITEMS]

    def item_title(self, item: Visit) -> str:
        # Readers may treat an RSS title as HTML: markup is escaped, apostrophes kept.
        return (
            shown_text(item, "title")
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
        )

    def item_description(self, item: Visit) -> str:
        paragraphs = [_("Dates: %(dates)s") % {"dates": visit_when(item)}]
        if traveller := visit_traveller(item):
            paragraphs.append(_("Traveller: %(traveller)s") % {"traveller": traveller})
        if itinerary := item.itinerary_text():
            paragraphs.append(_("Itinerary: %(itinerary)s") % {"itinerary": itinerary})
        texts = (shown_text(item, "purpose"), shown_text(item, "summary"))
        paragraphs += [text for text in texts if text.strip()]
        return "".join(f"<p>{escape(' '.join(text.split()))}</p>" for text in paragraphs)

    def item_guid(self, item: Visit) -> str:
        return f"urn:uuid:{record_uuid('visit', item.pk)}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Visit) -> dt.datetime | None:
        """When the visit happened (its first day, as far as the sources give it), not when
        it was entered: None when they give no date, so the entry claims none."""
        if item.start is None:
            return None
        return dt.datetime.combine(item.start.earliest, dt.time(), tzinfo=dt.UTC)

    def item_updateddate(self, item: Visit) -> dt.datetime:
        """When the registry's record of the visit last changed."""
        return item.updated_at

    def item_author_name(self, item: Visit) -> str | None:
        return item.traveller.name if item.traveller else None

    def item_categories(self, item: Visit) -> list[str]:
        return [shown_text(topic, "name") for topic in item.topics.all()]


class VisitAtomFeed(VisitRssFeed):
    feed_type = AtomFeed
    subtitle = VisitRssFeed.description

    def feed_url(self) -> str:
        return reverse("registry:visit-feed-atom")

    def item_title(self, item: Visit) -> str:
        return shown_text(item, "title")  # an Atom title is plain text


# --- Sitemap and robots.txt ---------------------------------------------------------------


# Records per sitemap section file. Each is listed once per language, with its alternates
# in the other: 2,000 addresses, well under the protocol's 50,000, in a file of about 1 MB.
SITEMAP_LIMIT = 1000


class IdRangePaginator:
    """Sitemap sections by blocks of ids: section n lists the published records whose id is
    in the n-th block of `limit` ids from the first published one. No section holds more
    than `limit` addresses, and neither the index nor a section costs a count or an offset
    over the whole table (two reads along the primary key find the first and last ids)."""

    def __init__(self, queryset: QuerySet, limit: int, languages: tuple[str, ...] = ()) -> None:
        self.queryset, self.limit, self.languages = queryset, limit, languages

    @cached_property
    def bounds(self) -> tuple[int, int]:
        ids = self.queryset.values_list("pk", flat=True)
        return (ids.order_by("pk").first() or 1, ids.order_by("-pk").first() or 0)

    @cached_property
    def num_pages(self) -> int:
        first, last = self.bounds
        return max(1, math.ceil((last - first + 1) / self.limit))

    def page(self, number) -> SimpleNamespace:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("A sitemap section is a whole number.") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That sitemap section does not exist.")
        start = self.bounds[0] + (number - 1) * self.limit
        rows = self.queryset.filter(pk__gte=start, pk__lt=start + self.limit)
        if self.languages:  # the (record, language) pairs of an i18n sitemap
            rows = [(row, language) for row in rows for language in self.languages]
        return SimpleNamespace(object_list=rows)


class PublishedSitemap(Sitemap):
    """Every published record of one kind that has a page of its own, in sections of at
    most `limit` addresses listed by the sitemap index."""

    limit = SITEMAP_LIMIT
    # Every page in English and French, each naming the other (hreflang) and the address
    # without a language that follows the browser's (x-default).
    i18n = alternates = x_default = True

    def __init__(self, model) -> None:
        self.model = model

    def items(self) -> QuerySet:
        keys = ["pk", "updated_at"] + (
            ["slug"] if addresses.address_key(self.model) == "slug" else []
        )
        return self.model.objects.published().only(*keys).order_by("pk")

    @property
    def paginator(self) -> IdRangePaginator:
        return IdRangePaginator(self.items(), self.limit, tuple(self.get_languages_for_item(None)))

    def lastmod(self, item) -> dt.datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> None:
        # The index gives no date per section: it would cost a scan of each kind.
        return None


class PagesSitemap(Sitemap):
    """The home page and the list pages that exist."""

    i18n = alternates = x_default = True

    names = (
        "home",
        "region-list",
        "country-list",
        "programme-list",
        "office-list",
        "position-list",
        "person-list",
        "event-list",
        "visit-list",
        "meeting-list",
        "topic-list",
        "source-list",
        "timeline",
        "change-list",
    )

    def items(self) -> list[str]:
        found = []
        for name in self.names:
            try:
                reverse(f"registry:{name}")
            except NoReverseMatch:
                continue
            found.append(name)
        return found

    def location(self, item: str) -> str:
        return reverse(f"registry:{item}")


SITEMAPS = {
    "pages": PagesSitemap(),
    "regions": PublishedSitemap(Region),
    "countries": PublishedSitemap(Country),
    "organisations": PublishedSitemap(Organisation),
    "programmes": PublishedSitemap(Programme),
    "offices": PublishedSitemap(Office),
    "posts": PublishedSitemap(Position),
    "appointments": PublishedSitemap(Appointment),
    "participations": PublishedSitemap(Participation),
    "people": PublishedSitemap(Person),
    "events": PublishedSitemap(Event),
    "visits": PublishedSitemap(Visit),
    "topics": PublishedSitemap(Topic),
    "sources": PublishedSitemap(Source),
}


class RobotsView(View):
    def get(self, request, *args, **kwargs):
        sitemap = request.build_absolute_uri(reverse("site:sitemap"))
        body = f"User-agent: *\nAllow: /\nDisallow: /admin/\n\nSitemap: {sitemap}\n"
        return HttpResponse(body, content_type="text/plain; charset=utf-8")
