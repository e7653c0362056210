"""The records the adversarial probes look for: a public graph of every kind of record, and
around it records hidden in every way a record can be hidden, each carrying a marker of its
own in every text field so that a leak names what leaked."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.apps import apps
from django.db import models
from django.utils import timezone

from registry.models import (
    Country,
    Event,
    Office,
    Organisation,
    OtherName,
    Person,
    Position,
    Programme,
    Region,
    Status,
    Topic,
    Visit,
)
from registry.partial_dates import PartialDate
from registry.publication.visibility import has_publication
from tests import factories as f

from .probes import SEARCH_WORD

# Free text held to a form by its own validator, not typed freely into outputs.
FORMATTED = {("country", "iso_code"), ("office", "phone")}
# Records without a publication state of their own: they show through the record they hang
# from (a visit's legs and meetings, a record's citations).
CHILDREN = ("visitleg", "meeting", "citation")

_numbers = itertools.count(1)


def publishable_models() -> list[type[models.Model]]:
    return [m for m in apps.get_app_config("registry").get_models() if has_publication(m)]


def editor_text_models() -> list[type[models.Model]]:
    """Every model whose text reaches a public output."""
    children = [apps.get_model("registry", name) for name in CHILDREN]
    return [*publishable_models(), *children]


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """The free-text fields an editor writes: names, titles, notes. Not slugs, codes, e-mail
    addresses or URLs, which their validators hold to a form, nor choices."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
        and not field.choices
        and field.editable
        and (model._meta.model_name, field.name) not in FORMATTED
    ]


def fit(field: models.Field, text: str) -> str:
    return text[: field.max_length] if field.max_length else text


def write_text(record: models.Model, text: Callable[[models.Field], str]) -> models.Model:
    """Fill every text field of `record` with `text(field)`, cut to the field's length, and
    save it as any other path (seed, shell, import) would."""
    for field in text_fields(type(record)):
        setattr(record, field.attname, fit(field, text(field)))
    record.save()
    return record


NOW = timezone.now
DAY = dt.timedelta(days=1)

STATES = ("draft", "scheduled", "expired")


def set_state(record: models.Model, state: str) -> None:
    now = NOW()
    values = {
        "draft": {"status": Status.DRAFT},
        "scheduled": {"status": Status.PUBLISHED, "publish_at": now + 30 * DAY},
        "expired": {
            "status": Status.PUBLISHED,
            "publish_at": now - 30 * DAY,
            "expire_at": now - DAY,
        },
    }[state]
    for name, value in values.items():
        setattr(record, name, value)
    record.save()


@dataclass
class Base:
    """The public records that hidden ones hang from."""

    region: Region
    country: Country
    organisation: Organisation
    office: Office
    event: Event
    topic: Topic
    position: Position
    person: Person
    counterpart: Person
    programme: Programme
    visit: Visit
    source: object


def build_base() -> Base:
    region = f.create_region()
    country = f.create_country(region=region)
    organisation = f.create_organisation(country=country)
    office = f.create_office(host_country=country, start="2001-01-01", ongoing=True)
    office.countries_covered.add(country)
    topic = f.create_topic()
    event = f.create_event(country=country, start="2024-05-01", end="2024-05-02")
    event.topics.add(topic)
    position = f.create_position(
        organisation=organisation, office=office, established_by=event, start="2001-01-01"
    )
    person, counterpart = f.create_person(), f.create_person()
    f.create_appointment(person=person, position=position, start="2020-01-01")
    programme = f.create_programme(start="2000-01-01", launched_at=event)
    f.create_participation(country=country, programme=programme, start="2001-01-01")
    source = f.create_source()
    visit = f.create_visit(
        traveller=person, traveller_position=position, start="2024-06-01", end="2024-06-03"
    )
    leg = f.create_leg(visit=visit, country=country, order=0, start="2024-06-01")
    f.create_meeting(visit=visit, leg=leg, counterpart=counterpart, date="2024-06-02")
    visit.topics.add(topic)
    for record in (visit, person, country, position, event):
        f.create_citation(record=record, source=source, locator="p. 1")
    return Base(
        region, country, organisation, office, event, topic, position, person, counterpart,
        programme, visit, source,
    )  # fmt: skip


@dataclass
class World:
    """The records of a probe run: `hidden` maps each marker to the record that carries it."""

    base: Base
    hidden: dict[str, models.Model] = dataclass_field(default_factory=dict)

    def records(self) -> list[models.Model]:
        found: list[models.Model] = []
        for model in publishable_models():
            found += list(model.objects.all())
        return found

    def hide(self, record: models.Model, how: str, state: str | None = None) -> str:
        """Mark `record` as one the public must never see, and put `state` on it."""
        marker = f"Zq{next(_numbers)}{type(record)._meta.model_name[:5]}{how[:4]}"
        write_text(record, lambda field: f"{SEARCH_WORD} {marker} {field.name}")
        if hasattr(record, "other_names"):
            # Its names as they were are as hidden as it is, its cities' too.
            for city in ("", "Base City") if isinstance(record, Country) else ("",):
                other = OtherName(record=record, name=f"{marker} other name", city=city)
                other.end = PartialDate.parse("2100")
                other.save()
        if state:
            set_state(record, state)
        self.hidden[marker] = record
        return marker

    def mark_children(self, marker: str, *children: models.Model) -> None:
        """Text of records that show only through a hidden one carries its marker."""
        for child in children:
            write_text(child, lambda field: f"{marker} {field.name}")


