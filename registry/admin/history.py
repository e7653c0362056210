"""History in the admin: every version of a record with its children, field-by-field diffs,
revert to a version, and restore of deleted records (registry/models/history.py).

* `<id>/history/` lists the versions, newest first: who, when, why, what changed.
* `<id>/history/<version>/` shows one version's changes field by field; a POST reverts the
  record (and its children) to the state right after that version.
* `recover/` lists deleted records; `recover/<history id>/` restores one with its children.

Rights, checked on every request: reading needs the view permission; reverting needs the
change permission on the record; restoring needs the add permission. Only a user who may
publish can bring back the publication status and times of a version; anyone else keeps
the current ones (and a restored record comes back as a draft).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.forms import partial_date_pairs
from registry.models.base import to_partial
from registry.models.history import (
    PUBLICATION_FIELDS,
    STALE_REVERT,
    UNDIFFED_FIELDS,
    RevertError,
    Version,
    Versions,
    deleted_records,
    history_model,
    is_tracked,
    m2m_values,
    restore,
    revert_to,
)
from registry.models.versioning import StaleRecord
from registry.publication import revisions
from registry.publication.notices import local_time
from registry.publication.permissions import can_publish

EMPTY = "—"
NOT_STATED = gettext_lazy("Not stated")
LONG_TEXT = 200


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    diff: list[str] = field(default_factory=list)  # changed lines, for long texts


@dataclass
class ObjectChange:
    """What one version did to one record (the parent or one of its children)."""

    model: type[models.Model]
    label: str
    kind: str  # "created", "changed", "deleted"
    fields: list[FieldChange]
    is_parent: bool

    @property
    def model_name(self) -> str:
        return str(self.model._meta.verbose_name)


def _link_label(model: type[models.Model], pk: Any) -> str:
    if pk is None:
        return EMPTY
    obj = model._default_manager.filter(pk=pk).first()
    if obj is not None:
        return str(obj)
    if is_tracked(model):
        last = history_model(model).objects.filter(id=pk).order_by("-history_date").first()
        if last is not None:
            return _("%(record)s (deleted)") % {"record": last.instance}
    return _("#%(pk)s (deleted)") % {"pk": pk}


def _display(model_field: models.Field, value: Any, resolve: bool) -> str:
    if value is None and isinstance(model_field, models.BooleanField):
        return str(NOT_STATED)  # a yes/no the sources may leave open (Country.is_partner)
    if value is None or value == "":
        return EMPTY
    if model_field.many_to_one:
        return _link_label(model_field.related_model, value) if resolve else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.DateTimeField):
        return local_time(value)
    return str(value)


def _values(record: Any, model: type[models.Model], resolve: bool) -> dict[str, tuple[str, Any]]:
    """A historical record's fields as {label: (display, raw)}, dates merged with precision."""
    pairs = dict(partial_date_pairs(model))
    precisions = set(pairs.values())
    values: dict[str, tuple[str, Any]] = {}
    for model_field in model._meta.concrete_fields:
        name = model_field.name
        if model_field.primary_key or name in UNDIFFED_FIELDS or name in precisions:
            continue
        if not hasattr(record, model_field.attname):
            continue  # left out of the history
        raw = getattr(record, model_field.attname)
        label = capfirst(str(model_field.verbose_name))
        if name in pairs:
            partial = to_partial(raw, getattr(record, pairs[name]))
            raw = partial.isoformat() if partial else None
            values[label] = (partial.display() if partial else EMPTY, raw)
        else:
            values[label] = (_display(model_field, raw, resolve), raw)
    for name, ids in m2m_values(record).items():
        m2m_field = model._meta.get_field(name)
        related = m2m_field.related_model._default_manager.in_bulk(ids) if resolve else {}
        shown = ", ".join(str(related.get(pk, f"#{pk}")) for pk in ids) or EMPTY
        values[capfirst(str(m2m_field.verbose_name))] = (shown, sorted(ids))
    return values


def _text_diff(old: str, new: str) -> list[str]:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in lines if not line.startswith(("---", "+++", "@@"))][:60]


