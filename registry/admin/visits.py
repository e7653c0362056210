"""Admin for official visits, their legs and the meetings held on them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Field, QuerySet
from django.http import HttpRequest

from registry.models import Meeting, Visit, VisitLeg
from registry.partial_dates import display_span

from .base import (
    EMPTY,
    PublishableAdmin,
    RegistryModelAdmin,
    RegistryStackedInline,
    RegistryTabularInline,
    partial_date_column,
)
from .legs import LEG_ORDER_CSS, LEG_ORDER_JS, LegOrderFormSet

_MEETING_AUTOCOMPLETE = ("leg", "counterpart", "counterpart_position", "topics")
_DATE_COLUMNS = ("start_date", "start_precision", "end_date", "end_precision")


class VisitLegInline(RegistryTabularInline):
    model = VisitLeg
    fields = ("order", "country", "city", "start_date", "end_date", "notes")
    autocomplete_fields = ("country",)
    ordering = ("order", "start_date")
    verbose_name_plural = "legs (stops, in order)"
    # Up/down buttons renumber the legs; one save may swap their numbers (legs.py).
    formset = LegOrderFormSet

    class Media:
        js = (LEG_ORDER_JS,)
        css = {"all": (LEG_ORDER_CSS,)}


class MeetingInline(RegistryStackedInline):
    model = Meeting
    fields = (
        ("order", "date"),
        "leg",
        ("counterpart", "counterpart_position"),
        "counterpart_group",
        ("city", "venue"),
        "topics",
        "summary",
    )
    autocomplete_fields = _MEETING_AUTOCOMPLETE
    ordering = ("order", "date")


@admin.register(Visit)
class VisitAdmin(PublishableAdmin):
    list_display = (
        "title",
        "traveller",
        partial_date_column("start_date", "from"),
        partial_date_column("end_date", "until"),
        "leg_count",
        "status",
    )
    list_filter = (
        "status",
        ("traveller", admin.RelatedOnlyFieldListFilter),
        ("legs__country", admin.RelatedOnlyFieldListFilter),
        "topics",
    )
    list_select_related = ("traveller",)
    search_fields = ("title", "traveller__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("traveller", "traveller_position", "topics")
    readonly_fields = ("dates_summary",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "traveller", "traveller_position")}),
        ("Dates", {"fields": ("dates_summary", "start_date", "end_date", "duration_days")}),
        ("About the visit", {"fields": ("purpose", "summary", "topics")}),
        ("Publication", {"fields": ("status",)}),
    )
    inlines = (VisitLegInline, MeetingInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Visit]:
        return super().get_queryset(request).annotate(leg_count=Count("legs", distinct=True))

    def formfield_for_dbfield(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "duration_days":
            # The database allows 1 to 366; say so on the input rather than as a form error.
            kwargs.update(min_value=1, max_value=366)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Visit, form: Any, change: bool) -> None:
        # PostgreSQL checks every leg row against the visit row as each is written (migration
        # 0004), so moving a visit and its legs in one POST would fail half way whichever is
        # saved first. The visit is written without dates, the legs are saved, and the dates
        # are written last (save_related), so the trigger judges the final, validated state.
        if not self._moves_dates(obj, form, change):
            super().save_model(request, obj, form, change)
            return
        final = {name: getattr(obj, name) for name in _DATE_COLUMNS}
        obj.start_date = obj.end_date = None
        # The dateless row is a step, not a version: the history records the final save.
        obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
        finally:
            del obj.skip_history_when_saving
            for name, value in final.items():
                setattr(obj, name, value)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if self._moves_dates(obj, form, change):
            # A full save (not update()) so that the history has the visit's final state.
            obj.save()

    @staticmethod
    def _moves_dates(obj: Visit, form: Any, change: bool) -> bool:
        return change and bool({"start_date", "end_date"} & set(form.changed_data))

    @admin.display(description="legs", ordering="leg_count")
    def leg_count(self, obj: Visit) -> int:
        return obj.leg_count

    @admin.display(description="dates as shown")
    def dates_summary(self, obj: Visit) -> str:
        if obj.pk is None:
            return EMPTY
        span = display_span(obj.start, obj.end)
        return f"{span} ({obj.duration_days} days)" if obj.duration_days else span


@admin.register(VisitLeg)
class VisitLegAdmin(RegistryModelAdmin):
    list_display = (
        "__str__",
        "visit",
        "order",
        partial_date_column("start_date", "from"),
        partial_date_column("end_date", "until"),
    )
    list_filter = ("country",)
    list_select_related = ("visit", "country")
    search_fields = ("city", "country__name", "visit__title")
    autocomplete_fields = ("visit", "country")
    ordering = ("visit__title", "order")
    fieldsets = (
        (None, {"fields": ("visit", "order", "country", "city")}),
        ("Dates", {"fields": ("start_date", "end_date")}),
        ("Notes", {"fields": ("notes",)}),
    )


@admin.register(Meeting)
class MeetingAdmin(RegistryModelAdmin):
    list_display = (
        "__str__",
        "visit",
        "leg",
        partial_date_column("date", "date"),
        "counterpart_position",
    )
    list_filter = (("leg__country", admin.RelatedOnlyFieldListFilter), "topics")
    list_select_related = ("visit", "leg__country", "counterpart", "counterpart_position")
    search_fields = ("counterpart__name", "counterpart_group", "visit__title", "venue")
    autocomplete_fields = ("visit", *_MEETING_AUTOCOMPLETE)
    fieldsets = (
        (None, {"fields": ("visit", "leg", "order", "date")}),
        ("Counterpart", {"fields": ("counterpart", "counterpart_position", "counterpart_group")}),
        ("Place", {"fields": ("city", "venue")}),
        ("About the meeting", {"fields": ("summary", "topics")}),
    )
