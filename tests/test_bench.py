"""The benchmark's tools: the data generator, the bench-only views and the report writer."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import RequestFactory, override_settings
from django.urls import clear_url_caches

from registry.bench import data, report, run
from registry.bench.context import Sizes
from registry.bench.middleware import QueryCountMiddleware
from registry.bench.words import RARE_SURNAME
from registry.models import (
    Appointment,
    Citation,
    Meeting,
    Person,
    Position,
    Publishable,
    SeedEntry,
    Status,
    Visit,
    VisitLeg,
)
from registry.partial_dates import Precision
from registry.seed.loader import load_seed

from .factories import create_person

VISITS = 30


@pytest.fixture
def seeded(db):
    load_seed()


def seed_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("registry").get_models()
        if not model.__name__.startswith("Historical")
    }


@pytest.fixture
def generated(seeded):
    before = seed_counts()
    data.generate(VISITS, seed=3, throwaway=True)
    return before


def registry_models():
    # Bookkeeping and the editors' own rows (review), which the bench does not generate.
    skip = (
        "Historical",
        "SeedEntry",
        "ShareLinkRevocation",
        "PendingRevision",
        "ReviewComment",
        "FormDraft",
        # Old addresses come only from renames and deletions.
        "RetiredAddress",
        # Releases are made by a Publisher, not generated.
        "Release",
        "ReleaseRecord",
    )
    return [
        m for m in apps.get_app_config("registry").get_models() if not m.__name__.startswith(skip)
    ]


def test_counts_follow_the_issue_proportions(generated):
    added = {name: count - generated[name] for name, count in seed_counts().items()}
    sizes = Sizes.for_visits(VISITS)
    assert added["Visit"] == VISITS
    # Per 100,000 visits: 10,000 people, 20,000 appointments, 150,000 legs and meetings,
    # 50,000 citations.
    assert added["Person"] == VISITS // 10 == sizes.people
    assert added["Appointment"] == VISITS // 5
    assert added["VisitLeg"] == added["Meeting"] == VISITS * 3 // 2
    assert added["Citation"] == VISITS // 2
    for name in ("Position", "Source", "Topic", "Event", "Programme", "Participation", "Office"):
        assert added[name] >= 1, name
    big = Sizes.for_visits(100_000)
    assert (big.people, big.appointments, big.legs, big.meetings, big.citations) == (
        10_000,
        20_000,
        150_000,
        150_000,
        50_000,
    )


def test_every_generated_record_is_published_and_valid(generated):
    for model in registry_models():
        rows = list(model.objects.all())
        assert rows, model.__name__
        if issubclass(model, Publishable):
            assert not model.objects.exclude(status=Status.PUBLISHED).exists(), model.__name__
            # published() also hides records whose linked traveller or post is hidden.
            assert model.objects.published().count() == len(rows), model.__name__
        for row in rows[-25:]:  # the newest rows are the generated ones
            row.full_clean()


def test_data_has_partial_dates_of_every_precision_and_rich_visits(generated):
    shapes = set()
    for model, field in (
        (Visit, "start"),
        (VisitLeg, "start"),
        (Appointment, "start"),
        (Meeting, "date"),
    ):
        date = f"{field}_date" if field != "date" else "date"
        precision = f"{field}_precision" if field != "date" else "date_precision"
        for day, exact in model.objects.values_list(date, precision):
            shapes.add("unknown" if day is None else exact)
    assert shapes == {Precision.DAY, Precision.MONTH, Precision.YEAR, "unknown"}
    busiest = max(Visit.objects.all(), key=lambda v: v.legs.count())
    assert busiest.legs.count() >= 3
    assert max(v.meetings.count() for v in Visit.objects.all()) >= 3
    assert Person.objects.filter(name__endswith=f" {RARE_SURNAME}").count() == 1
    common = Person.objects.filter(name__endswith=" Aliyev").count()
    assert common >= 1 or Visit.objects.filter(summary__contains="Aliyev").exists()


def test_single_holder_posts_never_have_two_holders_at_once(generated):
    for position in Position.objects.filter(max_holders=1):
        for appointment in position.appointments.all():
            appointment.full_clean()  # raises when it overlaps another holder
    orders = VisitLeg.objects.values_list("visit_id", "order")
    assert len(set(orders)) == len(orders)


def digest() -> list:
    return [
        list(
            Visit.objects.order_by("slug").values_list(
                "slug", "title", "start_date", "start_precision", "end_date", "traveller__slug"
            )
        ),
        list(
            VisitLeg.objects.order_by("visit__slug", "order").values_list(
                "visit__slug", "order", "country__iso_code", "city", "start_date", "end_date"
            )
        ),
        list(
            Meeting.objects.order_by("visit__slug", "order").values_list(
                "visit__slug", "order", "counterpart__slug", "date", "summary"
            )
        ),
        sorted(Citation.objects.values_list("source__slug", "quote", "locator")),
        list(Person.objects.order_by("slug").values_list("slug", "name")),
        sorted(
            Appointment.objects.values_list("person__slug", "position__slug", "start_date"),
            key=str,
        ),
    ]


def generated_digest(seed: int) -> list:
    with transaction.atomic():
        data.generate(VISITS, seed=seed, throwaway=True)
        result = digest()
        transaction.set_rollback(True)
    return result


def test_one_seed_always_gives_the_same_data(seeded):
    first = generated_digest(5)
    assert first == generated_digest(5)
    assert first != generated_digest(6)


def test_refuses_a_database_with_editors_content_unless_forced(seeded):
    create_person(name="Editor Made")  # saved as editors save: with history
    with pytest.raises(data.GenerationRefused, match="beyond the seed"):
        data.generate(5, throwaway=True)
    assert not Visit.objects.filter(slug__contains="-undated").exists()
    assert Visit.objects.count() == 2
    data.generate(5, throwaway=True, force=True)
    assert Visit.objects.count() == 7


def test_refuses_to_run_twice_or_with_debug_off_unconfirmed(seeded):
    with override_settings(DEBUG=False), pytest.raises(data.GenerationRefused, match="DEBUG"):
        data.generate(5)
    with pytest.raises(CommandError, match="throwaway-database"):
        call_command("generate_bench_data", "--visits=5")
    with override_settings(DEBUG=True):
        call_command("generate_bench_data", "--visits=5")
    assert SeedEntry.objects.filter(key__startswith=data.GENERATED_PREFIX).count() == 1
    with pytest.raises(CommandError, match="generated before"):
        call_command("generate_bench_data", "--visits=5", "--throwaway-database")
    assert Visit.objects.count() == 7


@pytest.fixture
def bench_urls():
    """The site's URLs as they are with BENCH_VIEWS on (and back to normal afterwards)."""
    import partnership_site.urls as urls

    with override_settings(BENCH_VIEWS=True):
        importlib.reload(urls)
        clear_url_caches()
        yield
    importlib.reload(urls)
    clear_url_caches()


