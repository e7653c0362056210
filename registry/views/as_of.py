"""“As of” on the site: `?as_of=YYYY-MM-DD` on the home page and on country, office, post and
programme pages shows the registry as it stood on that day, with the API's rules
(`registry/api/as_of.py`): a fact is *certainly* so that day whatever the unknown parts of
its dates, *possibly* so when its partial dates allow it, and a date never reads more
precisely than the sources give it. The date is in the URL, so a view can be shared and
cited; each list is bounded, as the rest of the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from registry.api.as_of import certainty
from registry.filters import possibly_active_q
from registry.models import Appointment, Office, Participation
from registry.models.base import SpanMixin
from registry.queries.common import nulls_last
from registry.translation import shown_text

# Rows of one kind shown for the day: far more than a day ever has in the sources.
AS_OF_CAP = 50
_FIELD = forms.DateField(input_formats=["%Y-%m-%d"], required=False)
# A fact's badge, by what it was and how sure the sources are, in whole phrases.
BADGES = {
    ("in_post", "certain"): pgettext_lazy("as of", "certainly in post"),
    ("in_post", "possible"): pgettext_lazy("as of", "possibly in post"),
    ("open", "certain"): pgettext_lazy("as of", "certainly open"),
    ("open", "possible"): pgettext_lazy("as of", "possibly open"),
    ("taking_part", "certain"): pgettext_lazy("as of", "certainly taking part"),
    ("taking_part", "possible"): pgettext_lazy("as of", "possibly taking part"),
}

# The record's own state on the day, by certainty: one whole sentence each, so that each
# language words it as it needs ("This office was certainly open on that day.").
RECORD_SENTENCES = {
    "certain": gettext_lazy("<strong>This record was certainly active</strong> on that day."),
    "possible": gettext_lazy("<strong>This record was possibly active</strong> on that day."),
    "not_active": gettext_lazy("<strong>This record was not active</strong> on that day."),
}
OFFICE_SENTENCES = {
    "certain": gettext_lazy("<strong>This office was certainly open</strong> on that day."),
    "possible": gettext_lazy("<strong>This office was possibly open</strong> on that day."),
    "not_active": gettext_lazy("<strong>This office was not open</strong> on that day."),
}
POST_SENTENCES = {
    "certain": gettext_lazy("<strong>This post was certainly in existence</strong> on that day."),
    "possible": gettext_lazy("<strong>This post was possibly in existence</strong> on that day."),
    "not_active": gettext_lazy("<strong>This post was not in existence</strong> on that day."),
}
PROGRAMME_SENTENCES = {
    "certain": gettext_lazy("<strong>This programme was certainly running</strong> on that day."),
    "possible": gettext_lazy("<strong>This programme was possibly running</strong> on that day."),
    "not_active": gettext_lazy("<strong>This programme was not running</strong> on that day."),
}


@dataclass
class AsOfFact:
    """One row of the day's view: a record, what it was, and how sure the sources are."""

    record: Any
    certainty: str
    state: str  # "open", "in_post", "taking_part" (BADGES)
    label: str = ""
    url: str = ""

    @property
    def badge(self) -> str:
        return str(BADGES[(self.state, self.certainty)])


@dataclass
class AsOfView:
    """The registry on `day`: the record's own state (if it has dates) and lists of facts."""

    day: dt.date
    own: AsOfFact | None = None
    groups: list[tuple[str, list[AsOfFact]]] = field(default_factory=list)


def parse_day(raw: str | None) -> tuple[dt.date | None, str]:
    """The day asked for, or None; and a message for a value that is not a date."""
    if raw in (None, ""):
        return None, ""
    try:
        return _FIELD.clean(raw), ""
    except forms.ValidationError:
        return None, _("“As of” needs a date written YYYY-MM-DD, such as 2015-01-01.")


def on_day(queryset: QuerySet, day: dt.date, *order: str) -> list[SpanMixin]:
    """The rows of `queryset` that were possibly active on `day`, earliest first, capped."""
    rows = queryset.filter(possibly_active_q(day)).order_by(*nulls_last("start_date"), *order)
    return list(rows[:AS_OF_CAP])


def facts(rows: list[SpanMixin], day: dt.date, state: str, describe) -> list[AsOfFact]:
    """Each row with its certainty on `day`; `describe(row)` gives its label and address."""
    return [AsOfFact(row, certainty(row, day), state, *describe(row)) for row in rows]


def _named(record: Any) -> tuple[str, str]:
    from .base import record_title  # base imports nothing of this module; avoid a cycle

    return record_title(record), record.get_absolute_url()


def holders(day: dt.date, *, with_post: bool = False, **where: Any) -> list[AsOfFact]:
    """Appointments on `day`, named by the person (and the post, with `with_post`)."""
    rows = on_day(
        Appointment.objects.published().filter(**where).select_related("person", "position"),
        day,
        "person__sort_name",
        "pk",
    )

    def describe(appointment: Appointment) -> tuple[str, str]:
        if with_post:
            label = f"{appointment.person.name}, {shown_text(appointment.position, 'title')}"
            return label, appointment.position.get_absolute_url()
        return appointment.person.name, appointment.person.get_absolute_url()

    return facts(rows, day, "in_post", describe)


def offices(day: dt.date, **where: Any) -> list[AsOfFact]:
    rows = on_day(Office.objects.published().filter(**where), day, "name", "pk")
    return facts(rows, day, "open", _named)


def participations(day: dt.date, of: str, **where: Any) -> list[AsOfFact]:
    """Participations on `day`, each named by its `of` ("country" or "programme")."""
    rows = on_day(
        Participation.objects.published().filter(**where).select_related("country", "programme"),
        day,
        "pk",
    )
    return facts(rows, day, "taking_part", lambda p: _named(getattr(p, of)))


class AsOfMixin:
    """Reads `as_of` and puts `as_of` (the view of that day) and `as_of_error` in the context.

    A view names what the day shows in `as_of_view(record, day)`; a value that is not a date
    answers 400 with the page and a message, as a list's bad filter does."""

    as_of_record: ClassVar[bool] = True
    # How the page words the record's own state, by certainty (the *_SENTENCES above).
    as_of_sentences: ClassVar[dict[str, Any]] = RECORD_SENTENCES

    def as_of_view(self, record: Any, day: dt.date) -> AsOfView:
        return AsOfView(day)

    def as_of_context(self, record: Any) -> dict[str, Any]:
        day, error = parse_day(self.request.GET.get("as_of"))
        self.as_of_status = 400 if error else 200
        context: dict[str, Any] = {
            "as_of_error": error,
            "as_of_value": day or "",
        }
        if day is not None:
            view = self.as_of_view(record, day)
            if isinstance(record, SpanMixin) and self.as_of_record:
                view.own = AsOfFact(record, certainty(record, day), "")
                # The project's own catalogue: its markup is checked by the tests.
                context["as_of_own_sentence"] = mark_safe(
                    str(self.as_of_sentences[view.own.certainty])
                )
            context["as_of"] = view
        return context

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.as_of_context(getattr(self, "object", None)))
        return context

    def render_to_response(self, context, **kwargs):
        kwargs.setdefault("status", getattr(self, "as_of_status", 200))
        return super().render_to_response(context, **kwargs)
