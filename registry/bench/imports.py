"""The CSV import step of the benchmark: a dry run of the largest file an import takes
(IMPORT_MAX_ROWS visit rows) through the admin's import view, as an editor's upload is
handled: its time, the process's peak memory and the size of the preview page.

Run in its own process (`manage.py bench_import`, also called by `make bench` at the seed
size) so that the peak resident memory is the dry run's. Nothing is written: the dry run
rolls itself back, and the editor account it uses is rolled back with it.
`manage.py bench_import --record` adds the run to the seed size's results in
docs/performance.json and rewrites docs/performance.md, without the rest of the benchmark.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import resource
import sys
import time
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings

from registry.admin.transfer import PendingImportStorage
from registry.models import Country, Person, Topic

SUMMARY = (
    "Talks with the government on partnership priorities, defence reform and regional "
    "security; a visit to the training centre and a press conference."
)


def visit_rows(count: int) -> bytes:
    """A CSV of `count` new visits, each with a traveller, topics and two legs, as an editor
    would import them (linked records are those the database holds)."""
    people = list(Person.objects.values_list("slug", flat=True)[:50]) or [""]
    topics = list(Topic.objects.values_list("slug", flat=True)[:20]) or [""]
    codes = [c for c in Country.objects.values_list("iso_code", flat=True)[:30] if c] or [""]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["slug", "title", "traveller", "start_date", "end_date", "summary",
                     "topics", "legs"])  # fmt: skip
    for n in range(count):
        year, month = 2000 + n % 24, 1 + n % 12
        first, second = codes[n % len(codes)], codes[(n + 7) % len(codes)]
        legs = f"{first} | | {year}-{month:02d}; {second} | | {year}-{month:02d}" if first else ""
        writer.writerow([
            f"bench-import-{n}", f"Imported visit {n}", people[n % len(people)],
            f"{year}-{month:02d}", f"{year}-{month:02d}", SUMMARY, topics[n % len(topics)], legs,
        ])  # fmt: skip
    return out.getvalue().encode()


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def measure_dry_run(rows: int | None = None) -> dict[str, Any]:
    """The dry run of `rows` visits (IMPORT_MAX_ROWS by default; the limits are raised for
    the run if `rows` is above them, to measure what a higher limit would cost)."""
    rows = rows or settings.IMPORT_MAX_ROWS
    data = visit_rows(rows)
    limits = {
        "IMPORT_MAX_ROWS": max(rows, settings.IMPORT_MAX_ROWS),
        "IMPORT_MAX_BYTES": max(len(data), settings.IMPORT_MAX_BYTES),
    }
    with override_settings(**limits):
        return _dry_run(rows, data)


def _dry_run(rows: int, data: bytes) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    hosts = [h for h in settings.ALLOWED_HOSTS if h not in ("*", "")] or ["testserver"]
    client = Client(HTTP_HOST=hosts[0].lstrip("."))
    before = _peak_mb()
    with transaction.atomic():
        user = get_user_model().objects.create_superuser("bench-import", "", None)
        client.force_login(user)
        upload = SimpleUploadedFile("visits.csv", data, content_type="text/csv")
        started = time.perf_counter()
        form = {"import_file": upload, "format": "0"}
        response = client.post("/admin/registry/visit/import/", form, secure=True)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    page = response.content.decode()
    counts = re.search(r"([0-9]+) rows: ([0-9]+) new, ([0-9]+) updated", page)
    invalid = re.search(r"([0-9]+) of [0-9]+ rows have errors", page)
    waiting = re.search(r'name="import_file_name" value="([0-9a-f]{32})"', page)
    if waiting:  # the file waiting for a confirmation that will not come
        PendingImportStorage(name=waiting.group(1)).remove()
    return {
        "date": dt.date.today().isoformat(),
        "load_average": round(os.getloadavg()[0], 1),
        "rows": rows,
        "file_bytes": len(data),
        "status": response.status_code,
        "seconds": round(seconds, 1),
        "ms_per_row": round(1000 * seconds / rows, 1),
        "page_bytes": len(response.content),
        "new": int(counts.group(2)) if counts else None,
        "invalid": int(invalid.group(1)) if invalid else 0,
        "peak_rss_mb_before": round(before),
        "peak_rss_mb": round(_peak_mb()),
    }


def record(run: dict[str, Any], size: str = "seed") -> None:
    """Keep `run` with the results of `size` (replacing a run of as many rows)."""
    from . import run as driver

    results = driver.load_saved()
    entry = results.setdefault(size, {"pages": []})
    runs = [r for r in entry.get("imports", []) if r.get("rows") != run["rows"]]
    entry["imports"] = sorted([*runs, {**run, "commit": driver._commit()}], key=lambda r: r["rows"])
    driver.save(results)