def test_bench_views_are_off_by_default(client, db):
    from django.conf import settings

    assert settings.BENCH_VIEWS is False
    assert not any("bench" in name for name in settings.MIDDLEWARE)
    assert client.get("/bench/bare/").status_code == 404
    assert client.get("/bench/visit-values/").status_code == 404
    assert "X-Query-Count" not in client.get("/en/")


def test_bench_views_when_on(client, seeded, bench_urls):
    data.generate(60, seed=2, throwaway=True)
    response = client.get("/bench/bare/")
    assert response.status_code == 200 and response.content == b"ok"
    values = json.loads(client.get("/bench/visit-values/").content)["results"]
    api = json.loads(client.get("/api/v1/visits/").content)["results"]
    # The same rows, in the same order, with the same fields as the API's first page.
    assert [v["slug"] for v in values] == [v["slug"] for v in api]
    assert len(values) == 50
    assert set(values[0]) == set(api[0])
    by_slug = {v["slug"]: v for v in api}
    for row in values[:10]:
        twin = by_slug[row["slug"]]
        for key in ("title", "start", "start_precision", "end", "traveller", "topics", "summary"):
            assert row[key] == twin[key], key
        assert [leg["order"] for leg in row["legs"]] == [leg["order"] for leg in twin["legs"]]
        assert len(row["meetings"]) == len(twin["meetings"])
        assert len(row["citations"]) == len(twin["citations"])


