"""Help texts for the admin's inputs that the models leave without one.

Kept here rather than on the model fields so that wording can change without a migration.
A model field's own help text always wins; these fill the gaps, per (model, field) first,
then per field name.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

BY_NAME = {
    "slug": gettext_lazy(
        "The end of the public page's address (lower-case letters, digits and hyphens). "
        "Filled in from the name; avoid changing it once the record is published, as links to "
        "the old address stop working."
    ),
    "summary": gettext_lazy("A few plain sentences for the public page."),
    "description": gettext_lazy("A few plain sentences for the public page."),
    "notes": gettext_lazy(
        "For editors and readers: anything the sources add that has no field of its own."
    ),
    "topics": gettext_lazy("Type to search the topics; add a new topic in “Topics” first."),
    "city": gettext_lazy("As the sources name it, e.g. “Tbilisi”."),
    "country": gettext_lazy("Type to search by name."),
    "capacity": gettext_lazy(
        "Acting or ad interim when the sources say so; otherwise substantive."
    ),
    "kind": gettext_lazy(
        "Choose the closest kind; it decides how the record is grouped on the site."
    ),
}

BY_MODEL = {
    ("visit", "title"): gettext_lazy(
        "As the public will read it, e.g. “Deputy Secretary General visits Azerbaijan”."
    ),
    ("visit", "traveller"): gettext_lazy("The person who travelled. Type to search by name."),
    ("visit", "purpose"): gettext_lazy("Why the visit took place, as the sources put it."),
    ("visitleg", "visit"): gettext_lazy("Type to search visits by title."),
    ("visitleg", "order"): gettext_lazy(
        "Legs are shown in this order. In the visit's form, the ↑ and ↓ "
        "buttons move a leg and renumber the legs."
    ),
    ("meeting", "visit"): gettext_lazy("Type to search visits by title."),
    ("meeting", "order"): gettext_lazy("Meetings are shown in this order (1 first)."),
    ("meeting", "counterpart"): gettext_lazy(
        "The person met, if named; otherwise describe the group below."
    ),
    ("meeting", "venue"): gettext_lazy("The building or institution, e.g. “ADA University”."),
    ("person", "name"): gettext_lazy(
        "The name as the public should read it, e.g. “Robert F. Simmons”."
    ),
    ("position", "title"): gettext_lazy("The post's official title, without the holder's name."),
    ("position", "organisation"): gettext_lazy("The organisation the post belongs to, e.g. NATO."),
    ("position", "duties"): gettext_lazy("What the holder does, in a few sentences."),
    ("appointment", "person"): gettext_lazy("Type to search people by name."),
    ("appointment", "position"): gettext_lazy("Type to search posts by title."),
    ("programme", "name"): gettext_lazy(
        "The full name, e.g. “Individual Partnership Action Plan”."
    ),
    ("participation", "country"): gettext_lazy("Type to search countries by name."),
    ("participation", "programme"): gettext_lazy("Type to search programmes by name."),
    ("participation", "summary"): gettext_lazy("What the country's participation involved."),
    ("region", "name"): gettext_lazy("e.g. “South Caucasus”."),
    ("region", "sort_order"): gettext_lazy("Regions are listed from the lowest number up."),
    ("country", "profile"): gettext_lazy(
        "The country's partnership with NATO in a few paragraphs."
    ),
    ("organisation", "name"): gettext_lazy(
        "The full name, e.g. “North Atlantic Treaty Organization”."
    ),
    ("office", "name"): gettext_lazy(
        "The office's full name, e.g. “NATO Liaison Office in Georgia”."
    ),
    ("office", "host_country"): gettext_lazy("The country the office is in."),
    ("office", "phone"): gettext_lazy(
        "With the country code, e.g. +995 32 293 38 01; shown as a link that phones can call."
    ),
    ("office", "email"): gettext_lazy("A public address for the office, if the sources give one."),
    ("office", "countries_covered"): gettext_lazy("The countries the office works with or for."),
    ("event", "name"): gettext_lazy("e.g. “Bucharest Summit”."),
    ("event", "country"): gettext_lazy("The host country. Type to search by name."),
    ("topic", "name"): gettext_lazy("A short subject heading, e.g. “Energy security”."),
    ("source", "title"): gettext_lazy("The document's title as published."),
    ("source", "publisher"): gettext_lazy(
        "Who published it, e.g. “NATO Public Diplomacy Division”."
    ),
    ("source", "author"): gettext_lazy("The author, if named."),
    ("source", "url"): gettext_lazy("Where the document can be read online, if anywhere."),
    ("citation", "source"): gettext_lazy(
        "The document that states the fact. Type to search by title."
    ),
    ("citation", "content_type"): gettext_lazy("The kind of record cited."),
    ("citation", "object_id"): gettext_lazy(
        "The cited record's id (the number in its admin address)."
    ),
}


def help_text_for(model: type[models.Model], name: str) -> str:
    return BY_MODEL.get((model._meta.model_name, name), BY_NAME.get(name, ""))


class HelpTextAdminMixin:
    """Gives each input without a help text the registry's (for admins and inlines)."""

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and not formfield.help_text and db_field.model is not None:
            formfield.help_text = help_text_for(db_field.model, db_field.name)
        return formfield
