"""Review before a change goes live: pending revisions, review comments, autosaved forms.

A published record has what the public sees (its live rows) and at most one
`PendingRevision`: the editors' next version of it, inlines included, stored as the rows it
would write. Publishing the revision writes them over the live rows (registry/publication/
revisions.py); until then no public output changes. None of these tables is ever public.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _


class PendingRevision(models.Model):
    """The editors' next version of one published record, waiting for a Publisher."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    # The rows it would write: {"parent": row, "children": {label: [row, ...]}}, each row in
    # Django's serialisation ({"model", "pk", "fields"}).
    data = models.JSONField()
    # Goes up with every save of the revision: an autosave or a save based on an older one is
    # refused, as for records.
    number = models.PositiveIntegerField(default=1)
    # Fields and inline rows it changes against the live version when last saved (the
    # review queue shows it without reading every revision).
    changes = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes_requested_at = models.DateTimeField(null=True, blank=True)
    changes_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    go_live_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Published by itself at this time."
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set by the one request that applies a due revision (see revisions.apply_due).
    claim = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_pending_revision_per_record"
            ),
            # Whoever scheduled it is known only with a time.
            models.CheckConstraint(
                condition=Q(go_live_at__isnull=False) | Q(scheduled_by__isnull=True),
                name="pending_revision_schedule_has_time",
            ),
        ]
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return _("Pending revision of %(model)s #%(id)s") % {
            "model": self.content_type.model,
            "id": self.object_id,
        }


class ReviewComment(models.Model):
    """A reviewer's or editor's note on a record, optionally on one of its fields. Never
    public."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field_name = models.CharField(max_length=100, blank=True)
    body = models.TextField()
    # "Request changes" leaves a comment of this kind, which the editor sees on the record.
    requests_changes = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "resolved_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="review_comment_has_text"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=False) | Q(resolved_by__isnull=True),
                name="review_comment_resolved_when",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class FormDraft(models.Model):
    """What one editor typed into a change form, saved every few seconds, kept until they
    save the form or discard it: restored after a closed tab. Private to its editor."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    # The form's inputs, {name: [values]}, and the edit token it was opened with.
    data = models.JSONField()
    token = models.TextField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="one_form_draft_per_editor"
            )
        ]

    def __str__(self) -> str:
        return _("Form draft of %(model)s #%(id)s") % {
            "model": self.content_type.model,
            "id": self.object_id,
        }
