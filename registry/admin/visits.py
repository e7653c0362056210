"""Admin for official visits, their legs and the meetings held on them.

The visit list is built for 100,000 visits: ordered on an index (start date, then id; see
migration 0010), filtered by traveller through an autocomplete and by year through a date
range, its leg count one query for the rows shown (filters.PageCountsAdminMixin). The
change form renders in a fixed number of queries however many legs, meetings and citations
the visit has: the autocomplete labels of all rows come in one query per column
(prefetch.py), and a meeting's leg is chosen among the visit's own legs, loaded once, or
among the legs added in the same form (meeting_legs.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Field, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.models import Meeting, Visit, VisitLeg
from registry.partial_dates import describe

from .base import (
    EMPTY,
    PublishableAdmin,
    RegistryModelAdmin,
    RegistryStackedInline,
    RegistryTabularInline,
    partial_date_column,
)
from .filters import AutocompleteFilter, PageCountsAdminMixin, year_filter
from .legs import LEG_ORDER_CSS, LEG_ORDER_JS, LEGS_CSS, LegOrderFormSet
from .meeting_legs import MEETING_LEGS_JS, MeetingFormSet
from .prefetch import unwrap_widget

_MEETING_AUTOCOMPLETE = ("counterpart", "counterpart_position", "topics")
_DATE_COLUMNS = ("start_date", "start_precision", "end_date", "end_precision")


class VisitLegInline(RegistryTabularInline):
    model = VisitLeg
    fields = ("order", "country", "city", "start_date", "end_date", "notes", "notes_fr")
    autocomplete_fields = ("country",)
    ordering = ("order", "start_date")
    verbose_name_plural = gettext_lazy("legs (stops, in order)")
    # Up/down buttons renumber the legs; one save may swap their numbers (legs.py).
    formset = LegOrderFormSet

    class Media:
        js = (LEG_ORDER_JS,)
        css = {"all": (LEG_ORDER_CSS, LEGS_CSS)}

    def formfield_for_dbfield(self, db_field: Field, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "country" and formfield is not None:
            # select2 would fix the menu's width when it starts; the menu fills its column
            # of the legs' layout instead (static/css/admin-legs.css).
            unwrap_widget(formfield.widget).attrs["data-width"] = "100%"
        return formfield

    def get_queryset(self, request: HttpRequest) -> QuerySet[VisitLeg]:
        # Each row is labelled "Visit: City, Country"; the model's clean() reads the visit.
        return super().get_queryset(request).select_related("visit", "country")


class MeetingInline(RegistryStackedInline):
    model = Meeting
    formset = MeetingFormSet
    fields = (
        ("order", "date"),
        "leg",
        ("counterpart", "counterpart_position"),
        "counterpart_group",
        ("city", "venue"),
        "topics",
        ("summary", "summary_fr"),
    )
    autocomplete_fields = _MEETING_AUTOCOMPLETE
    ordering = ("order", "date")

    class Media:
        # The Leg menu offers the legs being added in the same form (meeting_legs.py).
        js = (MEETING_LEGS_JS,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        # Each row is titled "Meeting with <counterpart>"; its topics fill the form.
        return (
            super()
            .get_queryset(request)
            .select_related("visit", "counterpart")
            .prefetch_related("topics")
        )


@admin.register(Visit)
class VisitAdmin(PageCountsAdminMixin, PublishableAdmin):
    list_display = (
        "title",
        "traveller",
        partial_date_column("start_date", gettext_lazy("from")),
        partial_date_column("end_date", gettext_lazy("until")),
        "leg_count",
        "status",
    )
    list_filter = (
        "status",
        year_filter("start_date"),
        ("traveller", AutocompleteFilter),
        # Every country (a few hundred), not a DISTINCT over every leg of every visit.
        ("legs__country", admin.RelatedFieldListFilter),
        "topics",
    )
    list_select_related = ("traveller",)
    # Newest first on the index of (start date, id): the page is read off the index.
    ordering = ("-start_date", "-pk")
    # Both are substring searches (a scan of the visits); see README "Admin at scale".
    search_fields = ("title", "traveller__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("traveller", "traveller_position", "topics")
    readonly_fields = ("dates_summary",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "traveller", "traveller_position")}),
        (
            gettext_lazy("Dates"),
            {
                "fields": (
                    "dates_summary",
                    "start_date",
                    "end_date",
                    "duration_days",
                    "stop_order_known",
                )
            },
        ),
        (gettext_lazy("About the visit"), {"fields": ("purpose", "summary", "topics")}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )
    inlines = (VisitLegInline, MeetingInline)
    page_counts = {"leg_count": (VisitLeg, "visit")}

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
        # The legs first: a meeting may be on a leg added in this same save, which it is
        # given once that leg exists (meeting_legs.py).
        formsets = sorted(formsets, key=lambda formset: not isinstance(formset, LegOrderFormSet))
        legs = next((fs for fs in formsets if isinstance(fs, LegOrderFormSet)), None)
        for formset in formsets:
            if isinstance(formset, MeetingFormSet):
                formset.legs_formset = legs
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if self._moves_dates(obj, form, change):
            # A full save (not update()) so that the history has the visit's final state.
            obj.save()
        self._warn_about_the_post(request, obj)

    def _warn_about_the_post(self, request: HttpRequest, obj: Visit) -> None:
        # A warning, not a form error: the save stands, because the appointments may be the
        # incomplete side (Visit.traveller_post_problem flags only what they rule out).
        problem = obj.traveller_post_problem()
        if problem:
            self.message_user(
                request,
                _(
                    "Saved, but check the traveller's post: %(problem)s If the sources say "
                    "%(traveller)s held it then, record or correct the appointment on "
                    "their page; if not, correct this visit's post or dates."
                )
                % {"problem": problem, "traveller": obj.traveller},
                messages.WARNING,
            )

    @staticmethod
    def _moves_dates(obj: Visit, form: Any, change: bool) -> bool:
        return change and bool({"start_date", "end_date"} & set(form.changed_data))

    # Not sortable: sorting by it would count the legs of every visit.
    @admin.display(description=gettext_lazy("legs"))
    def leg_count(self, obj: Visit) -> int:
        count = getattr(obj, "leg_count", None)  # set for the changelist's page
        return obj.legs.count() if count is None else count

    @admin.display(description=gettext_lazy("dates as shown"))
    def dates_summary(self, obj: Visit) -> str:
        if obj.pk is None:
            return EMPTY
        span = describe(obj)  # as the public pages word it
        if not obj.duration_days:
            return span
        return ngettext(
            "%(span)s (%(days)d day)", "%(span)s (%(days)d days)", obj.duration_days
        ) % {"span": span, "days": obj.duration_days}


@admin.register(VisitLeg)
class VisitLegAdmin(RegistryModelAdmin):
    list_display = (
        "__str__",
        "visit",
        "order",
        partial_date_column("start_date", gettext_lazy("from")),
        partial_date_column("end_date", gettext_lazy("until")),
    )
    list_filter = ("country", ("visit", AutocompleteFilter))
    list_select_related = ("visit", "country")
    search_fields = ("city", "country__name", "visit__title")
    autocomplete_fields = ("visit", "country")
    # Newest first, on the primary key: sorting 150,000 legs by visit title is a full sort.
    ordering = ("-pk",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[VisitLeg]:
        # A leg is named with its visit and country, in the list and in autocomplete results.
        return super().get_queryset(request).select_related("visit", "country")

    fieldsets = (
        (None, {"fields": ("visit", "order", "country", "city")}),
        (gettext_lazy("Dates"), {"fields": ("start_date", "end_date")}),
        (gettext_lazy("Notes"), {"fields": ("notes",)}),
    )


@admin.register(Meeting)
class MeetingAdmin(RegistryModelAdmin):
    list_display = (
        "__str__",
        "visit",
        "leg",
        partial_date_column("date", gettext_lazy("date")),
        "counterpart_position",
    )
    list_filter = (
        ("leg__country", admin.RelatedFieldListFilter),
        ("visit", AutocompleteFilter),
        ("counterpart", AutocompleteFilter),
        "topics",
    )
    list_select_related = (
        "visit",
        "leg__visit",
        "leg__country",
        "counterpart",
        "counterpart_position",
    )
    search_fields = ("counterpart__name", "counterpart_group", "visit__title", "venue")
    autocomplete_fields = ("visit", "leg", *_MEETING_AUTOCOMPLETE)
    ordering = ("-pk",)
    fieldsets = (
        (None, {"fields": ("visit", "leg", "order", "date")}),
        (
            gettext_lazy("Counterpart"),
            {"fields": ("counterpart", "counterpart_position", "counterpart_group")},
        ),
        (gettext_lazy("Place"), {"fields": ("city", "venue")}),
        (gettext_lazy("About the meeting"), {"fields": ("summary", "topics")}),
    )
