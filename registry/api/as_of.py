"""`as_of=YYYY-MM-DD`: the state of the registry on one day, honest about partial dates.

The SQL side (which rows may have been active) is `registry.filters.possibly_active_q`; this
module says, per row, whether it was *certainly* or only *possibly* active, with the same
rules as `SpanMixin.certainly_active_on` / `possibly_active_on` (docs/api.md, "as_of").
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from registry.models import Appointment
from registry.models.base import SpanMixin

from .fields import SelfUrlField, link

Certainty = Literal["certain", "possible", "not_active"]
CERTAINTIES: tuple[str, ...] = ("certain", "possible", "not_active")

_FIELD = forms.DateField(input_formats=["%Y-%m-%d"], required=False)


def parse_as_of(request: Request) -> dt.date | None:
    """The validated `as_of` parameter, or None; a bad value is a 400 naming `as_of`."""
    raw = request.query_params.get("as_of")
    if raw in (None, ""):
        return None
    try:
        return _FIELD.clean(raw)
    except forms.ValidationError as exc:
        messages = [
            _("%(message)s Use YYYY-MM-DD.") % {"message": message} for message in exc.messages
        ]
        raise ValidationError({"as_of": messages}) from None


def certainty(span: SpanMixin, day: dt.date) -> Certainty:
    """ "certain" when the span surely covered `day` whatever its unknown parts, "possible"
    when it may have, "not_active" when it surely did not."""
    if span.certainly_active_on(day):
        return "certain"
    if span.possibly_active_on(day):
        return "possible"
    return "not_active"


# --- Shapes of the answers (used by serializers.py) ---


class AsOfSerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    certainty = serializers.ChoiceField(
        choices=CERTAINTIES,
        read_only=True,
        help_text="certain: active that day whatever the unknown parts of its dates; "
        "possible: may have been; not_active (single records only): surely not.",
    )


class AppointmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = SelfUrlField("appointment")


class HolderSerializer(serializers.Serializer):
    """Someone who held (or may have held) a post on the `as_of` day."""

    person = link("person")
    appointment = AppointmentRefSerializer(source="*", read_only=True)
    capacity = serializers.ChoiceField(choices=Appointment.Capacity.choices, read_only=True)
    certainty = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=CERTAINTIES[:2]))
    def get_certainty(self, appointment: Appointment) -> str:
        return certainty(appointment, self.context["as_of"])
