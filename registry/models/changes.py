"""The public change log (registry/publication/change_log.py)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy


class PublicChangeQuerySet(models.QuerySet):
    def visible(self) -> PublicChangeQuerySet:
        """The changes that have happened: a scheduled publication or expiry is listed from
        its time on, not before."""
        return self.filter(at__lte=timezone.now())


class PublicChange(models.Model):
    """One change the public could see: a record published, corrected, unpublished or
    deleted, with the public values before and after. Written when the change is saved;
    never holds draft content or who made it (unless CHANGE_LOG_NAMES_EDITORS)."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("public change", "Published")
        CORRECTED = "corrected", pgettext_lazy("public change", "Corrected")
        UNPUBLISHED = "unpublished", pgettext_lazy("public change", "Unpublished")
        DELETED = "deleted", pgettext_lazy("public change", "Deleted")

    at = models.DateTimeField(db_index=True, help_text="When the public saw the change.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    label = models.CharField(max_length=300, help_text="The record's public name then.")
    path = models.CharField(max_length=300, blank=True, help_text="Its public address then.")
    # [{"field": label, "before": text, "after": text}], in the words of the record's page;
    # a change of a leg, meeting or citation names the row: "Leg: Georgia".
    fields = models.JSONField(default=list, blank=True)
    note = models.CharField(
        "public note", max_length=300, blank=True, help_text="Why, for the public."
    )
    editor = models.CharField(max_length=150, blank=True)

    objects = PublicChangeQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="public_change_record"),
            models.Index(fields=["kind", "at"], name="public_change_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["published", "corrected", "unpublished", "deleted"]),
                name="public_change_kind_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"