def object_changes(version: Version, parent: type[models.Model], *, resolve: bool) -> list:
    """Each record the version touched, with the fields it changed (old → new)."""
    touched: dict[tuple[type, Any], list[Any]] = {}
    for record in version.records:
        touched.setdefault((record.instance_type, record.id), []).append(record)
    changes = []
    for (model, _pk), records in touched.items():
        first, last = records[0], records[-1]
        before = getattr(first, "previous_record", None)
        if before is None and not hasattr(first, "previous_record"):
            before = Versions.previous(first)
        if last.history_type == "-":
            kind = "deleted"
        elif before is None or before.history_type == "-":
            kind = "created"
        else:
            kind = "changed"
        new = _values(last, model, resolve) if kind != "deleted" else {}
        old = _values(before, model, resolve) if before is not None and kind != "created" else {}
        fields = []
        if kind == "created":
            fields = [FieldChange(k, EMPTY, v[0]) for k, v in new.items() if v[0] != EMPTY]
        elif kind == "changed":
            for label, (shown, raw) in new.items():
                old_shown, old_raw = old.get(label, (EMPTY, None))
                if raw == old_raw:
                    continue
                diff = []
                texts = isinstance(raw, str) and isinstance(old_raw, str)
                if texts and max(len(raw), len(old_raw)) > LONG_TEXT:
                    diff = _text_diff(old_raw, raw)
                fields.append(FieldChange(label, old_shown, shown, diff))
            if not fields:
                continue  # saved without a change
        label = str(last.instance) if resolve else f"#{last.id}"
        changes.append(ObjectChange(model, label, kind, fields, model is parent))
    changes.sort(key=lambda change: not change.is_parent)
    return changes


def summarise(version: Version, parent: type[models.Model]) -> str:
    """One line for the version list, e.g. "Changed Title, Summary; 1 visit leg created"."""
    parts = []
    for change in object_changes(version, parent, resolve=False):
        if change.is_parent:
            if change.kind == "changed":
                fields = ", ".join(f.label for f in change.fields)
                parts.append(_("Changed %(fields)s") % {"fields": fields})
            elif change.kind == "created":
                parts.append(_("Created"))
            else:
                parts.append(_("Deleted"))
        else:
            if change.kind == "created":
                part = _("%(model)s created")
            elif change.kind == "deleted":
                part = _("%(model)s deleted")
            else:
                part = _("%(model)s changed")
            parts.append(part % {"model": change.model_name})
    return "; ".join(parts) or _("Saved without changes")


def with_previous(versions: list[Version]) -> list[Version]:
    """Attach to each record the record of the same object just before it (in memory)."""
    last: dict[tuple[type, Any], Any] = {}
    for version in reversed(versions):
        for record in version.records:
            key = (record.instance_type, record.id)
            record.previous_record = last.get(key)
            last[key] = record
    return versions


