"""Form fields for partial dates, and a ModelForm base that edits each one as a single input;
the text input that cleans what editors type as the registry stores it.

A partial date is two columns (`start_date` + `start_precision`, or `date` + `date_precision`).
Editors type what the source says ("June 2004") into one box; the form writes both columns.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.forms.models import ModelFormMetaclass
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from registry.partial_dates import MAX_YEAR, MIN_YEAR, PartialDate, PartialDateError, Precision
from registry.text import NUL, NUL_CODE, NUL_MESSAGE, clean_text

PARTIAL_DATE_HELP = _("e.g. 2004, June 2004 or 2004-06-15; leave empty if unknown")

# Five or more digits in a row can only be a year out of range (a day or month has two).
_LONG_NUMBER = re.compile(r"\d{5,}")


class PartialDateField(forms.Field):
    """One text input for a date known to a day, a month or a year; cleans to a PartialDate."""

    widget = forms.TextInput
    default_error_messages = {
        "null_characters": _("Null characters are not allowed."),
        "year_range": _("The year must be between %(min)d and %(max)d."),
        "max_length": _("Enter at most %(max)d characters."),
    }
    max_length = 40

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", PARTIAL_DATE_HELP)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "maxlength": str(self.max_length), "size": "16"}

    def to_python(self, value: Any) -> PartialDate | None:
        if value is None or isinstance(value, PartialDate):
            return value
        text = str(value)
        # PartialDate.parse drops NUL bytes silently; in a form they mean tampered input.
        if "\x00" in text:
            raise ValidationError(self.error_messages["null_characters"], code="null_characters")
        text = text.strip()
        if not text:
            return None
        if len(text) > self.max_length:
            raise ValidationError(
                self.error_messages["max_length"],
                code="max_length",
                params={"max": self.max_length},
            )
        if _LONG_NUMBER.search(text):
            raise ValidationError(
                self.error_messages["year_range"],
                code="year_range",
                params={"min": MIN_YEAR, "max": MAX_YEAR},
            )
        try:
            return PartialDate.parse(text)
        except PartialDateError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, PartialDate):
            return value.isoformat()
        return value


class CleanTextField(forms.CharField):
    """A text input whose value is cleaned as the registry stores text (registry/text.py).

    The model would clean it when saved anyway; cleaning it here already means that
    uniqueness checks compare what will be stored (a name typed in decomposed form is the
    same name), and that a NUL is reported on the field in the registry's words."""

    default_error_messages = {NUL_CODE: _(NUL_MESSAGE)}

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if not isinstance(value, str) or NUL in value:
            return value  # the NUL check reports it
        value = clean_text(value)
        return value.strip() if self.strip else value


def partial_date_pairs(model: type[models.Model]) -> tuple[tuple[str, str], ...]:
    """The (date field, precision field) pairs of a model: `X_date`/`X_precision`, `date`/…"""
    names = {field.name for field in model._meta.get_fields()}
    pairs = []
    for field in model._meta.get_fields():
        if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
            continue
        stem = field.name.removesuffix("_date") if field.name.endswith("_date") else field.name
        if f"{stem}_precision" in names:
            pairs.append((field.name, f"{stem}_precision"))
    return tuple(pairs)


def partial_date_formfield(model_field: models.Field) -> PartialDateField:
    return PartialDateField(
        required=not model_field.blank,
        label=capfirst(model_field.verbose_name),
    )


class PartialDateModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        new_class = super().__new__(mcs, name, bases, attrs)
        model = getattr(getattr(new_class, "_meta", None), "model", None)
        pairs = partial_date_pairs(model) if model else ()
        new_class.partial_date_pairs = pairs
        for date_name, precision_name in pairs:
            # Pairs come from the model, not the form's field list: the admin builds forms
            # with an explicit `fields` list that names only the date column.
            new_class.base_fields.pop(precision_name, None)
            current = new_class.base_fields.get(date_name)
            if current is not None and date_name not in new_class.declared_fields:
                new_class.base_fields[date_name] = partial_date_formfield(
                    model._meta.get_field(date_name)
                )
        return new_class


class PartialDateModelForm(forms.ModelForm, metaclass=PartialDateModelFormMetaclass):
    """A ModelForm that edits each partial date of its model as one `PartialDateField`.

    After cleaning, `cleaned_data` holds the columns as stored: the date field's first day
    (a plain date, so formset uniqueness checks compare what the database compares) and the
    precision under its own name.
    """

    partial_date_pairs: tuple[tuple[str, str], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        explicit_initial = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        for date_name, precision_name in self._editable_pairs():
            if date_name in explicit_initial:
                continue
            date = getattr(self.instance, date_name)
            self.initial[date_name] = (
                PartialDate(date, getattr(self.instance, precision_name)) if date else None
            )

    def _editable_pairs(self) -> list[tuple[str, str]]:
        return [
            (date_name, precision_name)
            for date_name, precision_name in self.partial_date_pairs
            if isinstance(self.fields.get(date_name), PartialDateField)
            and not self.fields[date_name].disabled
        ]

    def _post_clean(self) -> None:
        # Both columns must be on the instance before construct_instance() and full_clean()
        # run, so that the model's clean() and constraints see the precision the editor gave.
        # Taking the value out of cleaned_data stops construct_instance() from assigning a
        # PartialDate object to the DateField.
        written = []
        for date_name, precision_name in self._editable_pairs():
            if date_name not in self.cleaned_data:
                continue
            value = self.cleaned_data.pop(date_name)
            setattr(self.instance, date_name, value.date if value else None)
            setattr(self.instance, precision_name, value.precision if value else Precision.DAY)
            written.append((date_name, precision_name))
        try:
            super()._post_clean()
        finally:
            for date_name, precision_name in written:
                if date_name in self.errors:
                    continue  # a field with errors stays out of cleaned_data, as elsewhere
                self.cleaned_data[date_name] = getattr(self.instance, date_name)
                self.cleaned_data[precision_name] = getattr(self.instance, precision_name)

    def _update_errors(self, errors: ValidationError) -> None:
        # A model error keyed to a column the form does not show would make add_error()
        # raise ValueError (a 500): send precision errors to their date input and any other
        # unknown key to the form's non-field errors.
        if hasattr(errors, "error_dict"):
            to_date = {precision: date for date, precision in self.partial_date_pairs}
            remapped: dict[str, list[ValidationError]] = {}
            for field, messages in errors.error_dict.items():
                key = to_date.get(field, field)
                if key != NON_FIELD_ERRORS and key not in self.fields:
                    key = NON_FIELD_ERRORS
                remapped.setdefault(key, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)
