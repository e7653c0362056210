"""Which stored addresses may become links: `http`, `https`, `mailto` and `tel` only.

Two guards, because a URL can be stored without the admin form (the seed, an import, the
shell, `QuerySet.update()`):

* `web_url_validator` on the model field refuses anything but `http://` and `https://`, so
  that `full_clean()`, the admin and the import give a clear message;
* `safe_url` is applied wherever a stored address is rendered as a link (the `safe_url`
  template filter, JSON-LD): an address with any other scheme (`javascript:`, `data:`,
  `vbscript:`...) or none becomes "" and is shown as plain text.

A browser ignores tabs and newlines anywhere in a URL and control characters and spaces
around it, so "java\tscript:" and " javascript:" are read as `javascript:`; the scheme is
checked on the address as the browser will read it.
"""

from __future__ import annotations

import re

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy

LINK_SCHEMES = ("http", "https", "mailto", "tel")
WEB_SCHEMES = ["http", "https"]

web_url_validator = URLValidator(
    schemes=WEB_SCHEMES,
    message=gettext_lazy(
        "Enter a web address starting with http:// or https:// (other kinds of "
        "address, such as javascript: or ftp:, cannot be stored)."
    ),
)

_IGNORED_INSIDE = re.compile(r"[\t\n\r]")
_IGNORED_AROUND = "".join(chr(n) for n in range(0x21))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_url(value: object) -> str:
    """The address as a browser reads it, if its scheme may be a link; else ""."""
    if not value:
        return ""
    url = _IGNORED_INSIDE.sub("", str(value)).strip(_IGNORED_AROUND)
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() not in LINK_SCHEMES:
        return ""
    return url