class HistoryAdminMixin:
    """History, diff, revert and restore pages for a registry admin."""

    object_history_template = "admin/registry/object_history.html"

    def get_urls(self) -> list:
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        urls = [
            path("recover/", view(self.recover_list_view), name=f"{name}_recoverlist"),
            path("recover/<int:history_id>/", view(self.recover_view), name=f"{name}_recover"),
            path(
                "<path:object_id>/history/<str:version>/",
                view(self.version_view),
                name=f"{name}_version",
            ),
        ]
        return urls + super().get_urls()

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "app_label": self.model._meta.app_label,
            **extra,
        }

    def _url(self, view: str, *args: Any) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)

    def may_restore_publication(self, request: HttpRequest) -> bool:
        return any(f.name in PUBLICATION_FIELDS for f in self.model._meta.fields) and can_publish(
            request.user, self.model
        )

    # --- the list of versions ---------------------------------------------------------------

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = with_previous(Versions(self.model, obj.pk).list())
        rows = [
            {
                "version": version,
                "url": self._url("version", obj.pk, version.key),
                "summary": summarise(version, self.model),
                "is_current": index == 0,
            }
            for index, version in enumerate(versions)
        ]
        context = self._context(
            request,
            title=_("History: %(record)s") % {"record": obj},
            subtitle=None,
            object=obj,
            original=obj,
            rows=rows,
            zone=timezone.get_current_timezone_name(),
            can_revert=self.has_change_permission(request, obj),
            **(extra_context or {}),
        )
        return TemplateResponse(request, self.object_history_template, context)

    # --- one version: its diff, and revert ---------------------------------------------------

    def version_view(self, request: HttpRequest, object_id: str, version: str) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        history = Versions(self.model, obj.pk)
        versions = with_previous(history.list())
        chosen = next((v for v in versions if v.key == version), None)
        if chosen is None:
            raise Http404(_("This record has no such version."))
        can_revert = self.has_change_permission(request, obj)
        if request.method == "POST":
            if not can_revert:
                raise PermissionDenied
            restore_publication = bool(request.POST.get("restore_publication"))
            if restore_publication and not self.may_restore_publication(request):
                raise PermissionDenied
            try:
                expected = int(request.POST.get("version", ""))
            except ValueError:
                # A form without the version it was opened at cannot be checked.
                self.message_user(request, _(STALE_REVERT), messages.ERROR)
                return HttpResponseRedirect(request.path)
            waits = revisions.edits_wait_for_review(obj) and not self.may_restore_publication(
                request
            )
            try:
                with transaction.atomic():
                    report = revert_to(
                        self.model,
                        obj.pk,
                        chosen,
                        user=request.user,
                        keep_publication=not restore_publication,
                        expected_version=expected,
                    )
                    if waits:
                        # An Editor's revert of a published record is a pending revision.
                        data = revisions.capture(report.record)
                        transaction.set_rollback(True)
                if waits:
                    pending = revisions.pending_for(obj)
                    revisions.save(
                        obj, data, request.user, number=pending.number if pending else None
                    )
                    self.message_user(
                        request,
                        _(
                            "The chosen version of “%(record)s” was saved as its pending "
                            "revision: the public keeps the published version until a "
                            "Publisher publishes it."
                        )
                        % {"record": obj},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._url("change", obj.pk))
            except (
                RevertError,
                StaleRecord,
                ValidationError,
                DatabaseError,
                revisions.RevisionError,
            ) as error:
                self.message_user(
                    request,
                    _("The record was not reverted: %(error)s") % {"error": error},
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.path)
            self.log_change(request, report.record, f"Reverted to the version {chosen.key}.")
            for warning in report.warnings:
                self.message_user(request, warning, messages.WARNING)
            self.message_user(
                request,
                _("“%(record)s” was reverted to the chosen version.") % {"record": report.record},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("change", obj.pk))
        context = self._context(
            request,
            title=_("Version of %(record)s") % {"record": obj},
            object=obj,
            original=obj,
            version=chosen,
            is_current=chosen is versions[0],
            changes=object_changes(chosen, self.model, resolve=True),
            history_url=self._url("history", obj.pk),
            can_revert=can_revert,
            may_restore_publication=self.may_restore_publication(request),
        )
        return TemplateResponse(request, "admin/registry/version.html", context)

    # --- deleted records ---------------------------------------------------------------------

    def recover_list_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        rows = [
            {
                "record": record,
                "label": str(record.instance),
                "url": self._url("recover", record.history_id),
            }
            for record in deleted_records(self.model)
        ]
        context = self._context(
            request,
            title=_("Deleted %(name)s") % {"name": self.model._meta.verbose_name_plural},
            rows=rows,
        )
        return TemplateResponse(request, "admin/registry/recover_list.html", context)

    def recover_view(self, request: HttpRequest, history_id: int) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        deletion = (
            history_model(self.model)
            .objects.filter(history_id=history_id, history_type="-")
            .select_related("history_user")
            .first()
        )
        if deletion is None or deletion not in deleted_records(self.model):
            raise Http404(_("There is no such deleted record."))
        as_draft = not self.may_restore_publication(request)
        if request.method == "POST":
            try:
                report = restore(self.model, deletion, user=request.user, as_draft=as_draft)
            except (RevertError, ValidationError, DatabaseError) as error:
                self.message_user(
                    request, _("Nothing was restored: %(error)s") % {"error": error}, messages.ERROR
                )
                return HttpResponseRedirect(self._url("recoverlist"))
            self.log_change(request, report.record, "Restored after deletion.")
            for warning in report.warnings:
                self.message_user(request, warning, messages.WARNING)
            if report.restored:
                message = ngettext(
                    "“%(record)s” was restored with %(count)d linked record(s).",
                    "“%(record)s” was restored with %(count)d linked record(s).",
                    report.restored,
                ) % {"record": report.record, "count": report.restored}
            else:
                message = _("“%(record)s” was restored.") % {"record": report.record}
            self.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(self._url("change", report.record.pk))
        fields = [
            (label, shown)
            for label, (shown, _raw) in _values(deletion, self.model, resolve=True).items()
        ]
        context = self._context(
            request,
            title=_("Restore %(name)s “%(record)s”")
            % {"name": self.model._meta.verbose_name, "record": deletion.instance},
            deletion=deletion,
            fields=fields,
            as_draft=as_draft,
            recover_list_url=self._url("recoverlist"),
        )
        return TemplateResponse(request, "admin/registry/recover.html", context)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "recover_url": self._url("recoverlist") if self.has_add_permission(request) else None,
        }
        return super().changelist_view(request, extra_context)