def test_query_count_header_counts_the_requests_queries(db):
    def view(request):
        from django.http import HttpResponse

        list(Person.objects.all())
        list(Visit.objects.all())
        return HttpResponse("done")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Query-Count"] == "2"
    assert connection.execute_wrappers == []  # removed afterwards: nothing leaks


def test_the_driver_only_drops_local_bench_databases():
    with pytest.raises(run.BenchError, match="contain 'bench'"):
        run.check_database_url("postgres://postgres@127.0.0.1:5432/registry")
    with pytest.raises(run.BenchError, match=r"127\.0\.0\.1"):
        run.check_database_url("postgres://postgres@db.example.org:5432/registry_bench")
    with pytest.raises(run.BenchError, match="PostgreSQL"):
        run.check_database_url("sqlite:///registry_bench.sqlite3")
    assert run.check_database_url("postgres://postgres@127.0.0.1/registry_bench")["NAME"] == (
        "registry_bench"
    )


def page(name, group, path, p50, p95, queries, size, **extra):
    return {
        "name": name,
        "group": group,
        "path": path,
        "status": 200,
        "queries": queries,
        "p50": p50,
        "p95": p95,
        "samples": 20,
        "bytes": size,
        **extra,
    }


def measurements() -> dict:
    def size(name, visits, country_ms, country_queries, timeline_timeout=False):
        timeline = page("timeline", "list", "/en/timeline/", 40, 45, 13, 9000)
        if timeline_timeout:
            timeline.update(timeout=True, timeout_ms=30000, p50=None, p95=None, samples=0)
        return {
            "size": name,
            "visits": visits,
            "date": "2026-01-02",
            "commit": "abc1234",
            "generate_seconds": 12.0 if visits > 2 else None,
            "total_seconds": 60.0,
            "pages": [
                page("bare HttpResponse", "bench", "/bench/bare/", 1.0, 1.5, 0, 2),
                page(
                    "country page",
                    "page",
                    "/en/countries/georgia/",
                    country_ms,
                    country_ms,
                    country_queries,
                    19_000_000,
                ),
                timeline,
                page("search: phrase", "search", "/en/search/?q=energy+security", 20, 25, 13, 8000),
                page(
                    "admin visit changelist", "admin", "/admin/registry/visit/", 200, 250, 8, 80_000
                ),
            ],
            "load": [
                {
                    "name": "cached page",
                    "target": "/en/visits/a/",
                    "baseline": "/bench/bare/",
                    "target_rps": 900.0,
                    "baseline_rps": 1000.0,
                    "ratio": 0.9,
                },
                {
                    "name": "304",
                    "target": "/en/visits/a/",
                    "baseline": "/bench/bare/",
                    "target_rps": 800.0,
                    "baseline_rps": 1000.0,
                    "ratio": 0.8,
                },
                {
                    "name": "API list",
                    "target": "/api/v1/visits/",
                    "baseline": "/bench/visit-values/",
                    "target_rps": 60.0,
                    "baseline_rps": 100.0,
                    "ratio": 0.6,
                },
            ],
            "notes": ["sitemap.xml is a single file (no index): no section measured."],
        }

    return {
        "seed": size("seed", 2, 30, 15),
        "x100": size("x100", 200, 45, 15),
        "100k": size("100k", 100_000, 14_000, 16, timeline_timeout=True),
    }


