"""Admin for sources and the citations that attach them to records."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.forms import PartialDateModelForm
from registry.links import web_url_validator
from registry.models import Appointment, Citation, Participation, Source

from .base import EMPTY, PublishableAdmin, RegistryModelAdmin, is_citable, partial_date_column
from .filters import AutocompleteFilter, subquery_count
from .text_repairs import APPLY_FIELD, SourceForm, repairs_reason, repairs_record


@admin.register(Source)
class SourceAdmin(PublishableAdmin):
    # Offers the PDF text repair of a pasted full text (text_repairs.py).
    form = SourceForm
    list_display = (
        "title",
        "kind",
        "publisher",
        partial_date_column("date", gettext_lazy("published on")),
        "citation_count",
        "status",
    )
    list_filter = ("status", "kind")
    search_fields = ("title", "publisher", "author", "url")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("cited_in",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "publisher", "author", "date", "url")}),
        (
            "Text",
            {"fields": ("full_text", APPLY_FIELD, "editorial_note", "text_repairs", "cited_in")},
        ),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )
    readonly_fields = ("text_repairs",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return (
            super()
            .get_queryset(request)
            .annotate(citation_count=subquery_count(Citation, "source"))
        )

    @admin.display(description=gettext_lazy("citations"), ordering="citation_count")
    def citation_count(self, obj: Source) -> int:
        return obj.citation_count

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        repairs = getattr(form, "applied_repairs", [])
        if repairs:
            obj.text_repairs = repairs_record(repairs)
            # Publishing names its own reason, which the public notices read: it wins.
            obj._change_reason = repairs_reason(repairs)
        super().save_model(request, obj, form, change)
        if repairs:
            self.message_user(
                request,
                ngettext(
                    "The full text was saved with %(count)d repair(s); they are listed under "
                    "“Last repairs applied to the text” and in the history.",
                    "The full text was saved with %(count)d repair(s); they are listed under "
                    "“Last repairs applied to the text” and in the history.",
                    len(repairs),
                )
                % {"count": len(repairs)},
                messages.INFO,
            )
        unrepaired = getattr(form, "unrepaired", [])
        if unrepaired:
            words = ", ".join(_("“%(word)s”") % {"word": word} for word in unrepaired[:20])
            self.message_user(
                request,
                _(
                    "These words of the full text still look damaged and were saved as they "
                    "are; correct them by hand: %(words)s."
                )
                % {"words": words},
                messages.WARNING,
            )

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "url":
            # The form's own check answers first: give it the model's clearer message.
            kwargs["error_messages"] = {"invalid": web_url_validator.message}
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def citable_content_types() -> QuerySet[ContentType]:
    models = [model for model in apps.get_app_config("registry").get_models() if is_citable(model)]
    ids = [ct.pk for ct in ContentType.objects.get_for_models(*models).values()]
    return ContentType.objects.filter(pk__in=ids).order_by("model")


class RecordKindFilter(admin.RelatedFieldListFilter):
    """The kinds of record that can be cited: a fixed short list, not a DISTINCT over every
    citation as Django's "related only" filter runs."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[tuple]:
        return [(ct.pk, str(ct.name).capitalize()) for ct in citable_content_types()]


class CitationForm(PartialDateModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        content_type, object_id = cleaned.get("content_type"), cleaned.get("object_id")
        # No foreign key guards a generic relation: check that the record exists.
        if content_type and object_id is not None:
            model = content_type.model_class()
            if model is None or not model._default_manager.filter(pk=object_id).exists():
                self.add_error(
                    "object_id",
                    _("There is no %(kind)s with id %(id)s.")
                    % {"kind": content_type.name, "id": object_id},
                )
        return cleaned


@admin.register(Citation)
class CitationAdmin(RegistryModelAdmin):
    form = CitationForm
    list_display = ("source", "record_link", "content_type", "locator", "verified_on")
    list_filter = (("content_type", RecordKindFilter), ("source", AutocompleteFilter))
    list_select_related = ("source", "content_type")
    # Newest first, on the primary key: sorting 50,000 citations by source title is a full sort.
    ordering = ("-pk",)
    search_fields = ("source__title", "locator", "quote")
    autocomplete_fields = ("source",)
    readonly_fields = ("record_link",)
    fieldsets = (
        (None, {"fields": ("source", "locator", "quote", "verified_on")}),
        (
            gettext_lazy("Cited record"),
            {
                "fields": ("content_type", "object_id", "record_link"),
                "description": gettext_lazy(
                    "Citations are easiest to add from the record's own page."
                ),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Citation]:
        # One query per kind of record cited, however many rows the page shows; records
        # named after other records (appointments, participations) come with them.
        records = GenericPrefetch(
            "record",
            [
                Appointment.objects.select_related("person", "position"),
                Participation.objects.select_related("country", "programme"),
            ],
        )
        return super().get_queryset(request).prefetch_related(records)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        # A short fixed list of record kinds: a plain select, not an autocomplete over every
        # content type in the project.
        if db_field.name == "content_type":
            kwargs["queryset"] = citable_content_types()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("record"))
    def record_link(self, obj: Citation) -> str:
        if obj.pk is None:
            return EMPTY
        record = obj.record
        if record is None:
            return _("Missing %(kind)s #%(id)s") % {
                "kind": obj.content_type.name,
                "id": obj.object_id,
            }
        try:
            url = reverse(
                f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change",
                args=[obj.object_id],
            )
        except NoReverseMatch:
            return str(record)
        return format_html('<a href="{}">{}</a>', url, record)
