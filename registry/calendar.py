"""A small iCalendar (RFC 5545) writer: components, properties, escaping and line folding.

Only what the registry's calendar of visits needs: TEXT values are escaped (backslash,
semicolon, comma, newline), lines end in CRLF and are folded at 75 octets without splitting
a UTF-8 character, dates and UTC date-times are formatted, and parameter values are quoted
when they contain separators. Text goes through `registry.text.clean_text` first, so that no
control character reaches the file whatever is stored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from registry.text import clean_text

CRLF = "\r\n"
MAX_OCTETS = 75
_PARAM_UNSAFE = re.compile(r'[;:,"]')


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): `\\` `;` `,` escaped, newlines as `\\n`, controls
    removed."""
    value = clean_text(str(value)).replace("\t", " ")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def format_date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def format_utc(value: dt.datetime) -> str:
    """A DATE-TIME in UTC ("19970714T173000Z"); a naive value is taken to be UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y%m%dT%H%M%SZ")


def param_value(value: str) -> str:
    # No control character at all in a parameter, not even a newline (RFC 5545 3.1).
    value = clean_text(str(value)).replace("\t", " ").replace("\n", " ").replace('"', "'")
    return f'"{value}"' if _PARAM_UNSAFE.search(value) else value


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets joined by CRLF and a space
    (RFC 5545 3.1), never inside a UTF-8 character."""
    pieces: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1  # the leading space counts
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


@dataclass
class Property:
    name: str
    value: str  # already in its value type's form (escape TEXT with `text()`)
    params: dict[str, str] = field(default_factory=dict)

    def serialize(self) -> str:
        params = "".join(f";{key}={param_value(val)}" for key, val in self.params.items())
        return fold(f"{self.name.upper()}{params}:{self.value}")


@dataclass
class Component:
    name: str
    properties: list[Property] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)

    def add(self, name: str, value: str, **params: str) -> Component:
        """Add a property whose value is already formatted (a date, a URI ...)."""
        self.properties.append(
            Property(name, value, {k.replace("_", "-"): v for k, v in params.items()})
        )
        return self

    def text(self, name: str, value: str, **params: str) -> Component:
        """Add a TEXT property, escaped."""
        return self.add(name, escape_text(value), **params)

    def lines(self) -> list[str]:
        return [
            f"BEGIN:{self.name}",
            *(prop.serialize() for prop in self.properties),
            *(line for component in self.components for line in component.lines()),
            f"END:{self.name}",
        ]

    def serialize(self) -> str:
        return CRLF.join(self.lines()) + CRLF
