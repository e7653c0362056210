"""The one rule that decides what the public sees.

A record is public when its status is published, its `publish_at` is empty or reached, its
`expire_at` is empty or not reached, and every record it names as a dependency
(`Publishable.public_requires`: a visit's traveller and their post, an appointment's person
and post, a participation's country and programme) is public too. Visibility is decided
when a query is built, so a scheduled record appears and an expired one disappears with no
job to run.

`visible_q` is the rule as a query condition; `is_public` is the same rule for one loaded
record; `hide_hidden` blanks out linked records that are not public. Every public output
(pages, feeds, search, sitemap, API) goes through these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("publication status", "Draft")
    PUBLISHED = "published", pgettext_lazy("publication status", "Published")


class PublicState(models.TextChoices):
    """What the public sees of a record, from its own publication fields."""

    DRAFT = "draft", _("Draft: not public")
    SCHEDULED = "scheduled", _("Scheduled: not public yet")
    LIVE = "live", _("Published: public")
    EXPIRED = "expired", _("Expired: no longer public")


# The record an editor is previewing (model, pk): while set, queries treat it as public, so
# that a draft's page shows what its page will show once it is published. Set only by
# `previewing()` in the staff preview and share-link views, never for a public request.
_previewed: ContextVar[tuple[type[models.Model], object] | None] = ContextVar(
    "registry_previewed", default=None
)


@contextmanager
def previewing(record: models.Model) -> Iterator[None]:
    """Treat `record` (and only it) as public for the queries made inside the block."""
    token = _previewed.set((type(record)._meta.concrete_model, record.pk))
    try:
        yield
    finally:
        _previewed.reset(token)


def is_previewed(record: models.Model) -> bool:
    previewed = _previewed.get()
    return (
        previewed is not None
        and record.pk is not None
        and previewed == (type(record)._meta.concrete_model, record.pk)
    )


def has_publication(model: type[models.Model]) -> bool:
    """Whether records of `model` have a publication state of their own."""
    return hasattr(model, "public_requires") and not model._meta.abstract


def published_q(
    prefix: str = "", model: type[models.Model] | None = None, *, now: dt.datetime | None = None
) -> Q:
    """The record's own publication fields allow it to be public now.

    `published_q()` tests the queryset's own rows; `published_q("person", Person)` tests the
    record its `person` relation points to. `model` is the model the prefix leads to; it is
    needed only so that a record being previewed counts as public (see `previewing`). Use
    `visible_q`, which adds the records a record depends on, unless you know the model
    depends on none.
    """
    path = f"{prefix}__" if prefix else ""
    now = now or timezone.now()
    condition = (
        Q(**{f"{path}status": Status.PUBLISHED})
        & (Q(**{f"{path}publish_at__isnull": True}) | Q(**{f"{path}publish_at__lte": now}))
        & (Q(**{f"{path}expire_at__isnull": True}) | Q(**{f"{path}expire_at__gt": now}))
    )
    previewed = _previewed.get()
    if previewed is not None and model is not None:
        previewed_model, pk = previewed
        if model._meta.concrete_model is previewed_model:
            condition |= Q(**{f"{path}pk": pk})
    return condition


def visible_q(model: type[models.Model], prefix: str = "", *, now: dt.datetime | None = None) -> Q:
    """The whole rule as a query condition on `model` (reached through `prefix`, if given):
    its own publication fields and, for each record it depends on, that record's rule."""
    now = now or timezone.now()
    path = f"{prefix}__" if prefix else ""
    condition = published_q(prefix, model, now=now)
    for name in model.public_requires:
        field = model._meta.get_field(name)
        linked = visible_q(field.related_model, f"{path}{name}", now=now)
        if field.null:
            linked = Q(**{f"{path}{name}__isnull": True}) | linked
        condition &= linked
    return condition


def public_state(record: models.Model, now: dt.datetime | None = None) -> PublicState:
    """What the record's own publication fields make of it (for editors' notices)."""
    if record.status != Status.PUBLISHED:
        return PublicState.DRAFT
    now = now or timezone.now()
    if record.expire_at is not None and record.expire_at <= now:
        return PublicState.EXPIRED
    if record.publish_at is not None and record.publish_at > now:
        return PublicState.SCHEDULED
    return PublicState.LIVE


def is_public(record: models.Model | None) -> bool:
    """The rule of `visible_q` for one loaded record.

    A record without a publication state of its own (a leg, a meeting) is public when the
    records it hangs from are; callers reach it only through those. Load the records a
    record depends on with select_related, or this follows them with a query each.
    """
    if record is None:
        return False
    model = type(record)
    if not has_publication(model):
        return True
    if not (is_previewed(record) or public_state(record) == PublicState.LIVE):
        return False
    for name in model.public_requires:
        linked = getattr(record, name)
        if linked is not None and not is_public(linked):
            return False
    return True


def hide_hidden(records: Iterable[models.Model | None], *fields: str) -> None:
    """Blank out linked records that are not public, so no output names a hidden record.

    For foreign keys loaded with select_related; the caller lists the fields."""
    for record in records:
        if record is None:
            continue
        for name in fields:
            linked = getattr(record, name)
            if linked is not None and not is_public(linked):
                setattr(record, name, None)
