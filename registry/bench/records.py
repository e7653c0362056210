"""The generator's steps for everything but visits: places, sources, posts and people."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.contenttypes.models import ContentType

from registry.models import (
    Appointment,
    Country,
    Event,
    Office,
    Organisation,
    OtherName,
    Participation,
    Person,
    Position,
    Programme,
    Source,
    Topic,
    Visit,
)
from registry.partial_dates import Precision

from . import words as w
from .context import PUBLISHED, Context

UNIQUE_FIELDS = {
    Country: ("name", "iso_code", "slug"),
    Topic: ("name", "slug"),
    Source: ("slug",),
    Organisation: ("name", "slug"),
    Event: ("name", "slug"),
    Programme: ("name", "slug"),
    Office: ("name", "slug"),
    Position: ("title", "slug"),
    Person: ("slug",),
    Visit: ("slug",),
}


def load_existing(ctx: Context) -> None:
    """Read what is already there (the seed): its unique names, countries, topics, sources."""
    for model, names in UNIQUE_FIELDS.items():
        for name in names:
            values = model.objects.values_list(name, flat=True)
            ctx.taken[f"{model.__name__}.{name}"] = set(values)
    nato = Organisation.objects.filter(short_name="NATO").values_list("pk", flat=True).first()
    if nato is None:
        name = ctx.unique("Organisation.name", "North Atlantic Treaty Organization", 200)
        slug = ctx.slug(Organisation, name)
        nato = Organisation.objects.create(
            name=name, short_name="NATO", slug=slug, kind="international", **PUBLISHED
        ).pk
    ctx.nato = nato
    ctx.topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True))
    for pk, text in Source.objects.order_by("pk").values_list("pk", "full_text"):
        sentences = [s.strip() for s in text.split(". ") if 20 < len(s.strip()) < 300]
        if sentences:
            ctx.sources.append((pk, sentences))
    fields = ("pk", "iso_code", "name", "is_partner")
    for pk, iso, name, partner in Country.objects.order_by("pk").values_list(*fields):
        ctx.countries.append((pk, iso, name, w.PARTNER_CITIES.get(iso, [name])))
        if partner:
            ctx.partners.append(pk)


def countries(ctx: Context) -> None:
    rows = []
    for iso, name, capital in w.OTHER_COUNTRIES:
        if len(rows) >= ctx.sizes.countries:
            break
        if iso in ctx.taken["Country.iso_code"] or name in ctx.taken["Country.name"]:
            continue
        profile = f"{name} is a NATO Ally; its capital, {capital}, often hosts partnership talks."
        slug = ctx.slug(Country, name)
        rows.append(Country(name=name, iso_code=iso, slug=slug, profile=profile, **PUBLISHED))
        rows[-1].capital = capital
    for country in ctx.save(Country, rows):
        ctx.countries.append((country.pk, country.iso_code, country.name, [country.capital]))
    if not ctx.partners:  # a database without the seed: every country is a partner
        ctx.partners = [pk for pk, *_ in ctx.countries]


def topics(ctx: Context) -> None:
    names = itertools.chain(w.TOPICS, (f"{t} in {c[2]}" for c in ctx.countries for t in w.TOPICS))
    rows = []
    for name in names:
        if len(rows) >= ctx.sizes.topics:
            break
        if name in ctx.taken["Topic.name"]:
            continue
        ctx.taken["Topic.name"].add(name)
        slug = ctx.slug(Topic, name)
        rows.append(Topic(name=name, slug=slug, description=ctx.paragraph(1), **PUBLISHED))
    ctx.topics += [t.pk for t in ctx.save(Topic, rows)]


PUBLISHERS = ["NATO", "NATO Review", "Civil.ge", "Trend", "Armenpress", "Kabar", "Asia-Plus", ""]


def sources(ctx: Context) -> None:
    rows, quotes = [], []
    for _ in range(ctx.sizes.sources):
        place = ctx.rng.choice(ctx.countries)[2]
        title = f"{ctx.rng.choice(w.SENTENCE_PARTS['objects']).capitalize()}: talks in {place}"
        slug = ctx.slug(Source, title)
        kind = ctx.rng.choice(Source.Kind.values)
        sentences = [ctx.sentence() for _ in range(ctx.rng.randint(6, 14))]
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        date, precision = ctx.partial(ctx.day())
        author = f"{ctx.rng.choice(w.GIVEN_NAMES)} {ctx.surname()}"
        rows.append(
            Source(
                title=title,
                slug=slug,
                kind=kind,
                publisher=ctx.rng.choice(PUBLISHERS),
                author=author if ctx.rng.random() < 0.3 else "",
                date=date,
                date_precision=precision,
                url=f"https://www.example.org/{kind.replace('_', '-')}/{slug}",
                full_text="\n\n".join(paragraphs),
                **PUBLISHED,
            )
        )
        quotes.append([s.rstrip(".") for s in sentences])
    for source, sentences in zip(ctx.save(Source, rows), quotes, strict=True):
        ctx.sources.append((source.pk, sentences))


ORGANISATIONS = [
    ("Government of {c}", "government"),
    ("Parliament of {c}", "parliament"),
    ("Office of the President of {c}", "head_of_state"),
    *((f"Ministry of {m} of {{c}}", "government") for m in w.MINISTRIES),
]


def organisations(ctx: Context) -> None:
    names = {pk: name for pk, _, name, _ in ctx.countries}
    order = ctx.partners + [pk for pk in names if pk not in ctx.partners]
    rows = []
    for (template, kind), country in itertools.product(ORGANISATIONS, order):
        if len(rows) >= ctx.sizes.organisations:
            break
        name = template.format(c=names[country])
        if name in ctx.taken["Organisation.name"]:
            continue
        ctx.taken["Organisation.name"].add(name)
        slug = ctx.slug(Organisation, name)
        rows.append(Organisation(name=name, slug=slug, kind=kind, country_id=country, **PUBLISHED))
    for org in ctx.save(Organisation, rows):
        ctx.organisations.append((org.pk, org.name, org.country_id, org.kind))


EVENT_KINDS = [("summit", "Summit"), ("ministerial", "Ministerial"), ("meeting", "Meeting")]


def events(ctx: Context) -> None:
    rows = []
    for _ in range(ctx.sizes.events):
        kind, label = ctx.rng.choices(EVENT_KINDS, (2, 5, 3))[0]
        city = ctx.rng.choice(w.EVENT_CITIES)
        start = ctx.day(1994, 2025)
        name = ctx.unique("Event.name", f"{city} {label} {start.year}", 200)
        date, precision = ctx.partial(start, (85, 10, 5, 0))
        end = start + dt.timedelta(days=ctx.rng.randint(0, 2))
        rows.append(
            Event(
                name=name,
                slug=ctx.slug(Event, name),
                kind=kind,
                start_date=date,
                start_precision=precision,
                end_date=end if precision == Precision.DAY else None,
                city=city,
                country_id=ctx.rng.choice(ctx.countries)[0],
                summary=ctx.paragraph(2),
                decisions="\n".join(ctx.sentence() for _ in range(ctx.rng.randint(0, 4))),
                **PUBLISHED,
            )
        )
    ctx.events = [e.pk for e in ctx.save(Event, rows)]
    link = Event.topics.through
    ctx.save(
        link, [link(event_id=e, topic_id=t) for e in ctx.events for t in ctx.some(ctx.topics, 1, 3)]
    )


KIND_WORDS = {
    "forum": "Forum",
    "programme": "Programme",
    "action_plan": "Action Plan",
    "dialogue": "Dialogue",
    "mission": "Mission",
}


def programmes(ctx: Context) -> None:
    rows = []
    for _ in range(ctx.sizes.programmes):
        kind = ctx.rng.choice(w.PROGRAMME_KINDS)
        prefix, noun = ctx.rng.choice(w.PROGRAMME_PREFIXES), ctx.rng.choice(w.PROGRAMME_NOUNS)
        base = f"{prefix} {noun} {KIND_WORDS[kind]}"
        name = ctx.unique("Programme.name", base, 200)
        launched = ctx.rng.choice(ctx.events) if ctx.events and ctx.rng.random() < 0.3 else None
        rows.append(
            Programme(
                name=name,
                short_name="".join(word[0] for word in base.split() if word[0].isupper()),
                slug=ctx.slug(Programme, name),
                kind=kind,
                description=ctx.paragraph(3),
                launched_at_id=launched,
                **ctx.span(ongoing_share=0.5),
                **PUBLISHED,
            )
        )
    ctx.programmes = [p.pk for p in ctx.save(Programme, rows)]
    # Generated programmes only, so no pair can clash with a seed participation.
    pairs = list(itertools.product(ctx.programmes, [pk for pk, *_ in ctx.countries]))
    chosen = ctx.rng.sample(pairs, min(len(pairs), ctx.sizes.participations))
    rows = [
        Participation(
            programme_id=programme,
            country_id=country,
            stage=ctx.rng.choices(Participation.Stage.values, (1, 6, 3))[0],
            summary=ctx.sentence(),
            **ctx.span(ongoing_share=0.6),
            **PUBLISHED,
        )
        for programme, country in chosen
    ]
    ctx.participations = [p.pk for p in ctx.save(Participation, rows)]


OFFICE_KINDS = [
    "NATO Liaison Office",
    "NATO Information and Documentation Centre",
    "NATO Contact Point Embassy",
    "NATO Partnership Office",
    "NATO Training Centre",
]


def offices(ctx: Context) -> None:
    rows = []
    cities = ctx.cities
    for n in range(ctx.sizes.offices):
        country = ctx.rng.choice(ctx.partners)
        city = ctx.rng.choice(cities[country])
        name = ctx.unique("Office.name", f"{ctx.rng.choice(OFFICE_KINDS)} in {city}", 200)
        digits = [ctx.rng.randint(10, 99) for _ in range(4)]
        rows.append(
            Office(
                name=name,
                slug=ctx.slug(Office, name),
                city=city,
                host_country_id=country,
                address=f"{ctx.rng.randint(1, 120)} {ctx.surname(common=True)} Street\n{city}",
                phone="+{} {} {}{} {}".format(ctx.rng.randint(1, 998), *digits),
                email=f"office{n + 1}@example.org",
                description=ctx.paragraph(2),
                **ctx.span(ongoing_share=0.7),
                **PUBLISHED,
            )
        )
    ctx.offices = [o.pk for o in ctx.save(Office, rows)]
    link = Office.countries_covered.through
    ctx.save(
        link,
        [
            link(office_id=o, country_id=c)
            for o in ctx.offices
            for c in ctx.some(ctx.partners, 1, 3)
        ],
    )


MINISTRY_ADVISERS = [
    (f"Senior Adviser on {a} to the Minister of {{m}} of {{c}}", 1) for a in w.NATO_AREAS
]
ROLES_BY_KIND = {
    "government": w.GOVERNMENT_ROLES,
    "parliament": w.PARLIAMENT_ROLES,
    "head_of_state": w.HEAD_OF_STATE_ROLES,
}


def _posts(ctx: Context) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """Candidate posts (title, holders at once, organisation): NATO's and national ones."""
    nato = [(t.format(a=a), holders, ctx.nato) for t, holders in w.NATO_ROLES for a in w.NATO_AREAS]
    names = {pk: name for pk, _, name, _ in ctx.countries}
    national = []
    for pk, org_name, country, kind in ctx.organisations:
        c = names.get(country, "")
        if org_name.startswith("Ministry of "):
            ministry = org_name.removeprefix("Ministry of ").removesuffix(f" of {c}")
            roles = [*w.MINISTRY_ROLES, *MINISTRY_ADVISERS]
            national += [(t.format(m=ministry, c=c), h, pk) for t, h in roles]
        else:
            national += [(t.format(c=c), h, pk) for t, h in ROLES_BY_KIND[kind]]
    ctx.rng.shuffle(nato)
    ctx.rng.shuffle(national)
    return nato, national


