"""The public cache (registry/cache.py): what is stored, what is served from it, and that
every change the public can see shows on the next request, scheduled ones included."""

from __future__ import annotations

import datetime as dt
import pickle
import socket
import time
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from registry.cache import KEY_PREFIX
from registry.models import Status, Topic
from registry.publication import version
from registry.publication.share_links import share_url, staff_preview_url
from tests import factories as f
from tests.conftest import clear_caches
from tests.test_admin import url

pytestmark = pytest.mark.django_db

API = "/api/v1"
T0 = dt.datetime(2030, 6, 12, 10, 0, tzinfo=dt.UTC)  # noon in Brussels, far from midnight


def _redis_keys(backend: RedisCache) -> list[bytes]:
    client = backend._cache.get_client(write=True)
    return list(client.scan_iter(match=f"{backend.key_prefix}:*{KEY_PREFIX}*", count=1000))


def stored_responses() -> list[tuple[int, bytes, list[tuple[str, str]]]]:
    """Every response in the public cache, local memory or Redis: (status, body, headers)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client()
        values = [client.get(key) for key in _redis_keys(backend)]
        return [backend._cache._serializer.loads(v) for v in values if v is not None]
    assert isinstance(backend, LocMemCache)
    with backend._lock:
        return [pickle.loads(value) for key, value in backend._cache.items() if KEY_PREFIX in key]


def drop_stored_responses() -> None:
    """Forget the stored responses but not the registry version."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        keys = _redis_keys(backend)
        if keys:
            backend._cache.get_client(write=True).delete(*keys)
        return
    with backend._lock:
        for key in [key for key in backend._cache if KEY_PREFIX in key]:
            del backend._cache[key]
            del backend._expire_info[key]


