"""Who changed what and when, for every registry record, and how to go back.

Built on django-simple-history (README, "Dependencies"): each tracked model has a
`HistoricalX` table with a copy of the row after every save and before every delete,
whoever made it (admin, bulk action, seed loader, shell), with the user, the time and a
reason. Two things are added here:

* `recorded(reason=..., user=...)` names the reason (and, outside a request, the user) of
  the changes made inside the block, and groups them in one *batch*. In a web request the
  whole request is one batch. A batch is what editors see as one version: saving a visit
  with its legs, meetings and citations is one entry of the visit's history.
* `Versions` reads the history of a record together with its children (a visit's legs,
  meetings and citations; any citable record's citations), and `revert_to` / `restore`
  write an earlier state or a deleted record back, children included.

`QuerySet.update()` and `bulk_create()` bypass model signals and so the history: code that
changes records must save them one by one (the admin's bulk actions do).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from registry.publication.gate import publication_blockers
from registry.publication.visibility import Status

from .versioning import VERSION_FIELD, Versioned

# The fields that say whether and when the public sees a record. A revert keeps the
# current values unless the user may publish and asks for the old ones.
PUBLICATION_FIELDS = ("status", "publish_at", "expire_at")
# Bookkeeping that is never shown in a diff.
UNDIFFED_FIELDS = {"created_at", "updated_at", "version"}
# Children deleted with their parent outside any batch (a queryset delete in a shell) are
# found by time: their deletion records are this close to the parent's.
CASCADE_WINDOW = dt.timedelta(seconds=1)
# Marked for translation but kept in English here (tests look for it in pages): show it
# with `_(STALE_REVERT)`.
STALE_REVERT = gettext_noop(
    "Someone else saved this record after you opened this page, so nothing was reverted. "
    "Look at its history again and choose the version to revert to."
)

_reason: ContextVar[str | None] = ContextVar("registry_history_reason", default=None)
_user: ContextVar[Any] = ContextVar("registry_history_user", default=None)
_batch: ContextVar[uuid.UUID | None] = ContextVar("registry_history_batch", default=None)


def _request() -> Any:
    return getattr(HistoricalRecords.context, "request", None)


def current_batch() -> uuid.UUID | None:
    batch = _batch.get()
    if batch is not None:
        return batch
    request = _request()
    if request is None:
        return None
    if not hasattr(request, "_registry_history_batch"):
        request._registry_history_batch = uuid.uuid4()
    return request._registry_history_batch


@contextmanager
def recorded(reason: str | None = None, user: Any = None) -> Iterator[uuid.UUID]:
    """Record the changes saved inside the block as one batch, with this reason and user.

    Nested blocks share the outer batch (and a request's); an inner reason or user wins.
    Use it for scripted changes: `with recorded("seed"): ...`.
    """
    tokens: list[tuple[ContextVar, Any]] = []
    batch = current_batch()
    if batch is None:
        batch = uuid.uuid4()
        tokens.append((_batch, _batch.set(batch)))
    if reason is not None:
        tokens.append((_reason, _reason.set(reason)))
    if user is not None:
        tokens.append((_user, _user.set(user)))
    try:
        yield batch
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class RegistryHistoricalRecords(HistoricalRecords):
    """Takes the reason and user from `recorded()` when the instance names none."""

    def get_change_reason_for_object(self, instance, history_type, using):
        return super().get_change_reason_for_object(instance, history_type, using) or (
            _reason.get()
        )

    def get_history_user(self, instance):
        if not hasattr(instance, "_history_user") and _user.get() is not None:
            return _user.get()
        return super().get_history_user(instance)


class HistoryBase(models.Model):
    """Columns every historical table adds to simple-history's own."""

    history_batch = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    # Kept as text so that the record still says who it was after the account is deleted.
    history_username = models.CharField(max_length=150, blank=True, editable=False)
    # The record's many-to-many links at the time, {field name: [ids]}: kept in the row so
    # that one record is one complete state (see TRACKED).
    history_m2m = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True


def _stamp(sender, history_instance, instance=None, history_user=None, **kwargs) -> None:
    if not isinstance(history_instance, HistoryBase):
        return
    history_instance.history_batch = current_batch()
    if history_user is not None:
        history_instance.history_username = history_user.get_username()
    if instance is not None and history_instance.history_type != "-":
        history_instance.history_m2m = {
            name: sorted(getattr(instance, name).values_list("pk", flat=True))
            for name in TRACKED.get(type(instance).__name__, {}).get("m2m", ())
        }


pre_create_historical_record.connect(_stamp, dispatch_uid="registry_history_stamp")

# Model name -> many-to-many fields tracked with it, and fields left out of its history.
TRACKED: dict[str, dict[str, tuple[str, ...]]] = {
    "Region": {},
    "Country": {},
    "Organisation": {},
    "Office": {"m2m": ("countries_covered",)},
    "Person": {},
    "Position": {},
    # Derived from the post's holder limit on every save.
    "Appointment": {"exclude": ("single_holder",)},
    "Programme": {},
    "Participation": {},
    "Event": {"m2m": ("topics",)},
    "Topic": {},
    "Source": {"m2m": ("cited_in",)},
    "Visit": {"m2m": ("topics",)},
    "VisitLeg": {},
    "Meeting": {"m2m": ("topics",)},
    "Citation": {},
    "OtherName": {},
}

# The children whose history is part of their parent's: (model name, foreign key to parent).
# Every citable record also has its citations (a generic relation).
CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    "Visit": (("VisitLeg", "visit"), ("Meeting", "visit")),
}
# A field unique among a parent's children: moved out of the way before children are
# rewritten, so that swapping two legs' order does not collide half way.
REORDERED_FIELDS = {"VisitLeg": "order"}
# Date columns a database trigger checks against the children (migration 0004): the parent
# is written without them first and with them last, as the visit admin does.
GUARDED_DATES = {"Visit": ("start_date", "end_date")}


