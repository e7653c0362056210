"""Official visits: the trip, its legs in order and the meetings held on it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from registry.names import NameThen, city_on, name_on
from registry.partial_dates import PartialDate, describe
from registry.translation import Translated, shown_text

from .base import (
    Citable,
    Publishable,
    SpanMixin,
    date_fields,
    date_order_indexes,
    single_date_constraints,
    span_constraints,
    to_partial,
)
from .people import Appointment
from .versioning import Versioned

# The longest visit the database accepts (constraint visit_duration_range).
MAX_VISIT_DAYS = 366

# The orders of public lists of visits and of the API's cursor, undated visits last either
# way; each is served by an index (Visit.Meta.indexes). A NULL cannot be compared in a
# keyset condition, hence a sentinel date in place of an unknown start.
NEWEST_FIRST = (Coalesce("start_date", Value(dt.date.min), output_field=models.DateField()),)
OLDEST_FIRST = (Coalesce("start_date", Value(dt.date.max), output_field=models.DateField()),)


class Visit(SpanMixin, Citable, Translated, Publishable):
    translated_fields = ("title", "purpose", "summary")
    title = models.CharField(max_length=250)
    title_fr = models.CharField("title in French", max_length=250, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    traveller = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    traveller_position = models.ForeignKey(
        "registry.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        help_text="The post the traveller held at the time.",
    )
    start_date, start_precision = date_fields("from")
    end_date, end_precision = date_fields("until")
    duration_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text='When the sources give only the length ("a two-day visit").',
    )
    stop_order_known = models.BooleanField(
        "order of stops known",
        default=True,
        help_text="Untick when the sources name the stops without saying in which order they "
        "came: the stops are then shown as a set, in alphabetical order, and the legs' order "
        "numbers are kept only for the form.",
    )
    purpose = models.TextField(blank=True)
    purpose_fr = models.TextField("purpose in French", blank=True)
    summary = models.TextField(blank=True)
    summary_fr = models.TextField("summary in French", blank=True)
    topics = models.ManyToManyField("registry.Topic", blank=True, related_name="visits")

    # A visit names its traveller and their post, so it shows only once both records do.
    public_requires = ("traveller", "traveller_position")

    class Meta:
        ordering = ["-start_date", "title"]
        indexes = [
            *date_order_indexes("visit", "start"),
            models.Index(NEWEST_FIRST[0].desc(), F("id").desc(), name="visit_newest_first"),
            models.Index(OLDEST_FIRST[0].asc(), F("id").asc(), name="visit_oldest_first"),
            # The feeds list the visits added last.
            models.Index(F("created_at").desc(), F("id").desc(), name="visit_latest_added"),
            # The admin's changelist and year filter: read backwards, (start date, id)
            # descending.
            models.Index(fields=["start_date", "id"], name="visit_start_date_id"),
        ]
        constraints = [
            *span_constraints("visit"),
            models.CheckConstraint(
                condition=Q(duration_days__isnull=True)
                | Q(duration_days__gte=1, duration_days__lte=366),
                name="visit_duration_range",
                violation_error_message=_("A visit lasts between 1 and 366 days."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registry:visit-detail", kwargs={"slug": self.slug})

    def dates_text(self) -> str:
        """The visit's dates as every output words them (`describe_span`), or its length
        when that is all the sources give: "Dates not recorded (2-day visit)"."""
        if self.start is None and self.end is None and self.duration_days:
            days = self.duration_days
            if days > 1:
                return ngettext(
                    "Dates not recorded (%(days)d-day visit)",
                    "Dates not recorded (%(days)d-day visit)",
                    days,
                ) % {"days": days}
            return gettext("Dates not recorded (one day)")
        return describe(self)

    def stops(self) -> list[VisitLeg]:
        """The legs as the sources give them: in their order when it is known, otherwise
        alphabetically, so that no order is implied that the sources do not state."""
        legs = list(self.legs.all())
        if self.stop_order_known:
            return legs
        return sorted(legs, key=lambda leg: (leg.country.name, leg.city, leg.pk or 0))

    @property
    def shows_order(self) -> bool:
        """Whether the stops are shown as a sequence: a single stop has no order to hide."""
        return self.stop_order_known or len(self.legs.all()) <= 1

    def itinerary_text(self) -> str:
        """ "Yerevan, Armenia → Tbilisi, Georgia", or, with no known order, "Armenia,
        Azerbaijan and Georgia; the sources give no order". Used by feeds and calendar."""
        places = [
            f"{leg.city}, {shown_text(leg.country, 'name')}"
            if leg.city
            else shown_text(leg.country, "name")
            for leg in self.stops()
        ]
        if self.shows_order:
            return " → ".join(places)
        # Translators: "Armenia, Azerbaijan and Georgia; the sources give no order".
        return gettext("%(places)s and %(last)s; the sources give no order") % {
            "places": ", ".join(places[:-1]),
            "last": places[-1],
        }

    def clean(self) -> None:
        self.clean_span()

    def possible_days(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day the visit may have covered, whatever the unknown parts of
        its dates; None when it has none. A missing end (or start) is as far as a visit may
        last (duration_days, else the 366 days the database allows)."""
        start, end = self.start, self.end
        if start is None and end is None:
            return None
        reach = dt.timedelta(days=(self.duration_days or MAX_VISIT_DAYS) - 1)
        first = start.earliest if start else end.earliest - reach
        last = end.latest if end else start.latest + reach
        return first, last

    def traveller_post_problem(self) -> str:
        """Why the recorded appointments say the traveller cannot have held the post named
        for this visit at its dates, or "" when they may have (or say nothing either way).

        Sources are often incomplete, so only an impossibility counts: the person has no
        appointment to the post at all, or every appointment surely ended before the visit
        or began after it (`possibly_active_on`, which reads partial dates generously).
        """
        if self.traveller_id is None or self.traveller_position_id is None:
            return ""
        traveller, post = self.traveller, self.traveller_position
        held = list(Appointment.objects.filter(person=traveller, position=post))
        if not held:
            return gettext("No appointment of %(person)s as %(post)s is recorded.") % {
                "person": traveller,
                "post": post,
            }
        days = self.possible_days()
        if days is None or any(_may_have_held(appointment, *days) for appointment in held):
            return ""
        spans = "; ".join(describe(a) for a in held)
        return gettext(
            "%(person)s's recorded appointments as %(post)s (%(spans)s) do not cover the "
            "visit's dates (%(dates)s)."
        ) % {"person": traveller, "post": post, "spans": spans, "dates": describe(self)}


def _may_have_held(appointment: Appointment, first: dt.date, last: dt.date) -> bool:
    """Whether the appointment may have been current on some day from `first` to `last`."""
    start = appointment.start
    day = max(first, start.earliest) if start else first
    return day <= last and appointment.possibly_active_on(day)


class VisitLeg(SpanMixin, Translated, Versioned):
    """One stop of a visit; legs are shown in `order`."""

    translated_fields = ("notes",)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="legs")
    order = models.PositiveSmallIntegerField(default=0)
    country = models.ForeignKey(
        "registry.Country", on_delete=models.PROTECT, related_name="visit_legs"
    )
    city = models.CharField(max_length=100, blank=True)
    start_date, start_precision = date_fields("from")
    end_date, end_precision = date_fields("until")
    notes = models.TextField(blank=True)
    notes_fr = models.TextField("notes in French", blank=True)

    class Meta:
        ordering = ["visit", "order", "start_date"]
        constraints = [
            *span_constraints("visitleg"),
            models.UniqueConstraint(
                fields=["visit", "order"],
                name="visitleg_unique_order",
                violation_error_message=_("Two legs of this visit have the same order."),
            ),
        ]

    @property
    def when(self) -> PartialDate | None:
        """The date of the stop, or of its visit when the stop has none."""
        return self.start or (self.visit.start if self.visit_id else None)

    @property
    def city_then(self) -> NameThen:
        """The city's name at the time of the stop, with today's beside it if it differs."""
        return city_on(self.country, self.city, self.when)

    @property
    def country_then(self) -> NameThen:
        return name_on(self.country, self.when, self.country.name)

    def __str__(self) -> str:
        place = f"{self.city}, {self.country}" if self.city else str(self.country)
        # Named with its visit so that pickers can tell apart legs of different visits.
        return f"{self.visit.title}: {place}" if self.visit_id else place

    def clean(self) -> None:
        self.clean_span()
        if self.visit_id is None:
            return
        outside = _outside(self.visit, self.start, self.end)
        if outside:
            raise ValidationError(
                {
                    "start_date": gettext("The leg lies outside the visit's dates (%(why)s).")
                    % {"why": outside}
                }
            )


def _outside(visit: Visit, start, end) -> str:
    """Why a leg's dates cannot lie within its visit's, or "" when they can."""
    vstart, vend = visit.start, visit.end
    messages = (
        (
            start,
            gettext("its start %(date)s is before the visit starts (%(visit_start)s)"),
            gettext("its start %(date)s is after the visit ends (%(visit_end)s)"),
        ),
        (
            end,
            gettext("its end %(date)s is before the visit starts (%(visit_start)s)"),
            gettext("its end %(date)s is after the visit ends (%(visit_end)s)"),
        ),
    )
    for value, message_before, message_after in messages:
        if value is None:
            continue
        if vstart and value.latest < vstart.earliest:
            return message_before % {"date": value, "visit_start": vstart}
        if vend and value.earliest > vend.latest:
            return message_after % {"date": value, "visit_end": vend}
    return ""


class Meeting(Translated, Versioned):
    """A meeting on a visit, with a named counterpart or a group."""

    translated_fields = ("summary",)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="meetings")
    leg = models.ForeignKey(
        VisitLeg,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        help_text="The leg of the visit on which it took place.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    counterpart = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    counterpart_position = models.ForeignKey(
        "registry.Position",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text="The post the counterpart held at the time of the meeting.",
    )
    counterpart_group = models.CharField(
        max_length=250,
        blank=True,
        help_text='For a meeting with a group, e.g. "students at ADA University".',
    )
    city = models.CharField(max_length=100, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    date, date_precision = date_fields("date")
    summary = models.TextField(blank=True)
    summary_fr = models.TextField("summary in French", blank=True)
    topics = models.ManyToManyField("registry.Topic", blank=True, related_name="meetings")

    class Meta:
        ordering = ["visit", "order", "date"]
        constraints = [
            *single_date_constraints("meeting", "date", "date_precision"),
            models.CheckConstraint(
                condition=Q(counterpart__isnull=False) | ~Q(counterpart_group=""),
                name="meeting_has_counterpart",
                violation_error_message=_("Name the person met or describe the group."),
            ),
        ]

    def __str__(self) -> str:
        who = self.counterpart.name if self.counterpart_id else self.counterpart_group
        return f"Meeting with {who}"

    @property
    def when(self):
        return to_partial(self.date, self.date_precision)

    def clean(self) -> None:
        errors = {}
        if self.counterpart_id is None and not self.counterpart_group.strip():
            errors["counterpart"] = gettext("Name the person met or describe the group.")
        if self.leg_id and self.visit_id and self.leg.visit_id != self.visit_id:
            errors["leg"] = gettext("This leg belongs to another visit.")
        if self.visit_id and self.when:
            outside = _outside(self.visit, self.when, None)
            if outside:
                errors["date"] = gettext(
                    "The meeting lies outside the visit's dates (%(why)s)."
                ) % {"why": outside}
        if errors:
            raise ValidationError(errors)
