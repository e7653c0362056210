"""Load the seed content (`registry.yaml` and the source texts) into the database.

Each top-level record is created once: the loader notes its key in `SeedEntry` and never
touches a keyed record again, so a second run changes nothing and an editor's later edits
or deletions stand. A record is created with its children (legs, meetings, citations) in
the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from registry.models import (
    Appointment,
    Citation,
    Country,
    Event,
    Meeting,
    Office,
    Organisation,
    OtherName,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    SeedEntry,
    Source,
    Status,
    Topic,
    Visit,
    VisitLeg,
)
from registry.models.history import recorded
from registry.partial_dates import PartialDate
from registry.publication.gate import publication_blockers
from registry.text_repair import repair_text

SEED_DIR = Path(__file__).resolve().parent
SEED_FILE = SEED_DIR / "registry.yaml"

# Sections in dependency order: each may refer only to records of earlier sections.
SECTIONS: list[tuple[str, type[models.Model]]] = [
    ("sources", Source),
    ("regions", Region),
    ("countries", Country),
    ("organisations", Organisation),
    ("topics", Topic),
    ("events", Event),
    ("programmes", Programme),
    ("participations", Participation),
    ("offices", Office),
    ("positions", Position),
    ("people", Person),
    ("visits", Visit),
    # After the visits: an appointment may name the visit at which it is attested.
    ("appointments", Appointment),
]

# Keys that are not model fields, handled by the loader itself.
_SPECIAL = {
    "key",
    "cite",
    "legs",
    "meetings",
    "file",
    "start",
    "end",
    "date",
    "attested",
    "other_names",
}


class SeedError(Exception):
    """The seed file is inconsistent; nothing of the failing record is written."""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_seed(path: Path = SEED_FILE) -> dict[str, list[dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_seed(path: Path = SEED_FILE, log: Callable[[str], None] | None = None) -> LoadReport:
    data = read_seed(path)
    report = LoadReport()
    for section, model in SECTIONS:
        for entry in data.get(section, []):
            key = f"{section}:{entry.get('key') or entry['slug']}"
            if SeedEntry.objects.filter(key=key).exists():
                report.skipped[section] = report.skipped.get(section, 0) + 1
                continue
            # One history entry per seed record, children included, with the reason "seed".
            with transaction.atomic(), recorded(reason="seed"):
                _create(model, entry)
                SeedEntry.objects.create(key=key)
            report.created[section] = report.created.get(section, 0) + 1
            if log:
                log(f"created {key}")
    return report


def _create(model: type[models.Model], entry: dict[str, Any]) -> models.Model:
    fields, m2m = _fields(model, entry)
    if model is Source:
        fields.update(_source_text(entry))
    instance = model(**fields)
    if hasattr(model, "status"):
        instance.status = Status.PUBLISHED
    _set_dates(instance, entry)
    instance.full_clean()
    instance.save()
    for name, values in m2m.items():
        getattr(instance, name).set(values)
    if model is Visit:
        _create_visit_children(instance, entry)
    _other_names(instance, entry.get("other_names", []))
    _cite(instance, entry.get("cite", []))
    if blockers := publication_blockers([instance]):
        # The seed publishes what it loads, so it obeys the publishing gate like an editor.
        raise SeedError(f"{instance}: {blockers[instance]}")
    return instance


def _fields(model: type[models.Model], entry: dict[str, Any]) -> tuple[dict, dict]:
    fields: dict[str, Any] = {}
    m2m: dict[str, list[models.Model]] = {}
    for name, value in entry.items():
        if name in _SPECIAL:
            continue
        try:
            field_ = model._meta.get_field(name)
        except Exception as exc:
            raise SeedError(f"{model.__name__} has no field {name!r}") from exc
        if field_.many_to_many:
            m2m[name] = [_lookup(field_.related_model, slug) for slug in value]
        elif field_.is_relation:
            fields[name] = _lookup(field_.related_model, value)
        elif isinstance(value, str):
            fields[name] = value.strip()
        else:
            fields[name] = value
    return fields, m2m


def _lookup(model: type[models.Model], slug: str) -> models.Model:
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist:
        raise SeedError(f"No {model.__name__} with slug {slug!r}") from None


def _set_dates(instance: models.Model, entry: dict[str, Any]) -> None:
    for key in ("start", "end", "attested"):
        if key in entry:
            setattr(instance, key, PartialDate.parse(str(entry[key])))
    if "date" in entry:
        value = PartialDate.parse(str(entry["date"]))
        instance.date, instance.date_precision = value.date, value.precision


def _source_text(entry: dict[str, Any]) -> dict[str, str]:
    if "file" not in entry:
        # A document known only from another source's reference to it: no text to load.
        return {}
    raw = (SEED_DIR / "sources" / entry["file"]).read_text(encoding="utf-8")
    report = repair_text(raw)
    if not report.clean:
        raise SeedError(f"{entry['file']}: damage left unrepaired: {report.unresolved}")
    return {"full_text": report.text.strip()}


def _create_visit_children(visit: Visit, entry: dict[str, Any]) -> None:
    legs: dict[int, VisitLeg] = {}
    for leg_entry in entry.get("legs", []):
        fields, _ = _fields(VisitLeg, leg_entry)
        leg = VisitLeg(visit=visit, **fields)
        _set_dates(leg, leg_entry)
        leg.full_clean()
        leg.save()
        legs[leg.order] = leg
    for meeting_entry in entry.get("meetings", []):
        leg_order = meeting_entry.get("leg")
        fields, m2m = _fields(Meeting, {k: v for k, v in meeting_entry.items() if k != "leg"})
        meeting = Meeting(visit=visit, leg=legs.get(leg_order), **fields)
        _set_dates(meeting, meeting_entry)
        meeting.full_clean()
        meeting.save()
        for name, values in m2m.items():
            getattr(meeting, name).set(values)


def _other_names(record: models.Model, names: Iterable[dict[str, Any]]) -> None:
    """Names as they were: only those a source states, with the dates it gives (or none)."""
    for entry in names:
        other = OtherName(
            record=record,
            name=entry["name"],
            city=entry.get("city", ""),
            note=collapse(entry.get("note", "")),
        )
        _set_dates(other, entry)
        other.full_clean()
        other.save()


def _cite(record: models.Model, citations: Iterable[dict[str, Any]]) -> None:
    content_type = ContentType.objects.get_for_model(record)
    for cite in citations:
        source = _lookup(Source, cite["source"])
        quote = cite["quote"].strip()
        if collapse(quote) not in collapse(source.full_text):
            raise SeedError(f"{record}: the quote is not in {source.slug!r}: {quote!r}")
        Citation.objects.create(
            source=source,
            content_type=content_type,
            object_id=record.pk,
            quote=quote,
            locator=cite.get("locator", ""),
        )
