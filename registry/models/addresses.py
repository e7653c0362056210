"""Addresses a public record no longer answers at (registry/publication/addresses.py)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models


class RetiredAddress(models.Model):
    """A key (slug, or id for records addressed by id) a record was once reached at.

    While the record lives, its old key answers a permanent redirect to its address now;
    once a public record is deleted, its keys answer 410 Gone. A key another record takes
    later is that record's again, and its row goes.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    key = models.CharField(max_length=120)
    object_id = models.PositiveBigIntegerField()
    retired_at = models.DateTimeField()
    deleted = models.BooleanField(
        default=False, help_text="The record was deleted while public: its keys answer 410."
    )
    # What the record was called, for the 410 page.
    label = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "key"], name="retired_address_one_record_per_key"
            ),
            models.CheckConstraint(condition=~models.Q(key=""), name="retired_address_key"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="retired_address_record")
        ]

    def __str__(self) -> str:
        state = "gone" if self.deleted else f"→ {self.object_id}"
        return f"{self.content_type.model} {self.key} {state}"

    @classmethod
    def for_model(cls, model: type[models.Model]) -> models.QuerySet[RetiredAddress]:
        return cls.objects.filter(content_type=ContentType.objects.get_for_model(model))
