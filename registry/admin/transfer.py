"""CSV export on every registry list and CSV import of visits and appointments, in the
admin (django-import-export; the columns are described in registry/resources.py).

* Export: the "Export" button exports the list as filtered and searched, with a choice of
  columns; the action "Export selected ... to CSV" downloads the ticked rows at once. Anyone
  who may view the records may export them.
* Import (visits, appointments): upload a CSV file; every row is checked and the import is
  run inside a transaction that is rolled back (a dry run), and the page lists what would be
  added or changed, with each invalid row's errors. Nothing is written until the editor
  confirms. Importing needs the add and change permissions; it never publishes.
* The uploaded file waits for the confirmation in the shared cache (`PendingImportStorage`,
  set as IMPORT_EXPORT_TMP_STORAGE_CLASS), never in one server's temp folder, so the
  confirmation may reach any app server behind the load balancer.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV
from import_export.tmp_storages import CacheStorage

from registry.csv_safety import write_csv
from registry.resources import IMPORT_RESOURCES, resource_for


class PendingImportMissing(Exception):
    """The file of a confirmed import is no longer in the cache (expired, evicted, or a
    name that was never issued)."""


class PendingImportStorage(CacheStorage):
    """import-export's cache storage, in the default (shared) cache, for a day.

    The name comes back from the browser in the confirmation form, so only names this
    storage issues (uuid4 hex) are read, and a missing file is reported rather than parsed
    as empty.
    """

    CACHE_PREFIX = "pending-import:"

    def read(self) -> bytes | str:
        if not re.fullmatch(r"[0-9a-f]{32}", self.name or ""):
            raise PendingImportMissing(self.name)
        data = super().read()
        if data is None:
            raise PendingImportMissing(self.name)
        return data


class RegistryCSV(CSV):
    """CSV written by the registry's one writer, as the API's: formulas neutralised."""

    def export_data(self, dataset: Any, **kwargs: Any) -> str:
        return write_csv([dataset.headers or [], *dataset])


class TransferAdminMixin(ImportMixin, ExportActionMixin):
    formats = (RegistryCSV,)
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

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            return super().process_import(request, **kwargs)
        except PendingImportMissing:
            # Nothing was written: the file is read before the import starts.
            self.message_user(
                request,
                "The uploaded file is no longer available (a file waits one day for its "
                "confirmation). Nothing was imported; please upload it again.",
                messages.ERROR,
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))

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
