"""docs/performance.md from the benchmark's measurements: a pure function of plain data.

`render(sizes)` takes the results of each size (dicts as `make bench` stores them in
docs/performance.json) and returns the Markdown: the issue's targets with the measured
value and PASS or SHORT, the query counts across sizes, then one section per size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SIZE_ORDER = ("seed", "x100", "100k")
SIZE_TITLES = {"seed": "Seed only", "x100": "100x the seed", "100k": "100,000 visits"}
PUBLIC_GROUPS = ("page", "list", "feed", "search", "api")
TARGET_SIZE = "100k"


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    measured: str
    status: str  # PASS, SHORT or NOT MEASURED


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 10_000:
        return f"{value / 1000:,.0f} s"
    if value >= 1000:
        return f"{value / 1000:,.1f} s"
    return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"


def size_text(count: int | None) -> str:
    if count is None:
        return "–"
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    if count >= 1000:
        return f"{count / 1000:.0f} kB"
    return f"{count} B"


def _p50(page: dict[str, Any]) -> float | None:
    return None if page.get("timeout") else page.get("p50")


def _worst(pages: list[dict[str, Any]], key: str) -> tuple[dict[str, Any] | None, float]:
    """The page with the highest `key` (for a latency, a timed-out page is the slowest)."""
    worst, value = None, -1.0
    for page in pages:
        timed_out = page.get("timeout") and key in ("p50", "p95")
        current = float("inf") if timed_out else page.get(key)
        if current is not None and current > value:
            worst, value = page, current
    return worst, value


def _latency_target(
    name: str, goal: str, pages: list[dict[str, Any]], key: str, limit: float
) -> Target:
    worst, value = _worst(pages, key)
    if worst is None:
        return Target(name, goal, "not measured", "NOT MEASURED")
    if worst.get("timeout"):
        shown = f">{ms(worst['timeout_ms'])} (timed out)"
    else:
        shown = ms(value) if value >= 1000 else f"{ms(value)} ms"
    measured = f"worst: {worst['name']} {shown}"
    return Target(name, goal, measured, "PASS" if value <= limit else "SHORT")


def _ratio_target(name: str, goal: str, size: dict[str, Any] | None, key: str, floor: float):
    load = {entry["name"]: entry for entry in (size or {}).get("load", [])}
    entry = load.get(key)
    if entry is None or entry.get("ratio") is None:
        return Target(name, goal, "not measured", "NOT MEASURED")
    measured = (
        f"{entry['ratio']:.3f}x ({entry['target_rps']:,.0f} vs {entry['baseline_rps']:,.0f} req/s)"
    )
    return Target(name, goal, measured, "PASS" if entry["ratio"] >= floor else "SHORT")


def query_differences(sizes: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Pages whose query count differs between sizes, and pages whose count is unknown at
    some size (the request timed out, so the server never said)."""
    counts: dict[str, list[int | None]] = {}
    for size in sizes.values():
        for page in size["pages"]:
            counts.setdefault(page["name"], []).append(page.get("queries"))
    differing = [name for name, values in counts.items() if len(set(values) - {None}) > 1]
    unknown = [name for name, values in counts.items() if None in values]
    return differing, unknown


def targets(sizes: dict[str, dict[str, Any]]) -> list[Target]:
    big = sizes.get(TARGET_SIZE)
    pages = big["pages"] if big else []
    public = [p for p in pages if p["group"] in PUBLIC_GROUPS]
    result = [
        _latency_target("Public page and API p50, uncached", "≤ 50 ms at 100k", public, "p50", 50),
    ]
    worst, body = _worst(public, "bytes")
    if worst is None:
        result.append(Target("Body size", "≤ 300 kB at 100k", "not measured", "NOT MEASURED"))
    else:
        measured = f"largest: {worst['name']} {size_text(int(body))}"
        status = "PASS" if body <= 300_000 else "SHORT"
        result.append(Target("Body size", "≤ 300 kB at 100k", measured, status))
    goal = "equal at seed, 100x and 100k"
    missing = [name for name in SIZE_ORDER if name not in sizes]
    differing, unknown = query_differences(sizes)
    parts = []
    if missing:
        parts.append(f"sizes not measured: {', '.join(missing)}")
    if differing:
        parts.append(f"differ: {', '.join(differing)}")
    if unknown:
        parts.append(f"unknown (timed out): {', '.join(unknown)}")
    status = "SHORT" if differing or unknown else ("NOT MEASURED" if missing else "PASS")
    measured = "; ".join(parts) or "equal on every page"
    result.append(Target("Query counts", goal, measured, status))
    search = [p for p in pages if p["group"] == "search"]
    result.append(_latency_target("Search p95", "≤ 30 ms at 100k", search, "p95", 30))
    admin = [p for p in pages if p["group"] == "admin"]
    result.append(
        _latency_target("Admin visit changelist p95", "≤ 300 ms at 100k", admin, "p95", 300)
    )
    result += [
        _ratio_target("Cached page", "≥ 0.85x bare", big, "cached page", 0.85),
        _ratio_target("304 Not Modified", "≥ 0.90x bare", big, "304", 0.90),
        _ratio_target("API visit list", "≥ 0.5x the .values() view", big, "API list", 0.5),
        _ratio_target(
            "Stretch: uncached detail page", "≥ 0.15x bare", big, "uncached detail", 0.15
        ),
    ]
    return result


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def _page_row(page: dict[str, Any]) -> list[str]:
    if page.get("timeout"):
        p50 = p95 = f">{ms(page['timeout_ms'])}"
    else:
        p50, p95 = ms(page.get("p50")), ms(page.get("p95"))
    status = str(page.get("status") or "–")
    queries = "–" if page.get("queries") is None else str(page["queries"])
    return [
        page["name"],
        f"`{page['path']}`",
        status,
        queries,
        p50,
        p95,
        str(page.get("samples", 0)),
        size_text(page.get("bytes")),
        ms(page.get("cached_p50")),
        ms(page.get("not_modified_p50")),
    ]


