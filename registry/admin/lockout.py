"""The page of a locked-out login (django-axes' AXES_LOCKOUT_CALLABLE).

It says when the lockout ends and who can lift it earlier, in the admin's own look. The end
is the time of the last counted failure plus the cool-off: attempts made while locked out
are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so the time given holds.
"""

from __future__ import annotations

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    last = (
        AccessAttempt.objects.filter(
            username=username, ip_address=getattr(request, "axes_ip_address", None)
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    retry_at = timezone.localtime((last or timezone.now()) + cool_off)
    context = {
        **admin.site.each_context(request),
        "title": _("Login locked"),
        "username": username,
        "minutes": round(cool_off.total_seconds() / 60),
        "retry_at": retry_at,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    response = render(request, "admin/lockout.html", context, status=429)
    add_never_cache_headers(response)
    return response
