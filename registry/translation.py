"""Content in English and French.

English is the registry's source language: every fact is entered in English, as the sources
give it. A translated field `name` has a French companion `name_fr` on the same row, so a
page in either language costs the same queries.

Each French text knows which English it was made from: `french_made_from` holds, per field,
a digest of the English at the time the French was last saved or reviewed. When the English
changes afterwards, the French is out of date (`french_out_of_date`, kept in the database
for the dashboard, the admin's filter and the API) until a translator saves new French or
marks it reviewed.

What the public sees in French: the French text when there is one; otherwise the English,
marked `lang="en"` and said to be not yet translated; never an empty field.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.db import models
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

SOURCE_LANGUAGE = "en"
TRANSLATION_LANGUAGE = "fr"


def french_name(field: str) -> str:
    return f"{field}_{TRANSLATION_LANGUAGE}"


def digest(english: str | None) -> str:
    """A short fingerprint of an English text, blind to surrounding whitespace."""
    return hashlib.sha256((english or "").strip().encode()).hexdigest()[:16]


def in_french() -> bool:
    return (get_language() or "").lower().startswith(TRANSLATION_LANGUAGE)


class Translated(models.Model):
    """A record some of whose texts have a French version (see the module docstring)."""

    # The English fields that have a `<field>_fr` companion on the model.
    translated_fields: ClassVar[tuple[str, ...]] = ()

    french_made_from = models.JSONField(
        "English the French was made from",
        default=dict,
        blank=True,
        editable=False,
        help_text="Per field, a digest of the English text when its French was saved.",
    )
    french_out_of_date = models.BooleanField(
        "French out of date",
        default=False,
        editable=False,
        db_index=True,
        help_text="The English changed after the French was saved or reviewed.",
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        refresh_french_state(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "french_made_from", "french_out_of_date"}
        super().save(*args, **kwargs)
        self._french_loaded = french_values(self)

    @classmethod
    def from_db(cls, db: str, field_names: Any, values: Any) -> Translated:
        record = super().from_db(db, field_names, values)
        record._french_loaded = french_values(record)
        return record

    def french_stale_fields(self) -> list[str]:
        """The fields whose French was made from an English text that has since changed."""
        made = self.french_made_from or {}
        return [
            field
            for field in self.translated_fields
            if field in made and made[field] != digest(getattr(self, field))
        ]

    def french_missing_fields(self) -> list[str]:
        """The fields with English text and no French."""
        return [
            field
            for field in self.translated_fields
            if (getattr(self, field) or "").strip()
            and not (getattr(self, french_name(field)) or "").strip()
        ]

    def mark_french_reviewed(self) -> None:
        """A translator has checked the French against the current English."""
        refresh_french_state(self, reviewed=True)


def french_values(record: Translated) -> dict[str, str]:
    # Only the values loaded: a deferred field is not fetched to be remembered.
    loaded = record.__dict__
    return {
        field: loaded[french_name(field)] or ""
        for field in record.translated_fields
        if french_name(field) in loaded
    }


def refresh_french_state(record: Translated, *, reviewed: bool = False) -> None:
    """Record the English each French text is made from, and whether any is out of date.

    A French text saved now (new, or changed since it was read) is made from the English
    saved with it; one left alone keeps the English it was made from."""
    loaded = getattr(record, "_french_loaded", {})
    made = dict(record.french_made_from or {})
    for field in record.translated_fields:
        french = (getattr(record, french_name(field)) or "").strip()
        if not french:
            made.pop(field, None)
            continue
        if reviewed or field not in made or french != (loaded.get(field) or "").strip():
            made[field] = digest(getattr(record, field))
    record.french_made_from = made
    record.french_out_of_date = any(made[field] != digest(getattr(record, field)) for field in made)


def text_in_language(record: Any, field: str) -> tuple[str, bool]:
    """A record's text in the active language, and whether it is the English standing in
    for a French text not yet written."""
    english = getattr(record, field, "")
    english = "" if english is None else str(english)
    if not in_french() or field not in getattr(record, "translated_fields", ()):
        return english, False
    french = (getattr(record, french_name(field), "") or "").strip()
    if french:
        return french, False
    return english, bool(english.strip())


def shown_text(record: Any, field: str) -> str:
    """Plain text in the active language (titles, attributes, feeds, structured data)."""
    return text_in_language(record, field)[0]


def shown_html(record: Any, field: str) -> SafeString:
    """Escaped text in the active language; English standing in for French is marked
    `lang="en"` so that screen readers and translators' tools read it as English."""
    text, fallback = text_in_language(record, field)
    if fallback:
        return format_html('<span lang="{}">{}</span>', SOURCE_LANGUAGE, text)
    return conditional_escape(text)


def record_title(record: Any) -> str:
    """A record as a title names it (`str(record)`), in the active language: its translated
    name or title in place of the English one ("Partnership for Peace (PfP)")."""
    text = str(record)
    for name in ("name", "title"):
        if name in getattr(record, "translated_fields", ()):
            english = getattr(record, name) or ""
            shown = shown_text(record, name)
            if english and shown != english:
                return shown if text == english else text.replace(english, shown, 1)
            return text
    return text
