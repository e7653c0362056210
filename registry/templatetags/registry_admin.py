"""Template tags for the editors' admin."""

from __future__ import annotations

from typing import Any

from django import template

from registry.admin.dashboard import Line, dashboard_lines

register = template.Library()


@register.simple_tag(takes_context=True)
def registry_dashboard(context: dict[str, Any]) -> list[Line]:
    """The data-quality dashboard's lines for the logged-in user (registry/admin/dashboard.py)."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_staff", False):
        return []
    return dashboard_lines(request)
