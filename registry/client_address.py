"""The client's address, the one rule for login lockout and API throttling.

With no proxy in front (`DJANGO_NUM_PROXIES = 0`, the default) it is the connecting address,
and `X-Forwarded-For` is ignored: a client could write anything there. Behind N proxies that
each append the address they saw, the client's is the Nth from the right (the addresses to its
left were sent by the client and are not believed).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    addresses = [item.strip() for item in forwarded.split(",") if item.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]
