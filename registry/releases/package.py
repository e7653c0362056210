"""The release's files: one CSV per table, the JSON dump, the Popolo JSON, the data package
descriptor (Frictionless Data), the release notes and the checksums, in one zip.

The data files depend only on the public content: made twice with no change in between,
they are byte-identical, and so is their `data_sha256`. The descriptor and the notes name
the release, its date and its counts; the zip's entries carry a fixed time so that the
archive itself changes only when its files do.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from .popolo import popolo
from .snapshot import Column, Row, Snapshot, Table
from .tables import TABLE_LIST, TABLES

JSON_NAME = "partnership-registry.json"
POPOLO_NAME = "popolo.json"
DESCRIPTOR_NAME = "datapackage.json"
NOTES_NAME = "RELEASE-NOTES.md"
CHECKSUMS_NAME = "SHA256SUMS"
# A zip entry's time: the earliest a zip can hold, the same for every release.
ENTRY_TIME = (1980, 1, 1, 0, 0, 0)
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
COUNT_KEYS = ("records", "added", "changed", "removed")


def csv_path(table: Table) -> str:
    return f"data/{table.name}.csv"


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def csv_bytes(table: Table, rows: list[Row]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.column_names)
    for row in rows:
        writer.writerow([_csv_value(row[name]) for name in table.column_names])
    return out.getvalue().encode("utf-8")


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row_digest(row: Row) -> str:
    return sha256(json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8"))[:32]


@dataclass
class Contents:
    """What a release holds, before it is numbered."""

    tables: dict[str, list[Row]]
    # (name, bytes) of every data file, in archive order.
    data_files: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def data_sha256(self) -> str:
        digest = hashlib.sha256()
        for name, data in self.data_files:
            digest.update(f"{name}\0{sha256(data)}\n".encode())
        return digest.hexdigest()

    def digests(self) -> dict[str, dict[int, str]]:
        return {
            table.name: {row["id"]: row_digest(row) for row in self.tables[table.name]}
            for table in TABLE_LIST
            if table.keyed
        }


def collect(site_url: str) -> Contents:
    """Read every public table once and write its data files."""
    snapshot = Snapshot(site_url, TABLES)
    tables = {table.name: snapshot.rows(table) for table in TABLE_LIST}
    contents = Contents(tables)
    for table in TABLE_LIST:
        contents.data_files.append((csv_path(table), csv_bytes(table, tables[table.name])))
    contents.data_files.append((JSON_NAME, json_bytes(tables)))
    contents.data_files.append((POPOLO_NAME, json_bytes(popolo(tables))))
    return contents


def compare(
    now: dict[str, dict[int, str]], before: dict[str, dict[int, str]] | None
) -> dict[str, dict[str, int]]:
    """Per table: how many records it holds, and how many were added, changed and removed
    since the release before (all of them added for the first release)."""
    counts = {}
    for table, digests in now.items():
        earlier = (before or {}).get(table, {})
        counts[table] = {
            "records": len(digests),
            "added": sum(1 for pk in digests if pk not in earlier),
            "changed": sum(1 for pk, d in digests.items() if pk in earlier and earlier[pk] != d),
            "removed": sum(1 for pk in earlier if pk not in digests),
        }
    return counts


def _field(column: Column) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"name": column.name, "type": column.type}
    if column.description:
        descriptor["description"] = column.description
    if column.type == "boolean":
        descriptor["trueValues"] = ["true"]
        descriptor["falseValues"] = ["false"]
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.pattern:
        constraints["pattern"] = column.pattern
    if column.enum:
        constraints["enum"] = list(column.enum)
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def _schema(table: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(column) for column in table.columns],
        "missingValues": [""],
        "primaryKey": ["id"] if table.keyed else table.column_names,
    }
    keys = [
        {"fields": [column.name], "reference": {"resource": column.refers_to, "fields": ["id"]}}
        for column in table.columns
        if column.refers_to
    ]
    if keys:
        # A self-reference names the resource itself with an empty string.
        for key in keys:
            if key["reference"]["resource"] == table.name:
                key["reference"]["resource"] = ""
        schema["foreignKeys"] = keys
    return schema


def descriptor(
    *, number: int, made_at: dt.datetime, site_url: str, data_files: list[tuple[str, bytes]]
) -> dict[str, Any]:
    """The Frictionless Data package descriptor of a release."""
    by_name = dict(data_files)
    resources = []
    for table in TABLE_LIST:
        data = by_name[csv_path(table)]
        resources.append(
            {
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "path": csv_path(table),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": f"sha256:{sha256(data)}",
                "schema": _schema(table),
            }
        )
    for name, title, description in (
        (
            JSON_NAME,
            "The whole release as JSON",
            "Every table, keyed by table name; the same rows as the CSV files.",
        ),
        (
            POPOLO_NAME,
            "The release in Popolo",
            "Persons, organizations, posts, memberships, areas and events (docs/data.md).",
        ),
    ):
        data = by_name[name]
        resources.append(
            {
                "name": name.removesuffix(".json").replace(".", "-"),
                "title": title,
                "description": description,
                "path": name,
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": f"sha256:{sha256(data)}",
            }
        )
    return {
        "profile": "data-package",
        "name": "partnership-registry",
        "id": f"{site_url.rstrip('/')}/releases/{number}/",
        "title": f"Partnership Registry, release {number}",
        "description": (
            "NATO's partnerships with the South Caucasus and Central Asia: partner countries, "
            "liaison offices, posts and the people appointed to them, official visits and "
            "their meetings, partnership programmes, summits, and the sources of every fact, "
            "as published by the Partnership Registry."
        ),
        "version": str(number),
        "created": made_at.astimezone(dt.UTC)
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z"),
        "homepage": f"{site_url.rstrip('/')}/releases/{number}/",
        "licenses": [LICENSE],
        "sources": [{"title": "Partnership Registry", "path": site_url.rstrip("/") + "/"}],
        "resources": resources,
    }


def notes(
    *,
    number: int,
    made_at: dt.datetime,
    note: str,
    counts: dict[str, dict[str, int]],
    previous: int | None,
) -> str:
    titles = {table.name: table.title for table in TABLE_LIST}
    since = f"since release {previous}" if previous else "(the first release: every record is new)"
    lines = [
        f"# Partnership Registry, release {number}",
        "",
        f"Made on {made_at:%-d %B %Y} ({made_at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}).",
        "",
    ]
    if note:
        lines += [note.strip(), ""]
    lines += [
        f"Records added, changed and removed {since}:",
        "",
        "| Table | Records | Added | Changed | Removed |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for table, count in counts.items():
        lines.append(
            f"| {titles[table]} (`{table}`) | {count['records']} | {count['added']} | "
            f"{count['changed']} | {count['removed']} |"
        )
    lines += [
        "",
        "Every file's sha256 is in SHA256SUMS; check them with `sha256sum -c SHA256SUMS`.",
        "The formats are described in datapackage.json and in the registry's docs/data.md.",
        "",
    ]
    return "\n".join(lines)


def checksums(files: list[tuple[str, bytes]]) -> bytes:
    return "".join(f"{sha256(data)}  {name}\n" for name, data in files).encode("utf-8")


def archive(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()
