"""Building blocks shared by the registry's models: publication state, partial-date spans
and citations."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncMonth, TruncYear

from registry.partial_dates import PartialDate, Precision


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self) -> PublishableQuerySet:
        """The records the public may see. Every public query starts here."""
        return self.filter(status=Status.PUBLISHED)

    def drafts(self) -> PublishableQuerySet:
        return self.exclude(status=Status.PUBLISHED)


class Publishable(models.Model):
    """A record with a public page: it stays private until an editor publishes it."""

    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published records appear on the public site and in the API.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class Citable(models.Model):
    """A record whose facts are backed by citations of sources."""

    citations = GenericRelation("registry.Citation", related_query_name="%(class)s")

    class Meta:
        abstract = True


def date_fields(label: str) -> tuple[models.DateField, models.CharField]:
    """The two columns of one partial date: its first day and its precision.

    Declared as `start_date, start_precision = date_fields("opened")` so that each model
    names its dates in the editors' words.
    """
    return (
        models.DateField(
            label,
            null=True,
            blank=True,
            help_text="Leave empty when the sources do not say. For a month or a year, "
            "enter its first day and choose the precision.",
        ),
        models.CharField(
            f"{label} precision",
            max_length=5,
            choices=Precision.choices,
            default=Precision.DAY,
            help_text="How precisely the sources give this date: it is never shown more precisely.",
        ),
    )


def _normalised(date: str, precision: str) -> Q:
    """A month is stored as its first day, a year as 1 January."""
    return (
        Q(**{f"{date}__isnull": True})
        | Q(**{precision: Precision.DAY})
        | Q(**{precision: Precision.MONTH, f"{date}__day": 1})
        | Q(**{precision: Precision.YEAR, f"{date}__day": 1, f"{date}__month": 1})
    )


def ongoing_field(label: str) -> models.BooleanField:
    """Whether a span is known to continue today, as distinct from an end the sources omit."""
    return models.BooleanField(
        label,
        default=False,
        help_text="Tick only when the sources say it continues; leave unticked when the end "
        "is simply unknown.",
    )


def span_constraints(name: str, *, ongoing: bool = False) -> list[models.BaseConstraint]:
    """Database checks for a model with a start and an end partial date.

    The end may not lie certainly before the start: "2004" may end a span that started in
    June 2004, but "May 2004" may not. Because a month or a year is stored as its first day,
    that is the end's first day compared with the start truncated to the end's precision.
    """
    return [
        models.CheckConstraint(
            condition=_normalised("start_date", "start_precision"), name=f"{name}_start_normalised"
        ),
        models.CheckConstraint(
            condition=_normalised("end_date", "end_precision"), name=f"{name}_end_normalised"
        ),
        models.CheckConstraint(
            condition=Q(end_date__isnull=True)
            | Q(start_date__isnull=True)
            | Q(end_precision=Precision.DAY, end_date__gte=F("start_date"))
            | Q(end_precision=Precision.MONTH, end_date__gte=TruncMonth("start_date"))
            | Q(end_precision=Precision.YEAR, end_date__gte=TruncYear("start_date")),
            name=f"{name}_end_not_before_start",
            violation_error_message="The end date is before the start date.",
        ),
        *(
            [
                models.CheckConstraint(
                    condition=Q(ongoing=False) | Q(end_date__isnull=True),
                    name=f"{name}_ongoing_has_no_end",
                    violation_error_message="A span that continues today has no end date.",
                )
            ]
            if ongoing
            else []
        ),
    ]


def single_date_constraints(name: str, date: str, precision: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=_normalised(date, precision), name=f"{name}_{date}_normalised"
        )
    ]


def to_partial(date: dt.date | None, precision: str) -> PartialDate | None:
    return PartialDate(date, precision) if date else None


class SpanMixin:
    """Python side of a start/end pair declared with `date_fields`."""

    start_date: dt.date | None
    start_precision: str
    end_date: dt.date | None
    end_precision: str

    @property
    def start(self) -> PartialDate | None:
        return to_partial(self.start_date, self.start_precision)

    @start.setter
    def start(self, value: PartialDate | None) -> None:
        self.start_date, self.start_precision = _split(value)

    @property
    def end(self) -> PartialDate | None:
        return to_partial(self.end_date, self.end_precision)

    @end.setter
    def end(self, value: PartialDate | None) -> None:
        self.end_date, self.end_precision = _split(value)

    def normalise_dates(self) -> None:
        # Re-setting through PartialDate moves a month to its first day, a year to 1 January.
        self.start = self.start
        self.end = self.end

    def clean_span(self, start_field: str = "start_date", end_field: str = "end_date") -> None:
        if not {self.start_precision, self.end_precision} <= set(Precision.values):
            return  # the precision field's own validation reports the bad choice
        self.normalise_dates()
        start, end = self.start, self.end
        if start and end and end.latest < start.earliest:
            raise ValidationError({end_field: f"The end ({end}) is before the start ({start})."})
        if getattr(self, "ongoing", False) and end:
            raise ValidationError(
                {"ongoing": "It cannot both continue today and have an end date."}
            )

    def certainly_active_on(self, day: dt.date) -> bool:
        """True when the span surely covered `day`, whatever the unknown parts of its dates."""
        start, end = self.start, self.end
        if start is None or start.latest > day:
            return False
        if end is None:
            return bool(getattr(self, "ongoing", False))
        return day <= end.earliest

    def possibly_active_on(self, day: dt.date) -> bool:
        start, end = self.start, self.end
        if start is not None and start.earliest > day:
            return False
        return end is None or day <= end.latest


def _split(value: PartialDate | None) -> tuple[dt.date | None, str]:
    if value is None:
        return None, Precision.DAY
    if isinstance(value, str):
        value = PartialDate.parse(value)
    return value.date, value.precision
