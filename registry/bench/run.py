"""The `make bench` driver (`manage.py run_bench`): for each size, a fresh PostgreSQL
database, gunicorn with debug off, every kind of page timed, wrk against the bare view, and
docs/performance.md rewritten from the results.

Configuration comes from the environment (see the Makefile's `bench` target):
BENCH_DATABASE_URL, BENCH_SIZES (seed,x100,100k), BENCH_REQUESTS, BENCH_PAGE_SECONDS,
BENCH_TIMEOUT, BENCH_WRK_SECONDS, BENCH_WRK_ROUNDS, BENCH_WRK_CONNECTIONS, BENCH_PORT and
BENCH_REDIS_URL. Only 127.0.0.1 is ever contacted, and only a database whose name contains
"bench" is ever dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.conf import settings

from . import measure, pages, report

BASE_DIR = Path(settings.BASE_DIR)
RESULTS = BASE_DIR / "docs" / "performance.json"
DOCUMENT = BASE_DIR / "docs" / "performance.md"
LOGS = BASE_DIR / ".bench"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Total visits per size (None: the seed's alone; a callable: from the seed's count); the
# seed's own visits count towards them.
SIZE_VISITS: dict[str, Callable[[int], int] | None] = {
    "seed": None,
    "x100": lambda seed_visits: 100 * seed_visits,
    "100k": lambda seed_visits: 100_000,
}


class BenchError(Exception):
    pass


@dataclass
class Options:
    database_url: str = "postgres://postgres@127.0.0.1:5432/registry_bench"
    sizes: list[str] = field(default_factory=lambda: list(report.SIZE_ORDER))
    requests: int = 20
    page_seconds: float = 6.0
    timeout: float = 20.0
    wrk_seconds: int = 5
    wrk_rounds: int = 3
    wrk_connections: int = 8
    port: int = 8765
    redis_url: str = "redis://127.0.0.1:6379/5"
    seed: int = 1

    @classmethod
    def from_environment(cls) -> Options:
        env = os.environ.get
        default = cls()
        sizes = [s.strip() for s in env("BENCH_SIZES", ",".join(default.sizes)).split(",")]
        unknown = [s for s in sizes if s not in SIZE_VISITS]
        if unknown:
            raise BenchError(f"Unknown BENCH_SIZES {unknown}: choose from {list(SIZE_VISITS)}.")
        return cls(
            database_url=env("BENCH_DATABASE_URL", default.database_url),
            sizes=[s for s in sizes if s],
            requests=int(env("BENCH_REQUESTS", default.requests)),
            page_seconds=float(env("BENCH_PAGE_SECONDS", default.page_seconds)),
            timeout=float(env("BENCH_TIMEOUT", default.timeout)),
            wrk_seconds=int(env("BENCH_WRK_SECONDS", default.wrk_seconds)),
            wrk_rounds=int(env("BENCH_WRK_ROUNDS", default.wrk_rounds)),
            wrk_connections=int(env("BENCH_WRK_CONNECTIONS", default.wrk_connections)),
            port=int(env("BENCH_PORT", default.port)),
            redis_url=env("BENCH_REDIS_URL", default.redis_url),
        )


def check_database_url(url: str) -> dict[str, Any]:
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        raise BenchError("The benchmark runs on PostgreSQL: BENCH_DATABASE_URL=postgres://...")
    if config["HOST"] not in LOCAL_HOSTS:
        raise BenchError(f"The bench database must be on 127.0.0.1, not {config['HOST']!r}.")
    if "bench" not in config["NAME"]:
        raise BenchError(f"Refusing to drop {config['NAME']!r}: its name must contain 'bench'.")
    return config


def recreate_database(config: dict[str, Any]) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    params = {
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    name = config["NAME"]
    with psycopg.connect(**params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def redis_up(url: str) -> bool:
    parts = urlsplit(url)
    if parts.hostname not in LOCAL_HOSTS:
        return False
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            database = (parts.path or "/0").strip("/") or "0"
            # Empty the bench's own Redis database: entries cached at another size would
            # otherwise answer for this one (generated rows bypass the registry's version).
            sock.sendall(_resp("SELECT", database) + _resp("FLUSHDB"))
            reply = sock.recv(100)
        return reply.startswith(b"+OK")
    except OSError:
        return False


def _resp(*words: str) -> bytes:
    parts = [f"*{len(words)}\r\n".encode()]
    for word in words:
        parts.append(f"${len(word.encode())}\r\n{word}\r\n".encode())
    return b"".join(parts)


class Server:
    """gunicorn serving the site with debug off, as production would."""

    def __init__(self, options: Options, env: dict[str, str], log: Path) -> None:
        self.options, self.env, self.log = options, env, log
        self.process: subprocess.Popen | None = None
        config = BASE_DIR / "partnership_site" / "gunicorn.py"
        self.command = [sys.executable, "-m", "gunicorn", "partnership_site.wsgi:application"]
        if config.exists():
            self.command += ["-c", str(config)]
        # The setting on the command line, which wins over any config file.
        self.command += [
            f"--bind={measure.HOST}:{options.port}",
            "--worker-class=gthread",
            "--workers=2",
            "--threads=4",
            "--timeout=300",
            "--graceful-timeout=5",
        ]
        self.description = (
            "gunicorn "
            + ("with partnership_site/gunicorn.py, " if config.exists() else "")
            + "gthread, 2 workers x 4 threads, DATABASE_CONN_MAX_AGE=60"
        )

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            self.command, cwd=BASE_DIR, env=self.env, stdout=handle, stderr=handle,
            start_new_session=True,
        )  # fmt: skip
        client = measure.Client(self.options.port, timeout=5)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited; see {self.log}")
            try:
                if client.get("/bench/bare/").status == 200:
                    return
            except (OSError, measure.RequestTimeout):
                pass
            time.sleep(0.3)
        raise BenchError(f"gunicorn did not answer within 60 s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def restart(self) -> None:
        self.stop()
        self.start()


def _manage(env: dict[str, str], *args: str, log: Path) -> float:
    began = time.monotonic()
    with log.open("ab") as handle:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, stdout=handle,
            stderr=handle, check=False,
        )  # fmt: skip
    if done.returncode:
        raise BenchError(f"manage.py {' '.join(args)} failed; see {log}")
    return time.monotonic() - began


def _import_dry_run(env: dict[str, str], log: Path) -> dict[str, Any]:
    """The CSV import step (registry/bench/imports.py), in a process of its own."""
    done = subprocess.run(
        [sys.executable, "manage.py", "bench_import"], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    with log.open("a") as handle:
        handle.write(done.stderr)
    if done.returncode:
        raise BenchError(f"manage.py bench_import failed; see {log}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True
        )
        # Local changes to tracked files other than the results themselves.
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
             ":!docs/performance.json", ":!docs/performance.md"],
            cwd=BASE_DIR, capture_output=True,
        )  # fmt: skip
        return found.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def server_environment(options: Options, secret_key: str, use_redis: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "BENCH_VIEWS": "1",
        # The whole benchmark comes from one address: throttling would answer 429.
        "API_THROTTLE_ANON": "999999999/min",
        "WEB_CONCURRENCY": "2",
    }
    if use_redis:
        env["REDIS_URL"] = options.redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def run_size(name: str, options: Options, log: Callable[[str], None]) -> dict[str, Any]:
    began = time.monotonic()
    config = check_database_url(options.database_url)
    LOGS.mkdir(exist_ok=True)
    logfile = LOGS / f"{name}.log"
    logfile.write_text("")
    use_redis = redis_up(options.redis_url)
    env = server_environment(options, secrets.token_urlsafe(60), use_redis)
    log(f"[{name}] recreating {config['NAME']}, migrating, loading the seed")
    recreate_database(config)
    _manage(env, "migrate", "--no-input", log=logfile)
    _manage(env, "load_seed", log=logfile)
    generated = None
    total = SIZE_VISITS[name]
    if total is not None:
        from registry.models import Visit

        seed_visits = Visit.objects.count()
        extra = total(seed_visits) - seed_visits
        log(f"[{name}] generating {extra:,} visits and their records")
        generated = _manage(
            env, "generate_bench_data", f"--visits={extra}", f"--seed={options.seed}",
            "--throwaway-database", log=logfile,
        )  # fmt: skip
    plan = pages.plan(options)
    server = Server(options, env, logfile)
    result: dict[str, Any] = {
        "size": name,
        "date": dt.date.today().isoformat(),
        "commit": _commit(),
        "generate_seconds": generated,
        # Whether the code uses it for its cache is the code's business, not the driver's.
        "server": server.description + (", REDIS_URL set" if use_redis else ", no Redis"),
        "cpus": os.cpu_count(),
        # Other work on the machine shows in every number: say how busy it was.
        "load_average": round(os.getloadavg()[0], 1),
        "rows": pages.row_counts(),
        "visits": pages.row_counts()["visits"],
        "notes": [],
    }
    try:
        server.start()
        result["pages"] = pages.measure_all(plan, server, options, log, name)
        result["load"], notes = pages.load_all(plan, result["pages"], server, options, log, name)
        result["notes"] += notes + plan.notes
    finally:
        server.stop()
    if name == "seed":  # an import's cost hardly depends on the registry's size
        log(f"[{name}] CSV import: a dry run of the largest file allowed")
        result["imports"] = [{**_import_dry_run(env, logfile), "commit": result["commit"]}]
    result["total_seconds"] = time.monotonic() - began
    log(f"[{name}] done in {result['total_seconds']:.0f} s")
    return result


def save(results: dict[str, dict[str, Any]]) -> None:
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True, default=str) + "\n")
    DOCUMENT.write_text(report.render(results))


def load_saved() -> dict[str, dict[str, Any]]:
    if RESULTS.exists():
        return json.loads(RESULTS.read_text())
    return {}


def main(log: Callable[[str], None] = print) -> None:
    options = Options.from_environment()
    config = check_database_url(options.database_url)
    if settings.DATABASES["default"]["NAME"] != config["NAME"]:
        raise BenchError("Run the driver with DATABASE_URL set to BENCH_DATABASE_URL.")
    if not measure.wrk_available():
        raise BenchError("wrk is missing: apt-get install -y wrk (make bench does it as root).")
    # Sizes not run this time keep their earlier results, marked with their own commit.
    results = load_saved()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=BASE_DIR,
        env={**os.environ, "DJANGO_DEBUG": "0"}, check=True,
    )  # fmt: skip
    began = time.monotonic()
    for name in options.sizes:
        results[name] = run_size(name, options, log)
        save(results)
    log(f"Benchmark done in {time.monotonic() - began:.0f} s: {DOCUMENT.relative_to(BASE_DIR)}")
