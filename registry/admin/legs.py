"""Quick ordering of a visit's legs in its change form.

The legs keep their `order` numbers (unique per visit). In the browser, up and down buttons
(static/js/admin-leg-order.js) move a leg and renumber the legs 1, 2, 3... as they stand, and
a new leg gets the next number; without JavaScript the numbers are typed. On the server,
`LegOrderFormSet` lets one save swap or shift the numbers of stored legs: the legs whose number
changes (or that are deleted) are first moved to free numbers, so that no statement ever
breaks the unique (visit, order) constraint half way through the save.
"""

from __future__ import annotations

from typing import Any

from registry.models import VisitLeg

from .base import SMALL_INT_MAX, ParentAwareInlineFormSet

LEG_ORDER_JS = "js/admin-leg-order.js"
LEG_ORDER_CSS = "css/admin-leg-order.css"
# Each leg on two lines, so that the visit's form fits the window.
LEGS_CSS = "css/admin-legs.css"


def free_numbers(taken: set[int], count: int) -> list[int]:
    """`count` order numbers no leg uses, from the top of the column's range down."""
    free = []
    number = SMALL_INT_MAX
    while len(free) < count and number >= 0:
        if number not in taken:
            free.append(number)
        number -= 1
    return free


class LegOrderFormSet(ParentAwareInlineFormSet):
    def save_existing_objects(self, commit: bool = True) -> list[Any]:
        if commit and self.instance.pk is not None:
            self._move_out_of_the_way()
        return super().save_existing_objects(commit)

    def _move_out_of_the_way(self) -> None:
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk is not None
            and (self._should_delete_form(form) or "order" in form.changed_data)
        ]
        if not moving:
            return
        stored = VisitLeg.objects.filter(visit=self.instance).values_list("order", flat=True)
        wanted = {
            form.cleaned_data.get("order")
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        }
        for pk, number in zip(moving, free_numbers({*stored, *wanted}, len(moving)), strict=True):
            # A step inside this save, not a version: the history records the final save.
            VisitLeg.objects.filter(pk=pk).update(order=number)
