import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """The suite runs with production settings: hashed static files need their manifest."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="alice", email="alice@example.org", password="correct horse battery staple"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
