"""The source documents and the published records that cite them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.links import safe_url
from registry.models import (
    Appointment,
    Citation,
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
)
from registry.queries.common import nulls_last
from registry.queries.sections import bounded, list_url
from registry.translation import shown_text

from .base import RecordDetailView, RecordListView, record_title


# Each citable kind as shown under "Cited by": heading, model, linked records to load,
# how to name a record, which page to link it to, and the public list that can show every
# record of the kind citing the source (`?source=<slug>`), if there is one.
def _participation_name(r: Participation) -> str:
    return _("%(country)s in the %(programme)s") % {
        "country": shown_text(r.country, "name"),
        "programme": shown_text(r.programme, "name"),
    }


def _appointment_name(r: Appointment) -> str:
    return _("%(person)s as %(post)s") % {
        "person": r.person.name,
        "post": shown_text(r.position, "title"),
    }


CITING_KINDS = [
    (gettext_lazy("Regions"), Region, (), record_title, lambda r: r.get_absolute_url(), None),
    (gettext_lazy("Countries"), Country, (), record_title, lambda r: r.get_absolute_url(), None),
    (gettext_lazy("Organisations"), Organisation, (), lambda r: shown_text(r, "name"), None, None),
    (
        gettext_lazy("Programmes"),
        Programme,
        (),
        record_title,
        lambda r: r.get_absolute_url(),
        "programme-list",
    ),
    (
        gettext_lazy("Countries' participation in programmes"),
        Participation,
        ("country", "programme"),
        _participation_name,
        lambda r: r.programme.get_absolute_url(),
        None,
    ),
    (
        gettext_lazy("Offices"),
        Office,
        (),
        record_title,
        lambda r: r.get_absolute_url(),
        "office-list",
    ),
    (
        gettext_lazy("Posts"),
        Position,
        (),
        record_title,
        lambda r: r.get_absolute_url(),
        "position-list",
    ),
    (gettext_lazy("People"), Person, (), str, lambda r: r.get_absolute_url(), "person-list"),
    (
        gettext_lazy("Appointments"),
        Appointment,
        ("person", "position"),
        _appointment_name,
        lambda r: r.position.get_absolute_url(),
        None,
    ),
    (
        gettext_lazy("Summits and events"),
        Event,
        (),
        record_title,
        lambda r: r.get_absolute_url(),
        "event-list",
    ),
    (gettext_lazy("Visits"), Visit, (), record_title, lambda r: r.get_absolute_url(), "visit-list"),
    (gettext_lazy("Topics"), Topic, (), record_title, lambda r: r.get_absolute_url(), None),
]

SCHEMA_TYPES = {
    Source.Kind.WEB_PAGE: "WebPage",
    Source.Kind.PUBLICATION: "Report",
    Source.Kind.NEWS: "NewsArticle",
    Source.Kind.ANALYSIS: "AnalysisNewsArticle",
    Source.Kind.OFFICIAL_TEXT: "CreativeWork",
}


# The most sources a source page lists as citing it, and as cited by it.
LINKED_SOURCES = 50


@dataclass
class CitingRecord:
    label: str
    url: str | None
    passages: list[Citation] = field(default_factory=list)


class SourceListView(RecordListView):
    model = Source
    template_name = "registry/source_list.html"
    page_title = gettext_lazy("Sources")
    meta_description = gettext_lazy(
        "The documents behind every fact in the Partnership Registry: NATO pages, "
        "publications, news and analysis, with their repaired full text."
    )
    ordering = ("title", "pk")


class SourceDetailView(RecordDetailView):
    model = Source
    template_name = "registry/source_detail.html"
    section_label, section_url = gettext_lazy("Sources"), "source-list"

    def load_related(self, source):
        """The published records citing the source, grouped by kind, each group capped: two
        queries per kind and one for the passages of the records shown."""
        types = ContentType.objects.get_for_models(*(kind[1] for kind in CITING_KINDS))
        cited = Citation.objects.filter(source=source)
        shown = []
        for heading, model, select, name, url, list_name in CITING_KINDS:
            content_type = types[model]
            records = bounded(
                model.objects.published()
                .filter(pk__in=cited.filter(content_type=content_type).values("object_id"))
                .select_related(*select)
                .order_by(*default_order(model)),
                list_url(list_name, source=source) if list_name else None,
            )
            shown.append((heading, content_type, name, url, records))
        wanted = Q(pk__in=[])
        for _heading, content_type, _name, _url, records in shown:
            if records.items:
                wanted |= Q(content_type=content_type, object_id__in=[r.pk for r in records])
        passages = defaultdict(list)
        for citation in cited.filter(wanted).order_by("pk"):
            passages[(citation.content_type_id, citation.object_id)].append(citation)
        groups = []
        for heading, content_type, name, url, records in shown:
            if not records:
                continue
            records.items = [
                CitingRecord(
                    name(record),
                    url(record) if url else None,
                    unique_passages(passages[(content_type.pk, record.pk)]),
                )
                for record in records
            ]
            groups.append((heading, records))
        return {
            "cited_by": groups,
            # Sources citing this one, and the ones it cites: bounded, whatever the links.
            "cited_in": list(source.cited_in.published().order_by("title", "pk")[:LINKED_SOURCES]),
            "cites": list(source.cites.published().order_by("title", "pk")[:LINKED_SOURCES]),
        }

    def get_meta_description(self):
        source = self.object
        if source.author:
            return _(
                "%(source)s by %(author)s: full text and the registry records that cite it."
            ) % {"source": source.title, "author": source.author}
        return _("%(source)s: full text and the registry records that cite it.") % {
            "source": source.title
        }

    def get_jsonld(self):
        source = self.object
        data = {
            "@type": SCHEMA_TYPES.get(source.kind, "CreativeWork"),
            "name": source.title,
            "mainEntityOfPage": self.absolute(source),
        }
        if safe_url(source.url):
            data["url"] = safe_url(source.url)
        if source.author:
            data["author"] = {"@type": "Person", "name": source.author}
        if source.publisher:
            data["publisher"] = {"@type": "Organization", "name": source.publisher}
        if source.published_on:
            data["datePublished"] = source.published_on.isoformat()
        return data


def default_order(model) -> list:
    ordering = model._meta.ordering or ["pk"]
    return [*nulls_last(*ordering), "pk"]


def unique_passages(citations: list[Citation]) -> list[Citation]:
    seen, unique = set(), []
    for citation in citations:
        key = (citation.quote.strip(), citation.locator.strip())
        if key != ("", "") and key not in seen:
            seen.add(key)
            unique.append(citation)
    return unique
