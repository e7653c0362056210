"""The machinery of the release's tables: columns described for the data package, and the
snapshot that reads each table's public rows once (the tables themselves: tables.py).

Every row comes from the public rule (`published()`, `visibility.visible_q`): a link to a
record the public cannot see is left empty. Rows are in id order and every value is written
the same way each time, so that the same public content gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import reverse

from registry.partial_dates import PartialDate

# ISO 8601 at the precision the sources give (EDTF level 0): "2004", "2004-06", "2004-06-15".
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
DATE_NOTE = 'ISO 8601 at the precision the sources give: "2004", "2004-06" or "2004-06-15".'

Row = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: "integer", "string" or "boolean"
    description: str
    # Where the value comes from: a model field, or (for dates) its date and precision pair.
    source: str = ""
    # A link to another table's id: empty unless the linked record is public.
    refers_to: str = ""
    required: bool = False
    pattern: str = ""
    enum: tuple[str, ...] = ()

    @property
    def field_name(self) -> str:
        return self.source or self.name

    @property
    def precision_name(self) -> str:
        """A partial date's precision column: "start_date" has "start_precision"."""
        return self.field_name.removesuffix("_date") + "_precision"


def id_column(
    description: str = "The record's number in the registry; it never changes.",
) -> Column:
    return Column("id", "integer", description, required=True)


def text(name: str, description: str, *, source: str = "", required: bool = False) -> Column:
    return Column(name, "string", description, source=source, required=required)


def date(name: str, description: str, source: str) -> Column:
    return Column(name, "string", f"{description} {DATE_NOTE}", source=source, pattern=DATE_PATTERN)


def link(name: str, table: str, description: str, *, required: bool = False) -> Column:
    return Column(name, "integer", description, refers_to=table, required=required)


def choice(name: str, choices: type[models.TextChoices], description: str) -> Column:
    return Column(name, "string", description, required=True, enum=tuple(choices.values))


def flag(name: str, description: str, source: str = "") -> Column:
    return Column(name, "boolean", description, source=source)


def number(name: str, description: str) -> Column:
    return Column(name, "integer", description)


URL = Column("url", "string", "The record's page on the registry.", required=True)
SLUG = text(
    "slug",
    "The record's name in its address; it may change (the old address redirects).",
    required=True,
)
SPAN = (
    date("start", "When it began.", "start_date"),
    date("end", "When it ended; empty when the sources do not say or it continues.", "end_date"),
)
ONGOING = flag("ongoing", "True when the sources say it continues today.")


@dataclass(frozen=True)
class Table:
    """One CSV file of the release."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    model: type[models.Model] | None = None
    # For a link table: the model the rows come from and its two id fields.
    through: tuple[type[models.Model], str, str] | None = None
    url_name: str = ""
    url_by: str = "slug"
    # Extra row rules beyond the public rule (legs and meetings hang from their visit).
    rows: Callable[[Snapshot], Iterator[Row]] | None = field(default=None, compare=False)
    # The model such a table's rows are read from, for its French columns.
    row_model: type[models.Model] | None = None

    def __post_init__(self) -> None:
        # Both languages: each translated text is followed by its French, and the row says
        # whether a French text was made from an English that has changed since.
        translated = getattr(self.model or self.row_model, "translated_fields", ())
        if not translated or any(c.name == "french_out_of_date" for c in self.columns):
            return
        columns: list[Column] = []
        for column in self.columns:
            columns.append(column)
            if column.field_name in translated:
                columns.append(
                    text(
                        f"{column.name}_fr",
                        f"{column.description} In French; empty when not yet translated.".strip(),
                        source=f"{column.field_name}_fr",
                    )
                )
        columns.append(
            flag(
                "french_out_of_date",
                "True when an English text changed after its French was made: the French may "
                "no longer say what the English says.",
            )
        )
        object.__setattr__(self, "columns", tuple(columns))

    @property
    def keyed(self) -> bool:
        return self.columns[0].name == "id"

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


class Snapshot:
    """What the public sees at one moment: the public ids of every publishable model,
    read once, and the rows of each table built from them."""

    def __init__(self, site_url: str, tables: dict[str, Table]) -> None:
        self.site_url = site_url.rstrip("/")
        self.tables = tables
        self.public: dict[type[models.Model], set[int]] = {}
        self.exported: dict[str, set[int]] = {}
        # Read before any table is streamed, so that no query runs while rows are read.
        for table in tables.values():
            if table.model is not None and hasattr(table.model, "public_requires"):
                self.public_ids(table.model)

    def public_ids(self, model: type[models.Model]) -> set[int]:
        if model not in self.public:
            self.public[model] = set(model.objects.published().values_list("pk", flat=True))
        return self.public[model]

    def url(self, url_name: str, **kwargs: Any) -> str:
        return self.site_url + reverse(f"registry:{url_name}", kwargs=kwargs)

    def rows(self, table: Table) -> Iterator[Row]:
        """The table's rows, read from the database as they are written out; the ids of a
        table are known to the tables after it once its rows have all been read."""
        if table.rows is not None:
            rows = table.rows(self)
        elif table.through is not None:
            rows = self._link_rows(table)
        else:
            rows = self._record_rows(table)
        ids = self.exported.setdefault(table.name, set()) if table.keyed else None
        for row in rows:
            if ids is not None:
                ids.add(row["id"])
            yield row

    def _record_rows(self, table: Table) -> Iterator[Row]:
        model = table.model
        assert model is not None
        names = model_fields(model, table.columns)
        for values in model.objects.published().order_by("pk").values(*names).iterator(2000):
            yield self.row(table, values)

    def row(self, table: Table, values: dict[str, Any]) -> Row:
        row: Row = {}
        for column in table.columns:
            if column.name == "url":
                key = values["pk" if table.url_by == "pk" else table.url_by]
                row["url"] = self.url(table.url_name, **{table.url_by: key})
            elif column.pattern == DATE_PATTERN:
                row[column.name] = edtf(values[column.field_name], values[column.precision_name])
            elif column.refers_to:
                row[column.name] = self.public_link(column, values[fk_name(column)])
            elif column.name == "id":
                row["id"] = values["pk"]
            else:
                row[column.name] = plain(values[column.field_name])
        return row

    def public_link(self, column: Column, value: int | None) -> int | None:
        if value is None:
            return None
        target = self.tables[column.refers_to]
        if target.model is not None and hasattr(target.model, "public_requires"):
            return value if value in self.public_ids(target.model) else None
        return value if value in self.exported.get(target.name, set()) else None

    def _link_rows(self, table: Table) -> Iterator[Row]:
        model, left, right = table.through  # type: ignore[misc]
        first, second = table.columns
        pairs = model.objects.order_by(left, right).values_list(left, right)
        for a, b in pairs:
            a, b = self.public_link(first, a), self.public_link(second, b)
            if a is not None and b is not None:
                yield {first.name: a, second.name: b}


def fk_name(column: Column) -> str:
    return f"{column.field_name}_id" if not column.field_name.endswith("_id") else column.field_name


def model_fields(model: type[models.Model], columns: tuple[Column, ...]) -> list[str]:
    names = ["pk"]
    for column in columns:
        if column.name in ("id", "url"):
            continue
        if column.pattern == DATE_PATTERN:
            names += [column.field_name, column.precision_name]
        elif column.refers_to:
            names.append(fk_name(column))
        else:
            names.append(column.field_name)
    if "slug" in {f.name for f in model._meta.fields} and "slug" not in names:
        names.append("slug")
    return names


def plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    return value


def edtf(date: dt.date | None, precision: str) -> str | None:
    return PartialDate(date, precision).isoformat() if date else None
