"""The public change log: every publication, correction, unpublication and deletion of public
content, with the public values before and after, for the public to read.

Whoever saves (the admin, an import, a revert, a published revision, a shell), the signals
below note each touched record's public view before its first change in a transaction and
compare it with the view once the transaction commits: a record that became public is
"published", a public record whose public values changed is "corrected" (its legs, meetings
and the citations of public sources included), one the public no longer sees is
"unpublished", one deleted while public is "deleted". Nothing is written for drafts, nor for
work rolled back (an import's dry run, the preview of a pending revision).

A published record with a `publish_at` or `expire_at` still to come gets its entry dated
then; the log lists an entry from its time on (`PublicChange.objects.visible()`), and saving
the record again redoes those future entries.

The editor's name is kept only when CHANGE_LOG_NAMES_EDITORS is on.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone, translation

from registry.models.changes import PublicChange
from registry.models.history import CHILDREN, child_specs
from registry.publication import version
from registry.publication.revision_diff import EMPTY, revision_diff
from registry.publication.visibility import Status, has_publication

logger = logging.getLogger(__name__)
Kind = PublicChange.Kind
Key = tuple[type[models.Model], Any]
NOTE_LENGTH = 300
# Kept from being noted twice in a transaction; dropped once they no longer wait.
PENDING_ATTRIBUTE = "_registry_public_changes"


def _is_publishable(model: type[models.Model]) -> bool:
    return has_publication(model) and not model._meta.proxy


def owner_of(instance: models.Model) -> Key | None:
    """The public record whose page shows `instance`: itself, a leg's or meeting's visit, or
    the record a citation backs or an other name names."""
    model = type(instance)
    if _is_publishable(model):
        return (model, instance.pk) if instance.pk is not None else None
    for parent, children in CHILDREN.items():
        for child, fk in children:
            if model.__name__ == child:
                pk = getattr(instance, f"{fk}_id", None)
                return (apps.get_model("registry", parent), pk) if pk else None
    generic = model.__name__ in ("Citation", "OtherName")
    if generic and instance.content_type_id and instance.object_id:
        target = ContentType.objects.get_for_id(instance.content_type_id).model_class()
        if target is not None and _is_publishable(target):
            return (target, instance.object_id)
    return None


@dataclass
class PublicView:
    """What the public sees of one record: nothing, or its rows and its address."""

    exists: bool
    public: bool = False
    rows: dict[str, Any] | None = None
    label: str = ""
    path: str = ""
    status: str = ""
    publish_at: dt.datetime | None = None
    expire_at: dt.datetime | None = None


def _serialized(objs: Any) -> list[dict[str, Any]]:
    # As JSON holds them, the form revision_diff reads (dates as ISO strings).
    return json.loads(serializers.serialize("json", objs))


def public_view(model: type[models.Model], pk: Any) -> PublicView:
    record = model._base_manager.filter(pk=pk).first()
    if record is None:
        return PublicView(exists=False)
    view = PublicView(
        exists=True,
        label=str(record)[:300],
        path=record.get_absolute_url()[:300] if hasattr(record, "get_absolute_url") else "",
        status=record.status,
        publish_at=record.publish_at,
        expire_at=record.expire_at,
    )
    view.public = model.objects.published().filter(pk=pk).exists()
    if not view.public:
        return view
    children = {}
    for spec in child_specs(model, pk):
        rows = spec.current()
        if spec.model.__name__ == "Citation":
            rows = rows.filter(pk__in=spec.model.objects.published().values("pk"))
        children[spec.model._meta.model_name] = _serialized(rows.order_by("pk"))
    view.rows = {"parent": _serialized([record])[0], "children": children}
    return view


def _fields(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    diff = revision_diff(before, after, public=True)
    changes = [{"field": c.label, "before": c.live, "after": c.pending} for c in diff.fields]
    for row in diff.rows:
        name = f"{row.model_label} “{row.title}”"
        if row.kind == "added":
            changes.append(
                {"field": f"{row.model_label} added", "before": EMPTY, "after": row.title}
            )
        elif row.kind == "removed":
            changes.append(
                {"field": f"{row.model_label} removed", "before": row.title, "after": EMPTY}
            )
        else:
            changes += [
                {"field": f"{name}: {c.label}", "before": c.live, "after": c.pending}
                for c in row.fields
            ]
    return changes


def changes_between(before: PublicView, after: PublicView, now: dt.datetime) -> list[dict]:
    """The entries a change from `before` to `after` makes, as PublicChange fields."""
    entries: list[dict[str, Any]] = []
    if not after.exists:
        if before.public:
            entries.append({"kind": Kind.DELETED, "at": now})
        return entries
    if after.public:
        if not before.public:
            entries.append({"kind": Kind.PUBLISHED, "at": now})
        elif fields := _fields(before.rows, after.rows):
            entries.append({"kind": Kind.CORRECTED, "at": now, "fields": fields})
    else:
        if before.public:
            entries.append({"kind": Kind.UNPUBLISHED, "at": now})
        if after.status == Status.PUBLISHED and after.publish_at and after.publish_at > now:
            entries.append({"kind": Kind.PUBLISHED, "at": after.publish_at})
    goes_public = after.public or any(e["kind"] == Kind.PUBLISHED for e in entries)
    if goes_public and after.expire_at and after.expire_at > now:
        entries.append({"kind": Kind.UNPUBLISHED, "at": after.expire_at})
    return entries


def record(key: Key, before: PublicView, *, note: str = "", editor: str = "") -> list[PublicChange]:
    """Write the entries of `key`'s change since `before`; its future entries are redone.

    The entries are stored text (labels, field names, values): written in the site's
    default language, whatever language the editor who saved reads the admin in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _record(key, before, note=note, editor=editor)


