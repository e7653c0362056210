import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """The suite runs with production settings: hashed static files need their manifest.

    Each test session collects into a folder of its own, so that two runs at once never
    see each other's half-written files.
    """
    # override_settings (not assignment) so that the cached static storage is reset too.
    override = override_settings(STATIC_ROOT=str(tmp_path_factory.mktemp("staticfiles")))
    override.enable()
    call_command("collectstatic", interactive=False, verbosity=0)
    yield
    override.disable()


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
