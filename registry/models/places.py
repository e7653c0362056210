"""Where partnership happens: regions, countries and the organisations that hold posts."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.translation import Translated

from .base import Citable, Publishable
from .names import HasOtherNames


class Region(Citable, Translated, Publishable):
    translated_fields = ("name", "summary")
    name = models.CharField(max_length=100, unique=True)
    name_fr = models.CharField("name in French", max_length=100, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True, help_text="A short profile shown on the region page.")
    summary_fr = models.TextField("summary in French", blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:region-detail", kwargs={"slug": self.slug})


PARTNER_TEXT = {True: _("Yes"), False: _("No"), None: _("Not stated in the sources")}


class Country(HasOtherNames, Citable, Translated, Publishable):
    translated_fields = ("name", "profile")
    name = models.CharField(
        max_length=100, unique=True, help_text='The name as NATO writes it, e.g. "Kyrgyz Republic".'
    )
    name_fr = models.CharField("name in French", max_length=100, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    iso_code = models.CharField(
        "ISO 3166 code",
        max_length=2,
        unique=True,
        help_text="Two capital letters (ISO 3166-1 alpha-2), e.g. GE for Georgia.",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countries",
        help_text="Empty for countries outside the two partner regions (e.g. a host country).",
    )
    # Three states: yes, no, or not stated (null). A source that lists NATO's partners in
    # the two regions makes a country a partner; only a source that says so makes it not one.
    is_partner = models.BooleanField(
        "NATO partner in the region",
        null=True,
        blank=True,
        default=None,
        help_text=(
            "A partner country of the South Caucasus or Central Asia. Leave it not stated "
            "unless a source says whether the country is a partner."
        ),
    )
    profile = models.TextField(blank=True)
    profile_fr = models.TextField("profile in French", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=Q(iso_code__regex=r"^[A-Z]{2}\Z"),
                name="country_iso_code_two_capitals",
                violation_error_message=_("The ISO code is two capital letters."),
            ),
            models.CheckConstraint(
                # ~Q(is_partner=True) also holds when it is not stated (NULL).
                condition=~Q(is_partner=True) | Q(region__isnull=False),
                name="country_partner_has_region",
                violation_error_message=_("A partner country belongs to a region."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:country-detail", kwargs={"slug": self.slug})

    @property
    def partner_text(self) -> str:
        """Whether it is a NATO partner in the region, in the site's words."""
        return str(PARTNER_TEXT[self.is_partner])


class Organisation(HasOtherNames, Citable, Translated, Publishable):
    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("International organisation")
        GOVERNMENT = "government", _("Government")
        PARLIAMENT = "parliament", _("Parliament")
        HEAD_OF_STATE = "head_of_state", _("Office of the head of state")
        OTHER = "other", _("Other")

    translated_fields = ("name", "description")
    name = models.CharField(max_length=200, unique=True)
    name_fr = models.CharField("name in French", max_length=200, blank=True)
    short_name = models.CharField(max_length=30, blank=True, help_text='e.g. "NATO".')
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="The country it belongs to; empty for an international organisation.",
    )
    description = models.TextField(blank=True)
    description_fr = models.TextField("description in French", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation-detail", kwargs={"slug": self.slug})
