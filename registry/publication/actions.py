"""Publishing and unpublishing: every path (the change form's buttons, the bulk actions)
changes a record's status here, so that each change enters the history with its reason.

Permissions are the caller's to check (`permissions.can_publish`). The publishing gate is
not: `set_status` refuses to publish a record that `gate.publication_blockers` holds back,
whichever path asks (callers filter first and tell the editor why).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

from registry.models.history import recorded

from .gate import PublicationBlocked, publication_blockers
from .notices import PUBLISHED_REASON, UNPUBLISHED_REASON
from .visibility import Status


def reason_for(status: str) -> str:
    return PUBLISHED_REASON if status == Status.PUBLISHED else UNPUBLISHED_REASON


def mark(record: models.Model, status: str) -> None:
    """Set the status of a record about to be saved (the change form saves it)."""
    record.status = status
    record._change_reason = reason_for(status)


def set_status(records: Iterable[models.Model], status: str) -> list[models.Model]:
    """Give every record `status`; returns those that changed, saved one by one (not with
    `update()`) so that each change enters the history, in one history batch.

    Raises `PublicationBlocked`, writing nothing, when publishing a record the gate holds
    back."""
    records = list(records)
    changed = []
    with transaction.atomic(), recorded(reason=reason_for(status)):
        # The status and version as stored now, locked until the end (one query a model):
        # the action writes only the status, so it applies to whatever was saved since the
        # list was shown, and a save committed meanwhile is not overwritten.
        stored: dict[tuple[type, object], tuple[str, int]] = {}
        for model in {type(record) for record in records}:
            pks = [record.pk for record in records if type(record) is model]
            rows = model._base_manager.select_for_update().filter(pk__in=pks).order_by("pk")
            for pk, *state in rows.values_list("pk", "status", "version"):
                stored[model, pk] = tuple(state)
        pending = []
        for record in records:
            if (type(record), record.pk) not in stored:
                continue  # deleted meanwhile
            record.status, record.version = stored[type(record), record.pk]
            if record.status != status:
                pending.append(record)
        if status == Status.PUBLISHED and (blockers := publication_blockers(pending)):
            raise PublicationBlocked(blockers)
        for record in pending:
            record.status = status
            record.save(update_fields=["status", "updated_at"])
            changed.append(record)
    return changed


def publish(records: Iterable[models.Model]) -> list[models.Model]:
    return set_status(records, Status.PUBLISHED)


def unpublish(records: Iterable[models.Model]) -> list[models.Model]:
    return set_status(records, Status.DRAFT)
