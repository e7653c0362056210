"""Generate realistic published data at a chosen size, on top of the seed content.

`generate(visits=N, seed=S)` adds N visits and the records around them in the proportions
of a few years of a real office's work (see `Sizes.for_visits`), every one published and
valid by the models' rules and the database's constraints and triggers: partial dates of
every precision, legs inside their visit's dates and in a unique order, single-holder posts
held by one person at a time, holder limits kept. Rows are written with `bulk_create` in
batches, so no history is recorded for them: generated data is a benchmark fixture, not
editors' work, and a `SeedEntry` marker says it is there.

One seed always gives the same data (one `random.Random`, fixed word lists in
registry/bench/words.py); only database ids may differ. Visits and their children are
written in chunks (registry/bench/visits.py), so memory stays flat at any size.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from registry.models import SeedEntry
from registry.models.history import TRACKED

from . import records, visits
from .context import Context, Sizes

# SeedEntry keys of generated data start with this, so that a later run can tell.
GENERATED_PREFIX = "generated:"


class GenerationRefused(Exception):
    """The database is not one the generator may write to."""


def content_problems() -> list[str]:
    """Why this database holds more than the seed; empty when it holds only the seed.

    Editors' work always leaves history (every save records a row), while the seed loader's
    rows carry the reason "seed"; generated rows leave a `SeedEntry` marker instead.
    """
    problems = []
    for name in TRACKED:
        model = apps.get_model("registry", name)
        if model.history.exclude(history_change_reason="seed").exists():
            problems.append(f"{model._meta.verbose_name_plural} changed outside the seed loader")
    if SeedEntry.objects.filter(key__startswith=GENERATED_PREFIX).exists():
        problems.append("benchmark data generated before")
    return problems


def check_allowed(*, force: bool, throwaway: bool) -> None:
    if not settings.DEBUG and not throwaway:
        raise GenerationRefused(
            "Refusing to generate benchmark data with DEBUG off: this may be a production "
            "database. Pass --throwaway-database to confirm that it is a disposable one."
        )
    problems = content_problems()
    if problems and not force:
        raise GenerationRefused(
            "The database holds content beyond the seed ("
            + "; ".join(problems)
            + "). Generate into a fresh database, or pass --force to add to it anyway."
        )


STEPS = (
    records.load_existing,
    records.countries,
    records.topics,
    records.sources,
    records.organisations,
    records.events,
    records.programmes,
    records.offices,
    records.positions,
    records.people,
    records.appointments,
    visits.generate_visits,
    records.other_citations,
    records.other_names,
)


def generate(
    visits: int,
    *,
    seed: int = 1,
    force: bool = False,
    throwaway: bool = False,
    log: Callable[[str], None] = lambda message: None,
) -> dict[str, int]:
    """Add `visits` visits and their surroundings; returns the rows created, by kind."""
    if visits < 1:
        raise GenerationRefused("Generate at least one visit.")
    check_allowed(force=force, throwaway=throwaway)
    ctx = Context(rng=random.Random(seed), sizes=Sizes.for_visits(visits), log=log)
    with transaction.atomic():
        for step in STEPS:
            step(ctx)
        ctx.flush_citations()
        runs = SeedEntry.objects.filter(key__startswith=GENERATED_PREFIX).count()
        SeedEntry.objects.create(key=f"{GENERATED_PREFIX}visits={visits}:seed={seed}:{runs + 1}")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give
            cursor.execute("ANALYZE")
    return ctx.created
