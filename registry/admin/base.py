"""Building blocks shared by every registry admin: the base ModelAdmin and inlines, partial-date
columns, the citation inline and formsets that validate children against their parent.

An admin is assembled from mixins: `HistoryAdminMixin` (history.py: versions, diffs, revert,
restore) on every model, `PublicationAdminMixin` (workflow.py: publish/unpublish, schedule,
roles, preview) on publishable ones. Later features are meant to join the same way.

At 100,000 rows: changelists show no count of the whole table (`show_full_result_count`)
and no facet counts, their filters never list every related record (filters.py), and
inline rows look up their autocomplete labels in one query per column (prefetch.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from registry.forms import CleanTextField, PartialDateModelForm
from registry.models import Citation, Country, OtherName
from registry.models.base import to_partial
from registry.models.names import HasOtherNames
from registry.publication.gate import is_citable
from registry.text import NUL_CODE, NUL_MESSAGE

from .dashboard import QualityAdminMixin
from .filters import FilterMediaAdminMixin
from .help import HelpTextAdminMixin
from .history import HistoryAdminMixin
from .list_versions import ListEditableVersionMixin
from .locking import LockingAdminMixin
from .prefetch import (
    InlineRowWidgetsMixin,
    PrefetchAutocompleteAdminMixin,
    PrefetchAutocompleteFormSetMixin,
)
from .review import ReviewAdminMixin
from .revisions import RevisionAdminMixin
from .transfer import TransferAdminMixin
from .translation import TranslationAdminMixin
from .workflow import (
    PublicationAdminMixin,
    PublicationFormSetMixin,
    PublicationInlineMixin,
)

EMPTY = "—"

# The largest values every supported database stores. SQLite would accept more, so without
# these limits the same input is valid on one database and a form error on the other; a
# number beyond 64 bits would even crash SQLite's driver in a query.
SMALL_INT_MAX = 32767
BIG_INT_MAX = 2**63 - 1

# A NUL is reported in the registry's words by the inputs whose form field is not ours.
_NUL_MESSAGE = {"error_messages": {NUL_CODE: gettext_lazy(NUL_MESSAGE)}}

# Only the first class in a field's MRO is looked up, so each entry repeats the admin widget
# (and SlugField, a CharField, needs its own entry to keep its own form field).
FORMFIELD_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    models.CharField: {"form_class": CleanTextField, "widget": widgets.AdminTextInputWidget},
    models.TextField: {"form_class": CleanTextField, "widget": widgets.AdminTextareaWidget},
    models.SlugField: {"widget": widgets.AdminTextInputWidget, **_NUL_MESSAGE},
    models.EmailField: {"widget": widgets.AdminEmailInputWidget, **_NUL_MESSAGE},
    models.PositiveSmallIntegerField: {
        "max_value": SMALL_INT_MAX,
        "widget": widgets.AdminIntegerFieldWidget,
    },
    models.PositiveBigIntegerField: {
        "max_value": BIG_INT_MAX,
        "widget": widgets.AdminBigIntegerFieldWidget,
    },
    # Django 6 changes the default scheme to https; choose it now and silence the warning.
    models.URLField: {
        "assume_scheme": "https",
        "widget": widgets.AdminURLFieldWidget,
        **_NUL_MESSAGE,
    },
}
INLINE_FORMFIELD_OVERRIDES = {
    **FORMFIELD_OVERRIDES,
    models.TextField: {
        "form_class": CleanTextField,
        "widget": widgets.AdminTextareaWidget(attrs={"rows": 2, "cols": 40}),
    },
}

# Inputs in tabular inlines take their column's width (the page fits the window).
INLINES_CSS = "css/admin-inlines.css"

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


class CitationFormSet(PrefetchAutocompleteFormSetMixin, BaseGenericInlineFormSet):
    pass


class CitationInline(
    InlineRowWidgetsMixin, PrefetchAutocompleteAdminMixin, HelpTextAdminMixin, GenericTabularInline
):
    model = Citation
    form = PartialDateModelForm
    formset = CitationFormSet
    fields = ("source", "locator", "quote", "verified_on")
    autocomplete_fields = ("source",)
    formfield_overrides = INLINE_FORMFIELD_OVERRIDES
    extra = 0
    verbose_name = gettext_lazy("citation")
    verbose_name_plural = gettext_lazy("citations (sources backing this record)")

    class Media:
        css = {"all": (INLINES_CSS,)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Each row is labelled with its source ("Title (p. 4)").
        return super().get_queryset(request).select_related("source")


class OtherNameInline(InlineRowWidgetsMixin, HelpTextAdminMixin, GenericTabularInline):
    """Names as they were (registry/models/names.py), with the dates they were used."""

    model = OtherName
    form = PartialDateModelForm
    fields = ("name", "start_date", "end_date", "note")
    formfield_overrides = INLINE_FORMFIELD_OVERRIDES
    extra = 0
    verbose_name = gettext_lazy("other name")
    verbose_name_plural = gettext_lazy("other names (names used before, with their dates)")

    class Media:
        css = {"all": (INLINES_CSS,)}


class CountryOtherNameInline(OtherNameInline):
    """A country's other names, and its cities' (`city` names the city as written today)."""

    fields = ("city", "name", "start_date", "end_date", "note")
    verbose_name_plural = gettext_lazy(
        "other names of the country and its cities, with their dates"
    )


class RegistryModelAdmin(
    TranslationAdminMixin,
    LockingAdminMixin,
    ListEditableVersionMixin,
    QualityAdminMixin,
    FilterMediaAdminMixin,
    TransferAdminMixin,
    HelpTextAdminMixin,
    HistoryAdminMixin,
    PrefetchAutocompleteAdminMixin,
    admin.ModelAdmin,
):
    """Base admin: single-input partial dates, em dash for unknowns, citations where citable,
    and the record's history with diffs, revert and restore (history.py)."""

    form = PartialDateModelForm
    empty_value_display = EMPTY
    formfield_overrides = FORMFIELD_OVERRIDES
    list_per_page = 50
    # Counting every row of a large table on each page costs more than the page itself;
    # the list shows the count of the rows filtered, and "Show all" instead of the total.
    show_full_result_count = False
    # Facet counts are one aggregate per filter choice over the filtered rows.
    show_facets = admin.ShowFacets.NEVER

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        if issubclass(model, HasOtherNames):
            inline = CountryOtherNameInline if model is Country else OtherNameInline
            if inline not in self.inlines:
                self.inlines = [*self.inlines, inline]
        if is_citable(model) and CitationInline not in self.inlines:
            self.inlines = [*self.inlines, CitationInline]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # The changelist's search form refuses NUL bytes but the autocomplete view passes its
        # term straight through, and PostgreSQL raises DataError on a NUL in a query.
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term.replace("\x00", "")
        )
        if not queryset.ordered:
            # An annotated count (GROUP BY) drops Meta.ordering; the autocomplete pages its
            # results and needs a stable order (the changelist orders the list itself).
            queryset = queryset.order_by(*(self.model._meta.ordering or ()), "pk")
        return queryset, may_have_duplicates


