"""What `make bench` requests at each size, and the measuring of it.

Detail pages are of the record with the most related rows (the busiest country, person,
visit...), chosen by the same rule at every size, so that a page which grows with the data
shows it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from registry.models import (
    Appointment,
    Citation,
    Country,
    Event,
    Meeting,
    Office,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Topic,
    Visit,
    VisitLeg,
)

from . import measure
from .words import RARE_SURNAME

BARE = "/bench/bare/"
VALUES = "/bench/visit-values/"
LISTS = ["programmes", "offices", "positions", "people", "events", "visits", "topics", "sources"]


@dataclass
class Plan:
    pages: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: dict[str, Any] = field(default_factory=dict)
    username: str = "bench-admin"
    password: str = ""

    def add(self, name: str, group: str, path: str, *, bust: bool = True) -> None:
        self.pages.append({"name": name, "group": group, "path": path, "bust": bust})


def _busiest(queryset, *relations: str):
    """The record with the most related rows, counted one relation at a time (a join of
    several at once would multiply them)."""
    totals: dict[int, int] = {}
    for relation in relations:
        for pk, count in queryset.annotate(n=Count(relation)).values_list("pk", "n"):
            totals[pk] = totals.get(pk, 0) + count
    if not totals:
        return None
    best = min(totals, key=lambda pk: (-totals[pk], pk))
    return queryset.get(pk=best)


def row_counts() -> dict[str, int]:
    models = [Visit, VisitLeg, Meeting, Citation, Person, Appointment, Position, Source, Topic]
    return {str(m._meta.verbose_name_plural): m.objects.count() for m in models}


def plan(options) -> Plan:
    """The requests to time at this size (the superuser for the admin is created here)."""
    ContentType.objects.clear_cache()  # the database was just recreated
    result = Plan(password=secrets.token_urlsafe(16))
    get_user_model().objects.create_superuser(result.username, "", result.password)
    result.add("bare HttpResponse", "bench", BARE)
    result.add("home", "page", "/en/")
    result.add("home in French", "page", "/fr/")
    picks = [
        ("region", _busiest(Region.objects.published(), "countries__visit_legs")),
        ("country", _busiest(Country.objects.published(), "visit_legs", "events")),
        ("office", _busiest(Office.objects.published(), "positions__appointments")),
        ("post", _busiest(Position.objects.published(), "appointments", "visits")),
        ("person", _busiest(Person.objects.published(), "visits", "meetings", "appointments")),
        ("visit", _busiest(Visit.objects.published(), "legs", "meetings")),
        ("programme", _busiest(Programme.objects.published(), "participations")),
        ("summit", _busiest(Event.objects.published().filter(kind="summit"), "topics")),
        ("topic", _busiest(Topic.objects.published(), "visits", "meetings")),
        ("source", _busiest(Source.objects.published(), "citations")),
    ]
    for name, record in picks:
        if record is None:
            result.notes.append(f"No {name} to request at this size.")
            continue
        result.add(f"{name} page", "page", record.get_absolute_url())
        if name == "country":
            french = "/fr/" + record.get_absolute_url().removeprefix("/en/")
            result.add(f"{name} page in French", "page", french)
        result.records[name] = record
    for name in LISTS:
        result.add(f"{name} list", "list", f"/en/{name}/")
    result.add("timeline", "list", "/en/timeline/")
    result.add("change log", "list", "/en/changes/")
    result.add("change log, one kind", "list", "/en/changes/?kind=corrected")
    result.add("sitemap.xml", "feed", "/sitemap.xml")
    result.add("RSS feed", "feed", "/en/visits/feed/rss/")
    result.add("Atom feed", "feed", "/en/visits/feed/atom/")
    result.add("iCal calendar", "feed", "/en/visits/calendar.ics")
    result.add("change log Atom feed", "feed", "/en/changes/feed/atom/")
    result.add("search: common name", "search", "/en/search/?q=Aliyev")
    result.add("search: phrase", "search", "/en/search/?q=energy+security")
    result.add("search: rare name", "search", f"/en/search/?q={RARE_SURNAME}")
    records = result.records
    result.add("API visit list", "api", "/api/v1/visits/")
    if "visit" in records:
        result.add("API visit detail", "api", f"/api/v1/visits/{records['visit'].slug}/")
    result.add("API people list", "api", "/api/v1/people/")
    result.add("API change list", "api", "/api/v1/changes/")
    if "person" in records:
        result.add("API person detail", "api", f"/api/v1/people/{records['person'].slug}/")
    if "country" in records:
        result.add("API country detail", "api", f"/api/v1/countries/{records['country'].slug}/")
    result.add(".values() visit list", "bench", VALUES)
    # Staff pages are never cached, and the admin redirects on unknown parameters.
    result.add("admin visit changelist", "admin", "/admin/registry/visit/", bust=False)
    return result


def public_cache_installed() -> bool:
    """Whether the code under test caches public responses (any cache middleware)."""
    return any("cache" in name.lower() for name in settings.MIDDLEWARE)


def log_in(client: measure.Client, username: str, password: str) -> bool:
    form = client.get("/admin/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    if match is None:
        return False
    body = (
        f"csrfmiddlewaretoken={match.group(1).decode()}&username={username}"
        f"&password={password}&next=/admin/"
    ).encode()
    reply = client.request(
        "POST",
        "/admin/login/",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return reply.status == 302 and "sessionid" in client.cookies


def _sitemap_section(client: measure.Client) -> str | None:
    """The first section of the sitemap, when /sitemap.xml is an index of sections."""
    try:
        body = client.get("/sitemap.xml").body
    except measure.RequestTimeout:
        return None
    if b"<sitemapindex" not in body:
        return None
    match = re.search(rb"<loc>([^<]+)</loc>", body)
    if match is None:
        return None
    parts = urlsplit(match.group(1).decode())
    return parts.path + (f"?{parts.query}" if parts.query else "")


def measure_all(plan_: Plan, server, options, log: Callable[[str], None], size: str) -> list:
    client = measure.Client(options.port, timeout=options.timeout)
    cache = public_cache_installed()
    section = _sitemap_section(client)
    pages = list(plan_.pages)
    if section:
        at = next(i for i, p in enumerate(pages) if p["path"] == "/sitemap.xml") + 1
        pages.insert(
            at, {"name": "sitemap section", "group": "feed", "path": section, "bust": True}
        )
    else:
        plan_.notes.append("sitemap.xml is a single file (no index): no section measured.")
    results = []
    for page in pages:
        if page["group"] == "admin" and not log_in(client, plan_.username, plan_.password):
            plan_.notes.append("Could not log in to the admin: changelist not measured.")
            continue
        result = measure.measure_page(
            client,
            page,
            requests=options.requests,
            budget=options.page_seconds,
            public_cache=cache and page["group"] in ("page", "list", "feed", "search", "api"),
        )
        shown = ">timeout" if result["timeout"] else f"p50 {report_ms(result.get('p50'))} ms"
        log(f"[{size}] {page['name']:<24} {shown}, {result.get('queries')} queries")
        results.append(result)
        if result["timeout"]:
            # The timed-out request still runs in the server: start afresh.
            client.close()
            server.restart()
    client.close()
    return results


def report_ms(value: float | None) -> str:
    return "?" if value is None else f"{value:,.1f}"


def load_all(plan_: Plan, pages: list, server, options, log, size: str) -> tuple[list, list]:
    """wrk comparisons: each target against its baseline, runs interleaved."""
    by_name = {p["name"]: p for p in pages}
    bare = {"path": BARE, "label": BARE}
    notes, comparisons = [], []
    visit = by_name.get("visit page")
    if visit is None or visit.get("timeout") or visit.get("status") != 200:
        notes.append("No visit page answering 200: no load comparisons of pages.")
    else:
        path = visit["path"]
        comparisons.append(
            (
                "uncached detail",
                {"path": path, "bust": True, "label": f"{path}?_bench=<unique>"},
                bare,
            )
        )
        label = path if public_cache_installed() else f"{path} (no public cache in this code)"
        comparisons.append(("cached page", {"path": path, "label": label}, bare))
        etag = visit.get("etag") if visit.get("not_modified_p50") is not None else None
        target = {
            "path": path,
            "headers": {"If-None-Match": etag},
            "label": f"{path} If-None-Match",
        }
        if etag is None:
            api = by_name.get("API visit detail")
            if api and api.get("not_modified_p50") is not None:
                target = {
                    "path": api["path"],
                    "headers": {"If-None-Match": api["etag"]},
                    "label": f"{api['path']} If-None-Match",
                }
                notes.append("The visit page answers no 304: the 304 is measured on the API.")
            else:
                target = None
                notes.append("No page answers 304 to If-None-Match: 304 not measured.")
        if target:
            comparisons.append(("304", target, bare))
    values = {"path": VALUES, "bust": True, "label": VALUES}
    api_list = {"path": "/api/v1/visits/", "bust": True, "label": "/api/v1/visits/"}
    comparisons.append(("API list", api_list, values))
    results = []
    for name, target, baseline in comparisons:
        log(f"[{size}] wrk: {name}")
        try:
            results.append(
                measure.compare(
                    options.port,
                    name,
                    target,
                    baseline,
                    rounds=options.wrk_rounds,
                    seconds=options.wrk_seconds,
                    connections=options.wrk_connections,
                )
            )
        except Exception as exc:  # one failed comparison must not lose the others
            notes.append(f"wrk {name}: {exc}")
            server.restart()
    return results, notes
