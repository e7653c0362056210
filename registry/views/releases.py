"""The data releases: their list, one page per release with its notes and checksums, the
downloads, and an Atom feed (registry/releases/)."""

from __future__ import annotations

import logging

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from registry.models import Release
from registry.releases import package, storage
from registry.releases.tables import TABLE_LIST

from .base import SITE_NAME, PageMixin, RecordListView
from .discovery import FEED_ITEMS, AtomFeed, record_uuid

logger = logging.getLogger(__name__)
# A release's files never change: a year in any cache.
IMMUTABLE = "public, max-age=31536000, immutable"


class ReleaseListView(RecordListView):
    model = Release
    template_name = "registry/release_list.html"
    page_title = gettext_lazy("Data releases")
    meta_description = gettext_lazy(
        "Dated, numbered and checksummed releases of everything public in the Partnership "
        "Registry: CSV, JSON and Popolo, described as a Frictionless data package."
    )
    paginate_by = 50

    def get_queryset(self) -> QuerySet:
        return Release.objects.defer("files").order_by("-number")

    def get_last_updated(self):
        page = self.pagination.page
        return max((r.made_at for r in page.object_list), default=None) if page else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tables"] = TABLE_LIST
        return context


class ReleaseDetailView(PageMixin, DetailView):
    model = Release
    template_name = "registry/release_detail.html"
    context_object_name = "release"
    slug_field = "number"
    slug_url_kwarg = "number"

    def get_page_title(self) -> str:
        return _("Release %(number)s") % {"number": self.object.number}

    def get_meta_description(self) -> str:
        records = self.object.totals["records"]
        return ngettext(
            "Release %(number)s of the Partnership Registry, made on %(date)s: %(records)s record.",
            "Release %(number)s of the Partnership Registry, made on %(date)s: "
            "%(records)s records.",
            records,
        ) % {
            "number": self.object.number,
            "date": date_format(self.object.made_at, "j F Y"),
            "records": records,
        }

    def get_breadcrumbs(self):
        return [
            (_("Data releases"), reverse("registry:release-list")),
            (self.get_page_title(), None),
        ]

    def get_last_updated(self):
        return self.object.made_at

    def get_canonical_url(self) -> str:
        return self.absolute(self.object)

    def get_jsonld(self) -> dict:
        release = self.object
        return {
            "@type": "Dataset",
            "name": _("%(site)s, release %(number)s")
            % {"site": SITE_NAME, "number": release.number},
            "version": str(release.number),
            "datePublished": release.made_at.isoformat(),
            "url": self.absolute(release),
            "license": package.LICENSE["path"],
            "distribution": [
                {
                    "@type": "DataDownload",
                    "encodingFormat": "application/zip",
                    "contentUrl": self.absolute(release.download_url),
                    "contentSize": f"{release.archive_bytes} B",
                }
            ],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        titles = {table.name: table.title for table in TABLE_LIST}
        context["counts"] = [
            (str(titles.get(name, name)), name, count) for name, count in self.object.counts.items()
        ]
        context["previous"] = (
            Release.objects.filter(number__lt=self.object.number).order_by("-number").first()
        )
        return context


@require_safe
def latest_release(request: HttpRequest) -> HttpResponse:
    """The newest release's page, at an address that moves with every release; the page
    names its own numbered address as canonical."""
    release = Release.objects.order_by("-number").only("number").first()
    if release is None:
        raise Http404(_("No release has been made yet."))
    return ReleaseDetailView.as_view()(request, number=release.number)


@require_safe
def release_file(request: HttpRequest, number: int, name: str) -> HttpResponse:
    """A release's archive, or its SHA256SUMS (the archive's and every file's in it)."""
    release = get_object_or_404(Release, number=number)
    if name == package.CHECKSUMS_NAME:
        lines = [f"{release.archive_sha256}  {release.archive_name}\n"]
        lines += [f"{f['sha256']}  {f['name']}\n" for f in release.files if f["name"] != name]
        response = HttpResponse("".join(lines), content_type="text/plain; charset=utf-8")
    elif name == release.archive_name:
        try:
            handle = storage().open(release.archive, "rb")
        except (FileNotFoundError, OSError):
            logger.error("The archive of release %s is missing from its storage.", number)
            raise Http404(_("This release's archive cannot be found.")) from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=release.archive_name,
            content_type="application/zip",
        )
        response["Content-Length"] = str(release.archive_bytes)
    else:
        raise Http404(_("A release has no such file."))
    response["ETag"] = f'"{release.archive_sha256}"'
    response["Cache-Control"] = IMMUTABLE
    return response


class ReleaseAtomFeed(Feed):
    """The releases, newest first."""

    feed_type = AtomFeed
    subtitle = gettext_lazy("Dated, numbered and checksummed releases of everything public.")
    feed_guid = f"urn:uuid:{record_uuid('feed', 3)}"
    author_name = SITE_NAME

    def title(self) -> str:
        return _("Data releases – %(site)s") % {"site": SITE_NAME}

    def link(self) -> str:
        return reverse("registry:release-list")

    def feed_url(self) -> str:
        return reverse("registry:release-feed")

    def items(self) -> QuerySet:
        return Release.objects.defer("files").order_by("-number")[:FEED_ITEMS]

    def item_title(self, item: Release) -> str:
        return _("Release %(number)s") % {"number": item.number}

    def item_link(self, item: Release) -> str:
        return item.get_absolute_url()

    def item_description(self, item: Release) -> str:
        totals = item.totals
        note = f"<p>{escape(item.note)}</p>" if item.note else ""
        summary = ngettext(
            "%(records)s record: %(added)s added, %(changed)s changed and %(removed)s removed "
            "since the release before.",
            "%(records)s records: %(added)s added, %(changed)s changed and %(removed)s removed "
            "since the release before.",
            totals["records"],
        ) % {key: totals[key] for key in ("records", "added", "changed", "removed")}
        return note + f"<p>{escape(summary)}</p>"

    def item_guid(self, item: Release) -> str:
        return f"urn:uuid:{record_uuid('release', item.number)}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Release):
        return item.made_at

    def item_updateddate(self, item: Release):
        return item.made_at
