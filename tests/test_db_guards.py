"""PostgreSQL triggers that keep a visit's legs within the visit's dates."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from registry.models import Visit, VisitLeg
from registry.partial_dates import PartialDate
from tests.factories import create_leg, create_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("database triggers exist on PostgreSQL only")


def move_leg(leg: VisitLeg, start: str) -> None:
    value = PartialDate.parse(start)
    with transaction.atomic():
        VisitLeg.objects.filter(pk=leg.pk).update(
            start_date=value.date, start_precision=value.precision
        )


@pytest.mark.parametrize("start", ["2024-03-16", "2024-03-20", "2024-02", "2023"])
def test_leg_certainly_outside_visit_is_refused(postgres_only, start):
    leg = create_leg(visit=create_visit(start="2024-03-17", end="2024-03-19"))
    with pytest.raises(IntegrityError, match="outside the visit"):
        move_leg(leg, start)
    leg.refresh_from_db()
    assert leg.start_date is None


@pytest.mark.parametrize("start", ["2024-03-17", "2024-03-19", "2024-03", "2024"])
def test_leg_possibly_inside_visit_is_accepted(postgres_only, start):
    leg = create_leg(visit=create_visit(start="2024-03-17", end="2024-03-19"))
    move_leg(leg, start)
    leg.refresh_from_db()
    assert leg.start.isoformat() == start


def test_new_leg_outside_visit_is_refused(postgres_only):
    visit = create_visit(start="2024-03-17", end="2024-03-19")
    first = create_leg(visit=visit)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitLeg.objects.create(
            visit=visit,
            country=first.country,
            order=2,
            end_date=PartialDate.parse("2024-04-01").date,
        )
    assert visit.legs.count() == 1


def test_visit_dates_cannot_shrink_away_from_its_legs(postgres_only):
    visit = create_visit(start="2024-03-17", end="2024-03-19")
    create_leg(visit=visit, start="2024-03-19")
    with pytest.raises(IntegrityError, match="legs outside"), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(end_date=PartialDate.parse("2024-03-18").date)
    visit.refresh_from_db()
    assert visit.end.isoformat() == "2024-03-19"


def test_visit_with_unknown_dates_accepts_any_leg(postgres_only):
    leg = create_leg(visit=create_visit())
    move_leg(leg, "1999-01-01")
    leg.refresh_from_db()
    assert leg.start.display() == "1 January 1999"
