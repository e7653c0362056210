"""CSV export of every registry list, and CSV import of visits (with their legs) and
appointments, with django-import-export (README, "Dependencies"; docs/editors.md).

Columns are the model's field names. In both directions (cells are read and written by
registry/csv_widgets.py):

* a partial date is one column, read with `PartialDate.parse` ("2004", "June 2004",
  "2004-06-15") and written in ISO form at its precision ("2004-06");
* a related record is given by its slug (a country also by its ISO code, e.g. "GE");
* several related records are slugs separated by ";";
* yes/no columns accept yes, no, true, false, 1 or 0; an empty cell is the field's default
  (no, but yes for a visit's "order of stops known").

A visit's legs are one column, legs separated by ";", each "country | city | from | until",
e.g. "AZ | Baku | 2024-03-17 | 2024-03-18; GE | Tbilisi | 18 March 2024 |". On import a
non-empty legs column replaces the visit's legs by position: leg 1 updates the stored leg
numbered 1 (keeping its notes and meetings), and so on; stored legs beyond the list are
deleted. An empty legs column leaves the legs alone.

Imports never publish: a new record is a draft, an existing one keeps its status.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.resources import Diff
from import_export.widgets import ManyToManyWidget

from registry import import_versions
from registry.csv_widgets import (
    ChoiceWidget,
    PartialDateField,
    PartialDateWidget,
    RecordsWidget,
    RecordWidget,
    YesNoWidget,
    find_record,
)
from registry.csv_widgets import cell_text as _text
from registry.forms import partial_date_pairs
from registry.models import (
    Appointment,
    Country,
    Person,
    Position,
    Publishable,
    Status,
    Topic,
    Visit,
    VisitLeg,
)
from registry.models.visits import _outside
from registry.partial_dates import PartialDate, Precision, dates_text
from registry.publication import revisions
from registry.publication.permissions import can_publish

LEG_SEPARATOR = ";"
LEG_PART_SEPARATOR = "|"

# Bookkeeping columns left out of exports.
SKIPPED = {"created_at", "updated_at", "single_holder", "version"}
# The import preview shows the changes of this many rows, then counts (admin/transfer.py).
PREVIEW_ROWS = 100


# Columns written by an export for readers (the dates in the site's words, the status) and
# ignored by an import.
EXPORT_ONLY = {"status", "dates_text"}


class PreviewDiff(Diff):
    """The before/after of a row, read and written as HTML only for the rows the preview
    shows (the character diff of every cell of thousands of rows would take most of the dry
    run), each cell as the export writes it, so that the legs column shows the legs."""

    def __init__(self, resource: resources.Resource, instance: Any, new: bool) -> None:
        self.shown = getattr(resource, "row_number", 0) <= PREVIEW_ROWS
        self.new, self.left, self.right = new, self._cells(resource, instance), []

    def compare_with(self, resource: resources.Resource, instance: Any) -> None:
        self.right = self._cells(resource, instance)

    def _cells(self, resource: resources.Resource, instance: Any) -> list[str]:
        fields = resource.get_import_fields() if self.shown else []
        return [resource.export_field(field, instance) for field in fields]

    def as_html(self) -> list[str]:
        return super().as_html() if self.shown else []


class RegistryResource(resources.ModelResource):
    """Shared behaviour: related records fetched with the rows, and many-to-many columns
    checked with the other columns so that an unknown slug is reported on its row."""

    def get_diff_class(self) -> type[Diff]:
        return PreviewDiff

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> Any:
        self.row_number = kwargs.get("row_number") or 0
        return super().import_row(row, instance_loader, **kwargs)

    def get_user_visible_fields(self) -> list[Field]:
        # The import page lists the columns it reads: these are exported, never imported.
        return [f for f in super().get_user_visible_fields() if f.column_name not in EXPORT_ONLY]

    def dehydrate_dates_text(self, record: Any) -> str:
        return dates_text(record)

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        queryset = super().filter_export(queryset, **kwargs)
        model = queryset.model
        related = [
            f.name for f in model._meta.concrete_fields if f.many_to_one and f.name in self.fields
        ]
        many = [f.name for f in model._meta.many_to_many if f.name in self.fields]
        return queryset.select_related(*related).prefetch_related(*many)

    def save_instance(self, instance: Any, is_create: bool, row: Any, **kwargs: Any) -> None:
        """A row that changes a published record, imported by someone who may not publish,
        becomes the record's pending revision: the live record stays as it is."""
        user = kwargs.get("user")
        model = type(instance)
        waits = (
            not is_create
            and user is not None
            and issubclass(model, Publishable)
            and not can_publish(user, model)
            and model._base_manager.filter(pk=instance.pk, status=Status.PUBLISHED).exists()
        )
        if not waits:
            self.write_instance(instance, is_create, row, **kwargs)
            return
        if revisions.pending_for(instance) is not None:
            raise ValidationError(
                _(
                    "“%(record)s” already has a pending revision waiting for review: publish "
                    "or discard it before importing a change to it."
                )
                % {"record": instance}
            )
        with transaction.atomic():
            self.write_instance(instance, is_create, row, **kwargs)
            data = revisions.capture(instance)
            transaction.set_rollback(True)
        revisions.save(instance, data, user, number=None)

    def write_instance(self, instance: Any, is_create: bool, row: Any, **kwargs: Any) -> None:
        super().save_instance(instance, is_create, row, **kwargs)

    def import_instance(self, instance: models.Model, row: Any, **kwargs: Any) -> None:
        import_versions.note(instance)  # before the row changes it
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[field.attribute] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)


def _field_for(model: type[models.Model], model_field: models.Field) -> Field | None:
    name = model_field.name
    if model_field.many_to_many:
        widget = RecordsWidget(model_field.related_model)
    elif model_field.many_to_one or model_field.one_to_one:
        widget = RecordWidget(model_field.related_model)
    elif isinstance(model_field, models.BooleanField):
        widget = YesNoWidget(empty=model_field.default is True, nullable=model_field.null)
    elif model_field.choices:
        widget = ChoiceWidget(list(model_field.flatchoices))
    else:
        return None  # django-import-export's own field
    return Field(attribute=name, column_name=name, widget=widget)


def export_fields(model: type[models.Model]) -> tuple[list[str], dict[str, Field]]:
    """The columns of a model's CSV, and the fields that need a registry widget."""
    pairs = dict(partial_date_pairs(model))
    precisions = set(pairs.values())
    names: list[str] = []
    declared: dict[str, Field] = {}
    for model_field in model._meta.get_fields():
        if isinstance(model_field, GenericForeignKey | GenericRelation):
            continue
        if model_field.auto_created and not model_field.concrete:
            continue  # reverse relations
        if model_field.name in SKIPPED or model_field.name in precisions:
            continue
        name = model_field.name
        if name in pairs:
            declared[name] = PartialDateField(name, pairs[name], name)
        elif (field := _field_for(model, model_field)) is not None:
            declared[name] = field
        names.append(name)
    return names, declared


_resources: dict[type[models.Model], type[resources.ModelResource]] = {}


def resource_for(model: type[models.Model]) -> type[resources.ModelResource]:
    """The CSV resource of a model: its import resource if it has one, else an export one."""
    if model in IMPORT_RESOURCES:
        return IMPORT_RESOURCES[model]
    if model not in _resources:
        names, declared = export_fields(model)
        meta = type("Meta", (), {"model": model, "fields": tuple(names)})
        _resources[model] = type(
            f"{model.__name__}Resource", (RegistryResource,), {**declared, "Meta": meta}
        )
    return _resources[model]


# --- visits and their legs ---------------------------------------------------------------------


def render_legs(legs: list[VisitLeg]) -> str:
    parts = []
    for leg in legs:
        cells = [
            leg.country.iso_code if leg.country_id else "",
            leg.city,
            leg.start.isoformat() if leg.start else "",
            leg.end.isoformat() if leg.end else "",
        ]
        while cells and not cells[-1]:
            cells.pop()
        parts.append(f" {LEG_PART_SEPARATOR} ".join(cells))
    return f"{LEG_SEPARATOR} ".join(parts)


def parse_legs(text: str) -> list[VisitLeg]:
    """Unsaved legs, numbered 1, 2, 3... in the order given."""
    legs = []
    items = [item for item in text.split(LEG_SEPARATOR) if item.strip()]
    for number, item in enumerate(items, 1):
        cells = [cell.strip() for cell in item.split(LEG_PART_SEPARATOR)]
        if len(cells) > 4:
            raise ValueError(
                _("Leg %(number)s has %(count)s parts; give country | city | from | until.")
                % {"number": number, "count": len(cells)}
            )
        country, city, start, end = [*cells, "", "", ""][:4]
        if not country:
            raise ValueError(_("Leg %(number)s names no country.") % {"number": number})
        try:
            leg = VisitLeg(order=number, country=find_record(Country, country), city=city)
            leg.start = PartialDate.parse(start) if start else None
            leg.end = PartialDate.parse(end) if end else None
        except ValueError as error:
            raise ValueError(
                _("Leg %(number)s: %(error)s") % {"number": number, "error": error}
            ) from None
        legs.append(leg)
    return legs


class VisitResource(RegistryResource):
    traveller = Field("traveller", "traveller", RecordWidget(Person))
    traveller_position = Field("traveller_position", "traveller_position", RecordWidget(Position))
    start_date = PartialDateField("start_date", "start_precision", "start_date")
    end_date = PartialDateField("end_date", "end_precision", "end_date")
    stop_order_known = Field("stop_order_known", "stop_order_known", YesNoWidget(empty=True))
    topics = Field("topics", "topics", RecordsWidget(Topic))
    legs = Field(column_name="legs", readonly=True)
    dates_text = Field(column_name="dates_text", readonly=True)
    status = Field("status", "status", readonly=True)

    class Meta:
        model = Visit
        fields = (
            "slug",
            "title",
            "traveller",
            "traveller_position",
            "start_date",
            "end_date",
            "duration_days",
            "stop_order_known",
            "purpose",
            "summary",
            "topics",
            "legs",
            "dates_text",
            "status",
        )
        import_id_fields = ("slug",)
        clean_model_instances = True

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        legs = VisitLeg.objects.select_related("country").order_by("order", "start_date")
        return super().filter_export(queryset, **kwargs).prefetch_related(Prefetch("legs", legs))

    def dehydrate_legs(self, visit: Visit) -> str:
        imported = getattr(visit, "_imported_legs", None)  # an import row's, not yet stored
        if imported is not None or visit.pk is None:
            return render_legs(imported or [])
        return render_legs(list(visit.legs.all()))

    def import_instance(self, instance: Visit, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance._imported_legs = None
        text = _text(row.get("legs"))
        if text:
            try:
                instance._imported_legs = parse_legs(text)
            except ValueError as error:
                errors["legs"] = ValidationError(str(error), code="invalid")
        if errors:
            raise ValidationError(errors)

    def validate_instance(
        self, instance: Visit, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        errors: dict[str, Any] = {}
        try:  # raises the import's errors and the model's together
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "legs" not in errors and not {"start_date", "end_date"} & set(errors):
            problems = self._leg_problems(instance)
            if problems:
                errors["legs"] = [ValidationError(p, code="invalid") for p in problems]
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _leg_problems(visit: Visit) -> list[str]:
        legs = getattr(visit, "_imported_legs", None)
        stored = legs is None
        if stored:
            legs = list(visit.legs.all()) if visit.pk else []
        problems = []
        for number, leg in enumerate(legs, 1):
            values = {"number": leg.order if stored else number}
            start, end = leg.start, leg.end
            if start and end and end.latest < start.earliest:
                values.update(start=start, end=end)
                problems.append(
                    _("Stored leg %(number)s ends (%(end)s) before it starts (%(start)s).") % values
                    if stored
                    else _("Leg %(number)s ends (%(end)s) before it starts (%(start)s).") % values
                )
            outside = _outside(visit, start, end)
            if outside:
                values["outside"] = outside
                problems.append(
                    _("Stored leg %(number)s lies outside the visit's dates: %(outside)s.") % values
                    if stored
                    else _("Leg %(number)s lies outside the visit's dates: %(outside)s.") % values
                )
        return problems

    def write_instance(self, instance: Visit, is_create: bool, row: Any, **kwargs: Any) -> None:
        legs = getattr(instance, "_imported_legs", None)
        if legs is None or is_create:
            super().write_instance(instance, is_create, row, **kwargs)
            if legs:
                self._replace_legs(instance, legs)
            return
        # PostgreSQL checks legs against the visit row as each is written (migration 0004):
        # as in the admin, the visit is written without dates, then its legs, then its dates.
        final = {name: getattr(instance, name) for name in ("start_date", "end_date")}
        instance.start_date = instance.end_date = None
        instance.skip_history_when_saving = True
        try:
            super().write_instance(instance, is_create, row, **kwargs)
        finally:
            del instance.skip_history_when_saving
            for name, value in final.items():
                setattr(instance, name, value)
        self._replace_legs(instance, legs)
        instance.save()

    @staticmethod
    def _replace_legs(visit: Visit, legs: list[VisitLeg]) -> None:
        stored = {leg.order: leg for leg in visit.legs.all()}
        for new in legs:
            leg = stored.pop(new.order, None) or VisitLeg(visit=visit, order=new.order)
            leg.country, leg.city = new.country, new.city
            leg.start, leg.end = new.start, new.end
            leg.save()
        for leftover in stored.values():
            leftover.delete()


# --- appointments ----------------------------------------------------------------------------


class AppointmentResource(RegistryResource):
    """Appointments: a row with an id updates that appointment; a row without one updates
    the appointment of the same person to the same post from the same date, if any, and
    otherwise adds one."""

    person = Field("person", "person", RecordWidget(Person))
    position = Field("position", "position", RecordWidget(Position))
    capacity = Field("capacity", "capacity", ChoiceWidget(list(Appointment.Capacity.choices)))
    start_date = PartialDateField("start_date", "start_precision", "start_date")
    end_date = PartialDateField("end_date", "end_precision", "end_date")
    ongoing = Field("ongoing", "ongoing", YesNoWidget())
    attested_date = PartialDateField("attested_date", "attested_precision", "attested_date")
    attested_visit = Field("attested_visit", "attested_visit", RecordWidget(Visit))
    dates_text = Field(column_name="dates_text", readonly=True)
    status = Field("status", "status", readonly=True)

    class Meta:
        model = Appointment
        fields = (
            "id",
            "person",
            "position",
            "capacity",
            "start_date",
            "end_date",
            "ongoing",
            "attested_date",
            "attested_visit",
            "ordinal",
            "notes",
            "dates_text",
            "status",
        )
        import_id_fields = ()
        clean_model_instances = True

    def get_instance(self, instance_loader: Any, row: Any) -> Appointment | None:
        pk = _text(row.get("id"))
        if pk:
            found = Appointment.objects.filter(pk=pk).first() if pk.isdigit() else None
            if found is None:
                raise ValidationError(
                    {"id": _("There is no appointment with the id “%(id)s”.") % {"id": pk}}
                )
            return found
        try:
            person = find_record(Person, _text(row.get("person")))
            position = find_record(Position, _text(row.get("position")))
            start = PartialDateWidget().clean(row.get("start_date"))
        except ValueError:
            return None  # reported on the row by import_instance
        return Appointment.objects.filter(
            person=person,
            position=position,
            start_date=start.date if start else None,
            start_precision=start.precision if start else Precision.DAY,
        ).first()

    def import_instance(self, instance: Appointment, row: Any, **kwargs: Any) -> None:
        pk = instance.pk
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            instance.pk = pk  # the id cell only finds the row (get_instance); it is never set


IMPORT_RESOURCES: dict[type[models.Model], type[resources.ModelResource]] = {
    Visit: VisitResource,
    Appointment: AppointmentResource,
}
