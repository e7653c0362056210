"""Translating in the admin: each English field with its French beside it, the French's
state (up to date, out of date, not yet translated), a way to mark it reviewed, and the
changelist filter and dashboard line of French out of date (registry/translation.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from registry.translation import Translated, french_name

REVIEWED = "french_reviewed"
STATUS = "french_status"
TRANSLATION_CSS = "css/admin-translation.css"


def is_translated(model: type) -> bool:
    return issubclass(model, Translated) and bool(model.translated_fields)


def missing_french_q(model: type[Translated]) -> Q:
    """Records with an English text and no French for it."""
    q = Q(pk__in=[])
    for field in model.translated_fields:
        q |= ~Q(**{field: ""}) & Q(**{french_name(field): ""})
    return q


class FrenchFilter(admin.SimpleListFilter):
    title = gettext_lazy("French")
    parameter_name = "french"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("out_of_date", _("Out of date (the English changed)")),
            ("missing", _("Not yet translated")),
            ("up_to_date", _("Translated and up to date")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        missing = missing_french_q(queryset.model)
        if self.value() == "out_of_date":
            return queryset.filter(french_out_of_date=True)
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "up_to_date":
            return queryset.filter(french_out_of_date=False).exclude(missing)
        return queryset


def french_state_text(record: Translated) -> str:
    stale, missing = record.french_stale_fields(), record.french_missing_fields()
    parts = []
    if stale:
        parts.append(
            _("Out of date: the English of %(fields)s changed after the French was saved.")
            % {"fields": ", ".join(label(record, f) for f in stale)}
        )
    if missing:
        parts.append(
            _("Not yet translated: %(fields)s.")
            % {"fields": ", ".join(label(record, f) for f in missing)}
        )
    return " ".join(parts) or _("Up to date: every French text matches the current English.")


def label(record: Translated, field: str) -> str:
    return str(record._meta.get_field(field).verbose_name)


class TranslationAdminMixin:
    """For models with French texts: the English and the French side by side, the French's
    state, a "reviewed" box, the French filter and a bulk "mark reviewed" action."""

    def _translated(self) -> bool:
        return is_translated(self.model)

    @property
    def media(self) -> forms.Media:
        media = super().media
        if self._translated():
            media += forms.Media(css={"all": (TRANSLATION_CSS,)})
        return media

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        if not self._translated():
            return fieldsets
        pairs = {field: french_name(field) for field in self.model.translated_fields}
        placed: set[str] = set()
        result = []
        for name, options in fieldsets:
            rows = []
            for row in options.get("fields", ()):
                names = tuple(
                    n
                    for n in (row if isinstance(row, (list, tuple)) else (row,))
                    if n not in pairs.values()
                )
                french = tuple(pairs[n] for n in names if n in pairs)
                placed.update(french)
                if names:
                    rows.append((*names, *french) if french else row)
            result.append((name, {**options, "fields": tuple(rows)}))
        fields = [STATUS, REVIEWED] if obj is not None else []
        missing = [french for french in pairs.values() if french not in placed]
        if missing or fields:
            result.append(
                (
                    _("French"),
                    {
                        "fields": (*missing, *fields),
                        "description": _(
                            "Each French text is shown beside its English. When the English "
                            "changes, its French is marked out of date until a translator "
                            "saves new French or ticks “French reviewed”."
                        ),
                    },
                )
            )
        return result

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self._translated() and obj is not None and STATUS not in readonly:
            readonly += (STATUS,)
        return readonly

    @admin.display(description=gettext_lazy("state of the French"))
    def french_status(self, obj: Translated) -> str:
        return french_state_text(obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        if not self._translated() or obj is None:
            return super().get_form(request, obj, change, **kwargs)
        # The box is not a model field: take it out of the fields the model form is built
        # from, then add it to the form.
        fields = kwargs.get("fields")
        if fields is None:
            fields = admin.utils.flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [f for f in fields if f not in (REVIEWED, STATUS)]
        form = super().get_form(request, obj, change, **kwargs)

        class TranslationForm(form):
            french_reviewed = forms.BooleanField(
                label=_("French reviewed"),
                required=False,
                help_text=_(
                    "Tick when you have checked every French text against the current "
                    "English: the French is then up to date."
                ),
            )

        TranslationForm.__name__ = form.__name__
        return TranslationForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if self._translated() and form.cleaned_data.get(REVIEWED):
            obj.mark_french_reviewed()
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        record = (getattr(response, "context_data", None) or {}).get("original")
        if request.method == "GET" and isinstance(record, Translated) and record.french_out_of_date:
            self.message_user(
                request,
                _("The French of this record is out of date: %(state)s")
                % {"state": french_state_text(record)},
                messages.WARNING,
            )
        return response

    def get_list_filter(self, request: HttpRequest) -> tuple:
        filters = tuple(super().get_list_filter(request))
        if self._translated() and FrenchFilter not in filters:
            return (*filters, FrenchFilter)
        return filters

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if self._translated() and self.has_change_permission(request):
            actions["mark_french_reviewed"] = self.get_action("mark_french_reviewed")
        return actions

    @admin.action(description=gettext_lazy("Mark the French of the selected records reviewed"))
    def mark_french_reviewed(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for record in queryset.filter(french_out_of_date=True):
            record.mark_french_reviewed()
            record.save()
            count += 1
        self.message_user(
            request,
            ngettext(
                "The French of %(count)d record was marked reviewed.",
                "The French of %(count)d records was marked reviewed.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
