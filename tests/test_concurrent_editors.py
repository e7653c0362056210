"""Real editors at once: gunicorn serves the admin from the test database, and ten editors,
each in a thread with its own login, open the same visit's change form and save it, round
after round. Every save is either accepted or refused with the conflict screen; none may
overwrite a save it has not seen, and none may fail. Runs on PostgreSQL and on SQLite (a file
copy of the test database, as SQLite serves several processes only from a file)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import global_settings, settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from registry.models import Visit
from tests import factories as f

BASE_DIR = Path(__file__).resolve().parent.parent
EDITORS = 10
ROUNDS = 20
PASSWORD = "a long enough test password 1"
CONFLICT_TEXT = "Someone else saved this record while you were editing it"

pytestmark = pytest.mark.django_db(transaction=True)


# --- a browser, as far as a change form needs one ---------------------------------------------


class FormParser(HTMLParser):
    """The controls of one form, with what a browser would submit for them unchanged."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.fields: list[tuple[str, str]] = []
        self._select: tuple[str, bool] | None = None
        self._select_values: list[str] = []
        self._select_first: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            self._select_values, self._select_first = [], None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_values.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            values = self._select_values
            if not values and not multiple and self._select_first is not None:
                values = [self._select_first]
            self.fields.extend((name, value) for value in values)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # The HTML parser keeps the newline a browser drops after <textarea>.
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormParser(form_id)
    parser.feed(html)
    return parser.fields


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = headers["Referer"] = f"http://127.0.0.1:{self.port}"
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text)
        finally:
            conn.close()

    def log_in(self, username: str) -> None:
        page = self.request("GET", reverse("admin:login"))
        fields = dict(form_fields(page.body, "login-form"))
        fields.update(username=username, password=PASSWORD, next=reverse("admin:index"))
        answer = self.request("POST", reverse("admin:login"), list(fields.items()))
        assert answer.status == 302, (page.status, page.headers, answer.status, self.cookies)


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server_database(tmp_path: Path) -> Iterator[str]:
    """The DATABASE_URL of the test database, as another process reaches it."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = urllib.parse.quote(db["USER"] or "")
        password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        yield f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
        return
    yield f"sqlite:///{tmp_path / 'shared.sqlite3'}"


def copy_sqlite(url: str) -> None:
    """SQLite's test database lives in memory: hand the server a file copy of it."""
    target = sqlite3.connect(url.removeprefix("sqlite:///"))
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()


@pytest.fixture
def serve(server_database: str, tmp_path: Path):
    processes: list[subprocess.Popen] = []

    def start() -> int:
        if connection.vendor == "sqlite":
            copy_sqlite(server_database)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": server_database,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_STATIC_ROOT": str(settings.STATIC_ROOT),
            "GUNICORN_ACCESS_LOG": "",
        }
        command = [
            sys.executable, "-m", "gunicorn", "partnership_site.wsgi:application",
            "-c", str(BASE_DIR / "partnership_site" / "gunicorn.py"),
            f"--bind=127.0.0.1:{port}", "--workers=2", "--threads=4", "--timeout=120",
        ]  # fmt: skip
        log = (tmp_path / "gunicorn.log").open("ab")
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True
        )
        processes.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            try:
                if Browser(port).request("GET", "/healthz").status == 200:
                    return port
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError("gunicorn did not answer within 60 s")

    yield start
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def stored_summary(server_database: str, pk: int) -> str:
    if connection.vendor == "sqlite":
        with sqlite3.connect(server_database.removeprefix("sqlite:///")) as db:
            return db.execute("SELECT summary FROM registry_visit WHERE id = ?", [pk]).fetchone()[0]
    return Visit.objects.get(pk=pk).summary


# --- the editors ------------------------------------------------------------------------------


def test_concurrent_editors_lose_no_update_and_see_no_error(serve, server_database) -> None:
    visit = f.create_visit(title="Shared visit", start="2024-03-17", end="2024-03-19")
    f.create_leg(visit=visit, order=1, city="Baku", start="2024-03-17")
    visit.summary = "start"
    visit.save()
    names = [f"editor{i}" for i in range(EDITORS)]
    # The server checks passwords with the production hasher, not the suite's fast one.
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        for name in names:
            user = f.create_user(role="superuser", username=name)
            user.set_password(PASSWORD)
            user.save()
    port = serve()
    target = reverse("admin:registry_visit_change", args=[visit.pk])

    outcomes: Counter[str] = Counter()
    accepted: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(EDITORS)

    def work(name: str) -> None:
        browser = Browser(port)
        try:
            browser.log_in(name)
            start.wait(timeout=120)
            for round_ in range(ROUNDS):
                page = browser.request("GET", target)
                if page.status != 200:
                    raise AssertionError(f"GET {page.status}: {page.body[:300]}")
                fields = form_fields(page.body, "visit_form")
                marker = f"[{name}.{round_}]"
                fields = [(k, v + " " + marker if k == "summary" else v) for k, v in fields]
                fields.append(("_save", "Save"))
                answer = browser.request("POST", target, fields)
                if answer.status == 302:
                    outcome = "accepted"
                elif answer.status == 200 and CONFLICT_TEXT in answer.body:
                    outcome = "conflict"
                else:
                    outcome = f"HTTP {answer.status}"
                    failures.append(f"{name} round {round_}: {answer.status} {answer.body[:300]}")
                with lock:
                    outcomes[outcome] += 1
                    if outcome == "accepted":
                        accepted.append(marker)
        except Exception as error:  # reported below, with the rest
            with lock:
                failures.append(f"{name}: {error!r}")

    threads = [threading.Thread(target=work, args=(name,)) for name in names]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.monotonic() - began

    summary = stored_summary(server_database, visit.pk)
    lost = [marker for marker in accepted if marker not in summary]
    print(
        f"\n{connection.vendor}: {EDITORS} editors x {ROUNDS} rounds in {elapsed:.0f} s: "
        f"{dict(outcomes)}, lost updates: {len(lost)}"
    )
    assert failures == []
    assert sum(outcomes.values()) == EDITORS * ROUNDS
    assert outcomes["accepted"] >= ROUNDS  # the editors did get work done
    assert lost == []
    # Every marker in the record belongs to a save that was reported accepted.
    assert summary.count("[") == len(accepted)