class PublishableAdmin(
    RevisionAdminMixin, ReviewAdminMixin, PublicationAdminMixin, RegistryModelAdmin
):
    """A publishable model's admin: pending revisions of published records (revisions.py)
    and their review (review.py), the publication workflow (workflow.py) and history."""


def add_model_errors(form: Any, error: ValidationError) -> None:
    """Put a model ValidationError on a form, on the field it names when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.error_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


class ParentAwareInlineFormSet(
    PrefetchAutocompleteFormSetMixin, PublicationFormSetMixin, BaseInlineFormSet
):
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


class RegistryTabularInline(
    InlineRowWidgetsMixin,
    PrefetchAutocompleteAdminMixin,
    PublicationInlineMixin,
    HelpTextAdminMixin,
    admin.TabularInline,
):
    form = PartialDateModelForm
    formset = ParentAwareInlineFormSet
    formfield_overrides = INLINE_FORMFIELD_OVERRIDES
    extra = 0

    class Media:
        css = {"all": (INLINES_CSS,)}


class RegistryStackedInline(
    InlineRowWidgetsMixin,
    PrefetchAutocompleteAdminMixin,
    PublicationInlineMixin,
    HelpTextAdminMixin,
    admin.StackedInline,
):
    form = PartialDateModelForm
    formset = ParentAwareInlineFormSet
    formfield_overrides = INLINE_FORMFIELD_OVERRIDES
    extra = 0
