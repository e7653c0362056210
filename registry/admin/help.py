"""Help texts for the admin's inputs that the models leave without one.

Kept here rather than on the model fields so that wording can change without a migration.
A model field's own help text always wins; these fill the gaps, per (model, field) first,
then per field name.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

BY_NAME = {
    "slug": "The end of the public page's address (lower-case letters, digits and hyphens). "
    "Filled in from the name; avoid changing it once the record is published, as links to "
    "the old address stop working.",
    "summary": "A few plain sentences for the public page.",
    "description": "A few plain sentences for the public page.",
    "notes": "For editors and readers: anything the sources add that has no field of its own.",
    "topics": "Type to search the topics; add a new topic in “Topics” first.",
    "city": "As the sources name it, e.g. “Tbilisi”.",
    "country": "Type to search by name.",
    "capacity": "Acting or ad interim when the sources say so; otherwise substantive.",
    "kind": "Choose the closest kind; it decides how the record is grouped on the site.",
}

BY_MODEL = {
    ("visit", "title"): "As the public will read it, e.g. “Deputy Secretary General visits "
    "Azerbaijan”.",
    ("visit", "traveller"): "The person who travelled. Type to search by name.",
    ("visit", "purpose"): "Why the visit took place, as the sources put it.",
    ("visitleg", "visit"): "Type to search visits by title.",
    ("visitleg", "order"): "Legs are shown in this order. In the visit's form, the ↑ and ↓ "
    "buttons move a leg and renumber the legs.",
    ("meeting", "visit"): "Type to search visits by title.",
    ("meeting", "order"): "Meetings are shown in this order (1 first).",
    ("meeting", "counterpart"): "The person met, if named; otherwise describe the group below.",
    ("meeting", "venue"): "The building or institution, e.g. “ADA University”.",
    ("person", "name"): "The name as the public should read it, e.g. “Robert F. Simmons”.",
    ("position", "title"): "The post's official title, without the holder's name.",
    ("position", "organisation"): "The organisation the post belongs to, e.g. NATO.",
    ("position", "duties"): "What the holder does, in a few sentences.",
    ("appointment", "person"): "Type to search people by name.",
    ("appointment", "position"): "Type to search posts by title.",
    ("programme", "name"): "The full name, e.g. “Individual Partnership Action Plan”.",
    ("participation", "country"): "Type to search countries by name.",
    ("participation", "programme"): "Type to search programmes by name.",
    ("participation", "summary"): "What the country's participation involved.",
    ("region", "name"): "e.g. “South Caucasus”.",
    ("region", "sort_order"): "Regions are listed from the lowest number up.",
    ("country", "profile"): "The country's partnership with NATO in a few paragraphs.",
    ("organisation", "name"): "The full name, e.g. “North Atlantic Treaty Organization”.",
    ("office", "name"): "The office's full name, e.g. “NATO Liaison Office in Georgia”.",
    ("office", "host_country"): "The country the office is in.",
    ("office", "phone"): "With the country code, e.g. +995 32 293 38 01; shown as a link "
    "that phones can call.",
    ("office", "email"): "A public address for the office, if the sources give one.",
    ("office", "countries_covered"): "The countries the office works with or for.",
    ("event", "name"): "e.g. “Bucharest Summit”.",
    ("event", "country"): "The host country. Type to search by name.",
    ("topic", "name"): "A short subject heading, e.g. “Energy security”.",
    ("source", "title"): "The document's title as published.",
    ("source", "publisher"): "Who published it, e.g. “NATO Public Diplomacy Division”.",
    ("source", "author"): "The author, if named.",
    ("source", "url"): "Where the document can be read online, if anywhere.",
    ("citation", "source"): "The document that states the fact. Type to search by title.",
    ("citation", "content_type"): "The kind of record cited.",
    ("citation", "object_id"): "The cited record's id (the number in its admin address).",
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
