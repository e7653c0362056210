"""Backups restore (docs/deployment.md): a `pg_dump -Fc` of a registry with its seed content,
restored with `pg_restore` into an empty database, holds every table row for row."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backup and restore are PostgreSQL's (pg_dump/pg_restore); set DATABASE_URL",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="pg_dump and pg_restore are missing (Debian package postgresql-client)",
    ),
]

TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""
SEQUENCES = """
    SELECT sequencename, last_value FROM pg_sequences
    WHERE schemaname = 'public' ORDER BY sequencename
"""


def client_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for the client tools, so no password is on a command line."""
    env = {**os.environ}
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def snapshot(cursor) -> dict[str, Any]:
    """Every table's row count and a checksum of its rows in a fixed order, and where each
    sequence stands (so that new rows after a restore get fresh ids)."""
    cursor.execute(TABLES)
    tables = [name for (name,) in cursor.fetchall()]
    result: dict[str, Any] = {}
    for table in tables:
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
            f" FROM {quoted} AS t"
        )
        result[table] = cursor.fetchone()
    cursor.execute(SEQUENCES)
    result["sequences"] = cursor.fetchall()
    return result


@pytest.fixture
def scratch_database(transactional_db) -> Iterator[str]:
    """An empty database beside the test database, always dropped afterwards."""
    name = f"{connection.settings_dict['NAME'][:40]}_restore_{secrets.token_hex(4)}"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quoted}")
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def test_dump_restores_every_table_row_for_row(scratch_database, tmp_path: Path):
    import psycopg

    call_command("load_seed", verbosity=0)
    settings_dict = connection.settings_dict
    env = client_env(settings_dict)
    dump = tmp_path / "registry.dump"

    subprocess.run(
        ["pg_dump", "--format=custom", "--file", str(dump), settings_dict["NAME"]],
        env=env,
        check=True,
        capture_output=True,
    )
    assert dump.stat().st_size > 0
    restored = subprocess.run(
        ["pg_restore", "--exit-on-error", "--no-owner", "--dbname", scratch_database, str(dump)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stderr

    with connection.cursor() as cursor:
        original = snapshot(cursor)
    conninfo = {
        "dbname": scratch_database,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
    }
    with (
        psycopg.connect(**{k: v for k, v in conninfo.items() if v}) as scratch,
        scratch.cursor() as cursor,
    ):
        copy = snapshot(cursor)

    # The comparison means something only if the seed is there.
    assert original["registry_visit"][0] > 0
    assert original["registry_source"][0] > 0
    assert original["django_migrations"][0] > 0
    filled = [name for name, value in original.items() if name != "sequences" and value[0]]
    assert len(filled) >= 20, filled
    assert sorted(copy) == sorted(original)  # the same tables
    differing = [name for name in original if copy[name] != original[name]]
    assert differing == []
