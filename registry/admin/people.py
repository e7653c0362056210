"""Admin for people, the posts they hold and their appointments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib import admin
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Length
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.models import Appointment, Person, Position
from registry.models.people import peak_holders

from .base import (
    EMPTY,
    ParentAwareInlineFormSet,
    PublishableAdmin,
    RegistryTabularInline,
    partial_date_column,
)
from .filters import AutocompleteFilter, subquery_count

Span = tuple[dt.date, dt.date | None]


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < (b[1] or dt.date.max) and b[0] < (a[1] or dt.date.max)


def current_appointments(appointments: list[Appointment], today: dt.date) -> list[Appointment]:
    return [a for a in appointments if a.certainly_active_on(today)]


def _holders(appointments: list[Appointment]) -> str:
    return ", ".join(f"{a.person} ({a.get_capacity_display().lower()})" for a in appointments)


class AppointmentFormSet(ParentAwareInlineFormSet):
    """Checks the appointments of one POST against each other, not only against stored rows.

    Each form's model clean() compares it with the database, which does not yet hold the
    other new rows of this formset: two new overlapping appointments would both pass, then
    break the PostgreSQL exclusion constraint (or be stored silently on SQLite). The rule is
    the model's: no day may have more certain holders than the post allows.
    """

    def clean(self) -> None:
        super().clean()
        groups: dict[object, list[tuple[Any, Span]]] = defaultdict(list)
        in_formset = {form.instance.pk for form in self.forms if form.instance.pk}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.errors or self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            span = form.instance.certain_span()
            if span is not None:
                # A new parent post has no id yet; all its rows share it.
                groups[form.instance.position_id or "new"].append((form, span))
        for post_id, group in groups.items():
            stored: list[tuple[Appointment, Span]] = []
            if post_id != "new":
                others = Appointment.objects.filter(position_id=post_id).exclude(pk__in=in_formset)
                spans = ((a, a.certain_span()) for a in others.select_related("person"))
                stored = [(a, span) for a, span in spans if span]
            rows = [(form.instance, span) for form, span in group] + stored
            for form, span in group:
                clashes = [(a, s) for a, s in rows if a is not form.instance and _overlap(span, s)]
                limit = form.instance.position.max_holders
                if clashes and peak_holders([span, *(s for _a, s in clashes)]) > limit:
                    unknown = _("unknown")
                    names = ", ".join(
                        f"{a.person} ({a.start or unknown} – {a.end or '…'})"
                        for a, _span in clashes
                    )
                    form.add_error(
                        "start_date",
                        ngettext(
                            "%(post)s may have %(limit)d holder(s) at once; "
                            "these appointments overlap: %(names)s.",
                            "%(post)s may have %(limit)d holder(s) at once; "
                            "these appointments overlap: %(names)s.",
                            limit,
                        )
                        % {"post": form.instance.position, "limit": limit, "names": names},
                    )


_APPOINTMENT_FIELDS = (
    "capacity",
    "start_date",
    "end_date",
    "ongoing",
    "attested_date",
    "ordinal",
    "status",
)


class AppointmentInline(RegistryTabularInline):
    model = Appointment
    formset = AppointmentFormSet
    ordering = ("start_date",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appointment]:
        # Each row is labelled "<person> as <post>"; the formset's checks read the post.
        return super().get_queryset(request).select_related("person", "position")


class PositionAppointmentInline(AppointmentInline):
    fk_name = "position"
    fields = ("person", *_APPOINTMENT_FIELDS)
    autocomplete_fields = ("person",)
    verbose_name_plural = gettext_lazy("holders of this post")


class PersonAppointmentInline(AppointmentInline):
    fk_name = "person"
    fields = ("position", *_APPOINTMENT_FIELDS)
    autocomplete_fields = ("position",)
    verbose_name_plural = gettext_lazy("posts held")


@admin.register(Person)
class PersonAdmin(PublishableAdmin):
    list_display = ("name", "sort_name", "appointment_count", "status")
    list_filter = ("status",)
    search_fields = ("name", "sort_name")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("current_posts",)
    fieldsets = (
        (None, {"fields": ("name", "sort_name", "slug", "current_posts", "summary")}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )
    inlines = (PersonAppointmentInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Person]:
        return (
            super()
            .get_queryset(request)
            .annotate(appointment_count=subquery_count(Appointment, "person"))
        )

    @admin.display(description=gettext_lazy("posts held"), ordering="appointment_count")
    def appointment_count(self, obj: Person) -> int:
        return obj.appointment_count

    @admin.display(description=gettext_lazy("current posts"))
    def current_posts(self, obj: Person) -> str:
        if obj.pk is None:
            return EMPTY
        appointments = list(obj.appointments.select_related("position"))
        current = current_appointments(appointments, timezone.localdate())
        if not current:
            return _("No current post recorded")
        return format_html_join(", ", "{}", ((a.position,) for a in current))


@admin.register(Position)
class PositionAdmin(PublishableAdmin):
    list_display = (
        "title",
        "organisation",
        "office",
        "max_holders",
        "current_holders_column",
        "status",
    )
    list_filter = (
        "status",
        ("organisation", AutocompleteFilter),
        ("office", AutocompleteFilter),
    )
    list_select_related = ("organisation", "office")
    search_fields = ("title", "organisation__name", "organisation__short_name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("organisation", "office", "established_by")
    readonly_fields = ("current_holders",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "organisation", "office", "current_holders")}),
        (gettext_lazy("The post"), {"fields": ("duties", "max_holders", "notes")}),
        (
            gettext_lazy("Dates"),
            {"fields": ("start_date", "end_date", "ongoing", "established_by")},
        ),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )
    inlines = (PositionAppointmentInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Position]:
        today = timezone.localdate()
        # Only appointments that could be current; certainly_active_on() decides the rest.
        maybe_current = (
            Appointment.objects.filter(start_date__lte=today)
            .filter(Q(ongoing=True) | Q(end_date__gte=today))
            .select_related("person")
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("appointments", maybe_current, to_attr="maybe_current"))
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Position], search_term: str
    ) -> tuple[QuerySet[Position], bool]:
        """Posts whose title is the term come first, then those whose title starts with it,
        then the rest, shortest title first: "Secretary General" finds the Secretary
        General before the Deputy. A title is also matched as its organisation writes it
        ("NATO Secretary General" is an exact match of "Secretary General" at NATO). The
        changelist sorts its rows itself; this order is the autocomplete's."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.replace("\x00", "").strip()
        if not term:
            return queryset, may_have_duplicates
        in_organisation = Concat("organisation__short_name", Value(f" {term}"))
        rank = Case(
            When(Q(title__iexact=term) | Q(title__iexact=in_organisation), then=Value(0)),
            When(Q(title__istartswith=term) | Q(title__istartswith=in_organisation), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        ranked = queryset.annotate(match_rank=rank, title_length=Length("title"))
        return ranked.order_by("match_rank", "title_length", "title", "pk"), may_have_duplicates

    def _current(self, obj: Position) -> list[Appointment]:
        appointments = getattr(obj, "maybe_current", None)
        if appointments is None:
            appointments = list(obj.appointments.select_related("person"))
        return current_appointments(appointments, timezone.localdate())

    @admin.display(description=gettext_lazy("current holder(s)"))
    def current_holders_column(self, obj: Position) -> str | None:
        return _holders(self._current(obj)) or None

    @admin.display(description=gettext_lazy("current holder(s)"))
    def current_holders(self, obj: Position) -> str:
        if obj.pk is None:
            return EMPTY
        return _holders(self._current(obj)) or _("No current holder recorded")


@admin.register(Appointment)
class AppointmentAdmin(PublishableAdmin):
    list_display = (
        "person",
        "position",
        "capacity",
        partial_date_column("start_date", gettext_lazy("from")),
        partial_date_column("end_date", gettext_lazy("until")),
        "ongoing",
        "status",
    )
    list_filter = (
        "status",
        "capacity",
        "ongoing",
        ("person", AutocompleteFilter),
        ("position", AutocompleteFilter),
        ("position__organisation", AutocompleteFilter),
    )
    list_select_related = ("person", "position")
    search_fields = ("person__name", "position__title")
    autocomplete_fields = ("person", "position", "attested_visit")
    fieldsets = (
        (None, {"fields": ("person", "position", "capacity", "ordinal")}),
        (gettext_lazy("Dates"), {"fields": ("start_date", "end_date", "ongoing")}),
        (
            gettext_lazy("Attested in post"),
            {
                "fields": ("attested_date", "attested_visit"),
                "description": gettext_lazy(
                    "When the sources give no term, record the date or the visit at which a "
                    "cited source shows the person in post: the public pages then name them "
                    "as the last recorded holder, and say when."
                ),
            },
        ),
        (gettext_lazy("Notes"), {"fields": ("notes",)}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )
