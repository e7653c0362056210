"""How one CSV cell is read and written, for the export of every list and the import of
visits and appointments (registry/resources.py says which columns use which).

* a partial date is read with `PartialDate.parse` ("2004", "June 2004", "2004-06-15") and
  written in ISO form at its precision ("2004-06");
* a related record is given by its slug (a country also by its ISO code or name);
* several related records are slugs separated by ";";
* yes/no cells accept yes, no, true, false, 1 or 0; an empty cell is the field's default;
* a choice is given by its stored value or its label, in any case.

A cell that cannot be read raises ValueError, which the import reports on its row.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from import_export.fields import Field
from import_export.widgets import ManyToManyWidget, Widget

from registry.models import Country
from registry.models.base import to_partial
from registry.partial_dates import PartialDate, Precision

LIST_SEPARATOR = ";"
YES = ("yes", "y", "true", "1", "on")
NO = ("no", "n", "false", "0", "off")


def cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class PartialDateWidget(Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> PartialDate | None:
        text = cell_text(value)
        if not text:
            return None
        return PartialDate.parse(text)  # PartialDateError is a ValueError: a row error

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


class PartialDateField(Field):
    """One column for a date and its precision."""

    def __init__(self, date_name: str, precision_name: str, column_name: str) -> None:
        super().__init__(attribute=date_name, column_name=column_name, widget=PartialDateWidget())
        self.precision_name = precision_name

    def get_value(self, instance: models.Model) -> PartialDate | None:
        return to_partial(getattr(instance, self.attribute), getattr(instance, self.precision_name))

    def save(self, instance: models.Model, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        value = self.clean(row, **kwargs)
        setattr(instance, self.attribute, value.date if value else None)
        setattr(instance, self.precision_name, value.precision if value else Precision.DAY)


def _lookup_name(model: type[models.Model]) -> str:
    names = {f.name for f in model._meta.get_fields()}
    return "slug" if "slug" in names else "pk"


def find_record(model: type[models.Model], text: str) -> models.Model:
    """A record named in a CSV cell: by slug (a country also by ISO code or name)."""
    if model is ContentType:
        app_label, _, name = text.partition(".")
        found = ContentType.objects.filter(app_label=app_label, model=name.lower()).first()
    elif model is Country:
        found = Country.objects.filter(
            Q(slug=text) | Q(iso_code=text.upper()) | Q(name__iexact=text)
        ).first()
    else:
        lookup = _lookup_name(model)
        found = None
        if lookup != "pk" or text.isdigit():
            found = model._default_manager.filter(**{lookup: text}).first()
    if found is None:
        label = model._meta.verbose_name
        how = "ISO code, slug or name" if model is Country else _lookup_name(model)
        raise ValueError(f"There is no {label} with the {how} “{text}”.")
    return found


def record_name(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    if isinstance(obj, ContentType):
        return f"{obj.app_label}.{obj.model}"
    return str(getattr(obj, _lookup_name(type(obj))))


class RecordWidget(Widget):
    """A foreign key given by the related record's slug."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__()
        self.model = model

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> models.Model | None:
        text = cell_text(value)
        return find_record(self.model, text) if text else None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return record_name(value)


class RecordsWidget(ManyToManyWidget):
    """Many related records, slugs separated by ";"; an unknown slug is a row error."""

    def __init__(self, model: type[models.Model]) -> None:
        super().__init__(model, separator=LIST_SEPARATOR, field=_lookup_name(model))

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[models.Model]:
        names = [part.strip() for part in cell_text(value).split(self.separator) if part.strip()]
        return [find_record(self.model, name) for name in dict.fromkeys(names)]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return f"{self.separator} ".join(record_name(item) for item in value.all())


class YesNoWidget(Widget):
    """yes or no; an empty cell is the field's default, so that leaving it empty never
    turns on or off what the form would not. For a field that may be not stated (null),
    an empty cell or "unknown" leaves it not stated, written back as an empty cell."""

    def __init__(self, empty: bool = False, nullable: bool = False) -> None:
        super().__init__()
        self.empty = empty
        self.nullable = nullable

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        text = cell_text(value).lower()
        if self.nullable and text in ("", "unknown", "not stated"):
            return None
        if not text:
            return self.empty
        if text in YES:
            return True
        if text in NO:
            return False
        also = ", or leave it empty if no source says" if self.nullable else ""
        raise ValueError(f"Enter yes or no{also}, not “{value}”.")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None and self.nullable:
            return ""
        return "yes" if value else "no"


class ChoiceWidget(Widget):
    """A choice given by its stored value or its label, in any case."""

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.choices = choices

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value).lower()
        for stored, label in self.choices:
            if text in (str(stored).lower(), str(label).lower()):
                return stored
        allowed = ", ".join(str(stored) for stored, _ in self.choices)
        raise ValueError(f"“{value}” is not one of: {allowed}.")
