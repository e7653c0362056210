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
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from .popolo import popolo_sections
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


def _csv_line(values: list[Any]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([_csv_value(value) for value in values])
    return out.getvalue()


def csv_bytes(table: Table, rows: list[Row]) -> bytes:
    lines = [_csv_line(table.column_names)]
    lines += [_csv_line([row[name] for name in table.column_names]) for row in rows]
    return "".join(lines).encode("utf-8")


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def json_line(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def row_digest(row: Row) -> str:
    return sha256(json_line(row).encode("utf-8"))[:32]


@dataclass(frozen=True)
class DataFile:
    """A data file of a release, written in its working folder."""

    name: str  # its path in the archive
    path: Path

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def sha256(self) -> str:
        return file_sha256(self.path)


@dataclass
class Contents:
    """What a release holds, before it is numbered: its data files, and the digest of every
    record's row (to tell what the next release added, changed and removed)."""

    data_files: list[DataFile] = field(default_factory=list)
    digests: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def data_sha256(self) -> str:
        digest = hashlib.sha256()
        for data_file in self.data_files:
            digest.update(f"{data_file.name}\0{data_file.sha256}\n".encode())
        return digest.hexdigest()


class JsonArray:
    """Writes a JSON array one element a line, so that no table is held whole in memory."""

    def __init__(self, handle: TextIO) -> None:
        self.handle = handle
        self.first = True
        handle.write("[")

    def add(self, item: Any) -> None:
        self.handle.write("\n" if self.first else ",\n")
        self.handle.write(json_line(item))
        self.first = False

    def close(self) -> None:
        self.handle.write("\n]" if not self.first else "]")


def _write_object(path: Path, sections: dict[str, Iterator[Any]]) -> None:
    """`{name: [items]}` with the names in order, each list streamed from its iterator."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("{")
        for number, name in enumerate(sorted(sections)):
            handle.write(f"{',' if number else ''}\n{json.dumps(name)}: ")
            array = JsonArray(handle)
            for item in sections[name]:
                array.add(item)
            array.close()
        handle.write("\n}\n")


def _read_array(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n").rstrip(",")
            if line not in ("[", "]", "[]", ""):
                yield json.loads(line)


def collect(site_url: str, folder: Path) -> Contents:
    """Read every public table once, streaming it into its CSV file and a JSON fragment in
    `folder`; then write the JSON dump and the Popolo JSON from the fragments."""
    snapshot = Snapshot(site_url, TABLES)
    contents = Contents()
    fragments = folder / "fragments"
    (folder / "data").mkdir(parents=True)
    fragments.mkdir()
    for table in TABLE_LIST:
        path = folder / csv_path(table)
        digests = contents.digests.setdefault(table.name, {}) if table.keyed else None
        with (
            path.open("w", encoding="utf-8", newline="") as out,
            (fragments / f"{table.name}.json").open("w", encoding="utf-8") as fragment,
        ):
            out.write(_csv_line(table.column_names))
            array = JsonArray(fragment)
            for row in snapshot.rows(table):
                out.write(_csv_line([row[name] for name in table.column_names]))
                array.add(row)
                if digests is not None:
                    digests[row["id"]] = row_digest(row)
            array.close()
        contents.data_files.append(DataFile(csv_path(table), path))

    def rows(name: str) -> Iterator[Row]:
        return _read_array(fragments / f"{name}.json")

    dump = folder / JSON_NAME
    _write_object(dump, {table.name: rows(table.name) for table in TABLE_LIST})
    contents.data_files.append(DataFile(JSON_NAME, dump))
    popolo_path = folder / POPOLO_NAME
    _write_object(popolo_path, popolo_sections(rows))
    contents.data_files.append(DataFile(POPOLO_NAME, popolo_path))
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
    *, number: int, made_at: dt.datetime, site_url: str, data_files: list[DataFile]
) -> dict[str, Any]:
    """The Frictionless Data package descriptor of a release."""
    by_name = {data_file.name: data_file for data_file in data_files}
    resources = []
    for table in TABLE_LIST:
        data = by_name[csv_path(table)]
        resources.append(
            {
                "name": table.name,
                "title": str(table.title),
                "description": table.description,
                "path": csv_path(table),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": data.size,
                "hash": f"sha256:{data.sha256}",
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
                "bytes": data.size,
                "hash": f"sha256:{data.sha256}",
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
    titles = {table.name: str(table.title) for table in TABLE_LIST}
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


# A file of the archive: its name, and its bytes or the file that holds them.
Member = tuple[str, bytes | Path]


def _member_sha256(body: bytes | Path) -> str:
    return file_sha256(body) if isinstance(body, Path) else sha256(body)


def member_size(body: bytes | Path) -> int:
    return body.stat().st_size if isinstance(body, Path) else len(body)


def checksums(members: list[Member]) -> bytes:
    return "".join(f"{_member_sha256(body)}  {name}\n" for name, body in members).encode()


def listing(members: list[Member]) -> list[dict[str, Any]]:
    return [
        {"name": name, "bytes": member_size(body), "sha256": _member_sha256(body)}
        for name, body in members
    ]


def archive(members: list[Member], path: Path) -> None:
    """Write the zip at `path`, copying each file in chunks."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in members:
            info = zipfile.ZipInfo(name, date_time=ENTRY_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(body, Path):
                with body.open("rb") as source, zf.open(info, "w", force_zip64=True) as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
            else:
                zf.writestr(info, body)
