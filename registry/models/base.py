"""Building blocks shared by the registry's models: publication state and scheduling,
partial-date spans and citations."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import class_prepared
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.partial_dates import PartialDate, Precision, ends_on_or_after_q
from registry.publication.visibility import (
    PublicState,
    Status,
    is_public,
    public_state,
    visible_q,
)

from .versioning import Versioned


class PublishableQuerySet(models.QuerySet):
    def published(self) -> PublishableQuerySet:
        """The records the public may see now (`registry.publication.visibility`). Every
        public query starts here."""
        return self.filter(visible_q(self.model))

    def drafts(self) -> PublishableQuerySet:
        return self.exclude(status=Status.PUBLISHED)

    def scheduled(self) -> PublishableQuerySet:
        """Published records whose `publish_at` is still to come."""
        return self.filter(status=Status.PUBLISHED, publish_at__gt=timezone.now())

    def expired(self) -> PublishableQuerySet:
        return self.filter(status=Status.PUBLISHED, expire_at__lte=timezone.now())


class Publishable(Versioned):
    """A record with a public page: it stays private until an editor publishes it.

    Publishing is explicit (`Status.PUBLISHED`); `publish_at` and `expire_at` optionally
    bound when a published record is public. Unpublishing returns a record to draft; the
    history records who published or unpublished it and when.
    """

    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published records appear on the public site and in the API.",
    )
    publish_at = models.DateTimeField(
        "publish at",
        null=True,
        blank=True,
        help_text="Optional: a published record stays hidden until this time.",
    )
    expire_at = models.DateTimeField(
        "expire at",
        null=True,
        blank=True,
        help_text="Optional: a published record disappears from the public site at this time.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The linked records that must be public for this one to be (see `visible_q`).
    public_requires: ClassVar[tuple[str, ...]] = ()

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        """True when the public sees this record now (`visibility.is_public`)."""
        return is_public(self)

    def public_state(self, now: dt.datetime | None = None) -> PublicState:
        return public_state(self, now)

    def delete(self, *args, **kwargs):
        # One history batch for the record and everything its deletion cascades to, so
        # that "restore" brings back exactly the children deleted with it.
        from .history import recorded

        with recorded():
            return super().delete(*args, **kwargs)


def publication_indexes(model_name: str) -> list[models.Index]:
    """The public cache finds the next scheduled publication or expiry through these."""
    return [
        models.Index(
            fields=[name],
            name=f"{model_name}_{name}"[:30],
            condition=Q(**{f"{name}__isnull": False}),
        )
        for name in ("publish_at", "expire_at")
    ]


def publication_constraints(model_name: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(publish_at__isnull=True)
            | Q(expire_at__isnull=True)
            | Q(expire_at__gt=F("publish_at")),
            name=f"{model_name}_expire_after_publish",
            violation_error_code="expire_before_publish",
            violation_error_message=_("The expiry time must be after the publication time."),
        )
    ]


@receiver(class_prepared)
def _add_publication_options(sender: type[models.Model], **kwargs) -> None:
    """Every concrete publishable model gets `publication_constraints` and a permission
    `publish_<model>` (granted to the "Publisher" group by migration 0008).

    Each model declares its own Meta, which does not inherit an abstract parent's, so the
    shared options are added here rather than repeated in every model's Meta.
    """
    meta = sender._meta
    if meta.abstract or meta.proxy or not issubclass(sender, Publishable):
        return
    names = {constraint.name for constraint in meta.constraints}
    added = [c for c in publication_constraints(meta.model_name) if c.name not in names]
    if added:
        meta.constraints = [*meta.constraints, *added]
        # Migrations read a model's options from original_attrs.
        meta.original_attrs["constraints"] = meta.constraints
    names = {index.name for index in meta.indexes}
    added = [i for i in publication_indexes(meta.model_name) if i.name not in names]
    if added:
        meta.indexes = [*meta.indexes, *added]
        meta.original_attrs["indexes"] = meta.indexes
    codename = f"publish_{meta.model_name}"
    if codename not in {name for name, _ in meta.permissions}:
        label = f"Can publish, unpublish and schedule {meta.verbose_name_plural}"
        meta.permissions = [*meta.permissions, (codename, label)]
        meta.original_attrs["permissions"] = meta.permissions


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


def date_order_indexes(name: str, *dates: str) -> list[models.Index]:
    """Indexes in timeline order (a date's first day, then its precision: "day" < "month"
    < "year" sorts a day before the month and the year that contain it, then the id), so
    that the database merges the timeline's kinds of fact without sorting them all."""
    return [
        models.Index(
            fields=[f"{date}_date", f"{date}_precision", "id"], name=f"{name}_{date}_order"
        )
        for date in dates
    ]


def span_constraints(name: str, *, ongoing: bool = False) -> list[models.BaseConstraint]:
    """Database checks for a model with a start and an end partial date.

    The end may not lie certainly before the start: "2004" may end a span that started in
    June 2004, but "May 2004" may not. Because a month or a year is stored as its first day,
    that is the end's last day on or after the start's first day (`ends_on_or_after_q`).
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
            | ends_on_or_after_q("end_date", "end_precision", F("start_date")),
            name=f"{name}_end_not_before_start",
            violation_error_message=_("The end date is before the start date."),
        ),
        *(
            [
                models.CheckConstraint(
                    condition=Q(ongoing=False) | Q(end_date__isnull=True),
                    name=f"{name}_ongoing_has_no_end",
                    violation_error_message=_("A span that continues today has no end date."),
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
            raise ValidationError(
                {
                    end_field: gettext("The end (%(end)s) is before the start (%(start)s).")
                    % {"end": end, "start": start}
                }
            )
        if getattr(self, "ongoing", False) and end:
            raise ValidationError(
                {"ongoing": gettext("It cannot both continue today and have an end date.")}
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
