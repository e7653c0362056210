"""Organisations: the bodies that posts belong to (NATO, a ministry, a parliament)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Organisation, Position
from registry.publication.visibility import hide_hidden
from registry.queries.sections import bounded, list_url
from registry.translation import shown_text

from .base import RecordDetailView


class OrganisationDetailView(RecordDetailView):
    model = Organisation
    template_name = "registry/organisation_detail.html"
    select = ("country",)
    section_label, section_url = gettext_lazy("Posts"), "position-list"

    def load_related(self, organisation):
        hide_hidden([organisation], "country")
        posts = bounded(
            Position.objects.published()
            .filter(organisation=organisation)
            .select_related("office")
            .order_by("title", "pk"),
            list_url("position-list", organisation=organisation),
        )
        hide_hidden(posts.items, "office")
        return {"posts": posts}

    def get_meta_description(self):
        organisation = self.object
        name = shown_text(organisation, "name")
        if organisation.country:
            return _(
                "%(organisation)s (%(country)s): its posts in the registry, with their sources."
            ) % {"organisation": name, "country": shown_text(organisation.country, "name")}
        return _("%(organisation)s: its posts in the registry, with their sources.") % {
            "organisation": name
        }

    def get_jsonld(self):
        organisation = self.object
        data = {
            "@type": "GovernmentOrganization"
            if organisation.kind != Organisation.Kind.INTERNATIONAL
            else "Organization",
            "name": shown_text(organisation, "name"),
            "url": self.absolute(organisation),
        }
        if organisation.short_name:
            data["alternateName"] = organisation.short_name
        if organisation.description:
            data["description"] = shown_text(organisation, "description")
        if organisation.country:
            data["location"] = {
                "@type": "Country",
                "name": shown_text(organisation.country, "name"),
                "url": self.absolute(organisation.country),
            }
        return data
