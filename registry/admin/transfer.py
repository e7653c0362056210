"""CSV export on every registry list and CSV import of visits and appointments, in the
admin (django-import-export; the columns are described in registry/resources.py).

* Export: the "Export" button exports the list as filtered and searched, with a choice of
  columns; the action "Export selected ... to CSV" downloads the ticked rows at once. Anyone
  who may view the records may export them.
* Import (visits, appointments): upload a CSV file; every row is checked and the import is
  run inside a transaction that is rolled back (a dry run), and the page lists what would be
  added or changed, with each invalid row's errors. Nothing is written until the editor
  confirms. Importing needs the add and change permissions; it never publishes.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV

from registry.resources import IMPORT_RESOURCES, resource_for


class TransferAdminMixin(ImportMixin, ExportActionMixin):
    formats = (CSV,)
    # The registry's changelist template (the "Deleted records" link) stays underneath.
    change_list_template = "admin/registry/change_list.html"
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    # Keep the registry's change form (ExportActionMixin would replace it).
    change_form_template = None
    show_change_form_export = False
    # The action downloads the CSV of the selection directly.
    skip_export_form_from_action = True
    import_error_display = ("message", "row")

    def get_resource_classes(self, request: HttpRequest) -> list[Any]:
        return [resource_for(self.model)]

    def get_import_resource_classes(self, request: HttpRequest) -> list[Any]:
        return [IMPORT_RESOURCES[self.model]] if self.model in IMPORT_RESOURCES else []

    def has_import_permission(self, request: HttpRequest) -> bool:
        return (
            self.model in IMPORT_RESOURCES
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_or_change_permission(request)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if "export_admin_action" in actions:
            func, name, _description = actions["export_admin_action"]
            plural = self.model._meta.verbose_name_plural
            actions[name] = (func, name, f"Export selected {plural} to CSV")
        return actions
