"""Template filters and tags of the public pages.

Dates go through `PartialDate.display()` so that none is shown more precisely than stored;
JSON-LD is escaped like Django's `json_script`; no tag here touches the database.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import linebreaks_filter as linebreaks
from django.urls import reverse, translate_url
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

from registry import links, translation
from registry.partial_dates import PartialDate, Precision, describe

register = template.Library()

# The same escapes as django.utils.html.json_script: the JSON cannot close its <script>.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# Translators: the ordinal of a holder of a post, as in “the first holder of the post”.
ORDINALS = [
    pgettext_lazy("holder of a post", "first"),
    pgettext_lazy("holder of a post", "second"),
    pgettext_lazy("holder of a post", "third"),
    pgettext_lazy("holder of a post", "fourth"),
    pgettext_lazy("holder of a post", "fifth"),
    pgettext_lazy("holder of a post", "sixth"),
    pgettext_lazy("holder of a post", "seventh"),
    pgettext_lazy("holder of a post", "eighth"),
    pgettext_lazy("holder of a post", "ninth"),
    pgettext_lazy("holder of a post", "tenth"),
    pgettext_lazy("holder of a post", "eleventh"),
    pgettext_lazy("holder of a post", "twelfth"),
    pgettext_lazy("holder of a post", "thirteenth"),
    pgettext_lazy("holder of a post", "fourteenth"),
    pgettext_lazy("holder of a post", "fifteenth"),
    pgettext_lazy("holder of a post", "sixteenth"),
    pgettext_lazy("holder of a post", "seventeenth"),
    pgettext_lazy("holder of a post", "eighteenth"),
    pgettext_lazy("holder of a post", "nineteenth"),
    pgettext_lazy("holder of a post", "twentieth"),
]


@register.filter
def partial(value: PartialDate | None, unknown: str | None = None) -> str:
    """ "June 2004" at the stored precision, or the wording for an unknown date."""
    if value:
        return value.display()
    return _("Date unknown") if unknown is None else unknown


@register.filter
def as_time(value: PartialDate | None, unknown: str | None = None):
    """A `<time>` element whose datetime has the stored precision ("2004", "2004-06")."""
    if not value:
        text = _("Date unknown") if unknown is None else unknown
        return format_html('<span class="unknown">{}</span>', text)
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), value.display())


@register.filter
def span(record, unknown: str | None = None) -> str:
    """A record's dates as every output shows them (`partial_dates.describe_span`)."""
    return describe(record, _("Dates unknown") if unknown is None else unknown)


@register.filter
def in_or_on(value: PartialDate | None) -> str:
    """ "on 17 March 2024", "in March 2024", "in 2024": a date as the object of "in post"."""
    if not value:
        return ""
    time = format_html('<time datetime="{}">{}</time>', value.isoformat(), value)
    if value.precision == Precision.DAY:
        phrase = pgettext("a date in a sentence: on 17 March 2024", "on %(date)s")
    else:
        phrase = pgettext("a date in a sentence: in March 2024, in 2024", "in %(date)s")
    return mark_safe(conditional_escape(phrase) % {"date": time})


@register.filter
def ordinal_word(number: int | None) -> str:
    """1 → "first"; numbers past twenty read "no. 21"."""
    if not number:
        return ""
    if number <= len(ORDINALS):
        return str(ORDINALS[number - 1])
    return _("no. %(number)d") % {"number": number}


@register.filter
def tel_href(phone: str) -> str:
    """ "+995 (32) 293 38 01" → "tel:+995322933801": digits and a leading plus only."""
    phone = phone or ""
    digits = re.sub(r"\D", "", phone)
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}"


@register.filter
def safe_url(value: object) -> str:
    """A stored address for an href: "" unless it is http, https, mailto or tel
    (registry/links.py), so that the template shows it as plain text instead."""
    return links.safe_url(value)