def _leg_order(visit: Visit) -> int:
    return visit.legs.count() + 1


def hidden_region(world: World, state: str) -> None:
    region = f.create_region()
    world.hide(region, "own", state)
    f.create_country(region=region)  # public, in a hidden region


def hidden_country(world: World, state: str) -> None:
    b = world.base
    country = f.create_country(region=b.region)
    world.hide(country, "own", state)
    # A leg of a public visit in a hidden country: the leg shows, never the country.
    f.create_leg(visit=b.visit, country=country, order=_leg_order(b.visit))
    b.office.countries_covered.add(country)
    f.create_event(country=country, start="2024-01-01")  # public, in a hidden country
    world.hide(f.create_participation(country=country, programme=b.programme), "dep")


def hidden_organisation(world: World, state: str) -> None:
    organisation = f.create_organisation(country=world.base.country)
    world.hide(organisation, "own", state)
    f.create_position(organisation=organisation)  # public, of a hidden organisation


def hidden_office(world: World, state: str) -> None:
    b = world.base
    office = f.create_office(host_country=b.country, start="2001-01-01")
    world.hide(office, "own", state)
    f.create_position(organisation=b.organisation, office=office)
    b.office.succeeded_by = office
    b.office.save()


def hidden_position(world: World, state: str) -> None:
    b = world.base
    position = f.create_position(organisation=b.organisation, office=b.office)
    world.hide(position, "own", state)
    world.hide(f.create_appointment(person=b.person, position=position), "dep")
    visit = f.create_visit(traveller=b.person, traveller_position=position, start="2024-06-05")
    world.hide(visit, "dep")
    f.create_meeting(
        visit=b.visit, counterpart=b.counterpart, counterpart_position=position, order=9
    )


def hidden_person(world: World, state: str) -> None:
    b = world.base
    person = f.create_person()
    world.hide(person, "own", state)
    f.create_meeting(visit=b.visit, counterpart=person, order=8)
    world.hide(f.create_appointment(person=person, position=b.position), "dep")
    visit = f.create_visit(traveller=person, start="2024-06-04", end="2024-06-05")
    marker = world.hide(visit, "dep")
    leg = f.create_leg(visit=visit, country=b.country, start="2024-06-04")
    world.mark_children(marker, leg)
    f.create_citation(record=person, source=b.source)


def hidden_appointment(world: World, state: str) -> None:
    b = world.base
    world.hide(f.create_appointment(person=b.person, position=b.position), "own", state)


def hidden_programme(world: World, state: str) -> None:
    b = world.base
    programme = f.create_programme(start="2002-01-01")
    world.hide(programme, "own", state)
    world.hide(f.create_participation(country=b.country, programme=programme), "dep")
    f.create_programme(part_of=programme, replaces=programme)  # public, part of a hidden one


def hidden_participation(world: World, state: str) -> None:
    b = world.base
    participation = f.create_participation(country=b.country, programme=b.programme)
    world.hide(participation, "own", state)


def hidden_event(world: World, state: str) -> None:
    b = world.base
    event = f.create_event(country=b.country, start="2024-06-02")
    world.hide(event, "own", state)
    event.topics.add(b.topic)
    f.create_programme(launched_at=event)  # public, launched at a hidden event


def hidden_topic(world: World, state: str) -> None:
    b = world.base
    topic = f.create_topic()
    world.hide(topic, "own", state)
    b.visit.topics.add(topic)
    b.event.topics.add(topic)


def hidden_source(world: World, state: str) -> None:
    b = world.base
    source = f.create_source()
    marker = world.hide(source, "own", state)
    for record in (b.visit, b.person, b.country, b.topic):
        world.mark_children(marker, f.create_citation(record=record, source=source))


def hidden_visit(world: World, state: str) -> None:
    b = world.base
    visit = f.create_visit(
        traveller=b.person, traveller_position=b.position, start="2024-06-10", end="2024-06-12"
    )
    marker = world.hide(visit, "own", state)
    visit.topics.add(b.topic)
    leg = f.create_leg(visit=visit, country=b.country, start="2024-06-10")
    meeting = f.create_meeting(visit=visit, leg=leg, counterpart=b.counterpart, date="2024-06-11")
    citation = f.create_citation(record=visit, source=b.source)
    world.mark_children(marker, leg, meeting, citation)


HIDERS = {
    "region": hidden_region,
    "country": hidden_country,
    "organisation": hidden_organisation,
    "office": hidden_office,
    "position": hidden_position,
    "person": hidden_person,
    "appointment": hidden_appointment,
    "programme": hidden_programme,
    "participation": hidden_participation,
    "event": hidden_event,
    "topic": hidden_topic,
    "source": hidden_source,
    "visit": hidden_visit,
}


def build_leak_world() -> World:
    """The base graph, and for every publishable model a record in each non-public state,
    linked to public records, with public records linked to it."""
    missing = {m._meta.model_name for m in publishable_models()} - set(HIDERS)
    assert not missing, f"teach tests/adversarial/records.py to hide {sorted(missing)}"
    world = World(build_base())
    for hider in HIDERS.values():
        for state in STATES:
            hider(world, state)
    return world
