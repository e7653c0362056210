"""NATO's offices in and for the partner regions."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from registry.translation import Translated

from .base import (
    Citable,
    Publishable,
    SpanMixin,
    date_fields,
    date_order_indexes,
    ongoing_field,
    span_constraints,
)
from .names import HasOtherNames

phone_validator = RegexValidator(
    r"^\+?[0-9 ()./-]{5,40}$",
    "Enter a phone number of digits, spaces, brackets and an optional leading +.",
)


class Office(HasOtherNames, SpanMixin, Citable, Translated, Publishable):
    """A liaison or representative office. A closed office stays on record, marked closed."""

    translated_fields = ("name", "description", "closure_note")
    name = models.CharField(max_length=200, unique=True)
    name_fr = models.CharField("name in French", max_length=200, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    city = models.CharField(max_length=100, blank=True)
    host_country = models.ForeignKey(
        "registry.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="offices"
    )
    address = models.TextField(blank=True, help_text="Postal address, one line per line.")
    phone = models.CharField(max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(blank=True)
    start_date, start_precision = date_fields("opened")
    end_date, end_precision = date_fields("closed")
    ongoing = ongoing_field("still open")
    countries_covered = models.ManyToManyField(
        "registry.Country", blank=True, related_name="covering_offices"
    )
    description = models.TextField(blank=True)
    description_fr = models.TextField("description in French", blank=True)
    closure_note = models.TextField(
        blank=True, help_text="What happened to the office's work when it closed."
    )
    closure_note_fr = models.TextField("closure note in French", blank=True)
    succeeded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="The office that took over its work, if it is in the registry.",
    )

    class Meta:
        indexes = date_order_indexes("office", "start", "end")
        ordering = ["name"]
        constraints = span_constraints("office", ongoing=True)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:office-detail", kwargs={"slug": self.slug})

    @property
    def is_closed(self) -> bool:
        return self.end_date is not None

    def clean(self) -> None:
        self.clean_span()