def _record(key: Key, before: PublicView, *, note: str, editor: str) -> list[PublicChange]:
    model, pk = key
    now = timezone.now()
    after = public_view(model, pk)
    content_type = ContentType.objects.get_for_model(model)
    PublicChange.objects.filter(content_type=content_type, object_id=pk, at__gt=now).delete()
    named = before if not after.exists else after
    if not settings.CHANGE_LOG_NAMES_EDITORS:
        editor = ""
    entries = [
        PublicChange(
            content_type=content_type,
            object_id=pk,
            label=named.label or before.label,
            path=named.path or before.path,
            note=note[:NOTE_LENGTH] if entry["kind"] == Kind.CORRECTED else "",
            editor=editor[:150],
            **entry,
        )
        for entry in changes_between(before, after, now)
    ]
    if not entries:
        return []
    created = PublicChange.objects.bulk_create(entries)
    version.bump()  # bulk_create sends no signal: the log's pages change now
    return created


# --- noting changes as they are saved ---------------------------------------------------


@dataclass
class _Pending:
    before: PublicView
    note: str = ""
    editor: str = ""
    callback: Any = field(default=None, repr=False)


# Changes saved outside any transaction (a shell's save) are written at once, per thread.
_local = threading.local()


def _outside() -> dict[Key, _Pending]:
    if not hasattr(_local, "pending"):
        _local.pending = {}
    return _local.pending


def _still_waiting(connection: Any, pending: _Pending) -> bool:
    return any(entry[1] is pending.callback for entry in connection.run_on_commit)


def _flush(connection: Any, key: Key, pending: _Pending) -> None:
    waiting = connection.__dict__.get(PENDING_ATTRIBUTE, {})
    if waiting.get(key) is pending:
        del waiting[key]
    record(key, pending.before, note=pending.note, editor=pending.editor)


def _request() -> Any:
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def _editor() -> str:
    user = getattr(_request(), "user", None)
    return user.get_username() if user is not None and user.is_authenticated else ""


def _pending(before: PublicView) -> _Pending:
    # The admin puts a Publisher's public note on the request (admin/workflow.py).
    note = getattr(_request(), "registry_public_note", "")
    return _Pending(before, note=note, editor=_editor())


def touch(key: Key, *, new: bool = False) -> _Pending:
    """Note `key`'s public view before its first change in this transaction (`new`: the
    record did not exist before), and write its entries when the transaction commits."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        waiting = _outside()
        if key not in waiting:
            before = PublicView(exists=False) if new else public_view(*key)
            waiting[key] = _pending(before)
        return waiting[key]
    waiting = connection.__dict__.setdefault(PENDING_ATTRIBUTE, {})
    pending = waiting.get(key)
    if pending is not None and _still_waiting(connection, pending):
        return pending
    if len(waiting) > 1000:  # left by transactions rolled back
        for stale in [k for k, p in waiting.items() if not _still_waiting(connection, p)]:
            del waiting[stale]
    before = PublicView(exists=False) if new else public_view(*key)
    pending = waiting[key] = _pending(before)

    def write_on_commit() -> None:
        _flush(connection, key, pending)

    pending.callback = write_on_commit
    transaction.on_commit(write_on_commit, robust=True)
    return pending


def _saved(key: Key | None, instance: models.Model) -> None:
    if key is None:
        return
    note = getattr(instance, "_public_change_note", "")
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        pending = _outside().pop(key, None)
        if pending is not None:
            record(key, pending.before, note=note or pending.note, editor=pending.editor)
        return
    pending = connection.__dict__.get(PENDING_ATTRIBUTE, {}).get(key)
    if pending is not None and note:
        pending.note = note


def _before_save(sender: Any, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    key = owner_of(instance)
    if key is not None:
        touch(key)


def _before_delete(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    key = owner_of(instance)
    if key is not None:
        touch(key)


def _after_save(
    sender: Any, instance: models.Model, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    key = owner_of(instance)
    if key is not None and created and key[0] is sender:
        touch(key, new=True)  # had no id before it was saved
    _saved(key, instance)


def _after_delete(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    _saved(owner_of(instance), instance)


def _links_changed(sender: Any, instance: models.Model, action: str, **kwargs: Any) -> None:
    if kwargs.get("reverse"):
        return
    key = owner_of(instance)
    if key is None:
        return
    if action.startswith("pre_"):
        touch(key)
    elif action.startswith("post_"):
        _saved(key, instance)


def connect_signals() -> None:
    pre_save.connect(_before_save, dispatch_uid="registry_change_log_pre_save")
    post_save.connect(_after_save, dispatch_uid="registry_change_log_post_save")
    pre_delete.connect(_before_delete, dispatch_uid="registry_change_log_pre_delete")
    post_delete.connect(_after_delete, dispatch_uid="registry_change_log_post_delete")
    m2m_changed.connect(_links_changed, dispatch_uid="registry_change_log_m2m")
