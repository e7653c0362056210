"""The calendar of visits: /visits/calendar.ics, an iCalendar (RFC 5545) of the latest
published visits, for calendar programs to subscribe to.

It holds, as all-day events, only the visits whose first day is known, spanning the days
known; visits known only to the month or the year, or not dated at all, are left out and
named in X-PARTNERSHIP-REGISTRY-OMITTED properties (see `calendar_days`). The `icalendar`
library writes the file; three queries whatever the number of visits (the visits, their
stops and their topics).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from icalendar import Calendar, Event, vDuration, vText, vUri

from registry.models import Visit
from registry.partial_dates import Precision
from registry.queries.facts import newest_first
from registry.text import clean_text
from registry.translation import shown_text

from .base import SITE_NAME
from .discovery import feed_visits, record_uuid, visit_traveller, visit_when


def calendar_days(visit: Visit) -> tuple[dt.date, dt.date, str] | None:
    """The all-day span a visit occupies in the calendar, [first, after last), with a note
    on what is not known; None when its first day is not known.

    - first and last day known: those days;
    - first day and the length known: that many days from the first;
    - only the first day known to the day (no end, or an end known only to the month or
      year): the first day alone, and the note says so.
    A visit known only to the month or the year, or not dated, is left out: an all-day
    event over a whole month would claim days the sources do not give."""
    start, end = visit.start, visit.end
    if start is None or start.precision != Precision.DAY:
        return None
    first = start.date
    if end is not None and end.precision == Precision.DAY:
        return first, end.date + dt.timedelta(days=1), ""
    if end is None and visit.duration_days:
        return (
            first,
            first + dt.timedelta(days=visit.duration_days),
            ngettext(
                "The sources give the first day and the length (%(days)d day).",
                "The sources give the first day and the length (%(days)d days).",
                visit.duration_days,
            )
            % {"days": visit.duration_days},
        )
    if end is None:
        return first, first + dt.timedelta(days=1), _("Only the first day is recorded.")
    return (
        first,
        first + dt.timedelta(days=1),
        _("Only the first day is known to the day; the visit ended in %(end)s.")
        % {"end": end.display()},
    )


def omission_reason(visit: Visit) -> str:
    start = visit.start
    if start is None:
        return _("dates not recorded")
    if start.precision == Precision.MONTH:
        return _("dates known only to the month: %(dates)s") % {"dates": visit_when(visit)}
    return _("dates known only to the year: %(dates)s") % {"dates": visit_when(visit)}


# Visits in the calendar: the latest, so that a subscription stays small.
CALENDAR_ITEMS = 200


def calendar_policy() -> str:
    """What the calendar holds, in the language of the request."""
    return _(
        "Official visits of NATO officials to the South Caucasus and Central Asia, from the "
        "Partnership Registry: the latest %(count)d, as all-day events over the days the "
        "sources give. Visits whose "
        "first day is not known (dates known only to the month or the year, or not recorded) "
        "are left out and listed in X-PARTNERSHIP-REGISTRY-OMITTED; see the registry's visit "
        "pages for them."
    ) % {"count": CALENDAR_ITEMS}


class VisitCalendarView(View):
    """/visits/calendar.ics: published visits as an iCalendar (RFC 5545), written by the
    `icalendar` library (escaping, folding, value types)."""

    def get(self, request, *args, **kwargs):
        absolute = request.build_absolute_uri
        cal = Calendar()
        cal.add("VERSION", "2.0")
        cal.add("PRODID", f"-//{SITE_NAME}//Visits//EN")
        cal.add("CALSCALE", "GREGORIAN")
        name = _("Visits – %(site)s") % {"site": SITE_NAME}
        policy = calendar_policy()
        cal.add("NAME", name)
        cal.add("X-WR-CALNAME", vText(name))
        cal.add("DESCRIPTION", policy)
        cal.add("X-WR-CALDESC", vText(policy))
        cal.add(
            "SOURCE",
            vUri(absolute(reverse("registry:visit-calendar"))),
            parameters={"VALUE": "URI"},
        )
        cal.add("REFRESH-INTERVAL", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
        cal.add("X-PUBLISHED-TTL", vDuration(dt.timedelta(days=1)))
        # X- properties are TEXT (RFC 5545 3.8.8.2): vText escapes them like the rest.
        # The latest visits, in date order: a subscription stays small however long the
        # record grows (the visit list has the others).
        latest = feed_visits().order_by(*newest_first())[:CALENDAR_ITEMS]
        visits = sorted(latest, key=lambda v: (v.start_date is None, v.start_date, v.pk))
        for visit in visits:
            url = absolute(visit.get_absolute_url())
            days = calendar_days(visit)
            if days is None:
                cal.add(
                    "X-PARTNERSHIP-REGISTRY-OMITTED",
                    vText(_text(f"{shown_text(visit, 'title')} ({omission_reason(visit)}): {url}")),
                )
                continue
            cal.add_component(self.event(visit, url, *days))
        response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="partnership-registry-visits.ics"'
        return response

    @staticmethod
    def event(visit: Visit, url: str, first: dt.date, after: dt.date, note: str) -> Event:
        event = Event()
        event.add("UID", str(record_uuid("visit", visit.pk)))
        # The calendar object's own times: when the record was made and last changed.
        event.add("DTSTAMP", _utc(visit.updated_at))
        event.add("CREATED", _utc(visit.created_at))
        event.add("LAST-MODIFIED", _utc(visit.updated_at))
        event.add("DTSTART", first)
        event.add("DTEND", after)
        event.add("SUMMARY", _text(shown_text(visit, "title")))
        lines = [
            _("Dates: %(dates)s.") % {"dates": visit_when(visit)} + (f" {note}" if note else "")
        ]
        if traveller := visit_traveller(visit):
            lines.append(_("Traveller: %(traveller)s.") % {"traveller": traveller})
        if itinerary := visit.itinerary_text():
            lines.append(_("Itinerary: %(itinerary)s.") % {"itinerary": itinerary})
            event.add("LOCATION", _text(itinerary))
        if purpose := shown_text(visit, "purpose").strip():
            lines.append(" ".join(purpose.split()))
        lines.append(url)
        event.add("DESCRIPTION", _text("\n\n".join(lines)))
        event.add("URL", vUri(url), parameters={"VALUE": "URI"})
        topics = [_text(shown_text(topic, "name")) for topic in visit.topics.all()]
        if topics:
            event.add("CATEGORIES", topics)
        event.add("CLASS", "PUBLIC")
        event.add("TRANSP", "TRANSPARENT")
        return event


def _text(value: str) -> str:
    # No control character reaches the file, whatever is stored (RFC 5545 3.1).
    return clean_text(str(value)).replace("\t", " ")


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
