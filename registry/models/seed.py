"""Bookkeeping for the seed loader."""

from __future__ import annotations

from django.db import models


class SeedEntry(models.Model):
    """One seed record the loader has created.

    The loader creates a seed record only if no entry exists for its key, so a second run
    changes nothing, and a record an editor has since edited or deleted is left as it is.
    """

    key = models.CharField(max_length=200, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "seed entries"

    def __str__(self) -> str:
        return self.key
