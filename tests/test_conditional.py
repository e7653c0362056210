"""Conditional requests on the public site and the API: ETags and Last-Modified come from the
registry version, and a matching If-None-Match is answered 304 before any view runs."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.models import Status
from tests import factories as f
from tests.test_cache import drop_stored_responses

pytestmark = pytest.mark.django_db

API = "/api/v1"
NOON = dt.datetime(2030, 6, 12, 10, 0, tzinfo=dt.UTC)  # noon in Brussels, far from midnight
URLS = [
    "/en/topics/open-topic/",
    "/en/topics/",
    f"{API}/topics/",
    "/en/visits/feed/atom/",
    "/sitemap.xml",
]


@pytest.fixture
def topic(db):
    return f.create_topic(name="Open topic", slug="open-topic")


def test_if_none_match_is_answered_304_before_any_view_runs(
    client, topic, django_assert_num_queries
):
    for target in URLS:
        first = client.get(target)
        assert first.status_code == 200
        etag = first["ETag"]
        assert etag.startswith('"') and etag.endswith('"')
        drop_stored_responses()  # nothing to serve: only the view could answer now
        with django_assert_num_queries(0):
            again = client.get(target, HTTP_IF_NONE_MATCH=etag)
            weak = client.get(target, HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
        for answer in (again, weak):
            assert answer.status_code == 304, target
            assert answer.content == b""
            assert answer["ETag"] == etag
            assert answer["Cache-Control"] == first["Cache-Control"]
            assert answer["Last-Modified"] == first["Last-Modified"]
        assert client.get(target, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_etag_changes_after_a_save_and_the_old_one_gets_the_new_content(client, topic):
    first = client.get("/en/topics/open-topic/")
    topic.name = "Renamed topic"
    topic.save()
    fresh = client.get("/en/topics/open-topic/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and "Renamed topic" in fresh.text
    assert fresh["ETag"] != first["ETag"]
    # Any public change moves every ETag: the registry is versioned as a whole.
    other = client.get("/en/topics/")["ETag"]
    f.create_topic(name="Another", status=Status.DRAFT).delete()
    assert client.get("/en/topics/")["ETag"] != other


def test_etags_differ_by_url_query_string_and_format(client, topic):
    etags = [
        client.get("/en/topics/")["ETag"],
        client.get("/en/topics/", {"page": 1})["ETag"],
        client.get(f"{API}/topics/")["ETag"],
        client.get(f"{API}/topics/", HTTP_ACCEPT="text/csv")["ETag"],
        client.get(f"{API}/topics/", {"format": "csv"})["ETag"],
    ]
    assert len(set(etags)) == len(etags)


def test_head_answers_like_get(client, topic, django_assert_num_queries):
    for target in ["/en/topics/open-topic/", f"{API}/topics/"]:
        head = client.head(target)  # first: runs the view, stores nothing
        get = client.get(target)
        assert head.status_code == 200 and head.content == b""
        assert head["ETag"] == get["ETag"]
        assert head["Content-Type"] == get["Content-Type"]
        with django_assert_num_queries(0):
            cached = client.head(target)
            conditional = client.head(target, HTTP_IF_NONE_MATCH=get["ETag"])
        assert cached.status_code == 200 and cached["ETag"] == get["ETag"]
        assert conditional.status_code == 304


@pytest.mark.time_machine(NOON, tick=False)
def test_caching_headers_fit_for_a_cdn(client, topic, settings):
    page = client.get("/en/topics/open-topic/")
    assert page["Cache-Control"] == f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}"
    assert page["Last-Modified"] == "Wed, 12 Jun 2030 10:00:00 GMT"
    assert "Vary" not in page  # the same page for everyone
    api = client.get(f"{API}/topics/")
    assert api["Cache-Control"] == f"public, max-age={settings.API_CACHE_MAX_AGE}"
    assert "Accept" in api["Vary"].split(", ")  # and Origin, from the CORS headers
    settings.PUBLIC_CACHE_MAX_AGE = 15
    assert client.get("/en/topics/")["Cache-Control"] == "public, max-age=15"
    # A missing page may be kept as briefly, but is never a precondition's target.
    missing = client.get("/en/topics/no-such-topic/")
    assert missing.status_code == 404 and missing["Cache-Control"] == "public, max-age=15"
    assert "ETag" not in missing and "Last-Modified" not in missing


def test_max_age_ends_at_midnight_when_current_filters_change(client, topic, time_machine):
    # 23:59:00 in Brussels (summer time): a minute before `current=true` means another day.
    time_machine.move_to(dt.datetime(2030, 6, 12, 21, 59, tzinfo=dt.UTC), tick=False)
    assert client.get(f"{API}/topics/")["Cache-Control"] == "public, max-age=60"
    before = client.get(f"{API}/topics/")["ETag"]
    time_machine.move_to(dt.datetime(2030, 6, 12, 22, 0, tzinfo=dt.UTC), tick=False)
    assert client.get(f"{API}/topics/")["ETag"] != before


def test_if_modified_since(client, topic, time_machine):
    time_machine.move_to(NOON, tick=False)
    first = client.get("/en/topics/open-topic/")
    since = first["Last-Modified"]
    time_machine.move_to(NOON + dt.timedelta(minutes=1), tick=False)
    assert client.get("/en/topics/open-topic/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    assert client.get("/en/topics/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    # If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
    other = client.get(
        "/en/topics/open-topic/", HTTP_IF_MODIFIED_SINCE=since, HTTP_IF_NONE_MATCH='"x"'
    )
    assert other.status_code == 200
    topic.name = "Renamed topic"
    topic.save()
    fresh = client.get("/en/topics/open-topic/", HTTP_IF_MODIFIED_SINCE=since)
    assert fresh.status_code == 200 and "Renamed topic" in fresh.text
    assert fresh["Last-Modified"] == "Wed, 12 Jun 2030 10:01:00 GMT"
    # A missing page is answered in full whatever the date.
    assert client.get("/en/topics/nothing/", HTTP_IF_MODIFIED_SINCE=since).status_code == 404


def test_a_signed_in_visitor_gets_no_public_validators(admin_client, topic):
    page = admin_client.get("/en/topics/open-topic/")
    assert page.status_code == 200 and "Open topic" in page.text
    assert "ETag" not in page and "public" not in page["Cache-Control"]
    assert admin_client.get("/en/topics/open-topic/", HTTP_IF_NONE_MATCH="*").status_code == 200
