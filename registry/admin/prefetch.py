"""Inline rows that render in a fixed number of queries, however many rows a record has.

Django's autocomplete widget looks up the label of its selected record when it renders, so
a visit with 50 meetings ran one query per row and per autocomplete input (country, person,
post, topics, source...). Here every autocomplete input of an inline formset is given the
labels of all its rows' selected records at once: one query per input column, fetched when
the formset's forms are built.

* `PrefetchedAutocompleteSelect` / `...SelectMultiple`: Django's widgets, reading their
  labels from `known` when the formset has filled it (and querying as usual otherwise, for
  instance in the record's own form, where there is one input of each).
* `PrefetchAutocompleteAdminMixin`: admins and inlines use these widgets for their
  `autocomplete_fields`.
* `PrefetchAutocompleteFormSetMixin`: the formset side that fills `known`.
* `QuietErrorList`: an inline row without errors renders its (empty) error lists without
  a template each: a 150-row form had some 1,500 of them.
* `InlineRowWidgetsMixin`: inline rows keep the "add another" button by their related
  inputs but not the change, delete and view buttons, which were most of a 50-row form's
  markup (four links and icons per input per row); the record's own form keeps them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.db import models
from django.forms.utils import ErrorList
from django.http import HttpRequest
from django.utils.functional import cached_property


class PrefetchedAutocompleteMixin:
    """An autocomplete widget whose selected options may come from `known` ({value: label})."""

    known: dict[str, str] | None = None

    def optgroups(self, name: str, value: list[Any], attr: Any = None) -> list:
        if self.known is None:
            return super().optgroups(name, value, attr)
        default: tuple[None, list[dict[str, Any]], int] = (None, [], 0)
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        # In the order of the related model, as Django's own widget lists them.
        for option_value, label in self.known.items():
            if option_value in selected:
                index = len(default[1])
                default[1].append(self.create_option(name, option_value, label, selected, index))
                if not self.allow_multiple_selected:
                    break
        return [default]


class PrefetchedAutocompleteSelect(PrefetchedAutocompleteMixin, AutocompleteSelect):
    pass


class PrefetchedAutocompleteSelectMultiple(PrefetchedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


def unwrap_widget(widget: forms.Widget) -> forms.Widget:
    """The input inside the admin's related-record buttons ("add another"...)."""
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    return widget


def prime_autocomplete(rows: Iterable[forms.BaseForm]) -> int:
    """Give the autocomplete inputs of `rows` the labels of every selected record.

    One query per input column that has a selection (none for an empty column); returns
    the number of queries run."""
    rows = list(rows)
    if not rows:
        return 0
    queries = 0
    for name, field in rows[0].fields.items():
        if not isinstance(unwrap_widget(field.widget), PrefetchedAutocompleteMixin):
            continue
        selected: set[str] = set()
        widgets = []
        for row in rows:
            widget = unwrap_widget(row.fields[name].widget)
            widgets.append(widget)
            value = widget.format_value(row[name].value())
            selected.update(v for v in value if v not in field.empty_values)
        known: dict[str, str] = {}
        if selected:
            to_field = field.to_field_name or field.queryset.model._meta.pk.attname
            found = field.queryset.filter(**{f"{to_field}__in": selected})
            known = {str(getattr(obj, to_field)): field.label_from_instance(obj) for obj in found}
            queries += 1
        for widget in widgets:
            widget.known = known
    return queries


class QuietErrorList(ErrorList):
    def render(self, *args: Any, **kwargs: Any) -> str:
        return super().render(*args, **kwargs) if self else ""

    __str__ = __html__ = render


class PrefetchAutocompleteFormSetMixin:
    """Fills the autocomplete labels of all the formset's rows in one query per column."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_class", QuietErrorList)
        super().__init__(*args, **kwargs)

    @cached_property
    def forms(self) -> list[forms.BaseForm]:
        rows = super().forms
        prime_autocomplete(rows)
        return rows


class PrefetchAutocompleteAdminMixin:
    """Admins and inlines: `autocomplete_fields` get the widgets above."""

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PrefetchedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PrefetchedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class InlineRowWidgetsMixin:
    """Inline rows: related inputs offer "add another" only (see the module's docstring)."""

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_change_related = widget.can_delete_related = False
            widget.can_view_related = False
        return formfield