def seconds_left_in_cache() -> list[float]:
    """How long each stored response has left in the cache."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client()
        return [client.ttl(key) for key in _redis_keys(backend)]
    with backend._lock:
        now = time.time()
        return [at - now for key, at in backend._expire_info.items() if KEY_PREFIX in key]


def stored_bodies() -> str:
    return "\n".join(body.decode() for _, body, _ in stored_responses())


@pytest.fixture
def publisher() -> Client:
    client = Client()
    client.force_login(f.create_user(role="publisher"))
    return client


def bulk_action(publisher: Client, record: Any, action: str) -> None:
    response = publisher.post(
        url(type(record), "changelist"), {"action": action, "_selected_action": [record.pk]}
    )
    assert response.status_code == 302


# --- drafts, edits, publish and unpublish -------------------------------------------------


def test_a_draft_never_enters_the_cache(client):
    f.create_topic(name="Open topic", slug="open-topic")
    draft = f.create_topic(name="SECRET topic", slug="secret-topic", status=Status.DRAFT)
    urls = [
        "/en/topics/",
        "/en/topics/secret-topic/",
        f"{API}/topics/",
        f"{API}/topics/secret-topic/",
    ]
    for target in urls * 2:
        client.get(target)
    assert client.get("/en/topics/secret-topic/").status_code == 404
    stored = stored_bodies()
    assert "Open topic" in stored and "SECRET" not in stored
    # Published, it shows on the next request, and only then enters the cache.
    draft.status = Status.PUBLISHED
    draft.save()
    assert "SECRET topic" in client.get("/en/topics/").text
    assert "SECRET topic" in client.get("/en/topics/secret-topic/").text
    assert "SECRET topic" in client.get(f"{API}/topics/").text
    assert "SECRET topic" in stored_bodies()


def test_edit_publish_and_unpublish_show_on_the_next_request(client, publisher):
    traveller = f.create_person(name="Open Traveller")
    visit = f.create_visit(title="Visit to Baku", slug="baku", traveller=traveller, start="2024")
    f.cited(visit)
    urls = ["/en/visits/baku/", "/en/visits/", f"{API}/visits/", "/en/visits/feed/rss/"]

    def shown(text: str) -> list[bool]:
        return [text in client.get(target).text for target in urls]

    assert shown("Visit to Baku") == [True] * 4
    assert shown("Visit to Baku") == [True] * 4  # now from the cache
    visit.title = "Visit to Baku and Tbilisi"
    visit.save()
    assert shown("Visit to Baku and Tbilisi") == [True] * 4

    bulk_action(publisher, visit, "unpublish")
    assert client.get("/en/visits/baku/").status_code == 404
    assert shown("Visit to Baku") == [False] * 4
    bulk_action(publisher, visit, "publish")
    assert shown("Visit to Baku and Tbilisi") == [True] * 4


def test_a_change_of_a_linked_record_shows_too(client):
    topic = f.create_topic(name="Energy security", slug="energy")
    event = f.create_event(name="Istanbul summit", slug="istanbul", start="2004")
    event.topics.add(topic)
    assert "Energy security" in client.get("/en/events/istanbul/").text
    topic.name = "Energy and climate security"
    topic.save()
    assert "Energy and climate security" in client.get("/en/events/istanbul/").text
    event.topics.remove(topic)
    assert "Energy and climate security" not in client.get("/en/events/istanbul/").text


# --- scheduled publication and expiry -----------------------------------------------------


def test_a_scheduled_record_appears_and_expires_on_time_while_pages_are_cached(
    client, time_machine, django_assert_num_queries
):
    time_machine.move_to(T0 - dt.timedelta(minutes=5), tick=False)
    f.create_topic(name="Open topic", slug="open-topic")
    f.create_topic(
        name="Cyber defence",
        slug="cyber",
        publish_at=T0,
        expire_at=T0 + dt.timedelta(hours=1),
    )
    urls = ["/en/topics/", f"{API}/topics/"]
    for target in urls:
        assert "Cyber defence" not in client.get(target).text

    time_machine.move_to(T0 - dt.timedelta(seconds=30), tick=False)
    with django_assert_num_queries(0):  # still the same version: served from the cache
        pages = [client.get(target) for target in urls]
    assert all("Cyber defence" not in page.text for page in pages)
    # Neither a CDN nor the server keeps the page past the scheduled time.
    assert pages[0]["Cache-Control"] == "public, max-age=30"
    assert pages[1]["Cache-Control"] == "public, max-age=30"
    # Stored five minutes before the scheduled time, for no longer than those five minutes
    # (local memory counts on the test's clock, Redis on its own).
    left = seconds_left_in_cache()
    redis = isinstance(caches["default"], RedisCache)
    assert left and max(left) <= (300 if redis else 30) + 1

    time_machine.move_to(T0, tick=False)
    for target in urls:
        assert "Cyber defence" in client.get(target).text
    assert client.get("/en/topics/cyber/").status_code == 200

    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    for target in urls:
        assert "Cyber defence" not in client.get(target).text
    assert client.get("/en/topics/cyber/").status_code == 404
    assert "Open topic" in client.get("/en/topics/").text


def test_many_scheduled_records_each_appear_at_their_time(client, time_machine):
    # More than the version lists at once: the list is read again when it runs out.
    time_machine.move_to(T0, tick=False)
    count = version.LISTED_BOUNDARIES + 3
    for n in range(count):
        f.create_topic(
            name=f"Scheduled {n:02}", slug=f"s{n}", publish_at=T0 + dt.timedelta(minutes=n + 1)
        )
    for n in range(count):
        time_machine.move_to(T0 + dt.timedelta(minutes=n + 1), tick=False)
        page = client.get("/en/topics/").text
        assert f"Scheduled {n:02}" in page
        assert f"Scheduled {n + 1:02}" not in page


# --- who is served from the cache ---------------------------------------------------------


def test_a_cached_page_is_served_with_no_query(client, django_assert_num_queries):
    f.create_topic(name="Open topic", slug="open-topic")
    for target in [
        "/en/topics/open-topic/",
        "/en/",
        f"{API}/topics/",
        "/sitemap.xml",
        "/robots.txt",
    ]:
        first = client.get(target)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            again = client.get(target)
        assert again.status_code == 200
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]


def test_a_signed_in_editors_page_is_neither_cached_nor_evicts_the_public_one(
    client, publisher, django_assert_num_queries
):
    topic = f.create_topic(name="Open topic", slug="open-topic")
    public = client.get("/en/topics/open-topic/")
    editors = publisher.get("/en/topics/open-topic/")
    assert editors.status_code == 200 and "Open topic" in editors.text
    assert "private" in editors["Cache-Control"] and "ETag" not in editors
    assert len(stored_responses()) == 1
    with django_assert_num_queries(0):
        again = client.get("/en/topics/open-topic/")
    assert again.content == public.content
    # And a page an editor asked for first is not stored for the public.
    topic.save()
    publisher.get("/en/topics/")
    assert len(stored_responses()) == 1
    with CaptureQueriesContext(connection) as queries:
        assert "Open topic" in client.get("/en/topics/").text
    assert len(queries) > 0  # rendered for the public, not served the editor's
    assert len(stored_responses()) == 2


def test_an_anonymous_visitor_with_an_expired_session_is_served_from_the_cache(
    client, django_assert_max_num_queries
):
    f.create_topic(name="Open topic", slug="open-topic")
    first = client.get("/en/topics/open-topic/")
    client.cookies["sessionid"] = "no-such-session"
    with django_assert_max_num_queries(1):  # the session lookup only
        again = client.get("/en/topics/open-topic/")
    assert again.content == first.content and "ETag" in again


def test_previews_and_share_links_are_never_cached(client, publisher):
    draft = f.create_topic(name="SECRET topic", slug="secret-topic", status=Status.DRAFT)
    assert client.get("/en/topics/secret-topic/").status_code == 404  # stored: a public 404
    shared = client.get(share_url(draft))
    staff = publisher.get(staff_preview_url(draft))
    for preview in (shared, staff):
        assert preview.status_code == 200 and "SECRET topic" in preview.text
        assert preview["Cache-Control"] == "private, no-store"
        assert "ETag" not in preview
    assert "SECRET" not in stored_bodies()
    assert client.get("/en/topics/secret-topic/").status_code == 404
    # Even the redirect to the login page of a signed-out editor is kept by no one.
    assert "no-store" in client.get(staff_preview_url(draft))["Cache-Control"]
    assert "no-store" in Client().get(share_url(draft))["Cache-Control"]


def test_the_admin_is_never_cached(client, publisher):
    topic = f.create_topic(name="Open topic", slug="open-topic")
    publisher.get(url(Topic, "change", topic.pk))
    client.get(url(Topic, "changelist"))  # anonymous: a redirect to the login page
    assert stored_responses() == []


# --- what is kept apart -------------------------------------------------------------------


def test_csv_and_json_are_never_mixed_up(client, django_assert_num_queries):
    f.create_topic(name="Open topic", slug="open-topic")
    asks = [
        ({}, {}, "application/json"),
        ({}, {"HTTP_ACCEPT": "text/csv"}, "text/csv"),
        ({"format": "csv"}, {}, "text/csv"),
        ({"format": "json"}, {}, "application/json"),
        ({}, {"HTTP_ACCEPT": "text/csv;q=0.5, application/json"}, "application/json"),
    ]
    for _ in range(2):
        for params, headers, media_type in asks:
            response = client.get(f"{API}/topics/", params, **headers)
            assert response["Content-Type"].startswith(media_type), (params, headers)
            assert "Accept" in response["Vary"]
            if media_type == "text/csv":
                header, row = response.text.splitlines()[:2]
                assert '"name"' in header.split(",") and "Open topic" in row
            else:
                assert response.json()["results"][0]["name"] == "Open topic"
    # The second round came from the cache.
    with django_assert_num_queries(0):
        for params, headers, _ in asks:
            client.get(f"{API}/topics/", params, **headers)
    etags = {client.get(f"{API}/topics/", p, **h)["ETag"] for p, h, _ in asks}
    assert len(etags) == len(asks)


def test_query_string_variants_are_distinct_entries(client):
    f.create_topic(name="Alpha topic", slug="alpha")
    f.create_topic(name="Beta topic", slug="beta")
    for _ in range(2):
        alpha = client.get("/en/search/", {"q": "Alpha"}).text
        beta = client.get("/en/search/", {"q": "Beta"}).text
        assert "/en/topics/alpha/" in alpha and "/en/topics/beta/" not in alpha
        assert "/en/topics/beta/" in beta and "/en/topics/alpha/" not in beta
    assert len(stored_responses()) == 2


def test_a_429_is_not_cached(client, settings):
    f.create_topic(name="Open topic", slug="open-topic")
    settings.API_THROTTLE_ANON = "1/min"
    assert client.get(f"{API}/topics/", {"page": 1}).status_code == 200
    refused = client.get(f"{API}/topics/")
    assert refused.status_code == 429 and "no-store" in refused["Cache-Control"]
    assert [status for status, _, _ in stored_responses()] == [200]
    settings.API_THROTTLE_ANON = "100/min"
    again = client.get(f"{API}/topics/")
    assert again.status_code == 200 and again.json()["results"][0]["name"] == "Open topic"


def test_not_found_pages_are_cached_until_the_record_is_published(client):
    topic = f.create_topic(name="Later topic", slug="later", status=Status.DRAFT)
    for _ in range(2):
        missing = client.get("/en/topics/later/")
        assert missing.status_code == 404 and "public" in missing["Cache-Control"]
        assert "ETag" not in missing
    assert [status for status, _, _ in stored_responses()] == [404]
    topic.status = Status.PUBLISHED
    topic.save()
    assert client.get("/en/topics/later/").status_code == 200


def test_the_cache_can_be_turned_off(client, settings):
    settings.PUBLIC_CACHE_ENABLED = False
    f.create_topic(name="Open topic", slug="open-topic")
    client.get("/en/topics/open-topic/")
    response = client.get("/en/topics/open-topic/")
    assert "ETag" not in response and "Cache-Control" not in response
    assert stored_responses() == []


# --- a shared cache -----------------------------------------------------------------------


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        socket.create_connection((host, port), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_the_cache_works_the_same_on_redis(client, django_assert_num_queries):
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/2",
            "KEY_PREFIX": "registry-tests",
        }
    }
    with override_settings(CACHES=redis):
        clear_caches()
        try:
            topic = f.create_topic(name="Open topic", slug="open-topic")
            first = client.get("/en/topics/open-topic/")
            etag = first["ETag"]
            with django_assert_num_queries(0):
                assert client.get("/en/topics/open-topic/").content == first.content
                assert (
                    client.get("/en/topics/open-topic/", HTTP_IF_NONE_MATCH=etag).status_code == 304
                )
            topic.name = "Renamed topic"
            topic.save()
            renamed = client.get("/en/topics/open-topic/")
            assert "Renamed topic" in renamed.text and renamed["ETag"] != etag
            # A lost counter starts again from a value never used, so no old entry is served.
            cache.delete(version.COUNTER_KEY)
            assert client.get("/en/topics/open-topic/")["ETag"] not in (etag, renamed["ETag"])
        finally:
            clear_caches()
