"""Share links: a signed token that lets a reviewer without an account preview one record.

The token is signed with the site's secret key (`TimestampSigner`, its own salt) and names
one record by its model label and id; it expires after `PREVIEW_LINK_MAX_AGE_DAYS`.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

SHARE_SALT = "registry.preview.share"


class InvalidLink(Exception):
    """The token was tampered with, cut short, or names no kind of record."""


class ExpiredLink(Exception):
    """The token was valid but is older than the links' lifetime."""


def is_previewable(model: type[models.Model]) -> bool:
    """Records with a public page of their own can be previewed (and shared)."""
    return hasattr(model, "public_requires") and hasattr(model, "get_absolute_url")


def share_expiry() -> dt.timedelta:
    return dt.timedelta(days=settings.PREVIEW_LINK_MAX_AGE_DAYS)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SHARE_SALT)


def share_token(record: models.Model) -> str:
    return _signer().sign_object([record._meta.label_lower, record.pk])


def share_url(record: models.Model) -> str:
    return reverse("preview:share", args=[share_token(record)])


def staff_preview_url(record: models.Model) -> str:
    opts = record._meta
    return reverse("preview:staff", args=[opts.app_label, opts.model_name, record.pk])


def read_share_token(token: str) -> tuple[type[models.Model], object]:
    """The model and primary key a token names; raises `ExpiredLink` or `InvalidLink`."""
    try:
        label, pk = _signer().unsign_object(token, max_age=share_expiry())
        return apps.get_model(label), pk
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except (signing.BadSignature, LookupError, ValueError, TypeError):
        raise InvalidLink from None


def token_expires(token: str) -> dt.datetime | None:
    """When a valid token stops working (None if it already has or cannot be read)."""
    try:
        timestamp = signing.b62_decode(token.rsplit(":", 2)[-2])
    except (IndexError, ValueError):
        return None
    expires = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC) + share_expiry()
    return expires if expires > timezone.now() else None
