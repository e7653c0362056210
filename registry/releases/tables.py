"""The release's tables: one per entity and one per many-to-many link, each with its columns
described for the data package (registry/releases/package.py).

Beyond the public rule (snapshot.py): a leg in a hidden country is left out, an order of
stops the sources do not give is not given, and a citation counts only when its source and
its record are public.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy

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
    Source,
    Topic,
    Visit,
    VisitLeg,
)

from .snapshot import (
    DATE_PATTERN,
    ONGOING,
    SLUG,
    SPAN,
    URL,
    Column,
    Row,
    Snapshot,
    Table,
    choice,
    date,
    edtf,
    flag,
    id_column,
    link,
    model_fields,
    number,
    plain,
    text,
)

# ISO 8601 at the precision the sources give (EDTF level 0): "2004", "2004-06", "2004-06-15".


def _legs(snapshot: Snapshot) -> Iterator[Row]:
    table = snapshot.tables["visit_legs"]
    visits = snapshot.public_ids(Visit)
    countries = snapshot.public_ids(Country)
    known = set(Visit.objects.filter(stop_order_known=True).values_list("pk", flat=True))
    names = model_fields(VisitLeg, table.columns)
    for values in VisitLeg.objects.order_by("pk").values(*names, "visit_id").iterator(2000):
        if values["visit_id"] not in visits or values["country_id"] not in countries:
            continue
        row = snapshot.row(table, values)
        # An order of stops the sources do not give is not given.
        if values["visit_id"] not in known:
            row["order"] = None
        yield row


def _meetings(snapshot: Snapshot) -> Iterator[Row]:
    table = snapshot.tables["meetings"]
    visits = snapshot.public_ids(Visit)
    names = model_fields(Meeting, table.columns)
    for values in Meeting.objects.order_by("pk").values(*names).iterator(2000):
        if values["visit_id"] in visits:
            yield snapshot.row(table, values)


def _citations(snapshot: Snapshot) -> Iterator[Row]:
    by_type = {
        model: table.name
        for table in snapshot.tables.values()
        if (model := table.model) is not None and hasattr(model, "citations")
    }
    tables = {
        ContentType.objects.get_for_model(model).pk: (model, name)
        for model, name in by_type.items()
    }
    sources = snapshot.public_ids(Source)
    rows = Citation.objects.order_by("pk").values(
        "pk", "source_id", "content_type_id", "object_id", "quote", "locator", "verified_on"
    )
    for values in rows.iterator(2000):
        target = tables.get(values["content_type_id"])
        if target is None or values["source_id"] not in sources:
            continue
        model, name = target
        if values["object_id"] not in snapshot.public_ids(model):
            continue
        yield {
            "id": values["pk"],
            "source_id": values["source_id"],
            "record_table": name,
            "record_id": values["object_id"],
            "quote": plain(values["quote"]),
            "locator": values["locator"],
            "verified_on": plain(values["verified_on"]),
        }


def _other_names(snapshot: Snapshot) -> Iterator[Row]:
    tables = {
        ContentType.objects.get_for_model(model).pk: (model, table.name)
        for table in snapshot.tables.values()
        if (model := table.model) is not None and hasattr(model, "other_names")
    }
    rows = OtherName.objects.order_by("pk").values(
        "pk", "content_type_id", "object_id", "city", "name", "start_date", "start_precision",
        "end_date", "end_precision", "note",
    )  # fmt: skip
    for values in rows.iterator(2000):
        target = tables.get(values["content_type_id"])
        if target is None or values["object_id"] not in snapshot.public_ids(target[0]):
            continue
        yield {
            "id": values["pk"],
            "record_table": target[1],
            "record_id": values["object_id"],
            "city": values["city"],
            "name": values["name"],
            "start": edtf(values["start_date"], values["start_precision"]),
            "end": edtf(values["end_date"], values["end_precision"]),
            "note": values["note"],
        }


TABLE_LIST: tuple[Table, ...] = (
    Table(
        "regions",
        gettext_lazy("Regions"),
        "The partner regions: the South Caucasus and Central Asia.",
        (
            id_column(),
            SLUG,
            text("name", "", required=True),
            text("summary", ""),
            number("sort_order", "The order regions are listed in."),
            URL,
        ),
        model=Region,
        url_name="region-detail",
    ),
    Table(
        "countries",
        gettext_lazy("Countries"),
        "Partner countries, and other countries the records name (a host country).",
        (
            id_column(),
            SLUG,
            text("name", "The name as NATO writes it.", required=True),
            text("iso_code", "ISO 3166-1 alpha-2 code.", required=True),
            link("region_id", "regions", "The partner region; empty for another country."),
            flag("is_partner", "NATO partner in the region; empty when no source says."),
            text("profile", ""),
            URL,
        ),
        model=Country,
        url_name="country-detail",
    ),
    Table(
        "organisations",
        gettext_lazy("Organisations"),
        "Organisations that hold posts or that officials belong to.",
        (
            id_column(),
            SLUG,
            text("name", "", required=True),
            text("short_name", ""),
            choice("kind", Organisation.Kind, "What kind of organisation it is."),
            link(
                "country_id",
                "countries",
                "The country it belongs to; empty for an international one.",
            ),
            text("description", ""),
            URL,
        ),
        model=Organisation,
        url_name="organisation-detail",
    ),
    Table(
        "offices",
        gettext_lazy("Offices"),
        "NATO's liaison and representative offices; a closed office stays, with its closing date.",
        (
            id_column(),
            SLUG,
            text("name", "", required=True),
            text("city", "Today's name of its city."),
            link("host_country_id", "countries", "The country it is in."),
            text("address", "Postal address, one line per line."),
            text("phone", ""),
            text("email", ""),
            date("opened", "When it opened.", "start_date"),
            date("closed", "When it closed; empty when open or not stated.", "end_date"),
            flag("still_open", "True when the sources say it is still open.", "ongoing"),
            text("description", ""),
            text("closure_note", "What happened to its work when it closed."),
            link("succeeded_by_id", "offices", "The office that took over its work."),
            URL,
        ),
        model=Office,
        url_name="office-detail",
    ),
    Table(
        "office_countries",
        gettext_lazy("Countries each office covers"),
        "One row per office and country it covers.",
        (
            link("office_id", "offices", "", required=True),
            link("country_id", "countries", "", required=True),
        ),
        through=(Office.countries_covered.through, "office_id", "country_id"),
    ),
    Table(
        "topics",
        gettext_lazy("Topics"),
        "Subjects of visits, meetings and summits.",
        (id_column(), SLUG, text("name", "", required=True), text("description", ""), URL),
        model=Topic,
        url_name="topic-detail",
    ),
    Table(
        "events",
        gettext_lazy("Summits and other events"),
        "Summits and meetings of NATO that decided something for the partner regions.",
        (
            id_column(),
            SLUG,
            text("name", "", required=True),
            choice("kind", Event.Kind, "What kind of event it was."),
            *SPAN,
            text("city", "Today's name of its city."),
            link("country_id", "countries", "The country it was held in."),
            text("summary", ""),
            text("decisions", "What it decided for the regions."),
            URL,
        ),
        model=Event,
        url_name="event-detail",
    ),
    Table(
        "event_topics",
        gettext_lazy("Topics of each event"),
        "One row per event and topic.",
        (
            link("event_id", "events", "", required=True),
            link("topic_id", "topics", "", required=True),
        ),
        through=(Event.topics.through, "event_id", "topic_id"),
    ),
    Table(
        "programmes",
        gettext_lazy("Partnership programmes"),
        "Programmes and frameworks of partnership.",
        (
            id_column(),
            SLUG,
            text("name", "", required=True),
            text("short_name", ""),
            choice("kind", Programme.Kind, "What kind of programme it is."),
            text("description", ""),
            *SPAN,
            ONGOING,
            link("replaces_id", "programmes", "The programme it replaced."),
            link("part_of_id", "programmes", "The programme it is part of."),
            link("launched_at_id", "events", "The event that launched it."),
            text("launch_note", ""),
            URL,
        ),
        model=Programme,
        url_name="programme-detail",
    ),
    Table(
        "participations",
        gettext_lazy("Participations"),
        "A country's participation in a programme, at a stage.",
        (
            id_column(),
            link("country_id", "countries", "", required=True),
            link("programme_id", "programmes", "", required=True),
            choice("stage", Participation.Stage, "The stage of participation."),
            *SPAN,
            ONGOING,
            text("summary", ""),
            URL,
        ),
        model=Participation,
        url_name="participation-detail",
        url_by="pk",
    ),
    Table(
        "persons",
        gettext_lazy("People"),
        "People appointed to posts, travellers and officials met.",
        (
            id_column(),
            SLUG,
            text("name", "", required=True),
            text("sort_name", "The name as sorted: family name first."),
            text("summary", ""),
            URL,
        ),
        model=Person,
        url_name="person-detail",
    ),
    Table(
        "positions",
        gettext_lazy("Posts"),
        "Posts that exist independently of who holds them.",
        (
            id_column(),
            SLUG,
            text("title", "", required=True),
            link("organisation_id", "organisations", "The organisation the post belongs to."),
            link("office_id", "offices", "The office the post heads or belongs to."),
            text("duties", "One duty per line."),
            *SPAN,
            ONGOING,
            link("established_by_id", "events", "The event that created the post."),
            number("max_holders", "How many people hold it at once."),
            text("notes", ""),
            URL,
        ),
        model=Position,
        url_name="position-detail",
    ),
    Table(
        "appointments",
        gettext_lazy("Appointments"),
        "A person's appointment to a post.",
        (
            id_column(),
            link("person_id", "persons", "", required=True),
            link("position_id", "positions", "", required=True),
            choice("capacity", Appointment.Capacity, "In what capacity the post was held."),
            *SPAN,
            ONGOING,
            date(
                "attested", "A day on which a source shows the person in the post.", "attested_date"
            ),
            link("attested_visit_id", "visits", "The visit that attests it."),
            number("ordinal", "The holder's number in the post's line (\"the third\")."),
            text("notes", ""),
            URL,
        ),
        model=Appointment,
        url_name="appointment-detail",
        url_by="pk",
    ),
    Table(
        "visits",
        gettext_lazy("Official visits"),
        "Official visits to the partner countries.",
        (
            id_column(),
            SLUG,
            text("title", "", required=True),
            link("traveller_id", "persons", "Who travelled."),
            link("traveller_position_id", "positions", "The post they travelled in."),
            *SPAN,
            number("duration_days", "How many days, when a source says."),
            flag("stop_order_known", "True when the sources give the order of the stops."),
            text("purpose", ""),
            text("summary", ""),
            URL,
        ),
        model=Visit,
        url_name="visit-detail",
    ),
    Table(
        "visit_topics",
        gettext_lazy("Topics of each visit"),
        "One row per visit and topic.",
        (
            link("visit_id", "visits", "", required=True),
            link("topic_id", "topics", "", required=True),
        ),
        through=(Visit.topics.through, "visit_id", "topic_id"),
    ),
    Table(
        "visit_legs",
        gettext_lazy("Stops of each visit"),
        "One row per stop of a visit.",
        (
            id_column(),
            link("visit_id", "visits", "", required=True),
            number(
                "order",
                "The stop's place in the visit; empty when the sources do not give the order.",
            ),
            link("country_id", "countries", "", required=True),
            text("city", "Today's name of the city."),
            *SPAN,
            text("notes", ""),
        ),
        rows=_legs,
        row_model=VisitLeg,
    ),
    Table(
        "meetings",
        gettext_lazy("Meetings"),
        "Meetings held on a visit.",
        (
            id_column(),
            link("visit_id", "visits", "", required=True),
            link("leg_id", "visit_legs", "The stop it was held on."),
            number("order", "Its place among the visit's meetings."),
            link("counterpart_id", "persons", "Who was met."),
            link("counterpart_position_id", "positions", "The post of who was met."),
            text("counterpart_group", "Who was met, when not one person."),
            text("city", ""),
            text("venue", ""),
            date("date", "When it was held.", "date"),
            text("summary", ""),
        ),
        rows=_meetings,
        row_model=Meeting,
    ),
    Table(
        "meeting_topics",
        gettext_lazy("Topics of each meeting"),
        "One row per meeting and topic.",
        (
            link("meeting_id", "meetings", "", required=True),
            link("topic_id", "topics", "", required=True),
        ),
        through=(Meeting.topics.through, "meeting_id", "topic_id"),
    ),
    Table(
        "sources",
        gettext_lazy("Sources"),
        "The documents every fact comes from, with their text.",
        (
            id_column(),
            SLUG,
            text("title", "", required=True),
            choice("kind", Source.Kind, "What kind of document it is."),
            text("publisher", ""),
            text("author", ""),
            date("date", "Its date.", "date"),
            text("address", "Where the document is published.", source="url"),
            text("editorial_note", "How the registry treated the document."),
            text("full_text", "The document's text as kept by the registry."),
            URL,
        ),
        model=Source,
        url_name="source-detail",
    ),
    Table(
        "source_cited_in",
        gettext_lazy("Sources that cite other sources"),
        "One row per source and a source that cites it (a document known only from such a "
        "reference).",
        (
            link("source_id", "sources", "", required=True),
            link("cited_in_id", "sources", "The source that cites it.", required=True),
        ),
        through=(Source.cited_in.through, "from_source_id", "to_source_id"),
    ),
    Table(
        "citations",
        gettext_lazy("Citations"),
        "Which passage of which source states the facts of which record.",
        (
            id_column(),
            link("source_id", "sources", "", required=True),
            text("record_table", "The table of the record cited.", required=True),
            number("record_id", "The id of the record cited, in that table."),
            text("quote", "The passage that states the facts."),
            text("locator", "Where in the source: a page, a paragraph."),
            Column(
                "verified_on",
                "string",
                "When an editor last checked the passage.",
                pattern=DATE_PATTERN,
            ),
        ),
        rows=_citations,
    ),
)
TABLE_LIST += (
    Table(
        "other_names",
        gettext_lazy("Names as they were"),
        "Names a country, a city, an office, a post, an organisation or a programme was known "
        "by before, with the dates they were used.",
        (
            id_column(),
            text("record_table", "The table of the record named.", required=True),
            number("record_id", "The id of the record named, in that table."),
            text("city", "For a country's row: the city (as written today) this was a name of."),
            text("name", "The name used then.", required=True),
            date("start", "When the name was first used.", "start_date"),
            date("end", "When the name was last used.", "end_date"),
            text("note", ""),
        ),
        rows=_other_names,
    ),
)
TABLES: dict[str, Table] = {table.name: table for table in TABLE_LIST}
