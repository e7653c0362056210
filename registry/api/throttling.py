"""Anonymous throttling whose rate is read per request, so operators and tests can change it."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from registry.client_address import client_ip


class AnonymousRateThrottle(AnonRateThrottle):
    """Requests per client address (`API_THROTTLE_ANON`, e.g. "120/min").

    DRF's own class copies the rates when it is imported; reading the setting here instead
    lets `override_settings` and a changed environment take effect without a restart of the
    import machinery.
    """

    def get_rate(self) -> str:
        return settings.API_THROTTLE_ANON

    def get_ident(self, request) -> str:
        # The same address as the login lockout's, trusting X-Forwarded-For only behind a proxy.
        return client_ip(request)