def test_report_gives_each_target_its_measured_value_and_status():
    text = report.render(measurements())
    assert text.startswith("# Performance\n")
    lines = text.splitlines()
    expected = [
        "| Public page and API p50, uncached | ≤ 50 ms at 100k | worst: timeline >30 s "
        "(timed out) | SHORT |",
        "| Body size | ≤ 300 kB at 100k | largest: country page 19.0 MB | SHORT |",
        "| Query counts | equal at seed, 100x and 100k | differ: country page | SHORT |",
        "| Search p95 | ≤ 30 ms at 100k | worst: search: phrase 25 ms | PASS |",
        "| Admin visit changelist p95 | ≤ 300 ms at 100k | worst: admin visit changelist "
        "250 ms | PASS |",
        "| Cached page | ≥ 0.85x bare | 0.900x (900 vs 1,000 req/s) | PASS |",
        "| 304 Not Modified | ≥ 0.90x bare | 0.800x (800 vs 1,000 req/s) | SHORT |",
        "| API visit list | ≥ 0.5x the .values() view | 0.600x (60 vs 100 req/s) | PASS |",
        "| Stretch: uncached detail page | ≥ 0.15x bare | not measured | NOT MEASURED |",
    ]
    for line in expected:
        assert line in lines
    assert "| country page | 15 | 15 | 16 |" in lines
    assert "## 100,000 visits" in lines
    assert (
        "| country page | `/en/countries/georgia/` | 200 | 16 | 14 s | 14 s | 20 | 19.0 MB "
        "| – | – |" in lines
    )
    assert "| timeline | `/en/timeline/` | 200 | 13 | >30 s | >30 s | 0 | 9 kB | – | – |" in lines
    assert "- sitemap.xml is a single file (no index): no section measured." in lines


def test_report_with_missing_sizes_says_so():
    results = measurements()
    del results["100k"]
    targets = {t.name: t for t in report.targets(results)}
    assert targets["Search p95"].status == "NOT MEASURED"
    assert targets["Query counts"].measured == "sizes not measured: 100k"
    assert targets["Query counts"].status == "NOT MEASURED"
    results["x100"]["pages"][1].update(queries=None, timeout=True, timeout_ms=20000)
    counts = {t.name: t for t in report.targets(results)}["Query counts"]
    assert counts.measured == "sizes not measured: 100k; unknown (timed out): country page"
    assert counts.status == "SHORT"
    assert "## 100,000 visits" not in report.render(results)


def test_the_import_step_times_a_dry_run_and_writes_nothing(seeded) -> None:
    from registry.bench.imports import measure_dry_run
    from registry.models import Visit

    before = Visit.objects.count()
    measured = measure_dry_run(rows=30)
    assert measured["status"] == 200
    assert (measured["rows"], measured["new"], measured["invalid"]) == (30, 30, 0)
    assert measured["seconds"] > 0 and measured["page_bytes"] > 1000
    assert measured["peak_rss_mb"] >= measured["peak_rss_mb_before"] > 0
    assert Visit.objects.count() == before
    assert not Visit.objects.filter(slug__startswith="bench-import-").exists()
    [line] = report.import_lines(measured)
    assert "a dry run of 30 visit rows" in line and "30 new" in line


def test_a_recorded_import_run_is_kept_with_the_seed_results(tmp_path, monkeypatch) -> None:
    from registry.bench.imports import record

    monkeypatch.setattr(run, "RESULTS", tmp_path / "performance.json")
    monkeypatch.setattr(run, "DOCUMENT", tmp_path / "performance.md")
    measured = {"rows": 1000, "file_bytes": 270_000, "status": 200, "seconds": 63.2,
                "ms_per_row": 63.2, "page_bytes": 85_000, "new": 1000, "invalid": 0,
                "peak_rss_mb_before": 79, "peak_rss_mb": 92, "date": "2026-12-02"}  # fmt: skip
    record(measured)
    record({**measured, "seconds": 60.0})  # a run of as many rows replaces the last one
    record({**measured, "rows": 5000, "seconds": 320.0})
    saved = json.loads((tmp_path / "performance.json").read_text())
    assert [(r["rows"], r["seconds"]) for r in saved["seed"]["imports"]] == [
        (1000, 60.0),
        (5000, 320.0),
    ]
    document = (tmp_path / "performance.md").read_text()
    assert "a dry run of 1,000 visit rows through the admin" in document
    assert "took 320.0 s" in document
