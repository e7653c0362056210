"""Revoked share links (registry/publication/share_links.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ShareLinkRevocation(models.Model):
    """The share links of one record revoked so far: each link carries the record's
    generation when it was issued, and only links of the current generation work.

    A record whose links were never revoked has no row (generation 0). Kept apart from
    the records themselves so that revoking touches no record and no public cache.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    generation = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="share_link_revocation_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}: generation {self.generation}"
