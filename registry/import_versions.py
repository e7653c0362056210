"""A CSV import writes nothing over a record saved after its preview.

The preview (a dry run) notes the version of every existing record it would change, as it
reads it (`note`, from the resource). The notes wait in the shared cache beside the uploaded
file. On confirmation, those records are locked and compared with the notes before anything
is imported (`changed_since_preview`): if one has been saved since, nothing is imported and
the editor uploads the file again to see the new preview. Each row's save is itself guarded
by the version it read (registry/models/versioning.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import models

from registry.models.versioning import Versioned

CACHE_PREFIX = "pending-import-versions:"
# As long as the uploaded file waits (registry/admin/transfer.py).
TIMEOUT = 24 * 60 * 60

# {model label: {pk: version}} of the preview under way in this request, if any.
_notes: ContextVar[dict[str, dict[Any, int]] | None] = ContextVar("import_notes", default=None)


@contextmanager
def noting() -> Iterator[dict[str, dict[Any, int]]]:
    notes: dict[str, dict[Any, int]] = {}
    token = _notes.set(notes)
    try:
        yield notes
    finally:
        _notes.reset(token)


def note(instance: models.Model) -> None:
    """Called as an import row reads an existing record, before changing it."""
    notes = _notes.get()
    if notes is None or not isinstance(instance, Versioned) or instance._state.adding:
        return
    if instance.pk is None:
        return
    notes.setdefault(instance._meta.label_lower, {}).setdefault(instance.pk, instance.version)


def keep(name: str, notes: dict[str, dict[Any, int]]) -> None:
    stored = {label: list(pks.items()) for label, pks in notes.items()}
    cache.set(CACHE_PREFIX + name, stored, TIMEOUT)


def changed_since_preview(name: str) -> list[str] | None:
    """The records the preview of upload `name` read that have been saved since, locked
    until the end of the transaction; None when the preview's notes are gone."""
    stored = cache.get(CACHE_PREFIX + name)
    if stored is None:
        return None
    changed: list[str] = []
    for label, pairs in stored.items():
        model = apps.get_model(label)
        seen = dict(pairs)
        rows = model._base_manager.select_for_update().filter(pk__in=list(seen)).order_by("pk")
        for record in rows:
            if record.version != seen[record.pk]:
                changed.append(f"{model._meta.verbose_name} “{record}”")
    return changed


def forget(name: str) -> None:
    cache.delete(CACHE_PREFIX + name)
