"""The edit snapshot of a change form (registry/admin/locking.py): the stored value of
each field of the form, and the version, of the record and of every inline row; how it is
signed into the form, read back under lock and compared."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django import forms
from django.apps import apps
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.forms import partial_date_pairs
from registry.models.versioning import VERSION_FIELD, Versioned
from registry.partial_dates import PartialDate
from registry.publication.notices import local_time

SALT = "registry.admin.locking"
EMPTY = "—"
NOT_STATED = gettext_lazy("Not stated")

# {"app_label.model:pk": {field name: stored value}}; values are JSON (see `canonical`).
Snapshot = dict[str, dict[str, Any]]


# --- values ----------------------------------------------------------------------------------


def record_key(model: type[models.Model], pk: Any) -> str:
    return f"{model._meta.label_lower}:{pk}"


def parse_key(key: str) -> tuple[type[models.Model], Any]:
    label, pk = key.rsplit(":", 1)
    model = apps.get_model(label)
    return model, model._meta.pk.to_python(pk)


def canonical(value: Any) -> Any:
    """A stored or cleaned value as JSON, the same whichever side it comes from."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return canonical(value.pk)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, Iterable):
        return sorted(canonical(item) for item in value)
    return str(value)


def _normal(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        # Browsers send a textarea's line breaks as CRLF; the form strips the ends.
        return value.replace("\r\n", "\n").strip()
    return value


@dataclass(frozen=True)
class Unreadable:
    """The editor's input for a field that did not validate: shown as typed."""

    raw: Any


def same(a: Any, b: Any) -> bool:
    if isinstance(a, Unreadable) or isinstance(b, Unreadable):
        return False
    return _normal(a) == _normal(b)


def tracked_fields(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """The model fields among a form's fields (a partial date counts as its date field)."""
    tracked = []
    for name in names:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.primary_key or not (model_field.concrete or model_field.many_to_many):
            continue
        if model_field.auto_created and not model_field.concrete:
            continue
        tracked.append(name)
    return tracked


def read_state(
    model: type[models.Model], pks: Iterable[Any], fields: list[str], using: str | None = None
) -> dict[Any, dict[str, Any]]:
    """The stored values of `fields` for each record: one query, plus one per many-to-many."""
    pks = list(pks)
    if not pks:
        return {}
    manager = model._base_manager.db_manager(using)
    pairs = dict(partial_date_pairs(model))
    m2m = [name for name in fields if model._meta.get_field(name).many_to_many]
    plain = [name for name in fields if name not in m2m]
    columns = plain + [pairs[name] for name in plain if name in pairs]
    if issubclass(model, Versioned):
        columns.append(VERSION_FIELD)
    state: dict[Any, dict[str, Any]] = {}
    for row in manager.filter(pk__in=pks).order_by().values("pk", *columns):
        pk = row.pop("pk")
        values = {VERSION_FIELD: row[VERSION_FIELD]} if VERSION_FIELD in row else {}
        for name in plain:
            if name in pairs:
                date = row[name]
                values[name] = None if date is None else [date.isoformat(), row[pairs[name]]]
            else:
                values[name] = canonical(row[name])
        state[pk] = values
    for name in m2m:
        links: dict[Any, list[Any]] = {pk: [] for pk in state}
        for pk, other in manager.filter(pk__in=state).order_by().values_list("pk", name):
            if other is not None:
                links[pk].append(other)
        for pk, others in links.items():
            state[pk][name] = canonical(others)
    return state


def instance_state(instance: models.Model, fields: list[str], initial: dict) -> dict[str, Any]:
    """The values of `fields` as `read_state` gives them, taken from the instance a form
    was filled from (and the form's initial many-to-many values, read with it)."""
    model = type(instance)
    pairs = dict(partial_date_pairs(model))
    values: dict[str, Any] = {}
    if isinstance(instance, Versioned):
        values[VERSION_FIELD] = instance.version
    for name in fields:
        model_field = model._meta.get_field(name)
        if model_field.many_to_many:
            related = initial[name] if name in initial else model_field.value_from_object(instance)
            values[name] = canonical(list(related or ()))
        elif name in pairs:
            date = getattr(instance, model_field.attname)
            values[name] = (
                None if date is None else [date.isoformat(), getattr(instance, pairs[name])]
            )
        else:
            values[name] = canonical(getattr(instance, model_field.attname))
    return values


def form_snapshot(form: forms.BaseForm, formsets: Iterable[Any]) -> Snapshot:
    """The snapshot of an unbound change form and its inlines, from the objects they show."""
    obj = form.instance
    model = type(obj)
    records = {
        record_key(model, obj.pk): instance_state(
            obj, tracked_fields(model, form.fields), form.initial
        )
    }
    for formset in formsets:
        row_fields = tracked_fields(formset.model, formset.form.base_fields)
        for row in formset.forms[: formset.initial_form_count()]:
            if row.instance.pk is not None:
                records[record_key(formset.model, row.instance.pk)] = instance_state(
                    row.instance, row_fields, row.initial
                )
    return records


def form_values(form: forms.BaseForm, fields: Iterable[str]) -> dict[str, Any]:
    """The editor's values for `fields`, as `read_state` gives stored ones."""
    model = form._meta.model
    pairs = dict(partial_date_pairs(model))
    cleaned = getattr(form, "cleaned_data", None) or {}
    values: dict[str, Any] = {}
    for name in fields:
        if name not in form.fields or name == VERSION_FIELD:
            continue  # not editable by this user: the form does not write it
        if name in form.errors or name not in cleaned:
            values[name] = Unreadable(form[name].value())
            continue
        value = cleaned[name]
        if name in pairs:
            precision = cleaned.get(pairs[name])
            values[name] = None if value is None else [value.isoformat(), precision]
        else:
            values[name] = canonical(value)
    return values


def shown(model: type[models.Model], name: str, value: Any) -> str:
    """A value as editors read it: "June 2004", a person's name, "Yes"."""
    if isinstance(value, Unreadable):
        raw = value.raw
        text = ", ".join(map(str, raw)) if isinstance(raw, list | tuple) else str(raw or "")
        return _("%(text)s (not valid)") % {"text": text} if text else EMPTY
    if value is None or value == "" or value == []:
        fields = {f.name: f for f in model._meta.get_fields()}
        if value is None and isinstance(fields.get(name), models.BooleanField):
            return str(NOT_STATED)  # a yes/no the sources may leave open (Country.is_partner)
        return EMPTY
    model_field = model._meta.get_field(name)
    pairs = dict(partial_date_pairs(model))
    if name in pairs:
        return PartialDate(dt.date.fromisoformat(value[0]), value[1]).display()
    if model_field.many_to_many:
        related = model_field.related_model._base_manager.in_bulk(value)
        deleted = _("#%(pk)s (deleted)")
        return ", ".join(str(related.get(pk, deleted % {"pk": pk})) for pk in value)
    if model_field.is_relation:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else _("#%(pk)s (deleted)") % {"pk": value}
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.DateTimeField):
        return local_time(parse_datetime(value))
    return str(value)


# --- the token -------------------------------------------------------------------------------


def make_token(records: Snapshot) -> str:
    return signing.dumps({"v": 1, "r": records}, salt=SALT, compress=True)


def read_token(token: str) -> Snapshot | None:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    records = payload.get("r") if isinstance(payload, dict) else None
    return records if isinstance(records, dict) else None


def snapshot(
    obj: models.Model, form: forms.BaseForm, formsets: Iterable[Any], using: str | None = None
) -> Snapshot:
    """The stored state of a record and of its inline rows, for the fields of their forms."""
    model = type(obj)
    fields = tracked_fields(model, form.fields)
    records = {
        record_key(model, pk): values
        for pk, values in read_state(model, [obj.pk], fields, using).items()
    }
    for formset in formsets:
        row_model = formset.model
        row_fields = tracked_fields(row_model, formset.form.base_fields)
        pks = formset.get_queryset().order_by().values_list("pk", flat=True)
        for pk, values in read_state(row_model, pks, row_fields, using).items():
            records[record_key(row_model, pk)] = values
    return records


def lock_and_read(started: Snapshot, parent: type[models.Model], using: str) -> Snapshot:
    """Lock every record of the snapshot (the parent's model first), then read them."""
    by_model: dict[type[models.Model], list[Any]] = {}
    fields: dict[type[models.Model], dict[str, None]] = {}
    for key, values in started.items():
        model, pk = parse_key(key)
        by_model.setdefault(model, []).append(pk)
        fields.setdefault(model, {}).update(dict.fromkeys(values))
    order = sorted(by_model, key=lambda m: (m is not parent, m._meta.label_lower))
    for model in order:
        list(
            model._base_manager.db_manager(using)
            .select_for_update()
            .filter(pk__in=by_model[model])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    saved: Snapshot = {}
    for model in order:
        known = tracked_fields(model, fields[model])
        for pk, values in read_state(model, by_model[model], known, using).items():
            saved[record_key(model, pk)] = values
    return saved


def changed_fields(started: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The fields of a form someone else has changed since it was opened.

    A record whose version moved on is compared field by field: a save that changed only
    fields this form does not show (a Publisher's status change, for an Editor) is no
    conflict, as the form does not write them. Values are compared even when the version
    is the same, so that a `QuerySet.update()`, which writes no version, is noticed too.
    """
    return [
        name
        for name, value in started.items()
        if name != VERSION_FIELD and not same(value, now.get(name))
    ]


def changed_since(started: Snapshot, saved: Snapshot) -> bool:
    for key, values in started.items():
        now = saved.get(key)
        if now is None or changed_fields(values, now):
            return True
    return False
