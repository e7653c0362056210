"""Who may publish: the `publish_<model>` permission of each publishable model (granted to
the "Publisher" group by migration 0008)."""

from __future__ import annotations

from django.db import models


def publish_permission(model: type[models.Model] | models.Model) -> str:
    """The permission to publish, unpublish and schedule records of `model`."""
    meta = model._meta
    return f"{meta.app_label}.publish_{meta.model_name}"


def can_publish(user, model: type[models.Model] | models.Model) -> bool:
    return bool(user and user.is_active and user.has_perm(publish_permission(model)))