_records: dict[type[models.Model], RegistryHistoricalRecords] = {}


def register_all() -> None:
    """Give every TRACKED model its history table (simple_history.register, keeping the
    records object so that many-to-many changes can be recorded too)."""
    from django.apps import apps

    for name, options in TRACKED.items():
        model = apps.get_model("registry", name, require_ready=False)
        if model in _records:
            continue
        records = RegistryHistoricalRecords(
            bases=[HistoryBase], excluded_fields=list(options.get("exclude", ()))
        )
        records.manager_name = "history"
        records.module = model.__module__
        records.cls = model
        records.add_extra_methods(model)
        records.finalize(model)
        _records[model] = records
        for m2m_name in options.get("m2m", ()):
            through = model._meta.get_field(m2m_name).remote_field.through
            m2m_changed.connect(
                _links_changed,
                sender=through,
                weak=False,
                dispatch_uid=f"registry_history_{name}_{m2m_name}",
            )
        pre_delete.connect(_note_unlinked, sender=model, dispatch_uid=f"registry_unlink_{name}")
        post_delete.connect(
            _record_unlinked, sender=model, dispatch_uid=f"registry_unlinked_{name}"
        )


def _unlinking_relations(model: type[models.Model]) -> Iterator[Any]:
    """Relations of tracked records to `model` that its deletion changes without a signal:
    a nullable foreign key set to NULL, or a tracked many-to-many link removed."""
    for relation in model._meta.related_objects:
        other = relation.related_model
        if other not in _records:
            continue
        if relation.many_to_many:
            if relation.field.name in TRACKED[other.__name__].get("m2m", ()):
                yield relation
        elif getattr(relation, "on_delete", None) is models.SET_NULL:
            yield relation


def _note_unlinked(sender, instance, **kwargs) -> None:
    instance._history_unlinked = [
        (
            relation.related_model,
            list(
                relation.related_model._default_manager.filter(
                    **{relation.field.name: instance.pk}
                ).values_list("pk", flat=True)
            ),
        )
        for relation in _unlinking_relations(sender)
    ]


def _record_unlinked(sender, instance, **kwargs) -> None:
    """Django unlinks these rows with a plain UPDATE/DELETE: record their new state."""
    for model, pks in getattr(instance, "_history_unlinked", ()):
        for record in model._default_manager.filter(pk__in=pks):
            record._change_reason = f"Linked {sender._meta.verbose_name} deleted"[:100]
            _records[model].create_historical_record(record, "~")


