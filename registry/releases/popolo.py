"""The release in Popolo (https://www.popoloproject.com/), the form civic-data tools read:
persons, organizations, posts, memberships, areas and events, built from the release's own
tables so that both say the same thing.

The mapping, documented in docs/data.md:

* countries and regions are areas (a country's parent is its region);
* organisations, offices and programmes are organizations (classification "office",
  "programme" or the organisation's kind);
* posts are posts, appointments are memberships of a person in a post, and participations
  are memberships of a country (its area) in a programme;
* summits and visits are events; meetings are events whose parent is their visit;
* sources are listed once under "sources", and every object's `sources` gives the page of
  each source cited for it, with the passage quoted.

Every Popolo id is the table's name and the record's id ("persons/4"), which never change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

Row = dict[str, Any]
# The rows of one table, read again each time they are asked for (package.py streams them).
Rows = Callable[[str], Iterator[Row]]


def _pid(table: str, record_id: int | None) -> str | None:
    return f"{table}/{record_id}" if record_id is not None else None


def _clean(obj: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is unknown rather than writing it as empty."""
    return {key: value for key, value in obj.items() if value not in (None, "", [])}


class _Builder:
    """Each section is made by reading its tables again; only the lookups across tables
    (sources, citations, other names, countries, posts, stops) are held."""

    def __init__(self, rows: Rows):
        self.rows = rows
        self.other_names: dict[tuple[str, int], list[Row]] = defaultdict(list)
        for name in rows("other_names"):
            self.other_names[(name["record_table"], name["record_id"])].append(name)
        self.sources = {
            row["id"]: {"url": row["url"], "title": row["title"]} for row in rows("sources")
        }
        self.cited: dict[tuple[str, int], list[tuple[int, str]]] = defaultdict(list)
        for citation in rows("citations"):
            key = (citation["record_table"], citation["record_id"])
            self.cited[key].append((citation["source_id"], citation["quote"]))

    def links(self, row: Row) -> list[dict[str, str]]:
        return [{"url": row["url"], "note": "The record's page on the Partnership Registry"}]

    def sources_of(self, table: str, record_id: int) -> list[dict[str, str]]:
        return [
            {
                "url": self.sources[source_id]["url"],
                "note": quote or self.sources[source_id]["title"],
            }
            for source_id, quote in self.cited.get((table, record_id), [])
        ]

    def names(self, table: str, record_id: int) -> list[dict[str, Any]]:
        return [
            _clean(
                {
                    "name": name["name"],
                    "start_date": name["start"],
                    "end_date": name["end"],
                    "note": name["note"],
                }
            )
            for name in self.other_names.get((table, record_id), [])
            if not name["city"]
        ]

    def common(self, table: str, row: Row) -> dict[str, Any]:
        return {
            "links": self.links(row),
            "sources": self.sources_of(table, row["id"]),
        }

    def areas(self) -> Iterator[dict[str, Any]]:
        yield from (
            _clean(
                {
                    "id": _pid("regions", row["id"]),
                    "name": row["name"],
                    "classification": "region",
                    **self.common("regions", row),
                }
            )
            for row in self.rows("regions")
        )
        yield from (
            _clean(
                {
                    "id": _pid("countries", row["id"]),
                    "name": row["name"],
                    "identifier": row["iso_code"],
                    # Not in Popolo's area schema, which allows it: as on organizations.
                    "other_names": self.names("countries", row["id"]),
                    "classification": "country",
                    "parent_id": _pid("regions", row["region_id"]),
                    **self.common("countries", row),
                }
            )
            for row in self.rows("countries")
        )

    def organizations(self) -> Iterator[dict[str, Any]]:
        yield from (
            _clean(
                {
                    "id": _pid("organisations", row["id"]),
                    "name": row["name"],
                    "other_names": self.names("organisations", row["id"])
                    + (
                        [{"name": row["short_name"], "note": "short name"}]
                        if row["short_name"]
                        else []
                    ),
                    "classification": row["kind"],
                    "area_id": _pid("countries", row["country_id"]),
                    "description": row["description"],
                    **self.common("organisations", row),
                }
            )
            for row in self.rows("organisations")
        )
        yield from (
            _clean(
                {
                    "id": _pid("offices", row["id"]),
                    "name": row["name"],
                    "other_names": self.names("offices", row["id"]),
                    "classification": "office",
                    "area_id": _pid("countries", row["host_country_id"]),
                    "description": row["description"],
                    "founding_date": row["opened"],
                    "dissolution_date": row["closed"],
                    **self.common("offices", row),
                }
            )
            for row in self.rows("offices")
        )
        yield from (
            _clean(
                {
                    "id": _pid("programmes", row["id"]),
                    "name": row["name"],
                    "other_names": self.names("programmes", row["id"])
                    + (
                        [{"name": row["short_name"], "note": "short name"}]
                        if row["short_name"]
                        else []
                    ),
                    "classification": "programme",
                    "parent_id": _pid("programmes", row["part_of_id"]),
                    "description": row["description"],
                    "founding_date": row["start"],
                    "dissolution_date": row["end"],
                    **self.common("programmes", row),
                }
            )
            for row in self.rows("programmes")
        )

    def persons(self) -> Iterator[dict[str, Any]]:
        yield from (
            _clean(
                {
                    "id": _pid("persons", row["id"]),
                    "name": row["name"],
                    "sort_name": row["sort_name"],
                    "summary": row["summary"],
                    **self.common("persons", row),
                }
            )
            for row in self.rows("persons")
        )

    def posts(self) -> Iterator[dict[str, Any]]:
        yield from (
            _clean(
                {
                    "id": _pid("positions", row["id"]),
                    "label": row["title"],
                    "other_label": [name["name"] for name in self.names("positions", row["id"])],
                    "organization_id": _pid("organisations", row["organisation_id"])
                    or _pid("offices", row["office_id"]),
                    "start_date": row["start"],
                    "end_date": row["end"],
                    **self.common("positions", row),
                }
            )
            for row in self.rows("positions")
        )

    def memberships(self) -> Iterator[dict[str, Any]]:
        posts = {row["id"]: row for row in self.rows("positions")}
        for row in self.rows("appointments"):
            post = posts.get(row["position_id"], {})
            yield (
                _clean(
                    {
                        "id": _pid("appointments", row["id"]),
                        "person_id": _pid("persons", row["person_id"]),
                        "post_id": _pid("positions", row["position_id"]),
                        "organization_id": _pid("organisations", post.get("organisation_id"))
                        or _pid("offices", post.get("office_id")),
                        "role": post.get("title"),
                        "label": row["capacity"],
                        "start_date": row["start"],
                        "end_date": row["end"],
                        **self.common("appointments", row),
                    }
                )
            )
        yield from (
            _clean(
                {
                    "id": _pid("participations", row["id"]),
                    "organization_id": _pid("programmes", row["programme_id"]),
                    "area_id": _pid("countries", row["country_id"]),
                    "role": row["stage"],
                    "start_date": row["start"],
                    "end_date": row["end"],
                    **self.common("participations", row),
                }
            )
            for row in self.rows("participations")
        )

    def events(self) -> Iterator[dict[str, Any]]:
        countries = {row["id"]: row["name"] for row in self.rows("countries")}

        def place(city: str, country_id: int | None) -> str:
            return ", ".join(part for part in (city, countries.get(country_id, "")) if part)

        yield from (
            _clean(
                {
                    "id": _pid("events", row["id"]),
                    "name": row["name"],
                    "classification": row["kind"],
                    "description": row["summary"],
                    "start_date": row["start"],
                    "end_date": row["end"],
                    "location": place(row["city"], row["country_id"]),
                    **self.common("events", row),
                }
            )
            for row in self.rows("events")
        )
        stops = defaultdict(list)
        for leg in self.rows("visit_legs"):
            stops[leg["visit_id"]].append(place(leg["city"], leg["country_id"]))
        for row in self.rows("visits"):
            yield (
                _clean(
                    {
                        "id": _pid("visits", row["id"]),
                        "name": row["title"],
                        "classification": "visit",
                        "description": row["summary"],
                        "start_date": row["start"],
                        "end_date": row["end"],
                        # In id order: an order the sources do not give is not implied.
                        "location": "; ".join(stops.get(row["id"], [])),
                        "attendees": [{"id": _pid("persons", row["traveller_id"])}]
                        if row["traveller_id"]
                        else [],
                        **self.common("visits", row),
                    }
                )
            )
        for row in self.rows("meetings"):
            attendees = (
                [{"id": _pid("persons", row["counterpart_id"])}] if row["counterpart_id"] else []
            )
            yield (
                _clean(
                    {
                        "id": _pid("meetings", row["id"]),
                        "name": row["counterpart_group"] or "Meeting",
                        "classification": "meeting",
                        "description": row["summary"],
                        "start_date": row["date"],
                        "location": ", ".join(p for p in (row["venue"], row["city"]) if p),
                        "parent_id": _pid("visits", row["visit_id"]),
                        "attendees": attendees,
                    }
                )
            )


def popolo_sections(rows: Rows) -> dict[str, Iterator[dict[str, Any]]]:
    """The Popolo document of a release, one iterator of objects per section."""
    builder = _Builder(rows)
    return {
        "persons": builder.persons(),
        "organizations": builder.organizations(),
        "posts": builder.posts(),
        "memberships": builder.memberships(),
        "areas": builder.areas(),
        "events": builder.events(),
        "sources": (
            _clean(
                {
                    "id": _pid("sources", row["id"]),
                    "title": row["title"],
                    "publisher": row["publisher"],
                    "author": row["author"],
                    "date": row["date"],
                    "url": row["url"],
                    "address": row["address"],
                }
            )
            for row in rows("sources")
        ),
    }
