"""Pending revisions: the editors' next version of a published record, apart from what the
public sees until a Publisher publishes it.

A revision is captured by letting the admin save the form as usual inside a savepoint, reading
the rows it wrote (the record and its inlines: legs, meetings, appointments, participations,
citations) and rolling the savepoint back, so every rule of a normal save applies and nothing
of it reaches the live rows. The same rows are written for real when the revision is
published (`publish`), by hand or at its scheduled time (`apply_due`, run by the first request
that reads the registry version after that time: no job is needed). `showing(revision)` writes
them inside a savepoint that is always rolled back, for the change form, previews and the
review screen.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models.history import (
    ChildSpec,
    RevertError,
    RevertReport,
    _set_m2m,
    _write_children,
    _write_parent,
    child_specs,
    recorded,
)
from registry.models.revisions import FormDraft, PendingRevision, ReviewComment
from registry.models.versioning import StaleRecord
from registry.publication.gate import PublicationBlocked, publication_blockers
from registry.publication.revision_diff import revision_diff
from registry.publication.visibility import Status

logger = logging.getLogger(__name__)

# Publishable children edited in their parent's form, beyond the history's own children
# (a visit's legs and meetings): their changes wait with the parent's revision.
INLINE_CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    "Person": (("Appointment", "person"),),
    "Position": (("Appointment", "position"),),
    "Programme": (("Participation", "programme"),),
    "Country": (("Participation", "country"),),
}


class RevisionError(Exception):
    """A revision cannot be published or changed; the message says why."""


def revision_specs(model: type[models.Model], pk: Any) -> list[ChildSpec]:
    specs = [
        ChildSpec(apps.get_model("registry", name), ((f"{fk}_id", pk),))
        for name, fk in INLINE_CHILDREN.get(model.__name__, ())
    ]
    return child_specs(model, pk) + specs


def spec_label(spec: ChildSpec) -> str:
    return spec.model._meta.model_name


def _rows(objs: Any) -> list[dict[str, Any]]:
    return json.loads(serializers.serialize("json", objs))


def capture(record: models.Model) -> dict[str, Any]:
    """The record and its children as stored now, as rows."""
    model = type(record)
    fresh = model._base_manager.get(pk=record.pk)
    children = {
        spec_label(spec): _rows(spec.current().order_by("pk"))
        for spec in revision_specs(model, record.pk)
    }
    return {"parent": _rows([fresh])[0], "children": children}


def _merge_row(base: dict[str, Any], pending: dict[str, Any], live: dict[str, Any]) -> dict:
    fields = dict(live["fields"])
    for name, value in pending["fields"].items():
        if base["fields"].get(name) != value:
            fields[name] = value
    return {**live, "fields": fields}


def resolved(data: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    """The rows a revision writes over `live` (captured now): what its editors changed since
    the live rows it was saved against (`data["base"]`), laid over the live rows, so that a
    change published meanwhile by another path (a Publisher's save, an import) is kept.
    Field by field for rows both sides have; rows the revision added or removed are added
    or removed, rows added or removed on the live side since stay so."""
    base = data.get("base")
    if base is None:
        return data
    children: dict[str, list[dict[str, Any]]] = {}
    for label in dict.fromkeys([*base["children"], *data["children"], *live["children"]]):
        before = {row["pk"]: row for row in base["children"].get(label, [])}
        mine = {row["pk"]: row for row in data["children"].get(label, [])}
        rows = []
        for pk, row in {row["pk"]: row for row in live["children"].get(label, [])}.items():
            if pk in mine:
                rows.append(_merge_row(before.get(pk, row), mine[pk], row))
            elif pk not in before:
                rows.append(row)  # added on the live side since
            # else: removed by the revision
        live_pks = {row["pk"] for row in rows} | set(before)
        rows += [row for pk, row in mine.items() if pk not in live_pks]  # added by it
        children[label] = rows
    return {
        "parent": _merge_row(base["parent"], data["parent"], live["parent"]),
        "children": children,
    }


@dataclass
class _Row:
    """A stored row, shaped like the historical records the history's writers take."""

    row: dict[str, Any]
    instance: models.Model = field(init=False)
    history_m2m: dict[str, list[Any]] = field(init=False)

    def __post_init__(self) -> None:
        deserialized = next(serializers.deserialize("python", [self.row]))
        self.instance = deserialized.object
        self.history_m2m = {name: sorted(ids) for name, ids in deserialized.m2m_data.items()}

    @property
    def id(self) -> Any:
        return self.instance.pk


def _rekey(specs: list[ChildSpec], wanted: dict[ChildSpec, dict[Any, _Row]]) -> None:
    """New children keep the id they had when captured unless another record's row has
    taken it since (a rolled-back id can be given again): those get a free id, and the
    children that point to them follow."""
    renamed: dict[tuple[type[models.Model], Any], Any] = {}
    for spec in specs:
        rows = wanted.get(spec, {})
        mine = set(spec.current().values_list("pk", flat=True))
        taken = set(
            spec.model._base_manager.filter(
                pk__in=[pk for pk in rows if pk not in mine]
            ).values_list("pk", flat=True)
        )
        if not taken:
            continue
        top = spec.model._base_manager.aggregate(top=Max("pk"))["top"] or 0
        for offset, pk in enumerate(sorted(taken), start=1):
            row = rows.pop(pk)
            row.instance.pk = top + offset
            rows[row.instance.pk] = row
            renamed[(spec.model, pk)] = row.instance.pk
    if not renamed:
        return
    for rows in wanted.values():
        for row in rows.values():
            for model_field in row.instance._meta.concrete_fields:
                if model_field.many_to_one:
                    key = (model_field.related_model, getattr(row.instance, model_field.attname))
                    if key in renamed:
                        setattr(row.instance, model_field.attname, renamed[key])


def write(model: type[models.Model], pk: Any, data: dict[str, Any]) -> RevertReport:
    """Write the rows of `data` over the record and its children. The publication fields
    (status, publish at, expire at) stay as stored: a revision changes content only."""
    current = model._default_manager.select_for_update().filter(pk=pk).first()
    if current is None:
        raise RevisionError(_("The record has been deleted since this revision was saved."))
    report = RevertReport(record=current)
    data = resolved(data, capture(current))
    parent = _Row(data["parent"])
    specs = revision_specs(model, pk)
    wanted = {
        spec: {row.id: row for row in map(_Row, data["children"].get(spec_label(spec), []))}
        for spec in specs
    }
    _rekey(specs, wanted)
    try:
        instance, guarded = _write_parent(parent, current, report, keep_publication=True)
        _write_children(specs, wanted, report)
        if guarded:
            instance.save()
        _set_m2m(instance, parent)
    except RevertError as error:
        raise RevisionError(str(error)) from error
    report.record = instance
    return report


@contextmanager
def showing(revision: PendingRevision | None) -> Iterator[None]:
    """Inside the block the database holds the revision in place of the live rows; nothing
    written inside it is kept."""
    if revision is None:
        yield
        return
    with transaction.atomic():
        write(revision.content_type.model_class(), revision.object_id, revision.data)
        try:
            yield
        finally:
            transaction.set_rollback(True)


# --- reading ------------------------------------------------------------------------------


def content_type(record_or_model: Any) -> ContentType:
    return ContentType.objects.get_for_model(record_or_model)


def pending_for(record: models.Model) -> PendingRevision | None:
    if record is None or record.pk is None:
        return None
    return (
        PendingRevision.objects.filter(content_type=content_type(record), object_id=record.pk)
        .select_related("created_by", "updated_by", "submitted_by", "changes_requested_by")
        .first()
    )


def open_comments(record: models.Model) -> list[ReviewComment]:
    return list(
        ReviewComment.objects.filter(
            content_type=content_type(record), object_id=record.pk, resolved_at__isnull=True
        ).select_related("author")
    )


def edits_wait_for_review(record: models.Model) -> bool:
    """Whether an edit of this record waits for review: it is published."""
    return getattr(record, "status", None) == Status.PUBLISHED


# --- writing ------------------------------------------------------------------------------


def save(
    record: models.Model,
    data: dict[str, Any],
    user: Any,
    *,
    number: int | None,
    submit: bool = False,
) -> PendingRevision:
    """Store `data` as the record's pending revision. `number` is the revision the editor
    started from (None: none existed); a revision saved by someone else since is not
    overwritten."""
    now = timezone.now()
    ct = content_type(record)
    with transaction.atomic():
        revision = (
            PendingRevision.objects.select_for_update()
            .filter(content_type=ct, object_id=record.pk)
            .first()
        )
        if revision is None:
            if number is not None:
                raise RevisionError(
                    _(
                        "The pending revision you started from was published or discarded "
                        "meanwhile, so nothing was saved. Open the record again."
                    )
                )
            revision = PendingRevision(
                content_type=ct, object_id=record.pk, created_by=user, number=0
            )
        elif number != revision.number:
            raise RevisionError(
                _(
                    "Someone else saved the pending revision after you opened this record, so "
                    "nothing was saved. Open the record again to see their changes."
                )
            )
        # Saved against the live rows as they are now (the form laid the revision over
        # them): publishing writes what changed since, and keeps what others publish.
        live = capture(record)
        revision.data = {**data, "base": live}
        # Counted now, so that the review queue reads no revision's rows.
        revision.changes = revision_diff(live, data).count
        revision.number += 1
        revision.updated_by = user
        revision.updated_at = now
        if submit:
            revision.submitted_at, revision.submitted_by = now, user
        revision.save()
        FormDraft.objects.filter(user=user, content_type=ct, object_id=record.pk).delete()
    return revision


def publish(revision: PendingRevision, user: Any, *, reason: str | None = None) -> RevertReport:
    """Write the revision over the live rows and delete it, as one version in the record's
    history. Refused, with nothing written, if the result could not be published."""
    model = revision.content_type.model_class()
    # The reason is stored in the history (compared and shown as written): not translated.
    who = revision.updated_by.get_username() if revision.updated_by else "an editor"
    reason = reason or f"Published the pending revision by {who}"
    with transaction.atomic(), recorded(reason=reason[:100], user=user):
        claimed = PendingRevision.objects.filter(pk=revision.pk, number=revision.number).delete()
        if not claimed[0]:
            raise RevisionError(
                _("The pending revision changed or was published since this page was opened.")
            )
        report = write(model, revision.object_id, revision.data)
        blockers = publication_blockers([report.record])
        if report.record.status == Status.PUBLISHED and report.record in blockers:
            raise PublicationBlocked({report.record: blockers[report.record]})
        _resolve_change_requests(model, revision.object_id, user)
    return report


def discard(revision: PendingRevision) -> None:
    PendingRevision.objects.filter(pk=revision.pk).delete()


def request_changes(revision: PendingRevision, user: Any, comment: str) -> ReviewComment:
    now = timezone.now()
    with transaction.atomic():
        revision.changes_requested_at, revision.changes_requested_by = now, user
        revision.submitted_at = revision.submitted_by = None
        revision.save(
            update_fields=[
                "changes_requested_at",
                "changes_requested_by",
                "submitted_at",
                "submitted_by",
            ]
        )
        return add_comment(
            revision.content_type.model_class(),
            revision.object_id,
            user,
            comment,
            requests_changes=True,
        )


def submit(revision: PendingRevision, user: Any) -> None:
    revision.submitted_at, revision.submitted_by = timezone.now(), user
    revision.changes_requested_at = revision.changes_requested_by = None
    revision.save(
        update_fields=[
            "submitted_at",
            "submitted_by",
            "changes_requested_at",
            "changes_requested_by",
        ]
    )


def schedule(revision: PendingRevision, at: dt.datetime | None, user: Any) -> None:
    """Publish the revision by itself at `at` (None: no longer scheduled). The registry
    version lists the time among the moments the public content changes (version.py)."""
    revision.go_live_at = at
    revision.scheduled_by = user if at else None
    revision.save(update_fields=["go_live_at", "scheduled_by"])


def add_comment(
    model: type[models.Model],
    pk: Any,
    user: Any,
    body: str,
    *,
    field_name: str = "",
    requests_changes: bool = False,
) -> ReviewComment:
    return ReviewComment.objects.create(
        content_type=content_type(model),
        object_id=pk,
        field_name=field_name,
        body=body,
        author=user,
        author_name=user.get_username() if user else "",
        requests_changes=requests_changes,
    )


def resolve_comment(comment: ReviewComment, user: Any) -> None:
    comment.resolved_at, comment.resolved_by = timezone.now(), user
    comment.save(update_fields=["resolved_at", "resolved_by"])


def _resolve_change_requests(model: type[models.Model], pk: Any, user: Any) -> None:
    ReviewComment.objects.filter(
        content_type=content_type(model),
        object_id=pk,
        requests_changes=True,
        resolved_at__isnull=True,
    ).update(resolved_at=timezone.now(), resolved_by=user)


# --- scheduled revisions ------------------------------------------------------------------


def scheduled_times(limit: int) -> list[dt.datetime]:
    """The earliest times revisions are scheduled for, passed or not (for the registry
    version: a passed one is due, a future one is a boundary)."""
    scheduled = PendingRevision.objects.filter(go_live_at__isnull=False).order_by("go_live_at")
    return list(scheduled.values_list("go_live_at", flat=True)[:limit])


def apply_due(now: dt.datetime | None = None) -> int:
    """Publish every revision whose time has come; returns how many this call published.

    Each revision is claimed by an UPDATE before anything else is read or written, in the
    transaction that publishes it: of two requests (or servers) arriving together, the second
    waits for the first to commit and then claims nothing, so a revision is applied once."""
    now = now or timezone.now()
    applied = 0
    for pk in list(
        PendingRevision.objects.filter(go_live_at__lte=now).values_list("pk", flat=True)
    ):
        claim = uuid.uuid4()
        try:
            with transaction.atomic():
                won = PendingRevision.objects.filter(
                    pk=pk, go_live_at__lte=now, claim__isnull=True
                ).update(claim=claim)
                if not won:
                    continue
                revision = PendingRevision.objects.select_related(
                    "content_type", "updated_by", "scheduled_by"
                ).get(pk=pk)
                publish(
                    revision,
                    revision.scheduled_by,
                    reason=f"Published at its scheduled time, {now:%Y-%m-%d %H:%M} UTC",
                )
                applied += 1
        except (RevisionError, PublicationBlocked, StaleRecord, ValidationError, DatabaseError):
            # A public request must not fail for it: the revision is left pending and
            # unscheduled, in the review queue, for a Publisher to look at.
            logger.warning("Scheduled revision %s could not be published", pk, exc_info=True)
            PendingRevision.objects.filter(pk=pk).update(
                go_live_at=None, scheduled_by=None, claim=None
            )
    return applied
