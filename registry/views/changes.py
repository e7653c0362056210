"""The public change log: a page (filterable, paginated) and an Atom feed of every change the
public could see (registry/publication/change_log.py)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from registry.filters import PublicChangeFilterSet
from registry.models import PublicChange

from .base import SITE_NAME, RecordListView
from .discovery import FEED_ITEMS, AtomFeed, record_uuid


class ChangeListView(RecordListView):
    model = PublicChange
    template_name = "registry/change_list.html"
    page_title = gettext_lazy("Changes")
    meta_description = gettext_lazy(
        "Every publication, correction, unpublication and removal of public content in the "
        "Partnership Registry, with what each correction changed."
    )
    paginate_by = 50
    filterset_class = PublicChangeFilterSet
    filter_phrases: ClassVar[dict[str, Any]] = {
        "kind": pgettext_lazy("changes list title", ": %(value)s"),
        "type": pgettext_lazy("changes list title", ", %(value)s records"),
        "record": pgettext_lazy("changes list title", ", record %(value)s"),
        "since": pgettext_lazy("changes list title", ", since %(value)s"),
        "until": pgettext_lazy("changes list title", ", until %(value)s"),
    }

    def get_queryset(self) -> QuerySet:
        return PublicChange.objects.visible().select_related("content_type")

    def get_ordered_queryset(self) -> QuerySet:
        return self.get_queryset().order_by("-at", "-id")

    def get_last_updated(self):
        page = self.pagination.page
        return max((change.at for change in page.object_list), default=None) if page else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = PublicChange.Kind.choices
        context["show_editors"] = _show_editors()
        return context


def _show_editors() -> bool:
    from django.conf import settings

    return settings.CHANGE_LOG_NAMES_EDITORS


class ChangeAtomFeed(Feed):
    """The latest public changes, newest first."""

    feed_type = AtomFeed
    subtitle = gettext_lazy(
        "Publications, corrections, unpublications and removals of public content in the "
        "Partnership Registry."
    )
    feed_guid = f"urn:uuid:{record_uuid('feed', 2)}"
    author_name = SITE_NAME

    def title(self) -> str:
        return _("Changes – %(site)s") % {"site": SITE_NAME}

    def link(self) -> str:
        return reverse("registry:change-list")

    def feed_url(self) -> str:
        return reverse("registry:change-feed")

    def items(self) -> QuerySet:
        return PublicChange.objects.visible().select_related("content_type")[:FEED_ITEMS]

    def item_title(self, item: PublicChange) -> str:
        return _("%(kind)s: %(record)s") % {"kind": item.get_kind_display(), "record": item.label}

    def item_link(self, item: PublicChange) -> str:
        if item.path and item.kind != PublicChange.Kind.DELETED:
            return item.path
        return f"{reverse('registry:change-list')}#change-{item.pk}"

    def item_description(self, item: PublicChange) -> str:
        parts = [
            f"<li>{escape(c['field'])}: {escape(c['before'])} → {escape(c['after'])}</li>"
            for c in item.fields
        ]
        note = f"<p>{escape(item.note)}</p>" if item.note else ""
        return note + (f"<ul>{''.join(parts)}</ul>" if parts else "")

    def item_guid(self, item: PublicChange) -> str:
        return f"urn:uuid:{record_uuid('change', item.pk)}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: PublicChange):
        return item.at

    def item_updateddate(self, item: PublicChange):
        return item.at
