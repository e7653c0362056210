"""What a pending revision changes, against what the public sees now: field by field for the
record, row by row for its inlines (legs, meetings, appointments, citations), in the words
of the record's own pages ("June 2004", a source's title, a country's name)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from registry.forms import partial_date_pairs
from registry.models.base import to_partial

EMPTY = "—"
# Bookkeeping and the publication fields, which a revision never changes.
HIDDEN_FIELDS = {"created_at", "updated_at", "version", "status", "publish_at", "expire_at"}
GENERIC_LINK = {"content_type", "object_id"}
# Kept for the editors, shown on no public page: left out of the public change log.
PRIVATE_FIELDS = {"text_repairs", "single_holder"}


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


def _related_label(model: type[models.Model], pk: Any, public: bool = False) -> str | None:
    """The linked record's name; with `public`, None for a record the public does not see."""
    if public and hasattr(model.objects, "published"):
        obj = model.objects.published().filter(pk=pk).first()
        return str(obj) if obj is not None else None
    obj = model._base_manager.filter(pk=pk).first()
    return str(obj) if obj is not None else _("#%(pk)s (deleted)") % {"pk": pk}


def _shown(model: type[models.Model], name: str, value: Any, public: bool = False) -> str:
    model_field = model._meta.get_field(name)
    if value in (None, "", []):
        return EMPTY
    if model_field.many_to_many:
        labels = (_related_label(model_field.related_model, pk, public) for pk in value)
        return ", ".join(sorted(label for label in labels if label is not None)) or EMPTY
    if model_field.many_to_one:
        label = _related_label(model_field.related_model, value, public)
        return EMPTY if label is None else label
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    return str(value)


def _values(
    row: dict[str, Any], parent: type[models.Model], public: bool = False
) -> dict[str, tuple[str, str]]:
    """{field name: (label, shown value)}; a partial date is one value at its precision. A
    child's link to its parent (the visit of a leg, the record of a citation) is left out."""
    model = _model(row)
    data = row["fields"]
    dates = dict(partial_date_pairs(model))
    precisions = set(dates.values())
    values: dict[str, tuple[str, str]] = {}
    for name, value in data.items():
        if name in HIDDEN_FIELDS or (public and name in PRIVATE_FIELDS):
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a column a later migration removed
            continue
        if name in GENERIC_LINK or (
            model is not parent and model_field.many_to_one and model_field.related_model is parent
        ):
            continue
        label = str(model_field.verbose_name).capitalize()
        if name in precisions:
            continue  # shown with its date
        if name in dates:
            day = dt.date.fromisoformat(value) if value else None
            partial = to_partial(day, data.get(dates[name]) or "day")
            values[name] = (label, partial.display() if partial else EMPTY)
            continue
        values[name] = (label, _shown(model, name, value, public))
    return values


def field_changes(
    live: dict[str, Any], pending: dict[str, Any], parent: type[models.Model], public: bool = False
) -> list[FieldChange]:
    before, after = _values(live, parent, public), _values(pending, parent, public)
    return [
        FieldChange(label, before.get(name, ("", EMPTY))[1], shown)
        for name, (label, shown) in after.items()
        if before.get(name, ("", EMPTY))[1] != shown
    ]


def _title(row: dict[str, Any], public: bool = False) -> str:
    if public:
        # A row's name may name what it links to (a meeting its counterpart): only when the
        # public sees every record it links to.
        model = _model(row)
        for model_field in model._meta.concrete_fields:
            value = row["fields"].get(model_field.name)
            if model_field.many_to_one and value is not None:
                related = model_field.related_model
                if hasattr(related.objects, "published") and (
                    not related.objects.published().filter(pk=value).exists()
                ):
                    return str(model._meta.verbose_name).capitalize()
    try:
        return str(next(serializers.deserialize("python", [row])).object)
    except Exception:  # __str__ may follow a relation that is gone
        return f"#{row['pk']}"


def revision_diff(
    live: dict[str, Any], pending: dict[str, Any], *, public: bool = False
) -> RevisionDiff:
    """The changes from `live` to `pending`, both captured rows (revisions.capture). With
    `public`, as the public may read them (the change log): a linked record the public does
    not see is left out, and so are fields no public page shows."""
    parent = _model(pending["parent"])
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
                    for lbl, value in _values(row, parent, public).values()
                    if value != EMPTY
                ]
                rows.append(RowChange("added", name, _title(row, public), shown))
            else:
                changes = field_changes(before[pk], row, parent, public)
                if changes:
                    rows.append(RowChange("changed", name, _title(row, public), changes))
        for pk, row in before.items():
            if pk not in after:
                name = str(_model(row)._meta.verbose_name).capitalize()
                rows.append(RowChange("removed", name, _title(row, public)))
    return RevisionDiff(field_changes(live["parent"], pending["parent"], parent, public), rows)
