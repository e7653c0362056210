"""X-Forwarded-Proto and X-Forwarded-For are believed only when DJANGO_NUM_PROXIES says a
proxy is in front (settings.py; registry/client_address.py; docs/deployment.md)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from registry.api.throttling import AnonymousRateThrottle
from registry.client_address import client_ip

PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_the_suite_runs_without_a_proxy(settings):
    assert settings.NUM_PROXIES == 0
    assert settings.SECURE_PROXY_SSL_HEADER is None


def test_without_a_proxy_a_forwarded_proto_does_not_make_a_request_secure(rf: RequestFactory):
    request = rf.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert request.is_secure() is False


def test_behind_a_proxy_the_forwarded_proto_makes_it_secure(rf: RequestFactory, settings):
    settings.SECURE_PROXY_SSL_HEADER = PROXY_SSL_HEADER
    assert rf.get("/", HTTP_X_FORWARDED_PROTO="https").is_secure() is True
    assert rf.get("/", HTTP_X_FORWARDED_PROTO="http").is_secure() is False


@pytest.mark.django_db
def test_https_redirect_is_not_fooled_by_a_forged_header(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    forged = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301
    assert forged["Location"] == "https://testserver/"
    settings.SECURE_PROXY_SSL_HEADER = PROXY_SSL_HEADER
    behind = client.get("/en/", HTTP_X_FORWARDED_PROTO="https")
    assert behind.status_code == 200


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.2"),
        (0, "192.0.2.7", "10.0.0.2"),  # no proxy: the header is the client's own words
        (1, "", "10.0.0.2"),
        (1, "192.0.2.7", "192.0.2.7"),
        (1, "6.6.6.6, 192.0.2.7", "192.0.2.7"),  # the client's prefix is ignored
        (2, "6.6.6.6, 192.0.2.7, 10.0.0.9", "192.0.2.7"),
        (3, "192.0.2.7", "192.0.2.7"),  # fewer hops than proxies: the leftmost
        (1, " , ", "10.0.0.2"),
    ],
)
def test_client_ip(rf: RequestFactory, settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", **extra)
    assert client_ip(request) == expected


def test_api_throttle_counts_by_the_same_address(rf: RequestFactory, settings):
    request = rf.get("/api/v1/topics/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.7")
    throttle = AnonymousRateThrottle()
    assert throttle.get_ident(request) == "10.0.0.2"
    settings.NUM_PROXIES = 1
    assert throttle.get_ident(request) == "192.0.2.7"
