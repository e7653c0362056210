"""Admin for summits and meetings of the Alliance, and the topics records are tagged with."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Event, Topic

from .base import EMPTY, PublishableAdmin, partial_date_column


@admin.register(Topic)
class TopicAdmin(PublishableAdmin):
    list_display = ("name", "slug", "status")
    list_filter = ("status",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "description")}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )


@admin.register(Event)
class EventAdmin(PublishableAdmin):
    list_display = (
        "name",
        "kind",
        partial_date_column("start_date", "from"),
        partial_date_column("end_date", "until"),
        "city",
        "country",
        "status",
    )
    list_filter = ("status", "kind", "country", "topics")
    list_select_related = ("country",)
    search_fields = ("name", "city")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("country", "topics")
    readonly_fields = ("outcomes",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind")}),
        (gettext_lazy("When and where"), {"fields": ("start_date", "end_date", "city", "country")}),
        (gettext_lazy("What happened"), {"fields": ("summary", "decisions", "topics", "outcomes")}),
        (gettext_lazy("Publication"), {"fields": ("status",)}),
    )

    @admin.display(description=gettext_lazy("programmes launched / posts established"))
    def outcomes(self, obj: Event) -> str:
        if obj.pk is None:
            return EMPTY
        rows = [(_("Programme"), str(p)) for p in obj.programmes_launched.order_by("name")]
        rows += [(_("Post"), str(p)) for p in obj.positions_established.order_by("title")]
        if not rows:
            return _("None recorded")
        return format_html_join("", "<div>{}: {}</div>", rows)
