"""“Cite this record”: a citation of one public record in plain text, BibTeX, RIS and CSL-JSON,
with its stable address and the day it was read. The record pages show them with a copy
button; the API gives them on every detail (`citation`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

PUBLISHER = "Partnership Registry"
# BibTeX's special characters, each written so that it prints as itself.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
BIBTEX_SPECIAL = re.compile("|".join(re.escape(c) for c in BIBTEX_ESCAPES))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _bibtex(text: str) -> str:
    return BIBTEX_SPECIAL.sub(lambda m: BIBTEX_ESCAPES[m.group()], _one_line(text))


@dataclass(frozen=True)
class RecordCitation:
    """How to cite one record read at `url` on `accessed`."""

    title: str
    kind: str  # "visit", "post", ... in words
    key: str  # a stable citation key: "partnership-registry-visit-12"
    url: str
    accessed: dt.date
    updated: dt.date | None
    # The latest data release that holds the record: (number, date, absolute address).
    release: tuple[int, dt.date, str] | None = None

    @property
    def release_text(self) -> str:
        """The release, in English: the note of the BibTeX, RIS and CSL forms (data)."""
        if self.release is None:
            return ""
        number, day, url = self.release
        return f"Also in {PUBLISHER} data release {number} ({day:%-d %B %Y}), {url}."

    @property
    def text(self) -> str:
        """The plain-text citation, in the language of the page."""
        values = {
            "publisher": _("Partnership Registry"),
            "title": self.title,
            "kind": self.kind,
            "url": self.url,
            "accessed": date_format(self.accessed, "j F Y"),
        }
        if self.updated:
            text = _(
                "%(publisher)s. “%(title)s” (%(kind)s record, last updated %(updated)s). "
                "%(url)s (accessed %(accessed)s)."
            ) % {**values, "updated": date_format(self.updated, "j F Y")}
        else:
            text = (
                _("%(publisher)s. “%(title)s” (%(kind)s record). %(url)s (accessed %(accessed)s).")
                % values
            )
        if self.release is None:
            return text
        number, day, url = self.release
        also = _("Also in %(publisher)s data release %(number)s (%(date)s), %(url)s.") % {
            "publisher": values["publisher"],
            "number": number,
            "date": date_format(day, "j F Y"),
            "url": url,
        }
        return f"{text} {also}"

    @property
    def bibtex(self) -> str:
        year = (self.updated or self.accessed).year
        lines = [
            f"@misc{{{self.key},",
            f"  title = {{{{{_bibtex(self.title)}}}}},",
            f"  author = {{{{{PUBLISHER}}}}},",
            f"  publisher = {{{PUBLISHER}}},",
            f"  year = {{{year}}},",
            f"  howpublished = {{\\url{{{self.url}}}}},",
            f"  url = {{{self.url}}},",
            f"  urldate = {{{self.accessed:%Y-%m-%d}}},",
            f"  note = {{{_bibtex(self.kind.capitalize())} record"
            + (f"; {_bibtex(self.release_text)}" if self.release else "")
            + "}",
            "}",
        ]
        return "\n".join(lines)

    @property
    def ris(self) -> str:
        lines = [
            "TY  - ELEC",
            f"TI  - {_one_line(self.title)}",
            f"AU  - {PUBLISHER}",
            f"PB  - {PUBLISHER}",
        ]
        if self.updated:
            lines += [f"PY  - {self.updated.year}", f"DA  - {self.updated:%Y/%m/%d}"]
        lines += [
            f"UR  - {self.url}",
            f"Y2  - {self.accessed:%Y/%m/%d}",
            f"N1  - {self.kind.capitalize()} record"
            + (f"; {self.release_text}" if self.release else ""),
            f"ID  - {self.key}",
            "ER  - ",
        ]
        return "\r\n".join(lines) + "\r\n"

    @property
    def csl(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.key,
            "type": "webpage",
            "title": _one_line(self.title),
            "author": [{"literal": PUBLISHER}],
            "publisher": PUBLISHER,
            "container-title": PUBLISHER,
            "genre": f"{self.kind.capitalize()} record",
            "URL": self.url,
            "accessed": {
                "date-parts": [[self.accessed.year, self.accessed.month, self.accessed.day]]
            },
        }
        if self.release:
            item["version"] = f"data release {self.release[0]}"
            item["note"] = self.release_text
        if self.updated:
            item["issued"] = {
                "date-parts": [[self.updated.year, self.updated.month, self.updated.day]]
            }
        return item

    @property
    def csl_json(self) -> str:
        return json.dumps([self.csl], ensure_ascii=False, indent=2)

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "bibtex": self.bibtex, "ris": self.ris, "csl": self.csl}


def cite(
    record: models.Model,
    url: str,
    *,
    title: str | None = None,
    release: tuple[int, dt.date, str] | None = None,
) -> RecordCitation:
    """The citation of `record` at its absolute page address `url`, read today; `release`
    names the latest data release that holds it (`registry.releases.release_of`)."""
    updated = getattr(record, "updated_at", None)
    meta = record._meta
    return RecordCitation(
        title=title or str(record),
        kind=str(meta.verbose_name),
        key=f"partnership-registry-{meta.model_name}-{record.pk}",
        url=url,
        accessed=timezone.localdate(),
        updated=timezone.localdate(updated) if updated else None,
        release=release,
    )
