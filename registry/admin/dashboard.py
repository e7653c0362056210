"""The data-quality dashboard on the admin index, and the list filters its lines link to.

Each line counts the records that need an editor's attention and links to the changelist
filtered to exactly those records: the count and the filter share one definition, so they
cannot disagree. The dashboard runs a fixed number of queries whatever the amount of data
(one aggregate per publishable model, and one or two per other line); rules that compare
partial dates are applied in Python to rows fetched in one query.

Lines: drafts awaiting review; scheduled records; records with no citation; citations never
verified, or last verified more than a year ago; posts with no current holder; open offices
missing an address, phone or e-mail; visits, appointments and participations whose dates
disagree with their legs, meetings, post or programme.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.utils import model_ngettext
from django.core.cache import cache
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy, pgettext_lazy

from registry.models import (
    Appointment,
    Citation,
    Country,
    Event,
    Meeting,
    Office,
    Organisation,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Status,
    Topic,
    Visit,
    VisitLeg,
)
from registry.models.base import Publishable, SpanMixin
from registry.models.visits import _outside
from registry.publication.gate import is_citable, uncited_q
from registry.publication.version import current_version
from registry.publication.visibility import published_q

from .translation import is_translated

# A citation checked against its source longer ago than this is due for another check.
VERIFY_EVERY = dt.timedelta(days=365)

# The order in which models are listed on each line.
MODELS: tuple[type[models.Model], ...] = (
    Visit,
    Appointment,
    Person,
    Position,
    Office,
    Event,
    Programme,
    Participation,
    Country,
    Region,
    Organisation,
    Topic,
    Source,
)


# --- the rules --------------------------------------------------------------------------------


def verification_due_before(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - VERIFY_EVERY


def never_verified_q() -> Q:
    return Q(verified_on__isnull=True)


def stale_q(today: dt.date | None = None) -> Q:
    return Q(verified_on__lt=verification_due_before(today))


CONTACT_FIELDS = ("address", "phone", "email")


def contact_missing_q() -> Q:
    """Offices lacking an address, a phone number or an e-mail address."""
    condition = Q()
    for name in CONTACT_FIELDS:
        condition |= Q(**{name: ""})
    return condition


def open_q() -> Q:
    return Q(end_date__isnull=True)


def no_holder_q() -> Q:
    """Posts not known to have ended with no appointment recorded: not "vacant", which the
    sources rarely say, but a gap in the record an editor can fill."""
    return open_q() & ~Q(Exists(Appointment.objects.filter(position=OuterRef("pk"))))


def vacant_position_ids(today: dt.date | None = None) -> set[int]:
    """Posts that still exist (no abolition date) with no holder certainly in post today:
    the same rule as the "current holder(s)" column. Two queries."""
    today = today or timezone.localdate()
    existing = set(Position.objects.filter(open_q()).values_list("pk", flat=True))
    candidates = Appointment.objects.filter(position_id__in=existing, start_date__lte=today).only(
        "position_id", "start_date", "start_precision", "end_date", "end_precision", "ongoing"
    )
    held = {a.position_id for a in candidates if a.certainly_active_on(today)}
    return existing - held


_SPAN = ("start_date", "start_precision", "end_date", "end_precision")


def _span_problem(child: SpanMixin, parent: SpanMixin, parent_name: str) -> str:
    """Why a span cannot lie within its parent's (a post, a programme), or ""."""
    start, end = child.start, child.end
    first, last = parent.start, parent.end
    if start and first and start.latest < first.earliest:
        return f"starts ({start}) before the {parent_name} began ({first})"
    if start and last and start.earliest > last.latest:
        return f"starts ({start}) after the {parent_name} ended ({last})"
    if end and last and end.earliest > last.latest:
        return f"ends ({end}) after the {parent_name} ended ({last})"
    if getattr(child, "ongoing", False) and last:
        return f"is marked as continuing although the {parent_name} ended ({last})"
    return ""


