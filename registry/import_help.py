"""What the CSV import page says about each column, and the example file it offers
(registry/admin/transfer.py; the columns themselves are in registry/resources.py).

The column list is built from the import resource, so a column added there is listed with
the format its widget reads. The example file names records of this registry (a person and
the post they held, countries, topics), so that it imports as it is: an editor may try it,
then change it into their own file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from registry.csv_safety import write_csv
from registry.csv_widgets import (
    LIST_SEPARATOR,
    ChoiceWidget,
    PartialDateWidget,
    RecordsWidget,
    RecordWidget,
    YesNoWidget,
)
from registry.models import Appointment, Country, Person, Position, Topic, Visit, VisitLeg
from registry.resources import IMPORT_RESOURCES, LEG_PART_SEPARATOR, LEG_SEPARATOR

DATE_FORMAT = gettext_lazy(
    "A date as precise as the source gives it: a year, a month or a day. "
    "“June 2024” and “15 June 2024” are read too. Leave empty when the sources do not say."
)
DATE_EXAMPLES = ("2024", "2024-06", "2024-06-15")
YES_NO_FORMAT = gettext_lazy(
    "yes or no (true/false and 1/0 are read too); an empty cell is %(empty)s."
)
LEGS_FORMAT = gettext_lazy(
    "The legs in order, separated by “%(sep)s”, each as "
    "country %(part)s city %(part)s from %(part)s until, "
    "with the country's ISO code, slug or name and the dates as in the date columns; only "
    "the country is required. Leg 1 updates the stored leg 1 (keeping its notes and "
    "meetings), and so on; stored legs beyond the list are deleted. Leave the cell empty to "
    "keep the stored legs."
)
LEGS_EXAMPLE = "AZ | Baku | 2024-03-17 | 2024-03-18; GE | Tbilisi | 18 March 2024"

# What each column holds, in the editors' words; the format comes from the column's widget.
MEANINGS: dict[type[models.Model], dict[str, str]] = {
    Visit: {
        "slug": gettext_lazy(
            "Finds the visit: a slug already stored updates that visit, a new one adds a "
            "visit. Required."
        ),
        "title": gettext_lazy("The visit's title. Required."),
        "traveller": gettext_lazy("Who travelled."),
        "traveller_position": gettext_lazy("The post the traveller held at the time."),
        "start_date": gettext_lazy("When the visit began."),
        "end_date": gettext_lazy("When it ended; the same date as the start for a one-day visit."),
        "duration_days": gettext_lazy("The length in days, when the sources give only that."),
        "stop_order_known": gettext_lazy("Whether the sources give the order of the stops."),
        "purpose": gettext_lazy("Why the visit was made."),
        "summary": gettext_lazy("What happened on it."),
        "topics": gettext_lazy("What it was about."),
        "legs": gettext_lazy("The stops of the visit."),
    },
    Appointment: {
        "id": gettext_lazy(
            "Finds the appointment to update (the id column of an export). Leave empty for "
            "a new one: a row with the same person, post and start date as a stored appointment "
            "updates it."
        ),
        "person": gettext_lazy("Who was appointed. Required."),
        "position": gettext_lazy("To which post. Required."),
        "capacity": gettext_lazy("In which capacity."),
        "start_date": gettext_lazy("When the appointment began."),
        "end_date": gettext_lazy("When it ended."),
        "ongoing": gettext_lazy("Whether the sources say the person is still in post."),
        "attested_date": gettext_lazy(
            "A date on which a source shows the person in post, when the sources give no term."
        ),
        "attested_visit": gettext_lazy(
            "A visit at which a source shows the person in post (its slug)."
        ),
        "ordinal": gettext_lazy(
            "1 for the first holder of the post, if the sources say; unique in the post."
        ),
        "notes": gettext_lazy("Anything else editors should know."),
    },
}


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    format: str
    examples: tuple[str, ...]


def _format(model: type[models.Model], field: Field) -> tuple[str, tuple[str, ...]]:
    """The format a column's cells are read in, and fixed examples where the data's own
    example would show only one of several forms."""
    widget = field.widget
    if isinstance(widget, PartialDateWidget):
        return DATE_FORMAT, DATE_EXAMPLES
    if isinstance(widget, RecordsWidget):
        plural = widget.model._meta.verbose_name_plural
        return _("The slugs of the %(plural)s, separated by “%(sep)s”.") % {
            "plural": plural,
            "sep": LIST_SEPARATOR,
        }, ()
    if isinstance(widget, RecordWidget):
        return _("The slug of a %(name)s (the Slug box of its form).") % {
            "name": widget.model._meta.verbose_name
        }, ()
    if isinstance(widget, YesNoWidget):
        return YES_NO_FORMAT % {"empty": "yes" if widget.empty else "no"}, ("yes", "no")
    if isinstance(widget, ChoiceWidget):
        labels = ", ".join(str(label) for _value, label in widget.choices)
        return _("One of: %(labels)s (in any case).") % {"labels": labels}, ()
    if field.column_name == "legs":
        legs_format = LEGS_FORMAT % {"sep": LEG_SEPARATOR, "part": LEG_PART_SEPARATOR}
        return legs_format, (LEGS_EXAMPLE,)
    model_field = _model_field(model, field.attribute)
    if model_field is None:
        return _("Text."), ()
    if isinstance(model_field, models.IntegerField):  # ids too: an AutoField is one
        if model_field.name == "duration_days":
            return _("A whole number between 1 and 366, or empty."), ()
        return _("A whole number, or empty."), ()
    if isinstance(model_field, models.SlugField):
        return _("Lower-case letters, digits and hyphens, e.g. the title with hyphens."), ()
    return _("Text."), ()


def _model_field(model: type[models.Model], name: str | None) -> models.Field | None:
    try:
        return model._meta.get_field(name) if name else None
    except FieldDoesNotExist:  # a column of the resource's own
        return None


def columns(model: type[models.Model]) -> list[Column]:
    """The columns an import of `model` reads, each with its meaning, format and example."""
    resource = IMPORT_RESOURCES[model]()
    example = example_rows(model)[0]
    meanings = MEANINGS.get(model, {})
    found = []
    for field in resource.get_user_visible_fields():
        name = field.column_name
        text, fixed = _format(model, field)
        examples = fixed or ((example[name],) if example.get(name) else ())
        found.append(Column(name, meanings.get(name, ""), text, examples))
    return found


def _column_names(model: type[models.Model]) -> list[str]:
    return [field.column_name for field in IMPORT_RESOURCES[model]().get_user_visible_fields()]


def example_rows(model: type[models.Model]) -> list[dict[str, str]]:
    """Rows that import cleanly into this registry as it is, with every column filled in
    the way editors most often need."""
    rows = _EXAMPLES[model]()
    names = _column_names(model)
    return [{name: row.get(name, "") for name in names} for row in rows]


def example_csv(model: type[models.Model]) -> str:
    names = _column_names(model)
    rows = example_rows(model)
    return write_csv([names, *([row[name] for name in names] for row in rows)])


# --- the example rows -------------------------------------------------------------------------

# The example visit's days: its traveller is taken among those who may have held a post then.
_VISIT_DAYS = (dt.date(2024, 6, 15), dt.date(2024, 6, 17))


def _traveller_and_post() -> tuple[str, str]:
    first, last = _VISIT_DAYS
    candidates = (
        Appointment.objects.filter(Q(start_date__lte=last) | Q(start_date__isnull=True))
        .filter(Q(end_date__gte=first.replace(month=1, day=1)) | Q(end_date__isnull=True))
        .select_related("person", "position")
        .order_by("-start_date", "pk")[:50]
    )
    for appointment in candidates:
        if appointment.possibly_active_on(first) and appointment.possibly_active_on(last):
            return appointment.person.slug, appointment.position.slug
    return "", ""


def _countries() -> list[tuple[str, str]]:
    """Two countries (ISO code, a city of theirs from the stored legs, if any)."""
    chosen = list(Country.objects.filter(is_partner=True).order_by("name")[:2])
    if len(chosen) < 2:
        chosen += list(Country.objects.exclude(pk__in=[c.pk for c in chosen]).order_by("name"))
        chosen = chosen[:2]
    found = []
    for country in chosen:
        city = (
            VisitLeg.objects.filter(country=country)
            .exclude(city="")
            .values_list("city", flat=True)
            .first()
        )
        found.append((country.iso_code, city or ""))
    return found


def _example_visits() -> list[dict[str, str]]:
    traveller, post = _traveller_and_post()
    countries = _countries()
    topics = list(Topic.objects.order_by("name").values_list("slug", flat=True)[:2])
    first, last = (day.isoformat() for day in _VISIT_DAYS)
    middle = (_VISIT_DAYS[0] + dt.timedelta(days=1)).isoformat()
    spans = [(first, middle), (middle, last)]
    # One leg per country found: a registry with fewer countries gets fewer legs.
    stops = zip(countries, spans, strict=False)
    legs = "; ".join(" | ".join((code, city, *span)) for (code, city), span in stops)
    return [
        {
            "slug": "example-visit-2024-06",
            "title": "Example visit: two stops in June 2024",
            "traveller": traveller,
            "traveller_position": post,
            "start_date": first,
            "end_date": last,
            "duration_days": "3",
            "stop_order_known": "yes",
            "purpose": "An example row: change it or delete it.",
            "summary": "Talks on the partnership.",
            "topics": f"{LIST_SEPARATOR} ".join(topics),
            "legs": legs,
        },
        {
            "slug": "example-visit-2023",
            "title": "Example visit: stops of unknown order in 2023",
            "start_date": "2023",
            "end_date": "2023",
            "duration_days": "2",
            "stop_order_known": "no",
            "legs": f"{LEG_SEPARATOR} ".join(code for code, _city in countries),
        },
    ]


def _example_appointments() -> list[dict[str, str]]:
    person = Person.objects.order_by("sort_name", "pk").first()
    # A post the person holds no appointment to, so the rows add appointments rather than
    # update one; their dates leave no day certain, so they overlap no stored holder.
    posts = Position.objects.order_by("title", "pk")
    post = posts.exclude(appointments__person=person).first() if person else posts.first()
    person_slug = person.slug if person else ""
    post_slug = post.slug if post else ""
    return [
        {
            "person": person_slug,
            "position": post_slug,
            "capacity": Appointment.Capacity.ACTING.label,
            "start_date": "2024-06-15",
            "ongoing": "no",
            "notes": "An example row: the end of the appointment is not known.",
        },
        {
            "person": person_slug,
            "position": post_slug,
            "capacity": Appointment.Capacity.SUBSTANTIVE.label,
            "end_date": "2019-10",
            "ongoing": "no",
            "notes": "An example row: the start of the appointment is not known.",
        },
    ]


_EXAMPLES = {Visit: _example_visits, Appointment: _example_appointments}
