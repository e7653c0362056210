"""What a pending revision changes, against what the public sees now: field by field for the
record, row by row for its inlines (legs, meetings, appointments, citations), in the words
of the record's own pages ("June 2004", a source's title, a country's name)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from registry.models.base import to_partial
from registry.publication import revisions

EMPTY = "—"
# Bookkeeping and the publication fields, which a revision never changes.
HIDDEN_FIELDS = {"created_at", "updated_at", "version", "status", "publish_at", "expire_at"}


@dataclass
class FieldChange:
    label: str
    live: str
    pending: str


@dataclass
class RowChange:
    kind: str  # "added", "removed" or "changed"
    model_label: str
    title: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class RevisionDiff:
    fields: list[FieldChange]
    rows: list[RowChange]

    @property
    def count(self) -> int:
        """Fields and rows changed: what the review queue shows."""
        return len(self.fields) + len(self.rows)


def _model(row: dict[str, Any]) -> type[models.Model]:
    return apps.get_model(row["model"])


def _related_label(model: type[models.Model], pk: Any) -> str:
    obj = model._base_manager.filter(pk=pk).first()
    return str(obj) if obj is not None else f"#{pk} (deleted)"


def _shown(model: type[models.Model], name: str, value: Any) -> str:
    model_field = model._meta.get_field(name)
    if value in (None, "", []):
        return EMPTY
    if model_field.many_to_many:
        return ", ".join(sorted(_related_label(model_field.related_model, pk) for pk in value))
    if model_field.many_to_one:
        return _related_label(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "yes" if value else "no"
    return str(value)


def _values(row: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """{field name: (label, shown value)}; a partial date is one value at its precision."""
    model = _model(row)
    data = row["fields"]
    values: dict[str, tuple[str, str]] = {}
    for name, value in data.items():
        if name in HIDDEN_FIELDS:
            continue
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # a column a later migration removed
            continue
        label = str(model_field.verbose_name).capitalize()
        stem = name.removesuffix("_precision")
        if name.endswith("_precision") and f"{stem}_date" in data:
            continue
        precision = data.get(f"{name.removesuffix('_date')}_precision")
        if name.endswith("_date") and precision is not None:
            day = dt.date.fromisoformat(value) if value else None
            partial = to_partial(day, precision)
            values[name] = (label, partial.display() if partial else EMPTY)
            continue
        values[name] = (label, _shown(model, name, value))
    return values


def field_changes(live: dict[str, Any], pending: dict[str, Any]) -> list[FieldChange]:
    before, after = _values(live), _values(pending)
    return [
        FieldChange(label, before.get(name, ("", EMPTY))[1], shown)
        for name, (label, shown) in after.items()
        if before.get(name, ("", EMPTY))[1] != shown
    ]


def _title(row: dict[str, Any]) -> str:
    try:
        from django.core import serializers

        return str(next(serializers.deserialize("python", [row])).object)
    except Exception:  # __str__ may follow a relation that is gone
        return f"#{row['pk']}"


def revision_diff(model: type[models.Model], obj: models.Model, revision: Any) -> RevisionDiff:
    live = revisions.capture(obj)
    pending = revision.data
    rows: list[RowChange] = []
    labels = list(dict.fromkeys([*live["children"], *pending["children"]]))
    for label in labels:
        before = {row["pk"]: row for row in live["children"].get(label, [])}
        after = {row["pk"]: row for row in pending["children"].get(label, [])}
        for pk, row in after.items():
            name = str(_model(row)._meta.verbose_name).capitalize()
            if pk not in before:
                shown = [
                    FieldChange(lbl, EMPTY, value)
                    for lbl, value in _values(row).values()
                    if value != EMPTY and lbl.lower() not in {model._meta.verbose_name}
                ]
                rows.append(RowChange("added", name, _title(row), shown))
            else:
                changes = field_changes(before[pk], row)
                if changes:
                    rows.append(RowChange("changed", name, _title(row), changes))
        for pk, row in before.items():
            if pk not in after:
                name = str(_model(row)._meta.verbose_name).capitalize()
                rows.append(RowChange("removed", name, _title(row)))
    return RevisionDiff(field_changes(live["parent"], pending["parent"]), rows)
