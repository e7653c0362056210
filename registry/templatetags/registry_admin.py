"""Template tags for the editors' admin."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from registry.admin.dashboard import Line, dashboard_lines
from registry.admin.review import review_queue

register = template.Library()


@register.simple_tag(takes_context=True)
def registry_dashboard(context: dict[str, Any]) -> list[Line]:
    """The data-quality dashboard's lines for the logged-in user (registry/admin/dashboard.py)."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_staff", False):
        return []
    return dashboard_lines(request)


@register.simple_tag(takes_context=True)
def registry_review_queue(context: dict[str, Any]) -> dict[str, Any]:
    """Pending revisions waiting for a Publisher, and open review comments."""
    request = context.get("request")
    if request is None or not getattr(request.user, "is_staff", False):
        return {}
    return review_queue(request.user)


@register.filter
def wrap_at_underscores(name: Any) -> SafeString:
    """A CSV column name that may wrap after each underscore ("traveller_<wbr>position"):
    as one long word, each header held its column wider than the page."""
    return mark_safe(conditional_escape(str(name)).replace("_", "_<wbr>"))
