"""The leg a meeting took place on, in the visit's change form: one of the visit's stored
legs, or one of the legs being added in the same form.

A meeting's menu lists the visit's stored legs ("2. Tbilisi, Georgia"), loaded once for the
whole formset, and the legs being added: in the browser, static/js/admin-meeting-legs.js
adds an option "New leg: 3. Batumi, Georgia" for each new leg row whose country is chosen,
and keeps it up to date as the row changes, moves or goes. Such an option's value names the
row of the legs' formset (`new-5` is the row `legs-5`); it is no leg yet, so the meeting's
form takes no leg from it. When the visit is saved, the legs are saved first and each
meeting naming a new row is then given the leg that row created (`MeetingFormSet`,
`VisitAdmin.save_related`). A value naming a row that is not a new leg in the form (taken
out, never filled in, or tampered with) is a form error on the meeting.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from registry.models import Country, Meeting, VisitLeg

from .base import ParentAwareInlineFormSet

LEGS_PREFIX = "legs"  # the prefix of the visit's legs formset (its related name)
NEW_LEG = "new-"
MEETING_LEGS_JS = "js/admin-meeting-legs.js"
_NEW_LEG_VALUE = re.compile(rf"^{NEW_LEG}(\d{{1,6}})$")
# A formset takes at most 1,000 rows beyond the stored ones (Django's default maximum).
_MAX_NEW_ROWS = 1000


def leg_label(leg: VisitLeg) -> str:
    """A leg as a meeting's form offers it: "2. Tbilisi, Georgia" (its visit goes unsaid)."""
    return _label(leg.order, leg.city, str(leg.country))


def _label(order: Any, city: str, country: str) -> str:
    place = f"{city}, {country}" if city else country
    return f"{order}. {place}"


def new_leg_row(value: Any) -> int | None:
    """The row of the legs' formset a menu value names (`new-5`: 5), or None."""
    match = _NEW_LEG_VALUE.match(str(value or ""))
    return int(match[1]) if match else None


def new_legs_in(data: Any) -> dict[str, str]:
    """The legs being added in a submitted visit form, as a meeting's menu offers them:
    {"new-5": "New leg: 3. Batumi, Georgia"}. A row is one when it is beyond the stored
    legs, has a country and is not marked for deletion; whether it is valid otherwise is
    for the legs' own form to say."""
    try:
        initial = int(data.get(f"{LEGS_PREFIX}-INITIAL_FORMS", ""))
        total = int(data.get(f"{LEGS_PREFIX}-TOTAL_FORMS", ""))
    except (TypeError, ValueError):
        return {}
    rows: dict[int, tuple[str, str, int]] = {}
    for index in range(max(initial, 0), min(total, initial + _MAX_NEW_ROWS)):
        row = f"{LEGS_PREFIX}-{index}"
        country = str(data.get(f"{row}-country", "")).strip()
        if not country.isdigit() or data.get(f"{row}-DELETE"):
            continue
        order = str(data.get(f"{row}-order", "")).strip()
        city = " ".join(str(data.get(f"{row}-city", "")).split())
        rows[index] = (order, city, int(country))
    if not rows:
        return {}
    names = dict(
        Country.objects.filter(pk__in={country for *_, country in rows.values()}).values_list(
            "pk", "name"
        )
    )
    return {
        f"{NEW_LEG}{index}": _("New leg: %(leg)s") % {"leg": _label(order, city, names[country])}
        for index, (order, city, country) in rows.items()
        if country in names
    }


class LegSelect(forms.Select):
    """A plain select written out directly: one per meeting, each listing every leg, so the
    per-option templates of Django's widget were most of a 50-meeting form's render time."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        chosen = self.format_value(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class LegChoiceField(forms.ChoiceField):
    """One of the visit's own legs, from a list loaded once for the whole formset, or a leg
    being added in the same form (`new_legs`), which cleans to no leg: the formset links it
    once the legs are saved."""

    widget = LegSelect

    def __init__(
        self, legs: list[VisitLeg], new_legs: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        self.legs = {str(leg.pk): leg for leg in legs}
        self.new_legs = new_legs or {}
        choices = [
            ("", "---------"),
            *((str(leg.pk), leg_label(leg)) for leg in legs),
            *self.new_legs.items(),
        ]
        super().__init__(choices=choices, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.pk if isinstance(value, VisitLeg) else value

    def to_python(self, value: Any) -> VisitLeg | None:
        if value in self.empty_values:
            return None
        if new_leg_row(value) is not None:
            if str(value) in self.new_legs:
                return None
            raise ValidationError(
                _(
                    "The new leg chosen for this meeting is no longer in the form, or has no "
                    "country yet: choose the meeting's leg again."
                ),
                code="invalid_new_leg",
            )
        leg = self.legs.get(str(self.prepare_value(value)))
        if leg is None:
            raise ValidationError(
                _("This leg belongs to another visit: choose one of this visit's legs."),
                code="invalid_choice",
            )
        return leg

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)  # to_python has checked the choice

    def has_changed(self, initial: Any, data: Any) -> bool:
        before = self.prepare_value(initial)
        return str("" if before is None else before) != str(data or "")


class MeetingFormSet(ParentAwareInlineFormSet):
    """A meeting's leg is picked among the visit's legs (a short list, loaded once) and the
    legs added in the same form."""

    # The visit's legs formset of the same save, set by VisitAdmin.save_related.
    legs_formset: Any = None

    @cached_property
    def visit_legs(self) -> list[VisitLeg]:
        if self.instance.pk is None:
            return []
        legs = VisitLeg.objects.filter(visit=self.instance).select_related("country")
        return list(legs.order_by("order", "start_date", "pk"))

    @cached_property
    def new_legs(self) -> dict[str, str]:
        return new_legs_in(self.data) if self.is_bound else {}

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        model_field = Meeting._meta.get_field("leg")
        form.fields["leg"] = LegChoiceField(
            self.visit_legs,
            self.new_legs,
            required=False,
            label=model_field.verbose_name.capitalize(),
            help_text=model_field.help_text,
        )

    def follow_renamed_rows(self, data: Any, renamed: dict[str, str]) -> None:
        """The conflict screen renumbered the legs' rows (locking.py): each meeting's value
        naming a new leg row names it by its new number."""
        for key in [k for k in data if k.startswith(f"{self.prefix}-") and k.endswith("-leg")]:
            row = new_leg_row(data.get(key))
            moved = renamed.get(f"{LEGS_PREFIX}-{row}") if row is not None else None
            if moved is not None:
                data[key] = NEW_LEG + moved.rsplit("-", 1)[1]

    def save_new(self, form: Any, commit: bool = True) -> Any:
        self._link_new_leg(form)
        return super().save_new(form, commit)

    def save_existing(self, form: Any, obj: Any, commit: bool = True) -> Any:
        self._link_new_leg(form)
        return super().save_existing(form, obj, commit)

    def _link_new_leg(self, form: Any) -> None:
        row = new_leg_row(form.data.get(form.add_prefix("leg")))
        if row is None:
            return
        leg = None
        if self.legs_formset is not None and row < len(self.legs_formset.forms):
            leg = self.legs_formset.forms[row].instance
        if leg is None or leg.pk is None:
            # The form was checked against these rows: only a caller that did not save the
            # legs first gets here, and a meeting must not be filed under the wrong leg.
            raise ValueError(f"The new leg of row {row} was not saved before its meetings.")
        form.instance.leg = leg
