"""Names as they were: the other names a country, a city, an office, a post, an organisation
or a programme was known by, with the dates they were used (Popolo's `other_names`).

A record keeps its name of today; an `OtherName` says what it was called between two
partial dates, so that a fact of that time shows the name then, with today's beside it
("Nur-Sultan (now Astana)"; registry/names.py). A city has no record of its own: its other
names hang from its country, with `city` naming it as the records write it today.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from .base import SpanMixin, date_fields, span_constraints
from .versioning import Versioned


class OtherName(SpanMixin, Versioned):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    city = models.CharField(
        max_length=100,
        blank=True,
        help_text=gettext_lazy(
            "Only on a country, for one of its cities: the city's name as the records write it "
            "today (e.g. Astana). Leave empty when this is a name of the record itself."
        ),
    )
    name = models.CharField(
        max_length=200, help_text=gettext_lazy("The name used then, as the sources write it.")
    )
    start_date, start_precision = date_fields("used from")
    end_date, end_precision = date_fields("used until")
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text=gettext_lazy('Optional, public: e.g. "renamed in March 2019".'),
    )

    class Meta:
        ordering = ["content_type", "object_id", "city", "start_date", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="othername_record")]
        constraints = [
            *span_constraints("othername"),
            models.CheckConstraint(condition=~Q(name=""), name="othername_has_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})" if self.city else self.name

    def clean(self) -> None:
        self.clean_span()

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


class HasOtherNames(models.Model):
    """A record whose name changed: its other names with the dates they were used."""

    other_names = GenericRelation(OtherName, related_query_name="%(class)s")

    class Meta:
        abstract = True