def _may_leave(start: str, end: str, parent: str) -> Q:
    """A first cut in SQL: a date can lie outside its parent's span only if its first day
    is before the parent's first day or after the parent's end's first day. The partial
    date rules (`_outside`, `_span_problem`) then decide on these rows only, so that the
    dashboard reads the few doubtful rows, not the whole table."""
    condition = Q(**{f"{start}__lt": F(f"{parent}__start_date")}) | Q(
        **{f"{start}__gt": F(f"{parent}__end_date")}
    )
    if end:
        condition |= Q(**{f"{end}__lt": F(f"{parent}__start_date")}) | Q(
            **{f"{end}__gt": F(f"{parent}__end_date")}
        )
    return condition


def _within_parent(
    model: type[models.Model], parent: str, parent_model: type[models.Model], parent_name: str
) -> dict[int, str]:
    doubtful = _may_leave("start_date", "end_date", parent) | Q(
        ongoing=True, **{f"{parent}__end_date__isnull": False}
    )
    rows = model.objects.filter(doubtful).values(
        "pk", "ongoing", *_SPAN, *(f"{parent}__{f}" for f in _SPAN)
    )
    problems = {}
    for row in rows:
        child = model(**{f: row[f] for f in _SPAN}, ongoing=row["ongoing"])
        owner = parent_model(**{f: row[f"{parent}__{f}"] for f in _SPAN})
        reason = _span_problem(child, owner, parent_name)
        if reason:
            problems[row["pk"]] = reason
    return problems


def visit_date_problems() -> dict[int, str]:
    """Visits whose legs or meetings lie outside their dates, or whose length in days
    disagrees with their first and last day. Three queries, each of the doubtful rows
    only."""
    problems: dict[int, str] = {}
    timed = Visit.objects.filter(
        duration_days__isnull=False, start_precision="day", end_precision="day"
    ).only("pk", *_SPAN, "duration_days")
    for visit in timed:
        start, end = visit.start, visit.end
        if start and end:
            days = (end.date - start.date).days + 1
            if days != visit.duration_days:
                problems[visit.pk] = (
                    f"lasts {visit.duration_days} days, but its dates span {days} days"
                )
    visit_span = tuple(f"visit__{f}" for f in _SPAN)
    legs = VisitLeg.objects.filter(_may_leave("start_date", "end_date", "visit"))
    for row in legs.values("visit_id", *_SPAN, *visit_span):
        visit = Visit(**{f: row[f"visit__{f}"] for f in _SPAN})
        leg = VisitLeg(**{f: row[f] for f in _SPAN})
        outside = _outside(visit, leg.start, leg.end)
        if outside:
            problems.setdefault(row["visit_id"], f"a leg: {outside}")
    meetings = Meeting.objects.filter(date__isnull=False).filter(_may_leave("date", "", "visit"))
    for row in meetings.values("visit_id", "date", "date_precision", *visit_span):
        visit = Visit(**{f: row[f"visit__{f}"] for f in _SPAN})
        meeting = Meeting(date=row["date"], date_precision=row["date_precision"])
        outside = _outside(visit, meeting.when, None)
        if outside:
            problems.setdefault(row["visit_id"], f"a meeting: {outside}")
    return problems


DATE_PROBLEMS: dict[type[models.Model], Callable[[], dict[int, str]]] = {
    Visit: visit_date_problems,
    Appointment: lambda: _within_parent(Appointment, "position", Position, "post"),
    Participation: lambda: _within_parent(Participation, "programme", Programme, "programme"),
}


# --- list filters ------------------------------------------------------------------------------


