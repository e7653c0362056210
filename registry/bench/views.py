"""Bench-only views, the yardsticks of `make bench` (mounted under /bench/ only when the
`BENCH_VIEWS` setting is on; see partnership_site/urls.py).

* `bare`: the cheapest response Django can give, to which every page's requests per second
  is compared on the same server.
* `visit_values`: the rows and fields of the API's first page of visits (registry/api), read
  with `.values()` and written with `JsonResponse`: what the API list costs without the
  serializer machinery.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField, DateField, ExpressionWrapper, F, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, JsonResponse

from registry.api.pagination import DEFAULT_PAGE_SIZE
from registry.models import Citation, Meeting, Person, Position, Visit, VisitLeg
from registry.models.base import to_partial
from registry.partial_dates import Precision, describe_span
from registry.publication.visibility import visible_q


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _partial(day: dt.date | None, precision: str) -> tuple[str | None, str | None]:
    if day is None:
        return None, None
    if precision == Precision.YEAR:
        return f"{day.year:04d}", precision
    if precision == Precision.MONTH:
        return f"{day.year:04d}-{day.month:02d}", precision
    return day.isoformat(), precision


SPAN_COLUMNS = ("start_date", "start_precision", "end_date", "end_precision")


def _span(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    start, start_precision = _partial(row[f"{prefix}start_date"], row[f"{prefix}start_precision"])
    end, end_precision = _partial(row[f"{prefix}end_date"], row[f"{prefix}end_precision"])
    return {
        "start": start,
        "start_precision": start_precision,
        "end": end,
        "end_precision": end_precision,
        "dates_text": describe_span(
            to_partial(row[f"{prefix}start_date"], row[f"{prefix}start_precision"]),
            to_partial(row[f"{prefix}end_date"], row[f"{prefix}end_precision"]),
        ),
    }


def _public(name: str, model) -> ExpressionWrapper:
    return ExpressionWrapper(visible_q(model, name), output_field=BooleanField())


def _by_country(legs: list[dict]) -> list[dict]:
    """Stops whose order the sources do not give, by country (as `Visit.stops()`)."""
    return sorted(legs, key=lambda leg: ((leg["country"] or {}).get("name", ""), leg["city"]))


def visit_values(request: HttpRequest) -> JsonResponse:
    api = request.build_absolute_uri("/api/v1/")
    site = request.build_absolute_uri("/")

    def link(slug: str | None, name: str | None, kind: str, public: bool) -> dict | None:
        if slug is None or not public:
            return None
        return {"slug": slug, "name": name, "url": f"{api}{kind}/{slug}/"}

    sentinel = Value(dt.date.min)
    visits = list(
        Visit.objects.published()
        .annotate(key=Coalesce("start_date", sentinel, output_field=DateField()))
        .order_by(F("key").desc(), F("pk").desc())
        .annotate(
            traveller_public=_public("traveller", Person),
            position_public=_public("traveller_position", Position),
        )
        .values(
            "pk", "slug", "title", "start_date", "start_precision", "end_date",
            "end_precision", "duration_days", "stop_order_known", "purpose", "summary",
            "updated_at", "french_out_of_date",
            "traveller__slug", "traveller__name", "traveller_public",
            "traveller_position__slug", "traveller_position__title", "position_public",
        )[:DEFAULT_PAGE_SIZE]
    )  # fmt: skip
    ids = [v["pk"] for v in visits]
    topics: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Visit.topics.through.objects.filter(visit_id__in=ids, topic__in=_published_topics())
        .order_by("topic__name")
        .values("visit_id", "topic__slug", "topic__name")
    ):
        topics[row["visit_id"]].append(link(row["topic__slug"], row["topic__name"], "topics", True))
    legs: dict[int, list[dict]] = defaultdict(list)
    leg_order: dict[int, int] = {}
    for row in VisitLeg.objects.filter(visit_id__in=ids).order_by("order").values(
        "pk", "visit_id", "order", "country__slug", "country__name", "city", "start_date",
        "start_precision", "end_date", "end_precision", "notes",
    ):  # fmt: skip
        leg_order[row["pk"]] = row["order"]
        legs[row["visit_id"]].append(
            {
                "order": row["order"],
                "country": link(row["country__slug"], row["country__name"], "countries", True),
                "city": row["city"],
                **_span(row),
                "notes": row["notes"],
            }
        )
    meetings = _meetings(ids, leg_order, link)
    citations = _citations(ids, api)
    results = [
        {
            "slug": v["slug"],
            "title": v["title"],
            "traveller": link(
                v["traveller__slug"], v["traveller__name"], "people", v["traveller_public"]
            ),
            "traveller_position": link(
                v["traveller_position__slug"],
                v["traveller_position__title"],
                "positions",
                v["position_public"],
            ),
            **_span(v),
            # The model's own rule, on the row's values (a visit may be known by its length).
            "dates_text": Visit(
                **{name: v[name] for name in (*SPAN_COLUMNS, "duration_days")}
            ).dates_text(),
            "duration_days": v["duration_days"],
            "stop_order_known": v["stop_order_known"],
            "purpose": v["purpose"],
            "summary": v["summary"],
            "topics": topics[v["pk"]],
            "legs": legs[v["pk"]] if v["stop_order_known"] else _by_country(legs[v["pk"]]),
            "meetings": meetings[v["pk"]],
            "url": f"{api}visits/{v['slug']}/",
            "html_url": f"{site}en/visits/{v['slug']}/",
            "updated_at": v["updated_at"].astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "citations": citations[v["pk"]],
            # An English answer: nothing is shown in English for want of French.
            "french_out_of_date": v["french_out_of_date"],
            "untranslated": [],
        }
        for v in visits
    ]
    return JsonResponse({"next": None, "previous": None, "results": results})


def _published_topics():
    from registry.models import Topic

    return Topic.objects.published()


def _meetings(ids: list[int], leg_order: dict[int, int], link) -> dict[int, list[dict]]:
    rows = list(
        Meeting.objects.filter(visit_id__in=ids)
        .order_by("order", "pk")
        .annotate(
            counterpart_public=_public("counterpart", Person),
            position_public=_public("counterpart_position", Position),
        )
        .values(
            "pk", "visit_id", "order", "leg_id", "counterpart__slug", "counterpart__name",
            "counterpart_public", "counterpart_position__slug", "counterpart_position__title",
            "position_public", "counterpart_group", "city", "venue", "date", "date_precision",
            "summary",
        )
    )  # fmt: skip
    topics: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Meeting.topics.through.objects.filter(
            meeting_id__in=[r["pk"] for r in rows], topic__in=_published_topics()
        )
        .order_by("topic__name")
        .values("meeting_id", "topic__slug", "topic__name")
    ):
        topics[row["meeting_id"]].append(
            link(row["topic__slug"], row["topic__name"], "topics", True)
        )
    meetings: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        date, precision = _partial(r["date"], r["date_precision"])
        meetings[r["visit_id"]].append(
            {
                "order": r["order"],
                "leg": leg_order.get(r["leg_id"]),
                "counterpart": link(
                    r["counterpart__slug"],
                    r["counterpart__name"],
                    "people",
                    r["counterpart_public"],
                ),
                "counterpart_position": link(
                    r["counterpart_position__slug"],
                    r["counterpart_position__title"],
                    "positions",
                    r["position_public"],
                ),
                "counterpart_group": r["counterpart_group"],
                "city": r["city"],
                "venue": r["venue"],
                "date": date,
                "date_precision": precision,
                "summary": r["summary"],
                "topics": topics[r["pk"]],
            }
        )
    return meetings


def _citations(ids: list[int], api: str) -> dict[int, list[dict]]:
    citations: dict[int, list[dict]] = defaultdict(list)
    visit_type = ContentType.objects.get_for_model(Visit)
    for row in (
        Citation.objects.published()
        .filter(content_type=visit_type, object_id__in=ids)
        .order_by("source__title", "pk")
        .values("object_id", "source__slug", "source__title", "quote", "locator")
    ):
        citations[row["object_id"]].append(
            {
                "source": row["source__slug"],
                "source_title": row["source__title"],
                "source_url": f"{api}sources/{row['source__slug']}/",
                "quote": row["quote"],
                "locator": row["locator"],
            }
        )
    return citations
