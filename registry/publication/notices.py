"""What the public sees of a record, in words, for editors: change forms, previews and
share links all say it the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from registry.models.history import history_model

from .visibility import PublicState, public_state

# Stored as history reasons and compared by code: never translated.
PUBLISHED_REASON, UNPUBLISHED_REASON = "Published", "Unpublished"

STATE_WORDS = {
    PublicState.DRAFT: pgettext_lazy("the record is ...", "a draft"),
    PublicState.SCHEDULED: pgettext_lazy("the record is ...", "scheduled, not public yet"),
    PublicState.EXPIRED: pgettext_lazy("the record is ...", "expired, no longer public"),
    PublicState.LIVE: pgettext_lazy("the record is ...", "published"),
}


def zone_name() -> str:
    return timezone.get_current_timezone_name()


def local_time(value: dt.datetime | None) -> str:
    """A time as editors read it: "3 March 2026, 10:00 CET (Europe/Brussels)"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{dateformat.format(local, 'j F Y, H:i T')} ({zone_name()})"


def last_unpublished(obj: models.Model) -> Any | None:
    """The history entry of the record's latest unpublishing, if any."""
    return (
        history_model(type(obj))
        .objects.filter(id=obj.pk, history_change_reason=UNPUBLISHED_REASON)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )


def public_notice(obj: models.Model | None) -> dict[str, Any]:
    """What the public sees of a record, in words, for the top of its change form."""
    if obj is None or obj.pk is None:
        return {
            "state": "new",
            "title": _("New record: it will be saved as a draft"),
            "lines": [_("The public sees nothing of it until a Publisher publishes it.")],
        }
    state = public_state(obj)
    lines: list[str] = []
    if state == PublicState.DRAFT:
        title = _("Draft: the public does not see this record")
        unpublished = last_unpublished(obj)
        if unpublished is not None:
            who = unpublished.history_username or _("someone")
            lines.append(
                _("It was unpublished on %(time)s by %(user)s.")
                % {"time": local_time(unpublished.history_date), "user": who}
            )
        if obj.publish_at:
            lines.append(
                _("Once published it will appear on %(time)s.")
                % {"time": local_time(obj.publish_at)}
                if obj.publish_at > timezone.now()
                else _("Once published it will appear at once.")
            )
    elif state == PublicState.SCHEDULED:
        title = _("Scheduled: public from %(time)s") % {"time": local_time(obj.publish_at)}
        lines.append(_("It is published, but the public will see it only from that time."))
    elif state == PublicState.EXPIRED:
        title = _("Expired: not public since %(time)s") % {"time": local_time(obj.expire_at)}
        lines.append(_("It is published, but its expiry time has passed."))
    else:
        title = _("Published: the public sees this record")
        lines.append(
            _(
                "An Editor's changes wait as a pending revision until a Publisher publishes "
                "them; a Publisher's save updates the public page at once."
            )
        )
    if state in (PublicState.LIVE, PublicState.SCHEDULED) and obj.expire_at:
        lines.append(
            _("It will disappear from the public site on %(time)s.")
            % {"time": local_time(obj.expire_at)}
        )
    if state == PublicState.LIVE and not type(obj).objects.published().filter(pk=obj.pk).exists():
        title = _("Published, but hidden")
        lines = [
            _(
                "The public does not see it while a record it depends on (such as its "
                "person, post, country, programme or traveller) is not public."
            ),
            *lines,
        ]
    return {"state": state.value, "title": title, "lines": lines}
