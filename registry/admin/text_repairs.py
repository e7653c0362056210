"""The PDF text repair (registry/text_repair.py) offered in the source form.

Text copied out of a PDF often comes with lost ligatures ("e�orts"), wrong-font glyphs
("beneýt"), small capitals ("SPEcIaL") or look-alike Cyrillic letters. When the full text
of a source is pasted or changed and the repair would change it, the form is not saved:
it comes back with every change the repair would make, each with the words around it, and
a box "Apply these repairs". Saving again saves the repaired text (box ticked) or the text
as pasted (box unticked). Nothing is lost either way: the text box still holds the text
as pasted.

The review belongs to the text it was made for (a digest of it travels with the form), so
a text edited after the review is reviewed again. The changes applied are kept in the
source's `text_repairs` field and named in the history's reason for that version.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from registry.forms import PartialDateModelForm
from registry.text_repair import RepairReport, repair_text

# The form field holding the digest of the text a review was made for.
REVIEWED_FIELD = "text_repairs_reviewed"
APPLY_FIELD = "apply_repairs"
# Words shown on each side of a change.
CONTEXT_WORDS = 4
REVIEW_MESSAGE = gettext_lazy(
    "This text has damage from PDF extraction that can be repaired. Nothing has been saved "
    "yet: check the changes listed under the text, then save again, with “Apply these "
    "repairs” ticked to save the repaired text, or unticked to keep the text as pasted."
)
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class Change:
    """One change of the repair: the words around it and the word, as pasted and repaired."""

    pasted: tuple[str, str, str]
    repaired: tuple[str, str, str]


@dataclass(frozen=True)
class Review:
    digest: str
    changes: list[Change]
    unresolved: list[str] = field(default_factory=list)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _in_context(words: list[str], start: int, end: int) -> tuple[str, str, str]:
    """(the words before, words[start:end], the words after), "…" where the text goes on."""
    lead = "… " if start > CONTEXT_WORDS else ""
    tail = " …" if end + CONTEXT_WORDS < len(words) else ""
    return (
        lead + " ".join(words[max(0, start - CONTEXT_WORDS) : start]),
        " ".join(words[start:end]),
        " ".join(words[end : end + CONTEXT_WORDS]) + tail,
    )


def review(text: str, report: RepairReport) -> Review:
    """Every change the repair makes to `text`, word by word in order, with the words around
    each."""
    pasted, repaired = _WORDS.findall(text), _WORDS.findall(report.text)
    if len(pasted) == len(repaired):
        # The repair never moves whitespace, so the words pair up one to one.
        pairs = zip(pasted, repaired, strict=True)
        spans = [(i, i + 1, i, i + 1) for i, (old, new) in enumerate(pairs) if old != new]
    else:  # a word that held nothing but invisible characters went
        matcher = SequenceMatcher(None, pasted, repaired, autojunk=False)
        opcodes = matcher.get_opcodes()
        spans = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
    changes = [
        Change(_in_context(pasted, i1, i2), _in_context(repaired, j1, j2))
        for i1, i2, j1, j2 in spans
    ]
    return Review(digest(text), changes, list(report.unresolved))


class RepairReviewWidget(forms.Widget):
    """The list of the changes, and under it the box "Apply these repairs"."""

    template = "admin/registry/source/text_repairs.html"

    class Media:
        css = {"all": ("css/admin-text-repairs.css",)}

    def __init__(self, pending: Review, *, tick: bool) -> None:
        super().__init__()
        self.pending = pending
        self.tick = tick
        self.checkbox = forms.CheckboxInput()

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        return self.checkbox.value_from_datadict(data, files, name)

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        attrs = self.build_attrs(self.attrs, attrs)
        checkbox = self.checkbox.render(name, True if self.tick else value, attrs, renderer)
        context = {
            "review": self.pending,
            "checkbox": checkbox,
            "checkbox_id": attrs.get("id", ""),
            "reviewed_field": REVIEWED_FIELD,
        }
        return SafeString(render_to_string(self.template, context))


class SourceForm(PartialDateModelForm):
    """A source's form, offering the repair of a pasted full text (see the module)."""

    apply_repairs = forms.BooleanField(
        label=gettext_lazy("PDF repairs"),
        required=False,
        widget=forms.HiddenInput,  # shown, with the changes, only when there are some
        help_text=gettext_lazy(
            "Ticked: the repaired text is saved. Unticked: the text is saved as pasted."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applied_repairs: list[tuple[str, str]] = []
        self.unrepaired: list[str] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        text = cleaned.get("full_text")
        if not text or "full_text" not in self.changed_data or "full_text" in self.errors:
            return cleaned
        report = repair_text(text)
        self.unrepaired = list(report.unresolved)
        if report.text == text:
            return cleaned
        if self.data.get(REVIEWED_FIELD) != digest(text):
            # Shown for the first time, the box is ticked: the repair is what is usually
            # wanted. Shown again for an edited text, it keeps the editor's last choice.
            first = REVIEWED_FIELD not in self.data
            widget = RepairReviewWidget(review(text, report), tick=first)
            self.fields[APPLY_FIELD].widget = widget
            self.add_error("full_text", REVIEW_MESSAGE)
        elif cleaned.get(APPLY_FIELD):
            cleaned["full_text"] = report.text
            self.applied_repairs = list(report.changes)
        return cleaned


def repairs_record(changes: list[tuple[str, str]]) -> str:
    """The `text_repairs` field: one change a line, as pasted → repaired."""
    return "\n".join(f"“{before}” → “{after}”" for before, after in changes)


def repairs_reason(changes: list[tuple[str, str]]) -> str:
    """The history's reason for the version that applied them (at most 100 characters)."""
    count = len(changes)
    return f"Repaired {count} word{'s' if count != 1 else ''} damaged in PDF extraction"