def positions(ctx: Context) -> None:
    nato, national = _posts(ctx)
    nato = nato[: max(2, ctx.sizes.positions // 20)]
    rows = []
    for title, holders, org in nato + national:
        if len(rows) >= ctx.sizes.positions:
            break
        if title in ctx.taken["Position.title"]:
            continue
        ctx.taken["Position.title"].add(title)
        is_nato = org == ctx.nato
        office = ctx.rng.choice(ctx.offices) if is_nato and ctx.rng.random() < 0.2 else None
        established = ctx.rng.choice(ctx.events) if ctx.rng.random() < 0.05 else None
        position = Position(
            title=title,
            slug=ctx.slug(Position, title),
            organisation_id=org,
            office_id=office,
            established_by_id=established,
            duties=ctx.paragraph(1),
            max_holders=holders,
            ongoing=True,
            start_date=None,
            **PUBLISHED,
        )
        # A post's own dates are rarely in the sources: unknown start, still existing.
        position.is_nato = is_nato
        rows.append(position)
    ctx.positions = [(p.pk, p.max_holders, p.is_nato) for p in ctx.save(Position, rows)]


def people(ctx: Context) -> None:
    rows = []
    for n in range(ctx.sizes.people):
        given = ctx.rng.choice(w.GIVEN_NAMES)
        # Exactly one person has the planted rare surname (the benchmark searches for it).
        family = w.RARE_SURNAME if n == ctx.sizes.people // 2 else ctx.surname()
        name = f"{given} {family}"
        summary = ctx.paragraph(1) if ctx.rng.random() < 0.5 else ""
        rows.append(
            Person(
                name=name,
                slug=ctx.slug(Person, name),
                sort_name=f"{family}, {given}",
                summary=summary,
                **PUBLISHED,
            )
        )
    ctx.people = [p.pk for p in ctx.save(Person, rows)]
    travellers = max(1, len(ctx.people) // 100)
    ctx.traveller_pool = ctx.people[:travellers]
    ctx.traveller_names = {p.pk: p.name for p in rows[:travellers]}
    ctx.counterparts = ctx.people[travellers:] or ctx.people


def _chain(ctx: Context, length: int) -> list[tuple[dt.date | None, str]]:
    """Hand-over dates of a single-holder post, at least a year apart (so that no two
    holders surely overlap, whatever the precision), ending around today."""
    gaps = [ctx.rng.randint(1, 4) for _ in range(length)]
    year = max(1930, 2026 - sum(gaps))
    boundaries = []
    for gap in gaps:
        day = dt.date(year, ctx.rng.randint(1, 12), ctx.rng.randint(1, 28))
        boundaries.append(ctx.partial(day, (75, 12, 10, 3)))
        year += gap
    return boundaries


def appointments(ctx: Context) -> None:
    """Appointments: single-holder posts get a chain of successive holders (the exclusion
    constraint), shared posts any holders up to their limit."""
    by_post: dict[int, int] = {pk: 0 for pk, _, _ in ctx.positions}
    nato_posts = [pk for pk, _, is_nato in ctx.positions if is_nato]
    nato_set = set(nato_posts)
    for pk in nato_posts:  # every NATO post has a holder, so that visits have travellers
        by_post[pk] += 1
    posts = [pk for pk, _, _ in ctx.positions]
    for _ in range(ctx.sizes.appointments - len(nato_posts)):
        by_post[ctx.rng.choice(posts)] += 1
    holders = {pk: h for pk, h, _ in ctx.positions}
    counterparts = itertools.cycle(ctx.counterparts)
    rows = []
    for post, count in by_post.items():
        single = holders[post] == 1
        if not single and holders[post] < count:
            holders[post] = min(1000, count)  # a shared post's limit covers its holders
        boundaries = _chain(ctx, count + 1) if single else []
        is_nato = post in nato_set
        for i in range(count):
            person = ctx.rng.choice(ctx.traveller_pool) if is_nato else next(counterparts)
            if single:
                (start, sp), (end, ep) = boundaries[i], boundaries[i + 1]
                ongoing = i == count - 1 and ctx.rng.random() < 0.6
                if ongoing:
                    end, ep = None, Precision.DAY
            else:
                start, sp = ctx.partial(ctx.day(1995, 2024), (75, 12, 10, 3))
                days = ctx.rng.randint(365, 3000)
                until = (start or dt.date(1995, 1, 1)) + dt.timedelta(days=days)
                ongoing = until.year > 2025
                end, ep = (None, Precision.DAY) if ongoing else ctx.partial(until, (75, 12, 10, 3))
            rows.append(
                Appointment(
                    person_id=person,
                    position_id=post,
                    capacity=ctx.rng.choices(Appointment.Capacity.values, (90, 7, 3))[0],
                    start_date=start,
                    start_precision=sp,
                    end_date=end,
                    end_precision=ep,
                    ongoing=ongoing,
                    ordinal=i + 1 if single else None,
                    single_holder=single,
                    **PUBLISHED,
                )
            )
            ctx.post_of[person] = post
            if is_nato:
                ctx.travellers.append((person, post))
    changed = [(pk, holders[pk]) for pk, h, _ in ctx.positions if holders[pk] != h]
    for pk, limit in changed:
        Position.objects.filter(pk=pk).update(max_holders=limit)
    ctx.appointments = [a.pk for a in ctx.save(Appointment, rows)]


def other_citations(ctx: Context) -> None:
    """The citations not on visits (a third of them), on people, posts and the rest."""
    remaining = ctx.sizes.citations - ctx.created.get("citations", 0) - len(ctx.citations)
    targets = [
        (Person, ctx.people, 4),
        (Appointment, ctx.appointments, 4),
        (Position, [pk for pk, _, _ in ctx.positions], 2),
        (Event, ctx.events, 1),
        (Programme, ctx.programmes, 1),
        (Participation, ctx.participations, 1),
        (Office, ctx.offices, 1),
    ]
    targets = [(m, ids, share) for m, ids, share in targets if ids]
    kinds = ctx.rng.choices(targets, [share for *_, share in targets], k=max(0, remaining))
    for model, ids, _ in kinds:
        ctx.cite(ContentType.objects.get_for_model(model).pk, ctx.rng.choice(ids), 1)


def other_names(ctx: Context) -> None:
    """Names as they were: each generated country's capital had another name until 1998,
    every tenth post and programme another title until 2010."""
    country_type = ContentType.objects.get_for_model(Country)
    rows = [
        OtherName(
            content_type=country_type,
            object_id=pk,
            city=cities[0],
            name=f"Old {cities[0]}",
            end_date=dt.date(1998, 1, 1),
            end_precision=Precision.YEAR,
        )
        for pk, _, _, cities in ctx.countries
        if cities
    ]
    for model, ids in (
        (Position, [pk for pk, _, _ in ctx.positions]),
        (Programme, ctx.programmes),
    ):
        content_type = ContentType.objects.get_for_model(model)
        rows += [
            OtherName(
                content_type=content_type,
                object_id=pk,
                name=f"Former title {n}",
                end_date=dt.date(2010, 1, 1),
                end_precision=Precision.YEAR,
            )
            for n, pk in enumerate(ids[::10])
        ]
    ctx.save(OtherName, rows)