class CitedFilter(admin.SimpleListFilter):
    """Cited or not as the publishing gate counts: a citation of a draft source does not."""

    title = gettext_lazy("citations of public sources")
    parameter_name = "cited"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("no", pgettext_lazy("citations", "None")), ("yes", gettext_lazy("At least one"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "no":
            return queryset.filter(uncited_q(queryset.model))
        if self.value() == "yes":
            return queryset.exclude(uncited_q(queryset.model))
        return queryset


class VerifiedFilter(admin.SimpleListFilter):
    title = gettext_lazy("last verified")
    parameter_name = "verified"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("recent", gettext_lazy("Within the last year")),
            ("stale", gettext_lazy("More than a year ago")),
            ("never", gettext_lazy("Never")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "never":
            return queryset.filter(never_verified_q())
        if value == "stale":
            return queryset.filter(stale_q())
        if value == "recent":
            return queryset.filter(verified_on__gte=verification_due_before())
        return queryset


class ContactFilter(admin.SimpleListFilter):
    title = gettext_lazy("contact details")
    parameter_name = "contact"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("missing", gettext_lazy("Address, phone or e-mail missing")),
            ("complete", gettext_lazy("Complete")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "missing":
            return queryset.filter(contact_missing_q())
        if self.value() == "complete":
            return queryset.exclude(contact_missing_q())
        return queryset


class HolderFilter(admin.SimpleListFilter):
    title = gettext_lazy("current holder")
    parameter_name = "holder"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("none", gettext_lazy("No holder recorded")),
            ("vacant", gettext_lazy("No holder known to be in post today")),
            ("held", gettext_lazy("Held")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(no_holder_q())
        if self.value() == "vacant":
            return queryset.filter(pk__in=vacant_position_ids())
        if self.value() == "held":
            return queryset.filter(open_q()).exclude(pk__in=vacant_position_ids())
        return queryset


class DateProblemFilter(admin.SimpleListFilter):
    title = gettext_lazy("date problems")
    parameter_name = "dates"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("problem", gettext_lazy("Dates disagree"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "problem":
            return queryset.filter(pk__in=list(DATE_PROBLEMS[queryset.model]()))
        return queryset


QUALITY_FILTERS: dict[type[models.Model], tuple[type[admin.ListFilter], ...]] = {
    Citation: (VerifiedFilter,),
    Office: (ContactFilter,),
    Position: (HolderFilter,),
}


class QualityAdminMixin:
    """Adds the dashboard's filters to the changelists its lines link to."""

    def get_list_filter(self, request: HttpRequest) -> tuple:
        filters = list(super().get_list_filter(request))
        extra = list(QUALITY_FILTERS.get(self.model, ()))
        if is_citable(self.model):
            extra.append(CitedFilter)
        if self.model in DATE_PROBLEMS:
            extra.append(DateProblemFilter)
        return (*filters, *(f for f in extra if f not in filters))


# --- the dashboard ------------------------------------------------------------------------------


@dataclass
class Item:
    model: type[models.Model]
    count: int
    url: str

    @property
    def label(self) -> str:
        return gettext("%(count)d %(name)s") % {
            "count": self.count,
            "name": model_ngettext(self.model, self.count),
        }


@dataclass
class Line:
    key: str
    title: str
    help: str
    items: list[Item] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items)


def changelist_url(model: type[models.Model], **params: str) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _visible(request: HttpRequest, model: type[models.Model]) -> bool:
    model_admin = admin.site._registry.get(model)
    return model_admin is not None and model_admin.has_view_or_change_permission(request)


def dashboard_lines(request: HttpRequest) -> list[Line]:
    """The dashboard's lines, for the models this user may see.

    Kept in the shared cache under the registry version (which moves with every change and
    at every scheduled time), so that reloading the admin index does not scan every table
    again while nothing has changed."""
    visible = ",".join(m._meta.label_lower for m in MODELS if _visible(request, m))
    digest = hashlib.sha256(visible.encode()).hexdigest()[:16]
    # Per language too: the lines' words are in the editor's.
    key = f"registry:dashboard:{current_version().token}:{digest}:{get_language()}"
    lines = cache.get(key)
    if lines is None:
        lines = _compute_lines(request)
        cache.set(key, lines, DASHBOARD_TIMEOUT)
    return lines


# Seconds the dashboard's lines stay cached at most (the version moves before that with
# any change).
DASHBOARD_TIMEOUT = 600


def _compute_lines(request: HttpRequest) -> list[Line]:
    now = timezone.now()
    lines = {
        "drafts": Line(
            "drafts",
            gettext("Drafts awaiting review"),
            gettext("Saved as drafts: not public until a Publisher publishes them."),
        ),
        "scheduled": Line(
            "scheduled",
            gettext("Scheduled"),
            gettext("Published, with a publish time still to come."),
        ),
        "blocked": Line(
            "blocked",
            gettext("Drafts blocked from publishing"),
            gettext(
                "No public source backs them yet, so they cannot be published: add a citation "
                "(or publish the source they cite)."
            ),
        ),
        "uncited": Line(
            "uncited",
            gettext("Published without a source"),
            gettext("Public, but their page shows no source: add a citation, or unpublish them."),
        ),
        "french": Line(
            "french",
            gettext("French out of date"),
            gettext(
                "The English changed after the French was saved: check the French against "
                "it, then save it or tick “French reviewed”."
            ),
        ),
    }
    for model in MODELS:
        if not issubclass(model, Publishable) or not _visible(request, model):
            continue
        counts: dict[str, Any] = {
            "drafts": Count("pk", filter=Q(status=Status.DRAFT)),
            "scheduled": Count("pk", filter=Q(status=Status.PUBLISHED, publish_at__gt=now)),
        }
        if is_citable(model):
            uncited = uncited_q(model)
            counts["blocked"] = Count("pk", filter=uncited & Q(status=Status.DRAFT))
            counts["uncited"] = Count("pk", filter=uncited & published_q())
        if is_translated(model):
            counts["french"] = Count("pk", filter=Q(french_out_of_date=True))
        result = model._default_manager.aggregate(**counts)
        lines["drafts"].items.append(
            Item(model, result["drafts"], changelist_url(model, public="draft"))
        )
        lines["scheduled"].items.append(
            Item(model, result["scheduled"], changelist_url(model, public="scheduled"))
        )
        if "uncited" in result:
            lines["blocked"].items.append(
                Item(model, result["blocked"], changelist_url(model, cited="no", public="draft"))
            )
            lines["uncited"].items.append(
                Item(model, result["uncited"], changelist_url(model, cited="no", public="live"))
            )
        if "french" in result:
            lines["french"].items.append(
                Item(model, result["french"], changelist_url(model, french="out_of_date"))
            )
    result = list(lines.values())

    if _visible(request, Citation):
        counts = Citation.objects.aggregate(
            never=Count("pk", filter=never_verified_q()), stale=Count("pk", filter=stale_q())
        )
        result.append(
            Line(
                "never_verified",
                gettext("Citations never verified"),
                gettext("No editor has yet checked them against their source."),
                [Item(Citation, counts["never"], changelist_url(Citation, verified="never"))],
            )
        )
        result.append(
            Line(
                "stale",
                gettext("Citations not verified for over a year"),
                gettext("Last checked against their source more than a year ago."),
                [Item(Citation, counts["stale"], changelist_url(Citation, verified="stale"))],
            )
        )
    if _visible(request, Position):
        result.append(
            Line(
                "no_holder",
                gettext("Posts with no holder recorded"),
                gettext(
                    "Posts not known to have ended for which no appointment is recorded at all: "
                    "add one when a source names a holder, with the date it shows them in post."
                ),
                [
                    Item(
                        Position,
                        Position.objects.filter(no_holder_q()).count(),
                        changelist_url(Position, holder="none"),
                    )
                ],
            )
        )
    if _visible(request, Office):
        missing = Office.objects.filter(open_q(), contact_missing_q()).count()
        result.append(
            Line(
                "contact",
                gettext("Open offices without full contact details"),
                gettext("An address, phone number or e-mail address is missing."),
                [Item(Office, missing, changelist_url(Office, closed="no", contact="missing"))],
            )
        )
    dates = Line(
        "dates",
        gettext("Date inconsistencies"),
        gettext(
            "Legs or meetings outside their visit, a length that disagrees with the dates, "
            "appointments or participations outside their post's or programme's dates."
        ),
    )
    for model, problems in DATE_PROBLEMS.items():
        if _visible(request, model):
            dates.items.append(Item(model, len(problems()), changelist_url(model, dates="problem")))
    result.append(dates)
    return [line for line in result if line.items]
