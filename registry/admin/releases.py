"""Data releases in the admin: the list of releases, and "Make a release" for Publishers
(registry/releases/). A release is never changed or deleted once made."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Release
from registry.releases import ReleaseError, make_release


class MakeReleaseForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=gettext_lazy(
            "Optional, public: a line on what this release brings, shown with it."
        ),
    )


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ("__str__", "made_at", "records", "archive_size", "public_page")
    list_display_links = ("__str__",)
    readonly_fields = (
        "number",
        "made_at",
        "made_by",
        "note",
        "archive",
        "archive_bytes",
        "archive_sha256",
        "data_sha256",
        "counts",
        "files",
    )
    fields = readonly_fields
    ordering = ("-number",)
    search_fields = ("note",)
    list_per_page = 50
    # As every registry list: no count of the whole table beside the page's.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    @admin.display(description=gettext_lazy("records"))
    def records(self, release: Release) -> int:
        return release.totals["records"]

    @admin.display(description=gettext_lazy("archive"))
    def archive_size(self, release: Release) -> str:
        return _("%(size)s bytes") % {"size": f"{release.archive_bytes:,}"}

    @admin.display(description=gettext_lazy("public page"))
    def public_page(self, release: Release) -> str:
        return format_html('<a href="{}">{}</a>', release.get_absolute_url(), _("View on site"))

    def has_change_permission(self, request: HttpRequest, obj: Release | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Release | None = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        """A confirmation with an optional note; the release is made on POST."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MakeReleaseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                release = make_release(user=request.user, note=form.cleaned_data["note"])
            except ReleaseError as error:
                form.add_error(None, str(error))
            else:
                totals = release.totals
                self.message_user(
                    request,
                    _(
                        "%(release)s is made: %(records)s records, %(added)s added, "
                        "%(changed)s changed and %(removed)s removed since the release before."
                    )
                    % {"release": release, **totals},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:registry_release_changelist"))
        latest = Release.objects.order_by("-number").only("number").first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Make a release"),
            "form": form,
            "next_number": latest.number + 1 if latest else 1,
        }
        return TemplateResponse(request, "admin/registry/release/make.html", context)
