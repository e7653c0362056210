"""Share links: a signed token that lets a reviewer without an account preview one record.

The token is signed with the site's secret key (`TimestampSigner`, its own salt) and names
one record by its model label and id; it expires after `PREVIEW_LINK_MAX_AGE_DAYS`.

An editor may revoke every link issued so far for a record (`revoke`): a token also carries
the record's share-link generation (`ShareLinkRevocation`), revoking moves the generation
on, and a token of an older generation is refused (`RevokedLink`). Links issued before
generations existed carry none and count as generation 0.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from registry.models import ShareLinkRevocation

SHARE_SALT = "registry.preview.share"


class InvalidLink(Exception):
    """The token was tampered with, cut short, or names no kind of record."""


class ExpiredLink(Exception):
    """The token was valid but is older than the links' lifetime."""


class RevokedLink(Exception):
    """The token was valid but an editor has since revoked the record's share links."""


def is_previewable(model: type[models.Model]) -> bool:
    """Records with a public page of their own can be previewed (and shared)."""
    return hasattr(model, "public_requires") and hasattr(model, "get_absolute_url")


def share_expiry() -> dt.timedelta:
    return dt.timedelta(days=settings.PREVIEW_LINK_MAX_AGE_DAYS)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SHARE_SALT)


def _revocations(model: type[models.Model], pk: object) -> models.QuerySet:
    content_type = ContentType.objects.get_for_model(model)
    return ShareLinkRevocation.objects.filter(content_type=content_type, object_id=pk)


def generation(model: type[models.Model], pk: object) -> int:
    """How many times the record's share links have been revoked."""
    found = _revocations(model, pk).values_list("generation", flat=True).first()
    return found or 0


def share_token(record: models.Model) -> str:
    return _signer().sign_object(
        [record._meta.label_lower, record.pk, generation(type(record), record.pk)]
    )


def revoke(record: models.Model, user: object = None) -> int:
    """Make every share link issued so far for `record` stop working; the new generation."""
    content_type = ContentType.objects.get_for_model(record)
    now = timezone.now()
    by = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        row, created = ShareLinkRevocation.objects.select_for_update().get_or_create(
            content_type=content_type,
            object_id=record.pk,
            defaults={"generation": 1, "revoked_at": now, "revoked_by": by},
        )
        if not created:
            # In the database, so that two editors revoking at once both count.
            ShareLinkRevocation.objects.filter(pk=row.pk).update(
                generation=F("generation") + 1, revoked_at=now, revoked_by=by
            )
            row.refresh_from_db()
    return row.generation


def share_url(record: models.Model) -> str:
    return reverse("preview:share", args=[share_token(record)])


def staff_preview_url(record: models.Model) -> str:
    opts = record._meta
    return reverse("preview:staff", args=[opts.app_label, opts.model_name, record.pk])


def read_share_token(token: str) -> tuple[type[models.Model], object]:
    """The model and primary key a token names; raises `ExpiredLink`, `RevokedLink` or
    `InvalidLink`."""
    try:
        label, pk, *issued = _signer().unsign_object(token, max_age=share_expiry())
        model = apps.get_model(label)
        issued_generation = int(issued[0]) if issued else 0
        if len(issued) > 1 or not isinstance(pk, int | str):
            raise ValueError(token)
        # Only this site's key signs tokens, but a key that leaked must not reach a query
        # with an id of the wrong type.
        pk = model._meta.pk.to_python(pk)
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except (signing.BadSignature, LookupError, ValueError, TypeError, ValidationError):
        raise InvalidLink from None
    try:
        current = generation(model, pk)
    except (ValueError, TypeError):
        raise InvalidLink from None
    if issued_generation != current:
        raise RevokedLink
    return model, pk


def token_expires(token: str) -> dt.datetime | None:
    """When a valid token stops working (None if it already has or cannot be read)."""
    try:
        timestamp = signing.b62_decode(token.rsplit(":", 2)[-2])
    except (IndexError, ValueError):
        return None
    expires = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC) + share_expiry()
    return expires if expires > timezone.now() else None
