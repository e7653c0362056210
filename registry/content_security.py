"""The Content-Security-Policy of every answer (settings CONTENT_SECURITY_POLICY, django-csp).

Pages, the admin and the API docs get the site's policy: scripts from this site's files only,
never inline. The API's data (JSON, CSV, GeoJSON) is never a page, so it gets the tightest
policy there is: nothing may load, and nothing may frame it.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import DEFAULT_DIRECTIVES
from django.http import HttpRequest, HttpResponseBase

API = "/api/"
API_DOCS = "/api/docs/"
# Every directive of the site's policy is dropped but the report address.
DATA_POLICY = {name: None for name in DEFAULT_DIRECTIVES if name != "report-uri"} | {
    "default-src": ["'none'"],
    "frame-ancestors": ["'none'"],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        path = request.path_info
        if path.startswith(API) and not path.startswith(API_DOCS) and parts.replace is None:
            parts.replace = DATA_POLICY
        return parts
