import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """The suite runs with production settings: hashed static files need their manifest.

    Each test session collects into a folder of its own, so that two runs at once never
    see each other's half-written files.

    `make mutation` runs the same tests hundreds of times, one run after another: it names a
    folder in TEST_STATIC_ROOT, collected by the first run and used as it is by the others.
    """
    shared = os.environ.get("TEST_STATIC_ROOT")
    root = Path(shared) if shared else tmp_path_factory.mktemp("staticfiles")
    # override_settings (not assignment) so that the cached static storage is reset too.
    override = override_settings(STATIC_ROOT=str(root))
    override.enable()
    if not (shared and (root / "staticfiles.json").exists()):
        call_command("collectstatic", interactive=False, verbosity=0)
    yield
    override.disable()


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Production hashes passwords with Django's PBKDF2 default, about half a second a time on
    purpose; the suite creates and signs in over a thousand users, so it hashes with MD5.
    test_settings.py checks that production keeps the slow hasher."""
    override = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    override.enable()
    yield
    override.disable()


# `make mutation` runs the same tests hundreds of times, one run after another, and migrating
# a new test database would take most of each run. It names a file in TEST_DB_TEMPLATE (SQLite
# only): the first run keeps a copy of its freshly migrated database there, and each later run
# starts from a copy of that copy, kept as it is (keepdb) and removed at the end of the run.
TEST_DB_TEMPLATE = os.environ.get("TEST_DB_TEMPLATE")

if TEST_DB_TEMPLATE:

    @pytest.fixture(scope="session")
    def django_db_keepdb():
        return True

    @pytest.fixture(scope="session")
    def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
        from django.conf import settings

        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise RuntimeError("TEST_DB_TEMPLATE is for SQLite test databases only.")
        template = Path(TEST_DB_TEMPLATE)
        copy = template.with_name(f"{template.name}.run-{os.getpid()}")
        if template.exists():
            shutil.copyfile(template, copy)
        database.setdefault("TEST", {})["NAME"] = str(copy)
        yield
        for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            path.unlink(missing_ok=True)

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_setup, django_db_blocker):
        template = Path(TEST_DB_TEMPLATE)
        if not template.exists():
            from django.db import connection

            with django_db_blocker.unblock():
                connection.ensure_connection()
                partial = template.with_name(f"{template.name}.new-{os.getpid()}")
                target = sqlite3.connect(partial)
                connection.connection.backup(target)
                target.close()
                partial.replace(template)
        yield


def pytest_collection_modifyitems(config, items):
    """`make mutation` runs each set of rules with its own tests only (MUTATION_TESTS, test
    files or test ids), so that a mutant is tried on the tests written for that rule."""
    focus = os.environ.get("MUTATION_TESTS", "").split()
    if not focus:
        return
    kept = [item for item in items if any(_within(item.nodeid, name) for name in focus)]
    dropped = [item for item in items if item not in kept]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _within(nodeid: str, name: str) -> bool:
    return nodeid == name or nodeid.startswith((f"{name}::", f"{name}["))


def clear_caches() -> None:
    """Empties every cache. In Redis only this run's keys (CACHE_KEY_PREFIX, made up per run
    by `make test`) go: `clear()` would flush the whole database under other runs' feet."""
    for backend in caches.all():
        if isinstance(backend, RedisCache):
            client = backend._cache.get_client(write=True)
            keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        else:
            backend.clear()


@pytest.fixture(scope="session", autouse=True)
def tidy_cache_after_run():
    yield
    clear_caches()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, so that nothing cached by one test (a page, a
    throttle count) is seen by another."""
    clear_caches()


@pytest.fixture(autouse=True)
def english_to_start():
    """Each test starts in English: a request to a French page leaves French active in the
    thread it ran in, as a server's next request would reset."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def release_storage(settings, tmp_path_factory):
    """Data releases made by a test are kept in a folder of the test's own, never in the
    project's `releases/`."""
    location = tmp_path_factory.mktemp("releases")
    settings.STORAGES = {
        **settings.STORAGES,
        "releases": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="alice", email="alice@example.org", password="correct horse battery staple"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def publisher_client(client, db):
    """A client logged in as a member of the Publisher group."""
    from tests import factories

    client.force_login(factories.create_user(role="publisher"))
    return client


@pytest.fixture
def editor_client(client, db):
    """A client logged in as a member of the Editor group (who may not publish)."""
    from tests import factories

    client.force_login(factories.create_user(role="editor"))
    return client