def _links_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """A record's many-to-many links changed: record its new state."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if hasattr(instance, "skip_history_when_saving"):
        return
    if not reverse:
        changed = [instance]
    elif pk_set:  # e.g. topic.visits.add(visit): the visits changed
        changed = list(model._default_manager.filter(pk__in=pk_set))
    else:
        return
    for record in changed:
        if type(record) in _records:
            _records[type(record)].create_historical_record(record, "~")


# --- reading history ------------------------------------------------------------------------


def history_model(model: type[models.Model]) -> type[models.Model]:
    return model.history.model


def is_tracked(model: type[models.Model]) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def _citable(model: type[models.Model]) -> bool:
    return any(f.name == "citations" for f in model._meta.private_fields)


def _named(model: type[models.Model]) -> bool:
    return any(f.name == "other_names" for f in model._meta.private_fields)


@dataclass(frozen=True)
class ChildSpec:
    """How to find one kind of child of a parent record in the history tables."""

    model: type[models.Model]
    filters: tuple[tuple[str, Any], ...]

    def matches(self, record: Any) -> bool:
        return all(getattr(record, name) == value for name, value in self.filters)

    def history(self) -> models.QuerySet:
        return history_model(self.model).objects.filter(**dict(self.filters))

    def current(self) -> models.QuerySet:
        return self.model._default_manager.filter(**dict(self.filters))


def child_specs(model: type[models.Model], pk: Any) -> list[ChildSpec]:
    from django.apps import apps

    specs = [
        ChildSpec(apps.get_model("registry", name), ((f"{fk}_id", pk),))
        for name, fk in CHILDREN.get(model.__name__, ())
    ]
    # Citations and other names hang from their record by a generic relation.
    for name, has in (("Citation", _citable), ("OtherName", _named)):
        if has(model):
            content_type = ContentType.objects.get_for_model(model)
            specs.append(
                ChildSpec(
                    apps.get_model("registry", name),
                    (("content_type_id", content_type.pk), ("object_id", pk)),
                )
            )
    return specs


def _ordered(records: list[Any]) -> list[Any]:
    return sorted(records, key=lambda r: (r.history_date, r.history_id))


@dataclass
class Version:
    """One operation on a record or its children: the records written in one batch."""

    records: list[Any]  # historical records, oldest first

    @property
    def last(self) -> Any:
        return self.records[-1]

    @property
    def key(self) -> str:
        return f"{self.last.instance_type._meta.model_name}-{self.last.history_id}"

    @property
    def date(self) -> dt.datetime:
        return self.last.history_date

    @property
    def user(self) -> Any:
        return next((r.history_user for r in self.records if r.history_user_id), None)

    @property
    def username(self) -> str:
        user = self.user
        if user is not None:
            return user.get_username()
        return next((r.history_username for r in self.records if r.history_username), "")

    @property
    def reason(self) -> str:
        reasons = [r.history_change_reason for r in self.records if r.history_change_reason]
        return reasons[-1] if reasons else ""


@dataclass
class Snapshot:
    """A record and its children as they stood at one moment (historical records)."""

    parent: Any | None
    children: dict[ChildSpec, dict[Any, Any]] = field(default_factory=dict)


class Versions:
    """The history of one record with its children, newest version first."""

    def __init__(self, model: type[models.Model], pk: Any) -> None:
        self.model = model
        self.pk = pk
        self.specs = child_specs(model, pk)

    def own_records(self) -> models.QuerySet:
        return history_model(self.model).objects.filter(**{self.model._meta.pk.attname: self.pk})

    def child_records(self, spec: ChildSpec) -> list[Any]:
        """Every record of every child that ever belonged to this parent."""
        ids = spec.history().values_list("id", flat=True).distinct()
        records = history_model(spec.model).objects.filter(id__in=list(ids))
        return list(records.select_related("history_user"))

    def all_records(self) -> list[Any]:
        records = list(self.own_records().select_related("history_user"))
        for spec in self.specs:
            # A child that moved to another parent is part of this history while it was here.
            records += [r for r in self.child_records(spec) if spec.matches(r)]
        return _ordered(records)

    def list(self) -> list[Version]:
        groups: dict[Any, list[Any]] = {}
        for record in self.all_records():
            key = record.history_batch or (type(record), record.history_id)
            groups.setdefault(key, []).append(record)
        return sorted(
            (Version(records) for records in groups.values()), key=lambda v: v.date, reverse=True
        )

    def get(self, key: str) -> Version | None:
        return next((version for version in self.list() if version.key == key), None)

    def snapshot(self, moment: dt.datetime) -> Snapshot:
        """The record and its children as they were just after `moment`."""
        own = _ordered(list(self.own_records().filter(history_date__lte=moment)))
        parent = own[-1] if own and own[-1].history_type != "-" else None
        snapshot = Snapshot(parent)
        for spec in self.specs:
            latest: dict[Any, Any] = {}
            for record in _ordered(self.child_records(spec)):
                if record.history_date <= moment:
                    latest[record.id] = record
            snapshot.children[spec] = {
                pk: record
                for pk, record in latest.items()
                if record.history_type != "-" and spec.matches(record)
            }
        return snapshot

    @staticmethod
    def previous(record: Any) -> Any | None:
        """The record of the same object just before `record`, or None."""
        earlier = history_model(record.instance_type).objects.filter(
            id=record.id, history_date__lte=record.history_date
        )
        before = [r for r in earlier if _order_key(r) < _order_key(record)]
        return max(before, key=_order_key, default=None)


def _order_key(record: Any) -> tuple[dt.datetime, int]:
    return (record.history_date, record.history_id)


# --- writing history back -------------------------------------------------------------------


class RevertError(Exception):
    """An earlier state cannot be written back; the message says why."""


@dataclass
class RevertReport:
    record: models.Model
    warnings: list[str] = field(default_factory=list)
    deleted: int = 0
    restored: int = 0


def _hold_back_uncited(instance: models.Model, report: RevertReport, done: str) -> None:
    """A revert or restore does not bring back a published status the publishing gate would
    refuse: the record stays, as a draft, until an editor cites a public source."""
    if getattr(instance, "status", None) != Status.PUBLISHED:
        return
    blockers = publication_blockers([instance])
    if instance in blockers:
        instance.status = Status.DRAFT
        instance.save()
        if done == "Restored":
            message = _(
                "Restored as a draft and not published: %(reason)s. A record is published "
                "only with a source the public can see."
            )
        else:
            message = _(
                "Reverted as a draft and not published: %(reason)s. A record is published "
                "only with a source the public can see."
            )
        report.warnings.append(message % {"reason": blockers[instance]})


def m2m_values(record: Any) -> dict[str, list[Any]]:
    """The many-to-many ids a historical record saw, by field name."""
    return dict(record.history_m2m or {})


def _instance(record: Any, report: RevertReport) -> models.Model:
    """The model instance a historical record describes, with links that still exist."""
    instance = record.instance
    instance._state.adding = False  # keeps created_at; save() updates or inserts the row
    if isinstance(instance, Versioned):
        # Written over the stored row as it is now (the caller checked that it is the one
        # the editor saw); a save committed after this read is still refused.
        stored = (
            type(instance)
            ._base_manager.filter(pk=instance.pk)
            .values_list(VERSION_FIELD, flat=True)
        )
        instance.version = stored.first() or 1
    for model_field in instance._meta.concrete_fields:
        if not model_field.many_to_one:
            continue
        value = getattr(instance, model_field.attname)
        related = model_field.related_model._default_manager
        if value is None or related.filter(pk=value).exists():
            continue
        label = _("%(kind)s “%(name)s”") % {
            "kind": instance._meta.verbose_name,
            "name": _label(record),
        }
        if not model_field.null:
            raise RevertError(
                _("The %(field)s of %(record)s (#%(id)s) no longer exists.")
                % {"field": model_field.verbose_name, "record": label, "id": value}
            )
        setattr(instance, model_field.attname, None)
        report.warnings.append(
            _("The %(field)s of %(record)s no longer exists and was left empty.")
            % {"field": model_field.verbose_name, "record": label}
        )
    return instance


def _label(record: Any) -> str:
    try:
        return str(record.instance)
    except Exception:  # __str__ may follow a relation that is gone
        return f"#{record.id}"


def _set_m2m(instance: models.Model, record: Any) -> None:
    for name, ids in m2m_values(record).items():
        m2m_field = instance._meta.get_field(name)
        existing = m2m_field.related_model._default_manager.filter(pk__in=ids)
        current = set(getattr(instance, name).values_list("pk", flat=True))
        wanted = set(existing.values_list("pk", flat=True))
        if current != wanted:
            getattr(instance, name).set(wanted)


def _same(instance: models.Model, current: models.Model | None, record: Any) -> bool:
    if current is None:
        return False
    for model_field in instance._meta.concrete_fields:
        if model_field.name in UNDIFFED_FIELDS:
            continue
        if getattr(instance, model_field.attname) != getattr(current, model_field.attname):
            return False
    for name, ids in m2m_values(record).items():
        if sorted(getattr(current, name).values_list("pk", flat=True)) != ids:
            return False
    return True


def _write_children(
    specs: list[ChildSpec], wanted: dict[ChildSpec, dict[Any, Any]], report: RevertReport
) -> None:
    # Children that should not exist go first, then the rest are written back in order.
    for spec in reversed(specs):
        keep = set(wanted.get(spec, {}))
        for child in spec.current().exclude(pk__in=keep):
            child.delete()
            report.deleted += 1
    for spec in specs:
        records = wanted.get(spec, {})
        current = {c.pk: c for c in spec.current().filter(pk__in=list(records))}
        reordered = REORDERED_FIELDS.get(spec.model.__name__)
        if reordered and current:
            ceiling = spec.model._default_manager.aggregate(top=models.Max(reordered))["top"]
            bump = (ceiling or 0) + 1
            for child in current.values():
                # Out of the way of the values being restored; the history keeps only the
                # final value, written below.
                setattr(child, reordered, getattr(child, reordered) + bump)
                child.save_without_historical_record(update_fields=[reordered])
        for pk, record in records.items():
            instance = _instance(record, report)
            if reordered is None and _same(instance, current.get(pk), record):
                continue
            instance.save()
            _set_m2m(instance, record)
            if pk not in current:
                report.restored += 1


def _write_parent(
    record: Any, current: models.Model | None, report: RevertReport, *, keep_publication: bool
) -> tuple[models.Model, dict[str, Any]]:
    instance = _instance(record, report)
    if keep_publication and current is not None:
        for name in PUBLICATION_FIELDS:
            if hasattr(current, name):
                setattr(instance, name, getattr(current, name))
    names = GUARDED_DATES.get(type(instance).__name__, ())
    guarded = {name: getattr(instance, name) for name in names}
    if guarded:
        for name in guarded:
            setattr(instance, name, None)
        instance.save_without_historical_record()
        for name, value in guarded.items():
            setattr(instance, name, value)
    else:
        instance.save()
    return instance, guarded


def revert_to(
    model: type[models.Model],
    pk: Any,
    version: Version,
    *,
    user: Any = None,
    keep_publication: bool = True,
    expected_version: int | None = None,
) -> RevertReport:
    """Write back the record and its children as they were after `version`.

    `expected_version` is the record's version the editor saw when choosing to revert: if
    the record has been saved since, nothing is written.

    The current publication fields are kept unless `keep_publication` is False (only for
    users who may publish). The revert is itself a new version, so it can be undone.
    """
    history = Versions(model, pk)
    snapshot = history.snapshot(version.date)
    if snapshot.parent is None:
        raise RevertError(_("The record did not exist at that version."))
    when = version.date
    # Stored in the history as written: not translated.
    reason = f"Reverted to the version of {when:%Y-%m-%d %H:%M:%S} UTC"
    with transaction.atomic(), recorded(reason=reason, user=user):
        current = model._default_manager.select_for_update().filter(pk=pk).first()
        if current is None:
            raise RevertError(_("The record has been deleted: restore it instead."))
        if expected_version is not None and current.version != expected_version:
            raise RevertError(_(STALE_REVERT))
        report = RevertReport(record=current)
        instance, guarded = _write_parent(
            snapshot.parent, current, report, keep_publication=keep_publication
        )
        _write_children(history.specs, snapshot.children, report)
        if guarded:
            instance.save()
        _set_m2m(instance, snapshot.parent)
        _hold_back_uncited(instance, report, "Reverted")
        report.record = instance
    return report


def deleted_records(model: type[models.Model]) -> list[Any]:
    """The deletion records of rows of `model` that do not exist now, newest first."""
    records = history_model(model).objects.filter(history_type="-").select_related("history_user")
    records = records.order_by("-history_date", "-history_id")
    existing = set(
        model._default_manager.filter(pk__in=records.values("id")).values_list("pk", flat=True)
    )
    seen: set[Any] = set()
    result = []
    for record in records:
        if record.id in existing or record.id in seen:
            continue
        seen.add(record.id)
        result.append(record)
    return result


def _same_deletion(record: Any, deletion: Any) -> bool:
    if deletion.history_batch is not None:
        return record.history_batch == deletion.history_batch
    return abs(record.history_date - deletion.history_date) <= CASCADE_WINDOW


def _before_deletion(record: Any, deletion: Any) -> bool:
    return record.history_type != "-" and not _same_deletion(record, deletion)


def restore(
    model: type[models.Model], deletion: Any, *, user: Any = None, as_draft: bool = False
) -> RevertReport:
    """Bring back a deleted record with the children that were deleted with it.

    Each comes back as it was just before the deletion. `as_draft` restores a published
    record as a draft (for users who may not publish).
    """
    if deletion.history_type != "-":
        raise RevertError(_("That history entry is not a deletion."))
    pk = deletion.id
    if model._default_manager.filter(pk=pk).exists():
        raise RevertError(_("The record exists: there is nothing to restore."))
    history = Versions(model, pk)
    before = _ordered(list(history.own_records().filter(history_date__lt=deletion.history_date)))
    # The state before the deletion: records written by the deletion itself (links it
    # cleared on the way) are not part of it.
    parent = next((r for r in reversed(before) if _before_deletion(r, deletion)), deletion)
    wanted: dict[ChildSpec, dict[Any, Any]] = {}
    for spec in history.specs:
        by_child: dict[Any, list[Any]] = {}
        for record in _ordered(history.child_records(spec)):
            by_child.setdefault(record.id, []).append(record)
        chosen = {}
        for child_pk, records in by_child.items():
            last = records[-1]
            if last.history_type != "-" or not spec.matches(last):
                continue
            if not _same_deletion(last, deletion):
                continue  # deleted on its own before the parent: stays deleted
            if spec.model._default_manager.filter(pk=child_pk).exists():
                continue
            alive = [r for r in records[:-1] if _before_deletion(r, deletion)]
            chosen[child_pk] = alive[-1] if alive else last
        wanted[spec] = chosen
    with transaction.atomic(), recorded(reason="Restored after deletion", user=user):
        report = RevertReport(record=model(pk=pk))
        instance = _instance(parent, report)
        if as_draft and hasattr(instance, "status"):
            if instance.status != Status.DRAFT:
                report.warnings.append(_("Restored as a draft: only a Publisher may publish it."))
            instance.status = Status.DRAFT
        guarded = {n: getattr(instance, n) for n in GUARDED_DATES.get(model.__name__, ())}
        if guarded:
            # Without its dates until its children are back (see GUARDED_DATES).
            for name in guarded:
                setattr(instance, name, None)
            instance.save_without_historical_record()
            for name, value in guarded.items():
                setattr(instance, name, value)
        else:
            instance.save()
        for spec in history.specs:
            for record in wanted[spec].values():
                child = _instance(record, report)
                child.save()
                _set_m2m(child, record)
                report.restored += 1
        if guarded:
            instance.save()
        _set_m2m(instance, parent)
        _hold_back_uncited(instance, report, "Restored")
        report.record = instance
    return report
