"""Addresses that last: a record's old addresses keep working.

When a record's slug changes, its old page and API addresses answer a permanent redirect to
the new ones; when a public record is deleted, its addresses answer 410 Gone with a link to
the change log instead of a bare 404. Both come from `RetiredAddress` rows, kept by the
signals below for every publishable model, whoever saves (admin, import, revert, shell).

Records addressed by their id (appointments, participations) keep no old keys, since an id
never changes, but a deleted one answers 410 too.

A redirect goes only to a record the public may see now; a retired key of a draft, or of a
record since unpublished, is a 404 like any unknown address.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone

from registry.models.addresses import RetiredAddress
from registry.publication.visibility import has_publication


def address_key(model: type[models.Model]) -> str:
    """The field a model's public addresses carry: its slug, or its id."""
    names = {f.name for f in model._meta.concrete_fields}
    return "slug" if "slug" in names else "pk"


def _key(record: models.Model) -> str:
    return str(getattr(record, address_key(type(record))) or "")


def retired(model: type[models.Model], key: str) -> RetiredAddress | None:
    """The retired address `key` of `model`, if any: one query."""
    return RetiredAddress.for_model(model).filter(key=key).first()


def current_record(address: RetiredAddress, queryset: models.QuerySet) -> models.Model | None:
    """The record an address that is not gone leads to, if `queryset` (the public's) has it."""
    if address.deleted:
        return None
    return queryset.filter(pk=address.object_id).first()


# --- keeping the rows -------------------------------------------------------------------


def _is_tracked(sender: Any) -> bool:
    return has_publication(sender) and not sender._meta.proxy


def _note_old_key(sender: Any, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or not _is_tracked(sender) or address_key(sender) != "slug" or instance.pk is None:
        instance._registry_old_key = None
        return
    old = sender._base_manager.filter(pk=instance.pk).values_list("slug", flat=True).first()
    instance._registry_old_key = old


def _keep_addresses(
    sender: Any, instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not _is_tracked(sender):
        return
    ct = ContentType.objects.get_for_model(sender)
    key = _key(instance)
    old = getattr(instance, "_registry_old_key", None)
    # The key this record answers at now is its own, whoever held it before.
    RetiredAddress.objects.filter(content_type=ct, key=key).delete()
    if old is None:
        # A record written back (a restored deletion) takes back its old keys.
        RetiredAddress.objects.filter(content_type=ct, object_id=instance.pk, deleted=True).update(
            deleted=False
        )
    elif old and old != key:
        RetiredAddress.objects.update_or_create(
            content_type=ct,
            key=old,
            defaults={
                "object_id": instance.pk,
                "retired_at": timezone.now(),
                "deleted": False,
                "label": str(instance)[:300],
            },
        )


def _retire_on_delete(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    if not _is_tracked(sender) or instance.pk is None:
        return
    ct = ContentType.objects.get_for_model(sender)
    mine = RetiredAddress.objects.filter(content_type=ct, object_id=instance.pk)
    if not sender.objects.published().filter(pk=instance.pk).exists():
        # Never public now: its addresses were never to be found, so they stay unknown.
        mine.delete()
        return
    now = timezone.now()
    mine.update(deleted=True, retired_at=now)
    RetiredAddress.objects.update_or_create(
        content_type=ct,
        key=_key(instance),
        defaults={
            "object_id": instance.pk,
            "retired_at": now,
            "deleted": True,
            "label": str(instance)[:300],
        },
    )


def connect_signals() -> None:
    pre_save.connect(_note_old_key, dispatch_uid="registry_addresses_old_key")
    post_save.connect(_keep_addresses, dispatch_uid="registry_addresses_keep")
    pre_delete.connect(_retire_on_delete, dispatch_uid="registry_addresses_delete")
