"""Keyword-only factories for test data: each makes a valid, published record by default."""

from __future__ import annotations

import itertools

from django.contrib.contenttypes.models import ContentType

from registry.models import (
    Appointment,
    Citation,
    Country,
    Event,
    Meeting,
    Office,
    Organisation,
    Participation,
    Person,
    Position,
    Programme,
    Region,
    Source,
    Status,
    Topic,
    Visit,
    VisitLeg,
)
from registry.partial_dates import PartialDate

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def _date(value: PartialDate | str | None) -> PartialDate | None:
    return PartialDate.parse(value) if isinstance(value, str) else value


def create_region(*, name: str | None = None, status: str = Status.PUBLISHED, **kw) -> Region:
    n = _n()
    name = name or f"Region {n}"
    return Region.objects.create(name=name, slug=kw.pop("slug", f"region-{n}"), status=status, **kw)


def create_country(
    *,
    name: str | None = None,
    iso_code: str | None = None,
    region: Region | None = None,
    status: str = Status.PUBLISHED,
    **kw,
) -> Country:
    n = _n()
    if iso_code is None:
        iso_code = chr(65 + n // 26 % 26) + chr(65 + n % 26)
        while Country.objects.filter(iso_code=iso_code).exists():
            n = _n()
            iso_code = chr(65 + n // 26 % 26) + chr(65 + n % 26)
    region = region or create_region()
    return Country.objects.create(
        name=name or f"Country {n}",
        slug=kw.pop("slug", f"country-{n}"),
        iso_code=iso_code,
        region=region,
        is_partner=kw.pop("is_partner", True),
        status=status,
        **kw,
    )


def create_organisation(
    *, name: str | None = None, status: str = Status.PUBLISHED, **kw
) -> Organisation:
    n = _n()
    return Organisation.objects.create(
        name=name or f"Organisation {n}",
        slug=kw.pop("slug", f"organisation-{n}"),
        kind=kw.pop("kind", Organisation.Kind.INTERNATIONAL),
        status=status,
        **kw,
    )


def create_person(*, name: str | None = None, status: str = Status.PUBLISHED, **kw) -> Person:
    n = _n()
    return Person.objects.create(
        name=name or f"Person {n}", slug=kw.pop("slug", f"person-{n}"), status=status, **kw
    )


def create_office(
    *, name: str | None = None, status: str = Status.PUBLISHED, start=None, end=None, **kw
) -> Office:
    n = _n()
    office = Office(
        name=name or f"Office {n}", slug=kw.pop("slug", f"office-{n}"), status=status, **kw
    )
    office.start, office.end = _date(start), _date(end)
    office.save()
    return office


def create_position(
    *,
    title: str | None = None,
    organisation: Organisation | None = None,
    max_holders: int = 1,
    status: str = Status.PUBLISHED,
    start=None,
    end=None,
    **kw,
) -> Position:
    n = _n()
    position = Position(
        title=title or f"Position {n}",
        slug=kw.pop("slug", f"position-{n}"),
        organisation=organisation or create_organisation(),
        max_holders=max_holders,
        status=status,
        **kw,
    )
    position.start, position.end = _date(start), _date(end)
    position.save()
    return position


def create_appointment(
    *,
    person: Person | None = None,
    position: Position | None = None,
    start=None,
    end=None,
    status: str = Status.PUBLISHED,
    **kw,
) -> Appointment:
    appointment = Appointment(
        person=person or create_person(),
        position=position or create_position(),
        status=status,
        **kw,
    )
    appointment.start, appointment.end = _date(start), _date(end)
    appointment.save()
    return appointment


def create_programme(
    *, name: str | None = None, status: str = Status.PUBLISHED, start=None, end=None, **kw
) -> Programme:
    n = _n()
    programme = Programme(
        name=name or f"Programme {n}",
        slug=kw.pop("slug", f"programme-{n}"),
        kind=kw.pop("kind", Programme.Kind.PROGRAMME),
        status=status,
        **kw,
    )
    programme.start, programme.end = _date(start), _date(end)
    programme.save()
    return programme


def create_participation(
    *,
    country: Country | None = None,
    programme: Programme | None = None,
    start=None,
    end=None,
    status: str = Status.PUBLISHED,
    **kw,
) -> Participation:
    participation = Participation(
        country=country or create_country(),
        programme=programme or create_programme(),
        status=status,
        **kw,
    )
    participation.start, participation.end = _date(start), _date(end)
    participation.save()
    return participation


def create_event(
    *, name: str | None = None, status: str = Status.PUBLISHED, start=None, end=None, **kw
) -> Event:
    n = _n()
    event = Event(name=name or f"Event {n}", slug=kw.pop("slug", f"event-{n}"), status=status, **kw)
    event.start, event.end = _date(start), _date(end)
    event.save()
    return event


def create_topic(*, name: str | None = None, status: str = Status.PUBLISHED, **kw) -> Topic:
    n = _n()
    return Topic.objects.create(
        name=name or f"Topic {n}", slug=kw.pop("slug", f"topic-{n}"), status=status, **kw
    )


def create_visit(
    *,
    title: str | None = None,
    traveller: Person | None = None,
    start=None,
    end=None,
    status: str = Status.PUBLISHED,
    **kw,
) -> Visit:
    n = _n()
    visit = Visit(
        title=title or f"Visit {n}",
        slug=kw.pop("slug", f"visit-{n}"),
        traveller=traveller if traveller is not None else create_person(),
        status=status,
        **kw,
    )
    visit.start, visit.end = _date(start), _date(end)
    visit.save()
    return visit


def create_leg(
    *, visit: Visit, country: Country | None = None, order: int = 0, start=None, end=None, **kw
) -> VisitLeg:
    leg = VisitLeg(visit=visit, country=country or create_country(), order=order, **kw)
    leg.start, leg.end = _date(start), _date(end)
    leg.save()
    return leg


def create_meeting(
    *, visit: Visit, counterpart: Person | None = None, counterpart_group: str = "", **kw
) -> Meeting:
    if counterpart is None and not counterpart_group:
        counterpart = create_person()
    return Meeting.objects.create(
        visit=visit, counterpart=counterpart, counterpart_group=counterpart_group, **kw
    )


def create_source(*, title: str | None = None, status: str = Status.PUBLISHED, **kw) -> Source:
    n = _n()
    return Source.objects.create(
        title=title or f"Source {n}",
        slug=kw.pop("slug", f"source-{n}"),
        kind=kw.pop("kind", Source.Kind.WEB_PAGE),
        status=status,
        **kw,
    )


def create_citation(*, record, source: Source | None = None, **kw) -> Citation:
    return Citation.objects.create(
        source=source or create_source(),
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        **kw,
    )


def cited(*records):
    """Give each record a citation of a published source, so that the publishing gate lets
    it through; returns the first record (or all of them, for several)."""
    for record in records:
        create_citation(record=record, quote="As the source states.")
    return records[0] if len(records) == 1 else records


ROLES = ("editor", "publisher", "superuser", "staff", "none")


def create_user(*, role: str = "editor", username: str | None = None, **kw):
    """A user in one of the editors' roles: "editor" or "publisher" (staff in that group),
    "superuser", "staff" (staff in no group) or "none" (an account that is not staff)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    n = _n()
    user = get_user_model().objects.create_user(
        username=username or f"{role}-{n}",
        email=f"{role}-{n}@example.org",
        password="correct horse battery staple",
        is_staff=role != "none",
        is_superuser=role == "superuser",
        **kw,
    )
    if role in ("editor", "publisher"):
        user.groups.add(Group.objects.get(name=role.capitalize()))
    return user
