"""People, the posts they hold and their appointments to them."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from registry.names import NameThen, name_on
from registry.partial_dates import PartialDate, Precision
from registry.translation import Translated

from .base import (
    Citable,
    Publishable,
    SpanMixin,
    date_fields,
    date_order_indexes,
    ongoing_field,
    single_date_constraints,
    span_constraints,
    to_partial,
)
from .names import HasOtherNames


class Person(Citable, Translated, Publishable):
    translated_fields = ("summary",)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    sort_name = models.CharField(
        max_length=200, blank=True, help_text='For alphabetical lists, e.g. "Simmons, Robert".'
    )
    summary = models.TextField(blank=True)
    summary_fr = models.TextField("summary in French", blank=True)

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name_plural = "people"
        # The alphabetical public list of people pages through this.
        indexes = [models.Index(fields=["sort_name", "name", "id"], name="person_alphabetical")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:person-detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs) -> None:
        if not self.sort_name:
            *given, family = self.name.split() or [""]
            self.sort_name = f"{family}, {' '.join(given)}".strip(", ")
        super().save(*args, **kwargs)


class Position(HasOtherNames, SpanMixin, Citable, Translated, Publishable):
    """A post that exists whether or not anyone holds it."""

    translated_fields = ("title", "duties", "notes")
    title = models.CharField(max_length=250, unique=True)
    title_fr = models.CharField("title in French", max_length=250, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.PROTECT, related_name="positions"
    )
    office = models.ForeignKey(
        "registry.Office",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        help_text="The office the post is based in, if any.",
    )
    duties = models.TextField(blank=True)
    duties_fr = models.TextField("duties in French", blank=True)
    start_date, start_precision = date_fields("created")
    end_date, end_precision = date_fields("abolished")
    ongoing = ongoing_field("still exists")
    established_by = models.ForeignKey(
        "registry.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions_established",
        help_text="The summit or decision that created the post.",
    )
    max_holders = models.PositiveSmallIntegerField(
        "holders at once",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="How many people may hold the post at the same time (1 for a single post).",
    )
    notes = models.TextField(blank=True)
    notes_fr = models.TextField("notes in French", blank=True)

    class Meta:
        indexes = date_order_indexes("position", "start", "end")
        ordering = ["title"]
        constraints = [
            *span_constraints("position", ongoing=True),
            models.CheckConstraint(
                condition=Q(max_holders__gte=1), name="position_max_holders_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registry:position-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.clean_span()
        if self.pk is None or not self.max_holders:
            return
        spans = [a.certain_span() for a in self.appointments.all()]
        peak = peak_holders([span for span in spans if span])
        if peak > self.max_holders:
            raise ValidationError(
                {
                    "max_holders": ngettext(
                        "%(count)d person held this post at the same time; "
                        "end or correct their appointments before lowering the limit.",
                        "%(count)d people held this post at the same time; "
                        "end or correct their appointments before lowering the limit.",
                        peak,
                    )
                    % {"count": peak}
                }
            )

    def save(self, *args, **kwargs) -> None:
        # Atomic so that a limit the database refuses for the appointments is not kept.
        with transaction.atomic():
            super().save(*args, **kwargs)
            # The exclusion constraint reads the holder limit from the appointment row itself.
            self.appointments.exclude(single_holder=self.max_holders == 1).update(
                single_holder=self.max_holders == 1
            )


class Appointment(SpanMixin, Citable, Translated, Publishable):
    """A person holding a post from one partial date to another."""

    class Capacity(models.TextChoices):
        SUBSTANTIVE = "substantive", _("Substantive")
        ACTING = "acting", _("Acting")
        AD_INTERIM = "ad_interim", _("Ad interim")

    translated_fields = ("notes",)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="appointments")
    capacity = models.CharField(
        max_length=12, choices=Capacity.choices, default=Capacity.SUBSTANTIVE
    )
    start_date, start_precision = date_fields("from")
    end_date, end_precision = date_fields("until")
    ongoing = ongoing_field("still in post")
    # The sources often give no term, only an occasion on which the person was in post.
    attested_date, attested_precision = date_fields("in post on")
    attested_visit = models.ForeignKey(
        "registry.Visit",
        verbose_name="in post at the visit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attested_appointments",
        help_text="A visit at which a source shows the person in this post.",
    )
    ordinal = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1 for the first holder of the post, if the sources say."
    )
    notes = models.TextField(blank=True)
    notes_fr = models.TextField("notes in French", blank=True)
    single_holder = models.BooleanField(default=True, editable=False)

    public_requires = ("person", "position")

    class Meta:
        indexes = date_order_indexes("appointment", "start", "end")
        ordering = ["position__title", "start_date"]
        constraints = [
            *span_constraints("appointment", ongoing=True),
            *single_date_constraints("appointment", "attested_date", "attested_precision"),
            models.UniqueConstraint(
                fields=["position", "ordinal"],
                name="appointment_unique_ordinal",
                violation_error_message=_("Another appointment to this post has that number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.position}"

    def get_absolute_url(self) -> str:
        return reverse("registry:appointment-detail", kwargs={"pk": self.pk})

    @property
    def position_then(self) -> NameThen:
        """The post's title when the appointment began (or was attested)."""
        return name_on(self.position, self.start or self.attested, self.position.title)

    def certain_span(self) -> tuple[dt.date, dt.date | None] | None:
        """The days the person surely held the post: [first, last) with None for open.

        None when no day is certain (unknown start, or an end that is neither known nor
        ongoing). The PostgreSQL exclusion constraint uses the same rule.
        """
        start, end = self.start, self.end
        if start is None or (end is None and not self.ongoing):
            return None
        first = start.latest
        if end is None:
            return first, None
        last = max(first, end.earliest)
        return (first, last) if last > first else None

    def overlapping(self) -> list[Appointment]:
        mine = self.certain_span()
        if mine is None or self.position_id is None:
            return []
        others = Appointment.objects.filter(position_id=self.position_id).exclude(pk=self.pk)
        return [
            other
            for other in others.select_related("person")
            if _overlap(mine, other.certain_span())
        ]

    @property
    def attested(self) -> PartialDate | None:
        """A date on which a source shows the person in post."""
        return to_partial(self.attested_date, self.attested_precision)

    @attested.setter
    def attested(self, value: PartialDate | None) -> None:
        if isinstance(value, str):
            value = PartialDate.parse(value)
        self.attested_date, self.attested_precision = (
            (value.date, value.precision) if value else (None, Precision.DAY)
        )

    def clean_attested(self) -> None:
        attested = self.attested
        if attested is None or self.attested_precision not in Precision.values:
            return
        self.attested = attested  # a month to its first day, a year to 1 January
        start, end = self.start, self.end
        if start and attested.latest < start.earliest:
            raise ValidationError(
                {
                    "attested_date": gettext(
                        "In post on %(attested)s, before the start (%(start)s)."
                    )
                    % {"attested": attested, "start": start}
                }
            )
        if end and attested.earliest > end.latest:
            raise ValidationError(
                {
                    "attested_date": gettext("In post on %(attested)s, after the end (%(end)s).")
                    % {"attested": attested, "end": end}
                }
            )

    def clean(self) -> None:
        self.clean_span()
        self.clean_attested()
        if self.position_id is None:
            return
        clashes = self.overlapping()
        limit = self.position.max_holders
        if (
            clashes
            and peak_holders([self.certain_span(), *(c.certain_span() for c in clashes)]) > limit
        ):
            unknown = gettext("unknown")
            names = ", ".join(
                f"{c.person} ({c.start or unknown} – {c.end or '…'})" for c in clashes
            )
            raise ValidationError(
                {
                    "start_date": ngettext(
                        "%(position)s may have %(count)d holder at once; "
                        "these appointments overlap: %(names)s.",
                        "%(position)s may have %(count)d holder(s) at once; "
                        "these appointments overlap: %(names)s.",
                        limit,
                    )
                    % {"position": self.position, "count": limit, "names": names}
                }
            )

    def save(self, *args, **kwargs) -> None:
        self.single_holder = self.position.max_holders == 1
        super().save(*args, **kwargs)


def peak_holders(spans: list[tuple[dt.date, dt.date | None]]) -> int:
    """The most spans that cover one day; spans are half open, so handovers do not count."""
    changes = []
    for first, end in spans:
        changes += [(first, 1), (end or dt.date.max, -1)]
    peak = current = 0
    for _day, delta in sorted(changes):  # at the same day, an end (-1) sorts before a start
        current += delta
        peak = max(peak, current)
    return peak


def _overlap(a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None] | None) -> bool:
    if b is None:
        return False
    a_end = a[1] or dt.date.max
    b_end = b[1] or dt.date.max
    return a[0] < b_end and b[0] < a_end