def _size_section(key: str, size: dict[str, Any]) -> list[str]:
    lines = [f"## {SIZE_TITLES.get(key, key)}", ""]
    meta = [
        f"Measured {size.get('date', '?')} on commit `{size.get('commit', '?')}`",
        f"{size.get('visits', 0):,} published visits",
    ]
    if size.get("generate_seconds") is not None:
        meta.append(f"data generated in {size['generate_seconds']:.0f} s")
    meta.append(f"this size took {size.get('total_seconds', 0):.0f} s in all")
    lines += ["; ".join(meta) + ".", ""]
    if size.get("rows"):
        rows = ", ".join(f"{count:,} {name}" for name, count in size["rows"].items())
        lines += [f"Rows: {rows}.", ""]
    if size.get("server"):
        machine = ""
        if size.get("cpus"):
            machine = f" Machine: {size['cpus']} CPUs, load average {size.get('load_average')}"
            machine += " when the size started (other work slows every number)."
        lines += [f"Server: {size['server']}.{machine}", ""]
    lines += _table(
        ["request", "path", "status", "SQL queries", "p50 ms", "p95 ms", "n", "body",
         "cached p50 ms", "304 p50 ms"],
        [_page_row(page) for page in size["pages"]],
    )  # fmt: skip
    if size.get("load"):
        lines += ["", "Under load (wrk, interleaved with the bare view on the same server):", ""]
        rows = [
            [
                entry["name"],
                f"`{entry['target']}`",
                f"`{entry['baseline']}`",
                f"{entry['target_rps']:,.0f}",
                f"{entry['baseline_rps']:,.0f}",
                "–" if entry.get("ratio") is None else f"{entry['ratio']:.3f}x",
            ]
            for entry in size["load"]
        ]
        lines += _table(
            ["comparison", "target", "baseline", "req/s", "baseline req/s", "ratio"], rows
        )
    if size.get("imports"):
        lines += ["", *(line for run in size["imports"] for line in import_lines(run))]
    if size.get("notes"):
        lines += ["", *(f"- {note}" for note in size["notes"])]
    return [*lines, ""]


def import_lines(run: dict[str, Any]) -> list[str]:
    """The CSV import step (registry/bench/imports.py) in words."""
    invalid = f", {run['invalid']:,} invalid" if run.get("invalid") else ""
    when = ""
    if run.get("date"):
        when = f" (measured {run['date']} on commit `{run.get('commit', '?')}`, load average "
        when += f"{run.get('load_average', '?')})"
    return [
        f"- CSV import{when}: a dry run of {run['rows']:,} visit rows through the admin "
        f"({run['file_bytes'] / 1024:,.0f} kB, each with a traveller, a topic and two legs) "
        f"took {run['seconds']:,.1f} s ({run['ms_per_row']:.1f} ms a row; "
        f"{run.get('new') or 0:,} new{invalid}); the preview page was "
        f"{run['page_bytes'] / 1024:,.0f} kB; the process's peak memory went from "
        f"{run['peak_rss_mb_before']} MB to {run['peak_rss_mb']} MB.",
    ]


INTRO = """# Performance

Written by `make bench` (registry/bench/run.py) from its measurements, which it also keeps
in docs/performance.json; do not edit by hand. Each size is a fresh PostgreSQL database:
migrated, seeded, filled by `manage.py generate_bench_data`, served by gunicorn with debug
off. Latencies are of sequential requests from one client on the same machine; "uncached"
requests carry a unique query string so that no cache can answer them; SQL queries are
counted by the server (the bench-only `X-Query-Count` header). "n" is the number of timed
requests (fewer when a page is slow: every page has a time budget). Requests per second come
from `wrk`, each target run interleaved with runs of a bare `HttpResponse("ok")` view on the
same server, and are given as a ratio to it.
"""


def render(sizes: dict[str, dict[str, Any]]) -> str:
    ordered = [key for key in SIZE_ORDER if key in sizes] + sorted(set(sizes) - set(SIZE_ORDER))
    lines = [INTRO, "## Targets (issue 8, at 100,000 visits)", ""]
    lines += _table(
        ["target", "goal", "measured", "status"],
        [[t.name, t.goal, t.measured, t.status] for t in targets(sizes)],
    )
    names: list[str] = []
    for key in ordered:
        names += [p["name"] for p in sizes[key]["pages"] if p["name"] not in names]
    lines += ["", "## SQL queries per request, by size", ""]
    rows = []
    for name in names:
        row = [name]
        for key in ordered:
            page = next((p for p in sizes[key]["pages"] if p["name"] == name), None)
            row.append("–" if page is None or page.get("queries") is None else str(page["queries"]))
        rows.append(row)
    lines += _table(["request", *(SIZE_TITLES.get(k, k) for k in ordered)], rows)
    lines.append("")
    for key in ordered:
        lines += _size_section(key, sizes[key])
    return "\n".join(lines).rstrip() + "\n"
