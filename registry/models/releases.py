"""Data releases: dated, numbered, checksummed snapshots of everything public
(registry/releases/)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _


class Release(models.Model):
    """One release: its archive in the releases storage and what it holds.

    A release is never edited or deleted once made: its address, archive and checksums are
    cited by whoever downloaded it.
    """

    number = models.PositiveIntegerField(unique=True)
    made_at = models.DateTimeField()
    # Who made it stays on the editors' side, like every editor's name.
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(
        blank=True, help_text="A short public note shown with the release, e.g. what it adds."
    )
    # The archive's name in the releases storage, its size and its sha256.
    archive = models.CharField(max_length=200, unique=True)
    archive_bytes = models.PositiveBigIntegerField()
    archive_sha256 = models.CharField(max_length=64)
    # [{"name", "bytes", "sha256"}] for every file in the archive, in archive order.
    files = models.JSONField(default=list)
    # {table: {"records", "added", "changed", "removed"}} against the release before.
    counts = models.JSONField(default=dict)
    # One sha256 over the data files: equal for two releases of the same public content.
    data_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-number"]
        verbose_name = "data release"
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="release_number_positive"),
        ]

    def __str__(self) -> str:
        return _("Release %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("registry:release-detail", kwargs={"number": self.number})

    @property
    def archive_name(self) -> str:
        return self.archive.rsplit("/", 1)[-1]

    @property
    def download_url(self) -> str:
        return reverse(
            "registry:release-file", kwargs={"number": self.number, "name": self.archive_name}
        )

    @property
    def checksums_url(self) -> str:
        return reverse(
            "registry:release-file", kwargs={"number": self.number, "name": "SHA256SUMS"}
        )

    @property
    def totals(self) -> dict[str, int]:
        return {
            key: sum(table.get(key, 0) for table in self.counts.values())
            for key in ("records", "added", "changed", "removed")
        }


class ReleaseRecord(models.Model):
    """A record as it stood in a release: the digest of its row, to tell what the next
    release added, changed and removed, and to cite the release a record is in."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="records")
    table = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "table", "record_id"], name="release_record_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["table", "record_id", "release"], name="release_record_lookup")
        ]

    def __str__(self) -> str:
        return _("%(table)s %(id)s in release %(number)s") % {
            "table": self.table,
            "id": self.record_id,
            "number": self.release_id,
        }
