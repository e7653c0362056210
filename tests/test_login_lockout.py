"""Login lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from
one address, even the right password is refused until the cool-off ends or a superuser
unlocks; other usernames and other addresses are not affected."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/?next=/admin/"


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail(client: Client, username: str, times: int, **extra) -> list:
    return [log_in(client, username, "wrong password", **extra) for _ in range(times)]


@pytest.fixture
def editor():
    return f.create_user(role="editor", username="bob")


def test_defaults_lock_after_five_failures_for_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, editor):
    answers = fail(client, "bob", settings.AXES_FAILURE_LIMIT - 1)
    assert [a.status_code for a in answers] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert "Please enter the correct username and password" in answers[-1].content.decode()
    assert logged_in(log_in(client, "bob", PASSWORD))
    # A success starts the count again.
    assert not AccessAttempt.objects.filter(username="bob").exists()


def test_after_the_limit_the_right_password_is_refused_with_the_lockout_page(client, editor):
    answers = fail(client, "bob", settings.AXES_FAILURE_LIMIT)
    assert answers[-1].status_code == 429  # the last failure already shows the lockout
    response = log_in(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Too many wrong passwords" in page
    assert "<strong>bob</strong>" in page
    assert "locked for 15 minutes" in page
    assert "superuser" in page and "Access attempts" in page
    # In the admin's look, with a way back.
    assert "Partnership Registry" in page and "admin/css/login" in page
    assert 'href="/admin/login/"' in page
    assert "Traceback" not in page
    # Not signed in: the admin still asks for the login.
    follow = client.get("/admin/")
    assert follow.status_code == 302 and follow["Location"].startswith("/admin/login/")


def test_the_page_gives_the_time_the_lockout_ends(client, editor):
    # A clock that stands still, so the failures cannot straddle a minute.
    start = timezone.now().replace(second=30, microsecond=0)
    with time_machine.travel(start, tick=False):
        fail(client, "bob", settings.AXES_FAILURE_LIMIT)
    # An attempt while locked out does not push the end further.
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        page = log_in(client, "bob", PASSWORD).content.decode()
    end = timezone.localtime(start + dt.timedelta(minutes=15))
    assert f">{end:%H:%M}</time>" in page


def test_cool_off_ends_the_lockout(client, editor):
    start = timezone.now()
    fail(client, "bob", settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert log_in(client, "bob", PASSWORD).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert logged_in(log_in(client, "bob", PASSWORD))


def test_another_username_from_the_same_address_is_not_locked(client, editor):
    f.create_user(role="editor", username="carol")
    fail(client, "bob", settings.AXES_FAILURE_LIMIT)
    assert logged_in(log_in(client, "carol", PASSWORD))


def test_the_same_username_from_another_address_is_not_locked(editor):
    """A guesser cannot lock an editor out from the editor's own office."""
    fail(Client(REMOTE_ADDR="203.0.113.9"), "bob", settings.AXES_FAILURE_LIMIT + 3)
    assert log_in(Client(REMOTE_ADDR="203.0.113.9"), "bob", PASSWORD).status_code == 429
    assert logged_in(log_in(Client(REMOTE_ADDR="198.51.100.4"), "bob", PASSWORD))


def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, editor):
    """With no proxy configured, X-Forwarded-For is the client's own words."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "bob", "wrong password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = log_in(client, "bob", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_the_client(settings, editor):
    settings.NUM_PROXIES = 1
    balancer = {"REMOTE_ADDR": "10.0.0.2"}
    fail(Client(**balancer), "bob", settings.AXES_FAILURE_LIMIT, HTTP_X_FORWARDED_FOR="192.0.2.7")
    locked = log_in(Client(**balancer), "bob", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert locked.status_code == 429
    # The same balancer forwarding another visitor: not locked.
    other = log_in(Client(**balancer), "bob", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert logged_in(other)
    assert AccessAttempt.objects.get(username="bob").ip_address == "192.0.2.7"


def test_a_superuser_unlocks_in_the_admin(client, editor, superuser):
    fail(client, "bob", settings.AXES_FAILURE_LIMIT)
    attempt = AccessAttempt.objects.get(username="bob")
    staff = Client()
    staff.force_login(superuser)
    listing = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "bob" in listing.content.decode()
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert logged_in(log_in(client, "bob", PASSWORD))


def test_an_editor_cannot_see_or_lift_lockouts(client, editor):
    fail(Client(), "bob", settings.AXES_FAILURE_LIMIT)
    other = f.create_user(role="publisher")
    client.force_login(other)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_the_reset_command_unlocks(client, editor):
    fail(client, "bob", settings.AXES_FAILURE_LIMIT)
    assert log_in(client, "bob", PASSWORD).status_code == 429
    call_command("axes_reset_username", "bob", verbosity=0)
    assert logged_in(log_in(client, "bob", PASSWORD))


def test_an_unknown_username_is_locked_too(client):
    answers = fail(client, "nobody", settings.AXES_FAILURE_LIMIT)
    assert answers[-1].status_code == 429


def test_a_null_character_in_the_username_is_a_form_error(client, editor):
    response = log_in(client, "bob\u0000", PASSWORD)
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()


def test_the_test_clients_login_helpers_still_work(client, editor):
    """force_login skips authentication; login must pass a request, as every login does
    once django-axes guards the password check."""
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    other = Client()
    assert other.login(request=HttpRequest(), username="bob", password=PASSWORD)
    assert other.get("/admin/").status_code == 200
