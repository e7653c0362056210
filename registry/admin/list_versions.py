"""No lost updates from a changelist's editable columns (`list_editable`).

Each row of the list carries the version of the record it shows (registry/models/versioning.py).
A row the editor changed is saved only if the record still has that version: otherwise the
row shows who-changed-it advice and nothing of the list is saved. The write itself is made
against the version the editor saw, so a save committed in between is refused as well.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from registry.models.versioning import StaleRecord, Versioned

VERSION_INPUT = "_version"
STALE_ROW = gettext_lazy(
    "Someone else saved “%(record)s” after you opened this list, so the list was not saved. "
    "Reload the list to see their change, then make yours again."
)
UNVERSIONED_ROW = gettext_lazy(
    "This row was sent without the version of the record it showed, so it could not be "
    "checked against later saves. Reload the list and make your change again."
)


class PrimaryKeyWithVersion(forms.HiddenInput):
    """The row's hidden id, followed by its version: the changelist renders only the id of
    each row's hidden fields."""

    def __init__(self, version_name: str, version: int) -> None:
        super().__init__()
        self.version_name, self.version = version_name, version

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, attrs, renderer) + format_html(
            '<input type="hidden" name="{}" value="{}">', self.version_name, self.version
        )


def versioned_row_form(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    class VersionedRowForm(form_class):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.fields[VERSION_INPUT] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, initial=self.instance.version
            )

        def clean(self) -> dict[str, Any]:
            cleaned = super().clean()
            if not [name for name in self.changed_data if name != VERSION_INPUT]:
                return cleaned
            seen = cleaned.get(VERSION_INPUT)
            if seen is None:
                raise ValidationError(UNVERSIONED_ROW, code="no_version")
            if seen != self.instance.version:
                raise ValidationError(STALE_ROW % {"record": self.instance}, code="edit_conflict")
            # Written against the version the editor saw (`UPDATE ... WHERE version = ...`).
            self.instance.version = seen
            return cleaned

    VersionedRowForm.__name__ = form_class.__name__
    return VersionedRowForm


class ListEditableVersionMixin:
    """For a ModelAdmin with `list_editable`."""

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any):
        form = super().get_changelist_form(request, **kwargs)
        return versioned_row_form(form) if issubclass(self.model, Versioned) else form

    def get_changelist_formset(self, request: HttpRequest, **kwargs: Any):
        formset = super().get_changelist_formset(request, **kwargs)
        if not issubclass(self.model, Versioned):
            return formset

        class VersionedFormSet(formset):
            def add_fields(self, form: forms.BaseForm, index: Any) -> None:
                super().add_fields(form, index)  # adds the id field, after the form's own
                pk_name = self.model._meta.pk.name
                if pk_name in form.fields and form.instance.pk is not None:
                    form.fields[pk_name].widget = PrimaryKeyWithVersion(
                        form.add_prefix(VERSION_INPUT), form.instance.version
                    )

        return VersionedFormSet

    def changelist_view(self, request: HttpRequest, extra_context: Any = None):
        try:
            return super().changelist_view(request, extra_context)
        except StaleRecord as stale:
            # Saved by someone else between the check and the write: the list's transaction
            # was rolled back, so nothing of it was saved.
            self.message_user(request, STALE_ROW % {"record": stale.record}, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
