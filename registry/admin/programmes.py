"""Admin for partnership programmes and the countries taking part in them."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Participation, Programme

from .base import EMPTY, PublishableAdmin, RegistryTabularInline, partial_date_column

_PARTICIPATION_FIELDS = ("stage", "start_date", "end_date", "ongoing", "status")


class ParticipationInline(RegistryTabularInline):
    model = Participation

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participation]:
        # Each row is labelled "<country> in <programme>".
        return super().get_queryset(request).select_related("country", "programme")


class ProgrammeParticipationInline(ParticipationInline):
    fk_name = "programme"
    fields = ("country", *_PARTICIPATION_FIELDS)
    autocomplete_fields = ("country",)
    ordering = ("start_date", "country__name")
    verbose_name_plural = gettext_lazy("participating countries")


class CountryParticipationInline(ParticipationInline):
    fk_name = "country"
    fields = ("programme", *_PARTICIPATION_FIELDS)
    autocomplete_fields = ("programme",)
    ordering = ("start_date", "programme__name")
    verbose_name_plural = gettext_lazy("participation in programmes")


@admin.register(Programme)
class ProgrammeAdmin(PublishableAdmin):
    list_display = (
        "name",
        "short_name",
        "kind",
        partial_date_column("start_date", "launched"),
        partial_date_column("end_date", "ended"),
        "ongoing",
        "country_count",
        "status",
    )
    list_filter = ("status", "kind", "ongoing")
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("replaces", "part_of", "launched_at")
    readonly_fields = ("succession",)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "kind", "description")}),
        (gettext_lazy("Dates"), {"fields": ("start_date", "end_date", "ongoing")}),
        (
            gettext_lazy("Origins and succession"),
            {"fields": ("launched_at", "launch_note", "replaces", "part_of", "succession")},
        ),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )
    inlines = (ProgrammeParticipationInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Programme]:
        return (
            super()
            .get_queryset(request)
            .annotate(country_count=Count("participations__country", distinct=True))
        )

    @admin.display(description=gettext_lazy("countries"), ordering="country_count")
    def country_count(self, obj: Programme) -> int:
        return obj.country_count

    @admin.display(description=gettext_lazy("replaced by / components"))
    def succession(self, obj: Programme) -> str:
        if obj.pk is None:
            return EMPTY
        rows = [(_("Replaced by"), str(p)) for p in obj.replaced_by.order_by("start_date")]
        rows += [(_("Component"), str(p)) for p in obj.components.order_by("name")]
        if not rows:
            return _("Not replaced; no components recorded.")
        return format_html_join("", "<div>{}: {}</div>", rows)


@admin.register(Participation)
class ParticipationAdmin(PublishableAdmin):
    list_display = (
        "country",
        "programme",
        "stage",
        partial_date_column("start_date", "from"),
        partial_date_column("end_date", "until"),
        "ongoing",
        "status",
    )
    list_filter = ("status", "stage", "ongoing", "programme", "country__region")
    list_select_related = ("country", "programme")
    search_fields = ("country__name", "programme__name", "programme__short_name")
    autocomplete_fields = ("country", "programme")
    fieldsets = (
        (None, {"fields": ("country", "programme", "stage")}),
        (gettext_lazy("Dates"), {"fields": ("start_date", "end_date", "ongoing")}),
        (gettext_lazy("Summary"), {"fields": ("summary",)}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )
