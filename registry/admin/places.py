"""Admin for where partnership happens: regions, countries, organisations and offices."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.forms import PartialDateModelForm
from registry.models import Country, Office, Organisation, Region
from registry.models.places import PARTNER_TEXT

from .base import EMPTY, PublishableAdmin, partial_date_column
from .programmes import CountryParticipationInline

_ISO_CODE = re.compile(r"[A-Z]{2}")


@admin.register(Region)
class RegionAdmin(PublishableAdmin):
    list_display = ("name", "country_count", "sort_order", "status")
    list_editable = ("sort_order",)
    list_filter = ("status",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "sort_order", "summary")}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return super().get_queryset(request).annotate(country_count=Count("countries"))

    @admin.display(description=gettext_lazy("countries"), ordering="country_count")
    def country_count(self, obj: Region) -> int:
        return obj.country_count


class PartnerSelect(forms.NullBooleanSelect):
    """Yes, no, or not stated: a country is not made a non-partner by default."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("unknown", PARTNER_TEXT[None]),
            ("true", PARTNER_TEXT[True]),
            ("false", PARTNER_TEXT[False]),
        ]


class PartnerListFilter(admin.BooleanFieldListFilter):
    """The list filter names the empty state as the site does."""

    def choices(self, changelist: Any):
        choices = list(super().choices(changelist))
        if self.field.null:  # the last choice is the empty state, with its count if shown
            empty = choices[-1]
            empty["display"] = str(empty["display"]).replace(
                str(_("Unknown")), str(PARTNER_TEXT[None])
            )
        return choices


class CountryForm(PartialDateModelForm):
    class Meta:
        widgets = {"is_partner": PartnerSelect}

    def clean_iso_code(self) -> str:
        code = self.cleaned_data["iso_code"]
        if not _ISO_CODE.fullmatch(code):
            if code.isascii() and code.isalpha():
                message = _(
                    "Enter two capital letters (ISO 3166-1 alpha-2), e.g. GE. "
                    "Did you mean %(code)s?"
                ) % {"code": code.upper()}
            else:
                message = _("Enter two capital letters (ISO 3166-1 alpha-2), e.g. GE.")
            raise ValidationError(message, code="iso_code")
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # The database constraint says the same; here the error lands on the region input.
        if cleaned.get("is_partner") and not cleaned.get("region") and "region" in self.fields:
            self.add_error("region", _("A partner country belongs to a region."))
        return cleaned


@admin.register(Country)
class CountryAdmin(PublishableAdmin):
    form = CountryForm
    list_display = ("name", "iso_code", "region", "partner", "status")
    list_filter = ("status", ("is_partner", PartnerListFilter), "region")
    list_select_related = ("region",)
    search_fields = ("name", "iso_code")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("region",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "iso_code", "region", "is_partner")}),
        (gettext_lazy("Profile"), {"fields": ("profile",)}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )
    inlines = (CountryParticipationInline,)

    @admin.display(description=gettext_lazy("NATO partner in the region"), ordering="is_partner")
    def partner(self, obj: Country) -> str:
        return obj.partner_text


@admin.register(Organisation)
class OrganisationAdmin(PublishableAdmin):
    list_display = ("name", "short_name", "kind", "country", "status")
    list_filter = ("status", "kind", "country")
    list_select_related = ("country",)
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("country",)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "kind", "country")}),
        (gettext_lazy("Description"), {"fields": ("description",)}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )


class OpenClosedFilter(admin.SimpleListFilter):
    title = gettext_lazy("open or closed")
    parameter_name = "closed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("no", _("Open")), ("yes", _("Closed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Office]) -> QuerySet[Office]:
        if self.value() == "yes":
            return queryset.filter(end_date__isnull=False)
        if self.value() == "no":
            return queryset.filter(end_date__isnull=True)
        return queryset


def office_state(office: Office) -> str:
    """ "Open" or "Closed (date)", as editors and readers think of an office."""
    if office.is_closed:
        return _("Closed (%(date)s)") % {"date": office.end.display()}
    return _("Open") if office.ongoing else _("Open (no closing date recorded)")


@admin.register(Office)
class OfficeAdmin(PublishableAdmin):
    list_display = (
        "name",
        "city",
        "host_country",
        partial_date_column("start_date", gettext_lazy("opened")),
        partial_date_column("end_date", gettext_lazy("closed")),
        "state",
        "status",
    )
    list_filter = ("status", OpenClosedFilter, "host_country")
    list_select_related = ("host_country",)
    search_fields = ("name", "city")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("host_country", "countries_covered", "succeeded_by")
    readonly_fields = ("closure_summary", "based_positions")
    fieldsets = (
        (None, {"fields": ("name", "slug", "city", "host_country")}),
        (gettext_lazy("Contact"), {"fields": ("address", "phone", "email")}),
        (
            gettext_lazy("Opening and closure"),
            {
                "fields": (
                    "closure_summary",
                    "start_date",
                    "end_date",
                    "ongoing",
                    "closure_note",
                    "succeeded_by",
                )
            },
        ),
        (gettext_lazy("Work"), {"fields": ("countries_covered", "description", "based_positions")}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj: Office) -> str:
        return office_state(obj)

    @admin.display(description=gettext_lazy("state"))
    def closure_summary(self, obj: Office) -> str:
        if obj.pk is None:
            return EMPTY
        if not obj.is_closed:
            return office_state(obj)
        note = obj.closure_note or _("No closure note recorded.")
        if obj.succeeded_by_id:
            successor = _("Succeeded by %(office)s.") % {"office": obj.succeeded_by}
            return format_html("<strong>{}</strong>. {} {}", office_state(obj), note, successor)
        return format_html("<strong>{}</strong>. {}", office_state(obj), note)

    @admin.display(description=gettext_lazy("posts based here"))
    def based_positions(self, obj: Office) -> str:
        if obj.pk is None:
            return EMPTY
        titles = obj.positions.order_by("title").values_list("title", flat=True)
        return format_html_join(", ", "{}", ((title,) for title in titles)) or _("None recorded")
