"""The one CSV writer of the registry, for the API (`?format=csv`) and the admin's export.

A spreadsheet opening a CSV file runs a cell that looks like a formula: `=HYPERLINK(...)`
becomes a link that leaks data, `+cmd|' /C calc'!A0` can start a program, and even
`-2-3` is shown as -5. Following OWASP's guidance on CSV injection, every cell that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return, also after leading
whitespace (some spreadsheets trim it before reading the cell), is written with a single
quote in front, which spreadsheets read as "this is text".

One exception, the same in the API and the admin: a plain number ("-5", "+3", "-0.25")
is left alone. A spreadsheet reads it as the same number whether or not it evaluates it,
and a quote would turn a numeric column into text. Anything more than a sign, digits and
one decimal point is quoted, phone numbers ("+995 (32) 293 38 01") included.

Every cell is also enclosed in double quotes, so that a spreadsheet splitting on another
separator (";" in many European locales) cannot start a new cell, and a formula with it,
inside a value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def neutralise(value: Any) -> str:
    """One cell's text, quoted with `'` if a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    risky = text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START)
    if risky and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(rows: Iterable[Iterable[Any]]) -> str:
    """CSV text of the rows (the first is the header), every cell neutralised and quoted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()
