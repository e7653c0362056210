"""Building blocks shared by every registry admin: the base ModelAdmin and inlines, partial-date
columns, the publish actions, the citation inline and formsets that validate children against
their parent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import model_ngettext
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from registry.forms import PartialDateModelForm
from registry.models import Citation, Publishable, Status
from registry.models.base import to_partial

EMPTY = "—"

# The largest values every supported database stores. SQLite would accept more, so without
# these limits the same input is valid on one database and a form error on the other; a
# number beyond 64 bits would even crash SQLite's driver in a query.
SMALL_INT_MAX = 32767
BIG_INT_MAX = 2**63 - 1

# Only the first class in a field's MRO is looked up, so each entry repeats the admin widget.
FORMFIELD_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    models.PositiveSmallIntegerField: {
        "max_value": SMALL_INT_MAX,
        "widget": widgets.AdminIntegerFieldWidget,
    },
    models.PositiveBigIntegerField: {
        "max_value": BIG_INT_MAX,
        "widget": widgets.AdminBigIntegerFieldWidget,
    },
    # Django 6 changes the default scheme to https; choose it now and silence the warning.
    models.URLField: {"assume_scheme": "https", "widget": widgets.AdminURLFieldWidget},
}
INLINE_FORMFIELD_OVERRIDES = {
    **FORMFIELD_OVERRIDES,
    models.TextField: {"widget": widgets.AdminTextareaWidget(attrs={"rows": 2, "cols": 40})},
}

# Stands in for the id of a parent that is not saved yet; no row ever has a negative id.
_UNSAVED_PARENT_ID = -1


def partial_date_column(
    date_name: str, description: str, precision_name: str | None = None
) -> Callable[[models.Model], str | None]:
    """A changelist column showing a partial date at its precision ("June 2004")."""
    if precision_name is None:
        stem = date_name.removesuffix("_date") if date_name.endswith("_date") else date_name
        precision_name = f"{stem}_precision"

    @admin.display(description=description, ordering=date_name)
    def column(obj: models.Model) -> str | None:
        value = to_partial(getattr(obj, date_name), getattr(obj, precision_name))
        return value.display() if value else None

    column.__name__ = f"{date_name}_display"
    return column


def is_citable(model: type[models.Model]) -> bool:
    return any(
        isinstance(field, GenericRelation) and field.related_model is Citation
        for field in model._meta.private_fields
    )


class CitationInline(GenericTabularInline):
    model = Citation
    form = PartialDateModelForm
    fields = ("source", "locator", "quote", "verified_on")
    autocomplete_fields = ("source",)
    formfield_overrides = INLINE_FORMFIELD_OVERRIDES
    extra = 0
    verbose_name = "citation"
    verbose_name_plural = "citations (sources backing this record)"


class RegistryModelAdmin(admin.ModelAdmin):
    """Base admin: single-input partial dates, em dash for unknowns, citations where citable."""

    form = PartialDateModelForm
    empty_value_display = EMPTY
    formfield_overrides = FORMFIELD_OVERRIDES
    list_per_page = 50

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        if is_citable(model) and CitationInline not in self.inlines:
            self.inlines = [*self.inlines, CitationInline]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # The changelist's search form refuses NUL bytes but the autocomplete view passes its
        # term straight through, and PostgreSQL raises DataError on a NUL in a query.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))


class PublishableAdmin(RegistryModelAdmin):
    """Adds bulk publish/unpublish. A fuller review workflow is planned; this only sets status."""

    actions = ("publish", "unpublish")

    @admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Publishable]) -> None:
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(
        description="Unpublish selected %(verbose_name_plural)s (back to draft)",
        permissions=["change"],
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Publishable]) -> None:
        self._set_status(request, queryset, Status.DRAFT)

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        pending = queryset.exclude(status=status)
        if isinstance(self.list_select_related, list | tuple) and self.list_select_related:
            # The log entries name each record, and __str__ may follow these relations.
            pending = pending.select_related(*self.list_select_related)
        to_change = list(pending)
        if to_change:
            # update() skips save() and auto_now, so the timestamp is set by hand.
            self.model.objects.filter(pk__in=[obj.pk for obj in to_change]).update(
                status=status, updated_at=timezone.now()
            )
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=to_change,
                action_flag=CHANGE,
                change_message=[{"changed": {"fields": ["Status"]}}],
            )
        label = Status(status).label.lower()
        count = len(to_change)
        if count:
            name = model_ngettext(self.model, count)
            self.message_user(request, f"{count} {name} marked {label}.", messages.SUCCESS)
        else:
            self.message_user(request, f"The selection was already {label}.", messages.INFO)


def add_model_errors(form: Any, error: ValidationError) -> None:
    """Put a model ValidationError on a form, on the field it names when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.error_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


class ParentAwareInlineFormSet(BaseInlineFormSet):
    """Runs each child's model clean() with its parent even when the parent is new.

    Model clean() methods skip their cross-record checks while the foreign key id is None,
    which is always the case when a parent and its children arrive in one POST. For that
    case the child is cleaned again with a placeholder id and the unsaved parent cached on
    the relation, so rules such as "a leg lies within its visit's dates" still apply.
    """

    def clean(self) -> None:
        super().clean()
        if self.instance.pk is not None:
            return
        for form in self.forms:
            if form.errors or not form.has_changed() or self._should_delete_form(form):
                continue
            self._clean_with_unsaved_parent(form)

    def _clean_with_unsaved_parent(self, form: Any) -> None:
        instance, fk = form.instance, self.fk
        instance.__dict__[fk.attname] = _UNSAVED_PARENT_ID
        fk.set_cached_value(instance, self.instance)
        try:
            instance.clean()
        except ValidationError as error:
            add_model_errors(form, error)
        finally:
            instance.__dict__[fk.attname] = None


class RegistryTabularInline(admin.TabularInline):
    form = PartialDateModelForm
    formset = ParentAwareInlineFormSet
    formfield_overrides = INLINE_FORMFIELD_OVERRIDES
    extra = 0


class RegistryStackedInline(admin.StackedInline):
    form = PartialDateModelForm
    formset = ParentAwareInlineFormSet
    formfield_overrides = INLINE_FORMFIELD_OVERRIDES
    extra = 0
