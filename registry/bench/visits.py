"""The generator's big step: visits with their legs, meetings, topics and citations.

Written in chunks of visits so that memory stays flat: each chunk's visits are inserted
first (PostgreSQL returns their ids), then their legs, then the meetings that point to the
legs, then the links and citations.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils.text import slugify

from registry.models import Meeting, PublicChange, Visit, VisitLeg
from registry.partial_dates import Precision

from . import words as w
from .context import PUBLISHED, Context, cumulative_weights

CHANGE_LOG_START = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)

CHUNK = 2000
DAY, MONTH, YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR
# How a visit's dates are known: day to day, a first day only (and a length), a month, a
# year, or not at all.
SHAPES = ("days", "open", "month", "year", "unknown")
SHAPE_SHARES = (76, 6, 10, 5, 3)
VISIT_CITATION_SHARE = 2 / 3


@dataclass
class LegPlan:
    country: int
    city: str
    start: dt.date | None = None
    start_precision: str = DAY
    end: dt.date | None = None
    end_precision: str = DAY


@dataclass
class VisitPlan:
    start: dt.date | None = None
    start_precision: str = DAY
    end: dt.date | None = None
    end_precision: str = DAY
    duration: int | None = None
    legs: list[LegPlan] = field(default_factory=list)


def allocate(ctx: Context, total: int, count: int, minimum: int, heavy: set[int], weight: int):
    """Split `total` children over `count` parents, each at least `minimum`; the `heavy`
    parents (long tours) draw `weight` times more than the others."""
    counts = [minimum] * count
    extra = total - minimum * count
    if extra > 0:
        cum = list(itertools.accumulate(weight if i in heavy else 1 for i in range(count)))
        for i in ctx.rng.choices(range(count), cum_weights=cum, k=extra):
            counts[i] += 1
    return counts


def generate_visits(ctx: Context) -> None:
    n = ctx.sizes.visits
    tours = set(ctx.rng.sample(range(n), max(1, n // 100)))
    legs = allocate(ctx, ctx.sizes.legs, n, 1, tours, 100)
    meetings = allocate(ctx, ctx.sizes.meetings, n, 0, tours, 40)
    citations = allocate(ctx, int(ctx.sizes.citations * VISIT_CITATION_SHARE), n, 0, tours, 5)
    state = _State(ctx)
    for first in range(0, n, CHUNK):
        chunk = range(first, min(n, first + CHUNK))
        _write_chunk(state, [(legs[i], meetings[i], citations[i]) for i in chunk])
        ctx.log(f"visits: {chunk.stop:,} of {n:,}")


class _State:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cities = ctx.cities
        self.names = {pk: name for pk, _, name, _ in ctx.countries}
        self.partners = ctx.partners
        self.others = [pk for pk, *_ in ctx.countries if pk not in ctx.partners] or ctx.partners
        self.partner_weights = cumulative_weights(len(self.partners), 0.7)
        self.travellers = ctx.travellers
        self.traveller_weights = cumulative_weights(len(self.travellers))
        self.counterpart_weights = cumulative_weights(len(ctx.counterparts), 0.9)
        self.visit_type = ContentType.objects.get_for_model(Visit).pk

    def country(self) -> int:
        rng = self.ctx.rng
        if rng.random() < 0.1:
            return rng.choice(self.others)
        return rng.choices(self.partners, cum_weights=self.partner_weights)[0]


def _plan(state: _State, legs: int) -> VisitPlan:
    ctx, rng = state.ctx, state.ctx.rng
    shape = rng.choices(SHAPES, SHAPE_SHARES)[0]
    first = ctx.day(1994, 2025)
    countries = [state.country() for _ in range(legs)]
    places = [LegPlan(c, rng.choice(state.cities[c])) for c in countries]
    if shape in ("days", "open"):
        days = rng.randint(1, 4) + legs - 1 + (rng.randint(0, legs) if legs > 3 else 0)
        last = first + dt.timedelta(days=days - 1)
        plan = VisitPlan(first, DAY, last if shape == "days" else None, DAY)
        plan.duration = days if shape == "open" else None
        for i, leg in enumerate(places):
            leg.start = first + dt.timedelta(days=i * days // legs)
            leg.end = max(leg.start, first + dt.timedelta(days=(i + 1) * days // legs - 1))
            if rng.random() < 0.03:  # a stop the sources name without dates
                leg.start = leg.end = None
    elif shape == "month":
        month = first.replace(day=1)
        plan = VisitPlan(month, MONTH, month if rng.random() < 0.5 else None, MONTH)
        plan.end_precision = MONTH if plan.end else DAY
        days = sorted(rng.randint(1, 28) for _ in places)
        for leg, day in zip(places, days, strict=True):
            if rng.random() < 0.5:
                leg.start = leg.end = month.replace(day=day)
            else:
                leg.start, leg.start_precision = month, MONTH
    elif shape == "year":
        plan = VisitPlan(first.replace(month=1, day=1), YEAR)
        months = sorted(rng.randint(1, 12) for _ in places)
        for leg, month in zip(places, months, strict=True):
            leg.start, leg.start_precision = plan.start.replace(month=month), MONTH
    else:
        plan = VisitPlan(duration=rng.randint(1, 5) if rng.random() < 0.5 else None)
    plan.legs = places
    return plan


def _title(state: _State, plan: VisitPlan, traveller: int) -> str:
    rng = state.ctx.rng
    who = state.ctx.traveller_names.get(traveller, "NATO official")
    names = list(dict.fromkeys(state.names[leg.country] for leg in plan.legs))
    if len(names) > 3:
        place = f"{', '.join(names[:3])} and {len(names) - 3} more countries"
    elif len(names) > 1:
        place = f"{', '.join(names[:-1])} and {names[-1]}"
    else:
        place = names[0]
    thing = rng.choice(w.SENTENCE_PARTS["objects"])
    return rng.choice(
        [
            f"{who} visits {place}",
            f"{who} in {plan.legs[0].city}",
            f"{who} travels to {place} for talks on {thing}",
        ]
    )


def _write_chunk(state: _State, counts: list[tuple[int, int, int]]) -> None:
    ctx, rng = state.ctx, state.ctx.rng
    plans, visits = [], []
    for legs, _, _ in counts:
        plan = _plan(state, legs)
        traveller, post = rng.choices(state.travellers, cum_weights=state.traveller_weights)[0]
        title = _title(state, plan, traveller)
        year = plan.start.year if plan.start else "undated"
        visits.append(
            Visit(
                title=title,
                slug=ctx.unique("Visit.slug", f"{slugify(title)[:100]}-{year}", 120),
                traveller_id=traveller,
                traveller_position_id=post,
                start_date=plan.start,
                start_precision=plan.start_precision,
                end_date=plan.end,
                end_precision=plan.end_precision,
                duration_days=plan.duration,
                purpose=f"Talks on {rng.choice(w.SENTENCE_PARTS['objects'])} and "
                f"{rng.choice(w.SENTENCE_PARTS['objects'])}.",
                summary=ctx.paragraph(rng.randint(1, 3)),
                **PUBLISHED,
            )
        )
        plans.append(plan)
    visits = ctx.save(Visit, visits)
    legs = [
        VisitLeg(
            visit_id=visit.pk,
            order=order,
            country_id=leg.country,
            city=leg.city,
            start_date=leg.start,
            start_precision=leg.start_precision,
            end_date=leg.end,
            end_precision=leg.end_precision,
        )
        for visit, plan in zip(visits, plans, strict=True)
        for order, leg in enumerate(plan.legs, start=1)
    ]
    legs = iter(ctx.save(VisitLeg, legs))
    meetings, visit_links = [], []
    for visit, plan, (_, meeting_count, citation_count) in zip(visits, plans, counts, strict=True):
        visit_legs = [next(legs) for _ in plan.legs]
        meetings += _meetings(state, visit, visit_legs, meeting_count)
        visit_links += [(visit.pk, topic) for topic in ctx.some(ctx.topics, 1, 3)]
        ctx.cite(state.visit_type, visit.pk, citation_count)
    meetings = ctx.save(Meeting, meetings)
    # The change log a registry of this size would have: each visit's publication and, for
    # one in ten, a correction of its summary.
    changes = []
    for n, visit in enumerate(visits):
        at = CHANGE_LOG_START + dt.timedelta(minutes=visit.pk)
        common = {
            "content_type_id": state.visit_type,
            "object_id": visit.pk,
            "label": visit.title[:300],
            "path": visit.get_absolute_url(),
        }
        changes.append(PublicChange(kind=PublicChange.Kind.PUBLISHED, at=at, **common))
        if n % 10 == 0:
            field = {"field": "Summary", "before": visit.summary[:80], "after": visit.summary}
            changes.append(
                PublicChange(
                    kind=PublicChange.Kind.CORRECTED,
                    at=at + dt.timedelta(seconds=30),
                    fields=[field],
                    **common,
                )
            )
    ctx.save(PublicChange, changes)
    link = Visit.topics.through
    ctx.save(link, [link(visit_id=v, topic_id=t) for v, t in visit_links])
    link = Meeting.topics.through
    rows = [link(meeting_id=m.pk, topic_id=t) for m in meetings for t in ctx.some(ctx.topics, 0, 2)]
    ctx.save(link, rows)


def _meetings(state: _State, visit: Visit, legs: list[VisitLeg], count: int) -> list[Meeting]:
    ctx, rng = state.ctx, state.ctx.rng
    rows = []
    for order in range(1, count + 1):
        leg = rng.choice(legs)
        # On the leg's first day, at the leg's precision: always inside the visit's dates.
        date, precision = (leg.start_date, leg.start_precision)
        if rng.random() < 0.1:
            date, precision = None, DAY
        meeting = Meeting(
            visit_id=visit.pk,
            leg_id=leg.pk,
            order=order,
            city=leg.city,
            venue=rng.choice(w.VENUES),
            date=date,
            date_precision=precision,
            summary=ctx.sentence(),
        )
        if rng.random() < 0.85:
            person = rng.choices(ctx.counterparts, cum_weights=state.counterpart_weights)[0]
            meeting.counterpart_id = person
            meeting.counterpart_position_id = ctx.post_of.get(person)
        else:
            meeting.counterpart_group = rng.choice(w.GROUPS)
        rows.append(meeting)
    return rows
