"""The choices of the conflict screen (registry/admin/locking.py): where two editors changed
the same field, the editor keeps "yours" or "the saved value".

What is in the field's box when the form is sent is what is stored. In the browser,
static/js/admin-edit-conflict.js puts the saved value into the box when the editor picks it
and theirs back when they pick "yours"; a box edited after that is theirs. Without
JavaScript, picking "the saved value" and leaving the box as the conflict screen showed it
stores the saved value; a box edited by then is stored as edited, whatever the choice.

For this the screen carries, signed (`MERGE_SAVED_FIELD`), each choice's saved value and the
editor's value as shown, in the form data a browser would send for the field, and, for the
script, the same values with their labels (`choice_values`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core import signing
from django.http import QueryDict

from .edit_snapshot import SALT

MERGE_SAVED_FIELD = "_merge_saved"
MERGE_CHOICE_PREFIX = "_merge:"
MINE, SAVED = "mine", "saved"

# {form data key: [values]}, as a browser submits one field.
FieldData = dict[str, list[str]]


def _unwrap(widget: forms.Widget) -> forms.Widget:
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    return widget


def _widget_data(widget: forms.Widget, name: str, value: Any) -> FieldData:
    widget = _unwrap(widget)
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        data: FieldData = {}
        for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=False):
            data.update(_widget_data(sub, name + suffix, part))
        return data
    if isinstance(widget, forms.CheckboxInput):
        return {name: ["on"] if widget.check_test(value) else []}
    formatted = widget.format_value(value)
    if isinstance(formatted, list | tuple):
        return {name: [str(item) for item in formatted if item not in (None, "")]}
    return {name: ["" if formatted is None else str(formatted)]}


def field_data(unbound: forms.BaseForm, name: str) -> FieldData:
    """What a browser submits for one field of an unbound form, left as rendered."""
    bound = unbound[name]
    return _widget_data(bound.field.widget, bound.html_name, bound.value())


def put(data: QueryDict, values: FieldData) -> None:
    for key, items in values.items():
        if items:
            data.setlist(key, items)
        else:
            data.pop(key, None)


def _normal(values: list[str]) -> list[str]:
    # Browsers send a textarea's line breaks as CRLF, and a multiple select in any order.
    return sorted(str(value).replace("\r\n", "\n").strip() for value in values)


def _sent_as(post: QueryDict, values: FieldData) -> bool:
    return all(_normal(post.getlist(key)) == _normal(items) for key, items in values.items())


def sign_choices(choices: dict[str, dict[str, FieldData]]) -> str:
    """The signed {choice name: {"saved": field data, "mine": field data}} of a screen."""
    return signing.dumps(choices, salt=SALT, compress=True) if choices else ""


def apply_merge_choices(post: QueryDict) -> QueryDict:
    """Where the editor chose "the saved value" and left the box as the conflict screen
    showed it (no script ran to fill it in), submit the saved value; any other box is sent
    on as it is."""
    if MERGE_SAVED_FIELD not in post:
        return post
    data = post.copy()
    try:
        choices = signing.loads(data.pop(MERGE_SAVED_FIELD)[-1], salt=SALT)
    except (signing.BadSignature, IndexError):
        choices = {}
    for name, entry in choices.items():
        if not isinstance(entry, dict) or not {SAVED, MINE} <= entry.keys():
            continue  # a screen from before this rule: its box is sent on as it is
        if post.get(name) == SAVED and _sent_as(post, entry[MINE]):
            put(data, entry[SAVED])
    for name in [key for key in data if key.startswith(MERGE_CHOICE_PREFIX)]:
        data.pop(name)
    return data


def _labels(field: forms.Field, *values: FieldData) -> dict[str, str]:
    """The option labels of a menu's values (the saved record may not be among the options
    the page has): {value: label}."""
    wanted = {value for data in values for items in data.values() for value in items if value}
    if not wanted or not isinstance(field, forms.ModelChoiceField):
        return {}
    key = field.to_field_name or "pk"
    try:
        found = field.queryset.filter(**{f"{key}__in": wanted})
        return {str(getattr(obj, key)): field.label_from_instance(obj) for obj in found}
    except (ValueError, TypeError):
        return {}


def choice_values(
    form: forms.BaseForm, name: str, saved: FieldData, mine: FieldData
) -> dict[str, dict[str, list[list[str]]]]:
    """A choice's two values for the screen's script: {"saved": {key: [[value, label]]},
    "mine": {...}}."""
    labels = _labels(form.fields[name], saved, mine) if name in form.fields else {}
    return {
        side: {key: [[v, labels.get(v, v)] for v in items] for key, items in values.items()}
        for side, values in ((SAVED, saved), (MINE, mine))
    }