@register.filter
def lines(text: str) -> list[str]:
    """The non-empty lines of an editor's text (duties, decisions), for a list."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@register.filter
def jsonld(data) -> str:
    """A `<script type="application/ld+json">` holding `data`, which cannot break out of it."""
    if not data:
        return ""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str | None = None) -> str:
    """The absolute URL of `path` (the current path by default), from the request."""
    request = context.get("request")
    if request is None:
        return ""
    return request.build_absolute_uri(path if path is not None else request.path)


@register.inclusion_tag("includes/refs.html")
def refs(record):
    """Superscript links to the page's numbered sources that back `record`."""
    return {"numbers": getattr(record, "source_refs", [])}


@register.filter
def visit_dates(visit) -> str:
    """A visit's dates, or its length when that is all the sources give."""
    return visit.dates_text()


@register.simple_tag(takes_context=True)
def nav_link(context, url_name: str, label: str):
    """A main-navigation link, marked current on its own page and within its section."""
    url = reverse(f"registry:{url_name}")
    request = context.get("request")
    path = request.path if request is not None else ""
    if path == url:
        return format_html('<a href="{}" aria-current="page">{}</a>', url, label)
    if url != reverse("registry:home") and path.startswith(url):
        return format_html('<a href="{}" aria-current="true">{}</a>', url, label)
    return format_html('<a href="{}">{}</a>', url, label)


@register.filter
def tr(record, field: str) -> str:
    """A record's text in the page's language, as HTML: the French when there is one, else
    the English marked `lang="en"` (registry/translation.py)."""
    return translation.shown_html(record, field)


@register.filter
def tr_text(record, field: str) -> str:
    """The same as plain text, for titles and attributes."""
    return translation.shown_text(record, field)


@register.simple_tag
def prose(record, field: str, css_class: str = "prose") -> str:
    """A record's text as paragraphs in the page's language. English standing in for a
    French text not yet written is marked `lang="en"` and followed by a note saying so."""
    text, fallback = translation.text_in_language(record, field)
    if not text.strip():
        return ""
    paragraphs = linebreaks(text, autoescape=True)
    if not fallback:
        return format_html('<div class="{}">{}</div>', css_class, paragraphs)
    return format_html(
        '<div class="{}" lang="{}">{}</div><p class="untranslated">{}</p>',
        css_class,
        translation.SOURCE_LANGUAGE,
        paragraphs,
        _("Not yet translated into French: this text is shown in English."),
    )


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict[str, Any]]:
    """This page in each language: for the switcher and the hreflang alternates. The query
    string is kept, so a search or a filtered list stays the same in the other language."""
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    query = request.META.get("QUERY_STRING", "")
    versions = []
    for code, name in settings.LANGUAGES:
        path = translate_url(request.path, code)
        if query:
            path = f"{path}?{query}"
        versions.append(
            {
                "code": code,
                "name": name,
                "path": path,
                "url": request.build_absolute_uri(path),
                # Where an error page's switcher leads: no page is there to translate.
                "home": home_in(code),
                "current": code == current,
            }
        )
    return versions


def home_in(language: str) -> str:
    with override(language):
        return reverse("registry:home")


@register.simple_tag(takes_context=True)
def unprefixed_url(context) -> str:
    """This page's address without a language, which redirects each visitor to theirs
    (hreflang x-default)."""
    request = context.get("request")
    if request is None:
        return ""
    prefix = f"/{get_language()}/"
    path = request.get_full_path()
    if path.startswith(prefix):
        path = "/" + path.removeprefix(prefix)
    return request.build_absolute_uri(path)


@register.inclusion_tag("includes/translation_note.html", takes_context=True)
def translation_note(context, record) -> dict[str, Any]:
    """On a French page: whether the record's French is out of date (the English changed
    after it was translated) or missing in part, with the link to the English page."""
    if not translation.in_french() or not isinstance(record, translation.Translated):
        return {"show": False}
    request = context.get("request")
    english = translate_url(request.path, translation.SOURCE_LANGUAGE) if request else ""
    return {
        "show": True,
        "out_of_date": record.french_out_of_date,
        "missing": bool(record.french_missing_fields()),
        "english_url": english,
    }
