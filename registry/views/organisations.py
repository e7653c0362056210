"""Organisations: the bodies that posts belong to (NATO, a ministry, a parliament)."""

from __future__ import annotations

from registry.models import Organisation, Position
from registry.publication.visibility import hide_hidden
from registry.queries.sections import bounded, list_url

from .base import RecordDetailView


class OrganisationDetailView(RecordDetailView):
    model = Organisation
    template_name = "registry/organisation_detail.html"
    select = ("country",)
    section_label, section_url = "Posts", "position-list"

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
        where = f" ({organisation.country.name})" if organisation.country else ""
        return f"{organisation.name}{where}: its posts in the registry, with their sources."

    def get_jsonld(self):
        organisation = self.object
        data = {
            "@type": "GovernmentOrganization"
            if organisation.kind != Organisation.Kind.INTERNATIONAL
            else "Organization",
            "name": organisation.name,
            "url": self.absolute(organisation),
        }
        if organisation.short_name:
            data["alternateName"] = organisation.short_name
        if organisation.description:
            data["description"] = organisation.description
        if organisation.country:
            data["location"] = {
                "@type": "Country",
                "name": organisation.country.name,
                "url": self.absolute(organisation.country),
            }
        return data
