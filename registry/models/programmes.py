"""Partnership programmes and frameworks, and the countries taking part in them."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.names import NameThen, name_on
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


class Programme(HasOtherNames, SpanMixin, Citable, Translated, Publishable):
    """A partnership programme, plan, dialogue or forum (PfP, IPAP, EAPC ...)."""

    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum for dialogue")
        PROGRAMME = "programme", _("Partnership programme")
        ACTION_PLAN = "action_plan", _("Action plan")
        DIALOGUE = "dialogue", _("Dialogue")
        MISSION = "mission", _("Mission")

    translated_fields = ("name", "description")
    name = models.CharField(max_length=200, unique=True)
    name_fr = models.CharField("name in French", max_length=200, blank=True)
    short_name = models.CharField(max_length=30, blank=True, help_text='e.g. "PfP", "IPAP".')
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    description_fr = models.TextField("description in French", blank=True)
    start_date, start_precision = date_fields("launched")
    end_date, end_precision = date_fields("ended")
    ongoing = ongoing_field("still running")
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text="The framework this one replaced (EAPC replaced NACC).",
    )
    part_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="components",
        help_text="The wider programme it belongs to (Individual Partnership Programmes are "
        "part of the Partnership for Peace).",
    )
    launched_at = models.ForeignKey(
        "registry.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes_launched",
        help_text="The summit or event that launched it.",
    )
    launch_note = models.CharField(
        max_length=300,
        blank=True,
        help_text='e.g. "Launched by the Allies after the Prague Summit".',
    )

    class Meta:
        indexes = date_order_indexes("programme", "start", "end")
        ordering = ["start_date", "name"]
        constraints = span_constraints("programme", ongoing=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:programme-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.clean_span()


class Participation(SpanMixin, Citable, Translated, Publishable):
    """A country's part in a programme, with the dates the sources give."""

    class Stage(models.TextChoices):
        IN_PREPARATION = "preparation", _("In preparation")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    translated_fields = ("summary",)
    country = models.ForeignKey(
        "registry.Country", on_delete=models.PROTECT, related_name="participations"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="participations"
    )
    stage = models.CharField(
        max_length=12,
        choices=Stage.choices,
        default=Stage.ACTIVE,
        help_text="In preparation: announced or being negotiated, not yet agreed.",
    )
    start_date, start_precision = date_fields("from")
    end_date, end_precision = date_fields("until")
    ongoing = ongoing_field("still active")
    summary = models.TextField(blank=True)
    summary_fr = models.TextField("summary in French", blank=True)

    public_requires = ("country", "programme")

    class Meta:
        indexes = date_order_indexes("participation", "start", "end")
        ordering = ["start_date", "country__name"]
        constraints = [
            *span_constraints("participation", ongoing=True),
            models.UniqueConstraint(
                fields=["country", "programme", "start_date"],
                name="participation_unique_start",
                violation_error_message=_(
                    "This country already has this programme from that date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} in {self.programme.short_name or self.programme.name}"

    def get_absolute_url(self) -> str:
        return reverse("registry:participation-detail", kwargs={"pk": self.pk})

    @property
    def programme_then(self) -> NameThen:
        """The programme's name when the participation began."""
        return name_on(self.programme, self.start, self.programme.name)

    @property
    def country_then(self) -> NameThen:
        return name_on(self.country, self.start, self.country.name)

    def clean(self) -> None:
        self.clean_span()
