"""Summits and meetings of the Alliance, and the topics records are tagged with."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.translation import Translated

from .base import Citable, Publishable, SpanMixin, date_fields, date_order_indexes, span_constraints


class Topic(Citable, Translated, Publishable):
    translated_fields = ("name", "description")
    name = models.CharField(max_length=100, unique=True)
    name_fr = models.CharField("name in French", max_length=100, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    description_fr = models.TextField("description in French", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:topic-detail", kwargs={"slug": self.slug})


class Event(SpanMixin, Citable, Translated, Publishable):
    """A summit or meeting at which the Allies decided something about partnership."""

    class Kind(models.TextChoices):
        SUMMIT = "summit", _("Summit")
        MINISTERIAL = "ministerial", _("Ministerial meeting")
        MEETING = "meeting", _("Meeting")
        OTHER = "other", _("Other")

    translated_fields = ("name", "summary", "decisions")
    name = models.CharField(max_length=200, unique=True)
    name_fr = models.CharField("name in French", max_length=200, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUMMIT)
    start_date, start_precision = date_fields("from")
    end_date, end_precision = date_fields("until")
    city = models.CharField(max_length=100, blank=True)
    country = models.ForeignKey(
        "registry.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    summary = models.TextField(blank=True)
    summary_fr = models.TextField("summary in French", blank=True)
    decisions = models.TextField(blank=True, help_text="What was decided, one decision a line.")
    decisions_fr = models.TextField("decisions in French", blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="events")

    class Meta:
        indexes = date_order_indexes("event", "start")
        ordering = ["start_date", "name"]
        constraints = span_constraints("event")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:event-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.clean_span()
