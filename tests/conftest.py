import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
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


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: no stored page, version or throttle count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="alice", email="alice@example.org", password="correct horse battery staple"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
