"""No lost updates in the admin: a stale save is refused and the editor merges.

Every change form carries, in the hidden input `_edit_token`, a signed snapshot of what it
was rendered from: the stored value of each field of the form, for the record and for every
row of its inlines (legs, meetings, citations, appointments...). No version column is needed,
so a change made by any path (another form, a bulk action, a revert, the seed loader, a
shell) is noticed.

On save, inside one transaction:

1. the record and the rows of the snapshot are locked (`SELECT ... FOR UPDATE`; on
   PostgreSQL a second concurrent save waits here until the first has committed);
2. their stored values are read again and compared with the snapshot;
3. if nothing changed, the admin saves as usual, still holding the locks;
4. if anything changed, nothing is written. The change form comes back as a conflict
   screen: for each field someone else changed, the value the editor started from, the
   value saved now and the editor's own value. Fields only the other person changed take
   the saved value; fields only the editor changed keep theirs; where both changed, the
   editor picks one (a radio button; their own value, which the form shows, is the
   default), and what the field's box holds when they save is stored (edit_merge.py). The
   refused save is told once, by the screen, not again as an error above the form.
   A row deleted by someone else is dropped from the form, or, if the editor had changed
   it, kept as a new row they may delete. The new form carries a snapshot of the current
   state, so saving it again works unless yet another change has come in.

The snapshot is taken from the very objects the form was filled from (no second read), and
includes each row's `version` (registry/models/versioning.py). The write itself is guarded by
that version too: `UPDATE ... WHERE version = ...` refuses a save based on an older read, so
a change committed by any path between the check and the write cannot be overwritten.

A change-form POST without a token (a script, a tampered form) is not saved: it comes back
with the data it sent and a fresh snapshot, asking the editor to check and save again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import NON_FIELD_ERRORS, SuspiciousOperation, ValidationError
from django.db import models, router, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import select_template
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models.versioning import VERSION_FIELD, StaleRecord
from registry.publication.notices import local_time

from .edit_merge import (
    MERGE_CHOICE_PREFIX,
    MERGE_SAVED_FIELD,  # noqa: F401 (the screen's field, named here with the others)
    MINE,
    SAVED,
    apply_merge_choices,
    choice_values,
    field_data,
    put,
    sign_choices,
)
from .edit_snapshot import (
    Snapshot,
    changed_fields,
    changed_since,
    form_snapshot,
    form_values,
    lock_and_read,
    make_token,
    parse_key,
    read_token,
    record_key,
    same,
    shown,
    snapshot,
)

TOKEN_FIELD = "_edit_token"
UNCHECKED_MESSAGE = gettext_lazy(
    "This form was sent without the version of the record it was opened at, so it could "
    "not be checked against later saves and nothing was saved. The form shows what you sent: "
    "check it, then save again."
)
CONFLICT_MESSAGE = gettext_lazy(
    "Someone else saved this record after you opened it, so nothing was saved. "
    "Check the differences shown above the form, then save again."
)
WRAPPER_TEMPLATE = "admin/registry/locking/change_form.html"


# --- form data -------------------------------------------------------------------------------


def _renumber(data: QueryDict, prefix: str, drop: set[int], to_new: set[int]) -> dict[str, str]:
    """Rewrite a formset's rows: drop some initial rows and turn others into new rows.

    Returns the old row prefix -> new row prefix, for the rows that remain.
    """
    total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    initial = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
    kept = [i for i in range(initial) if i not in drop and i not in to_new]
    order = [*kept, *sorted(to_new), *range(initial, total)]
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.+)$")
    rows: dict[int, dict[str, list[str]]] = {}
    for key in list(data):
        match = pattern.match(key)
        if match:
            rows.setdefault(int(match[1]), {})[match[2]] = data.getlist(key)
            data.pop(key)
    renamed = {}
    for new, old in enumerate(order):
        renamed[f"{prefix}-{old}"] = f"{prefix}-{new}"
        for name, values in rows.get(old, {}).items():
            data.setlist(f"{prefix}-{new}-{name}", values)
        if old in to_new:
            data[f"{prefix}-{new}-id"] = ""
    data[f"{prefix}-TOTAL_FORMS"] = str(len(order))
    data[f"{prefix}-INITIAL_FORMS"] = str(len(kept))
    return renamed


def _rename(key: str, renamed: dict[str, str]) -> str:
    """A form data key (or a merge choice's name) after `_renumber` moved its row."""
    lead = MERGE_CHOICE_PREFIX if key.startswith(MERGE_CHOICE_PREFIX) else ""
    body = key[len(lead) :]
    for old, new in renamed.items():
        if body.startswith(old + "-"):
            return lead + new + body[len(old) :]
    return key


# --- the conflict report ---------------------------------------------------------------------


@dataclass
class FieldReport:
    label: str
    started: str
    saved: str
    yours: str
    # "theirs": only someone else changed it, the form now has their value;
    # "same": you both made the same change; "choose": you both changed it differently;
    # "deleted": you changed a row someone else deleted (it comes back as a new row).
    outcome: str
    choice_name: str = ""


@dataclass
class RecordReport:
    title: str
    note: str
    fields: list[FieldReport] = field(default_factory=list)


@dataclass
class Conflict:
    message: str
    records: list[RecordReport]
    saved_by: str = ""
    added: list[str] = field(default_factory=list)
    # Signed form data of each choice's values (edit_merge.py).
    merge_saved: str = ""
    # The form came without a snapshot: there is nothing to compare, only to check again.
    unchecked: bool = False
    # Each choice's values with their labels, for the screen's script.
    choice_values: dict[str, Any] = field(default_factory=dict)

    @property
    def choices(self) -> int:
        return sum(f.outcome == "choose" for r in self.records for f in r.fields)


def _title(obj_model: type[models.Model], label: str) -> str:
    return _("%(model)s “%(label)s”") % {
        "model": capfirst(obj_model._meta.verbose_name),
        "label": label,
    }


def _label(form: forms.BaseForm | None, model: type[models.Model], name: str) -> str:
    if form is not None and name in form.fields and form.fields[name].label:
        return str(form.fields[name].label)
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _saved_by(model: type[models.Model], pk: Any) -> str:
    try:
        history = model.history.model
    except AttributeError:
        return ""
    last = history.objects.filter(id=pk).order_by("-history_date").first()
    if last is None:
        return ""
    who = getattr(last, "history_username", "") or _("someone")
    return _("%(who)s, %(time)s") % {"who": who, "time": local_time(last.history_date)}


# --- the admin -------------------------------------------------------------------------------


class LockingAdminMixin:
    """Refuses a stale save and turns the change form into a conflict screen (see above)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        if not request.POST.get(TOKEN_FIELD):
            return self._unchecked_view(request, object_id, form_url, extra_context)
        request.POST = apply_merge_choices(request.POST)
        started = read_token(request.POST.get(TOKEN_FIELD, ""))
        try:
            pk = self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            return super().changeform_view(request, object_id, form_url, extra_context)
        if started is None or record_key(self.model, pk) not in started:
            raise SuspiciousOperation("The change form's edit token is not valid for this record.")
        using = router.db_for_write(self.model)
        try:
            with transaction.atomic(using=using):
                saved = lock_and_read(started, self.model, using)
                if record_key(self.model, pk) not in saved or not changed_since(started, saved):
                    # Unchanged: save as usual, still holding the locks. Deleted: the admin
                    # says so.
                    return super().changeform_view(request, object_id, form_url, extra_context)
                return self._conflict_view(
                    request, object_id, form_url, extra_context, started, saved, using
                )
        except StaleRecord:
            # Written by a path that took no lock, between the check and the write: nothing
            # of this save was kept (the transaction rolled back); compare again.
            with transaction.atomic(using=using):
                saved = lock_and_read(started, self.model, using)
                return self._conflict_view(
                    request, object_id, form_url, extra_context, started, saved, using
                )

    def _unchecked_view(
        self, request: HttpRequest, object_id: str, form_url: str, extra_context: Any
    ) -> HttpResponse:
        using = router.db_for_write(self.model)
        with transaction.atomic(using=using):
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                return super().changeform_view(request, object_id, form_url, extra_context)
            form = self.get_form(request, obj, change=True)(
                request.POST, request.FILES, instance=obj
            )
            # The form is not validated here, so `obj` still holds what is stored.
            formsets, _inlines = self._create_formsets(request, obj, change=True)
            data = request.POST.copy()
            data[TOKEN_FIELD] = make_token(snapshot(obj, form, formsets, using))
            request.POST = data
            request._registry_conflict = Conflict(UNCHECKED_MESSAGE, [], unchecked=True)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _conflict_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str,
        extra_context: Any,
        started: Snapshot,
        saved: Snapshot,
        using: str,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            return super().changeform_view(request, object_id, form_url, extra_context)
        parent_key = record_key(self.model, obj.pk)
        model_form = self.get_form(request, obj, change=True)
        form = model_form(request.POST, request.FILES, instance=obj)
        form.is_valid()
        formsets, _inlines = self._create_formsets(request, form.instance, change=True)
        forms_by_key: dict[str, tuple[forms.BaseForm, Any, int | None]] = {
            parent_key: (form, None, None)
        }
        for formset in formsets:
            formset.is_valid()
            pk_name = formset.model._meta.pk.name
            for index, row in enumerate(formset.forms[: formset.initial_form_count()]):
                raw = row.data.get(row.add_prefix(pk_name))
                try:
                    row_pk = formset.model._meta.pk.to_python(raw)
                except ValidationError:
                    continue
                if row_pk is not None:
                    forms_by_key[record_key(formset.model, row_pk)] = (row, formset, index)

        data = request.POST.copy()
        records: list[RecordReport] = []
        choices: dict[str, dict[str, list[str]]] = {}
        choice_fields: dict[str, tuple[forms.BaseForm, str]] = {}
        drop: dict[str, set[int]] = {}
        to_new: dict[str, set[int]] = {}
        fresh = self._fresh_instances(started, saved, using)
        keys = sorted(started, key=lambda key: key != parent_key)
        for key in keys:
            model, pk = parse_key(key)
            before, now = started[key], saved.get(key)
            row_form, formset, index = forms_by_key.get(key, (None, None, None))
            yours = form_values(row_form, before) if row_form is not None else {}
            deleting = (
                formset is not None
                and row_form is not None
                and formset._should_delete_form(row_form)
            )
            label = str(fresh[key]) if key in fresh else f"#{pk}"

            def you_changed(name: str, before=before, yours=yours) -> bool:
                return name in yours and not same(before[name], yours[name])

            if now is None:  # deleted by someone else
                edited = [name for name in before if name != VERSION_FIELD and you_changed(name)]
                report = RecordReport(_title(model, label), _("Deleted by someone else."))
                if formset is not None and index is not None:
                    if edited and not deleting:
                        to_new.setdefault(formset.prefix, set()).add(index)
                        report.note += " " + _(
                            "You had changed it, so your version is in the form below as a new "
                            "row: tick “Delete” on it to leave it deleted."
                        )
                        report.fields = [
                            FieldReport(
                                _label(row_form, model, name),
                                shown(model, name, before[name]),
                                _("(deleted)"),
                                shown(model, name, yours[name]),
                                "deleted",
                            )
                            for name in edited
                        ]
                    else:
                        drop.setdefault(formset.prefix, set()).add(index)
                records.append(report)
                continue
            theirs = changed_fields(before, now)
            if not theirs:
                continue
            report = RecordReport(
                _title(model, label),
                _("Changed by someone else since you opened the form.")
                + (
                    " "
                    + _(
                        "You marked it for deletion: it will be deleted if you save again; "
                        "untick “Delete” to keep it."
                    )
                    if deleting
                    else ""
                ),
            )
            unbound = None
            for name in theirs:
                mine = yours.get(name, before[name])
                outcome = "same" if same(mine, now[name]) else "choose"
                if not you_changed(name):
                    outcome = "theirs"
                entry = FieldReport(
                    _label(row_form, model, name),
                    shown(model, name, before[name]),
                    shown(model, name, now[name]),
                    shown(model, name, mine),
                    outcome,
                )
                if row_form is not None and name in row_form.fields and outcome != "same":
                    if unbound is None:
                        unbound = type(row_form)(instance=fresh[key], prefix=row_form.prefix)
                    values = field_data(unbound, name)
                    if outcome == "theirs":
                        put(data, values)
                    else:
                        entry.choice_name = MERGE_CHOICE_PREFIX + row_form.add_prefix(name)
                        choices[entry.choice_name] = values
                        choice_fields[entry.choice_name] = (row_form, name)
                report.fields.append(entry)
            records.append(report)

        added = []
        for formset in formsets:
            for row in formset.get_queryset():
                if record_key(formset.model, row.pk) not in started:
                    added.append(_title(formset.model, str(row)))

        renamed: dict[str, str] = {}
        for formset in formsets:
            if formset.prefix in drop or formset.prefix in to_new:
                renamed.update(
                    _renumber(
                        data,
                        formset.prefix,
                        drop.get(formset.prefix, set()),
                        to_new.get(formset.prefix, set()),
                    )
                )
        for formset in formsets:
            # A row may name another formset's row (a meeting on a new leg): it follows it.
            if renamed and hasattr(formset, "follow_renamed_rows"):
                formset.follow_renamed_rows(data, renamed)
        # Each choice: the saved value and the editor's as the form below shows it.
        merge: dict[str, dict[str, dict[str, list[str]]]] = {}
        script: dict[str, Any] = {}
        for name, values in choices.items():
            renamed_name = _rename(name, renamed)
            saved_values = {_rename(k, renamed): v for k, v in values.items()}
            mine_values = {k: data.getlist(k) for k in saved_values}
            merge[renamed_name] = {SAVED: saved_values, MINE: mine_values}
            script[renamed_name] = choice_values(*choice_fields[name], saved_values, mine_values)
        for report in records:
            for entry in report.fields:
                entry.choice_name = _rename(entry.choice_name, renamed) if entry.choice_name else ""
        current = self.get_object(request, unquote(object_id))
        data[TOKEN_FIELD] = make_token(snapshot(current, form, formsets, using))
        request.POST = data
        request._registry_conflict = Conflict(
            CONFLICT_MESSAGE,
            records,
            _saved_by(self.model, obj.pk),
            added,
            sign_choices(merge),
            choice_values=script,
        )
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _fresh_instances(started: Snapshot, saved: Snapshot, using: str) -> dict[str, Any]:
        by_model: dict[type[models.Model], list[Any]] = {}
        for key in started:
            model, pk = parse_key(key)
            by_model.setdefault(model, []).append(pk)
        fresh = {}
        for model, pks in by_model.items():
            for pk, obj in model._base_manager.db_manager(using).in_bulk(pks).items():
                fresh[record_key(model, pk)] = obj
        return fresh

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        conflict = getattr(request, "_registry_conflict", None)
        if conflict is None:
            return form

        class ConflictForm(form):
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                self.add_error(None, ValidationError(conflict.message, code="edit_conflict"))
                return cleaned

        ConflictForm.__name__ = form.__name__
        return ConflictForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if getattr(request, "_registry_conflict", None) is not None:
            _one_error_box(context)
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if add or obj is None or obj.pk is None or not hasattr(response, "template_name"):
            return response
        token = request.POST.get(TOKEN_FIELD) if request.method == "POST" else None
        if not token:
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", ())]
            token = make_token(form_snapshot(context["adminform"].form, formsets))
        names = response.template_name
        response.context_data.update(
            edit_token=token,
            edit_conflict=getattr(request, "_registry_conflict", None),
            locking_base_template=select_template([names] if isinstance(names, str) else names),
        )
        response.template_name = WRAPPER_TEMPLATE
        return response


def _one_error_box(context: dict[str, Any]) -> None:
    """The conflict screen says why nothing was saved: the error that stopped the save is
    not repeated above the form, which lists only the form's other errors, if any."""
    form = context["adminform"].form
    errors = form.errors.get(NON_FIELD_ERRORS)
    if errors is not None:
        errors.data = [e for e in errors.data if getattr(e, "code", None) != "edit_conflict"]
        if not errors.data:
            del form.errors[NON_FIELD_ERRORS]
    formsets = [inline.formset for inline in context.get("inline_admin_formsets", ())]
    context["errors"] = helpers.AdminErrorList(form, formsets)
