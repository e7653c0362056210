"""CSV export on every registry list and CSV import of visits and appointments, in the
admin (django-import-export; the columns are described in registry/resources.py).

* Export: the "Export" button exports the list as filtered and searched, with a choice of
  columns; the action "Export selected ... to CSV" downloads the ticked rows at once. Anyone
  who may view the records may export them.
* Import (visits, appointments): upload a CSV file; every row is checked and the import is
  run inside a transaction that is rolled back (a dry run), and the page lists what would be
  added or changed, with each invalid row's errors. Nothing is written until the editor
  confirms. Importing needs the add and change permissions; it never publishes.
* Nothing is imported over a record saved after the preview (registry/import_versions.py):
  the editor is told which, and uploads the file again.
* The uploaded file waits for the confirmation in the shared cache (`PendingImportStorage`,
  set as IMPORT_EXPORT_TMP_STORAGE_CLASS), never in one server's temp folder, so the
  confirmation may reach any app server behind the load balancer.
* Before anything parses it, an uploaded file is checked (`check_upload`): its size
  (IMPORT_MAX_BYTES), that it is UTF-8 CSV text (not a workbook, UTF-16 or binary), that it
  names the columns the import reads and its key column, and its number of rows
  (IMPORT_MAX_ROWS, counted as the rows are read). A bad file gets one message on the form,
  never a traceback. The preview shows the first PREVIEW_ROWS rows and counts the rest.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from typing import Any

import tablib
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV
from import_export.forms import ImportForm
from import_export.resources import Resource
from import_export.tmp_storages import CacheStorage

from registry import import_help, import_versions
from registry.csv_safety import neutralise, write_csv
from registry.resources import IMPORT_RESOURCES, PREVIEW_ROWS, resource_for

SAVE_AS = gettext_lazy(
    "In your spreadsheet, use “Save as” and choose “CSV UTF-8”, then upload that file."
)
# What a file starts with when it is a workbook (zip: .xlsx, .ods; OLE: .xls), or UTF-16.
_WORKBOOK_START = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_UTF16_START = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


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


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return _("%(size).1f MB") % {"size": n / (1024 * 1024)}
    return _("%(size)d KB") % {"size": max(1, n // 1024)}


def _column_names(resource_class: type[Resource]) -> tuple[list[str], list[str]]:
    """The columns an import reads, and those that find the record (the key)."""
    fields = resource_class().get_import_fields()
    columns = [field.column_name for field in fields]
    by_attribute = {field.attribute: field.column_name for field in fields}
    keys = [by_attribute.get(name, name) for name in resource_class._meta.import_id_fields]
    return columns, keys


def check_upload(upload: UploadedFile, resource_class: type[Resource]) -> None:
    """Refuse, with a message an editor can act on, a file the import cannot read well.

    The size is known from the upload, before a byte is read; the rows are counted as they
    are read and the count stops above the limit, so a large file is never parsed whole.
    """
    max_bytes, max_rows = settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS
    limits = {"max_size": _size(max_bytes), "max_rows": f"{max_rows:,}"}
    if upload.size > max_bytes:
        raise ValidationError(
            _(
                "The file is %(size)s; an import takes at most %(max_size)s and %(max_rows)s "
                "rows. Split it into smaller files."
            )
            % {"size": _size(upload.size), **limits}
        )
    data = b"".join(upload.chunks())
    upload.seek(0)
    if data.startswith(_WORKBOOK_START):
        raise ValidationError(
            _("This is a spreadsheet workbook, not a CSV file. %(save_as)s") % {"save_as": SAVE_AS}
        )
    if data.startswith(_UTF16_START):
        raise ValidationError(
            _("This file is UTF-16 text, not UTF-8. %(save_as)s") % {"save_as": SAVE_AS}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError(
            _(
                "The file is not UTF-8 text (line %(line)d has a character that cannot be read; "
                "it may be Latin-1 or Windows text, or not text at all). %(save_as)s"
            )
            % {"line": line, "save_as": SAVE_AS}
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ValidationError(
            _(
                "The file holds a NUL character (line %(line)d), which CSV text never does: it "
                "may be UTF-16 or not text at all. %(save_as)s"
            )
            % {"line": line, "save_as": SAVE_AS}
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        rows = 0
        for row in reader:
            if any(cell.strip() for cell in row):
                rows += 1
                if rows > max_rows:
                    raise ValidationError(
                        _(
                            "The file has more than %(max_rows)s rows; an import takes at most "
                            "%(max_size)s and %(max_rows)s rows. Split it into smaller files."
                        )
                        % limits
                    )
    except csv.Error as error:
        raise ValidationError(
            _("The file cannot be read as CSV (near line %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from None
    columns, keys = _column_names(resource_class)
    expected = ", ".join(columns)
    if not any(header):
        raise ValidationError(
            _("The first row must name the columns: %(columns)s.") % {"columns": expected}
        )
    if not set(header) & set(columns):
        shown = ", ".join(name[:40] for name in header[:10] if name)
        raise ValidationError(
            _(
                "None of the columns of the file (%(shown)s) is one the import reads. "
                "The first row must name the columns: %(columns)s."
            )
            % {"shown": shown, "columns": expected}
        )
    missing = [key for key in keys if key not in header]
    if missing:
        raise ValidationError(
            _(
                "The file has no “%(column)s” column, which says which record each row adds "
                "or updates. The columns are: %(columns)s."
            )
            % {"column": missing[0], "columns": expected}
        )
    if not rows:
        raise ValidationError(_("The file has a header row but no rows to import."))


class RegistryImportForm(ImportForm):
    def __init__(self, formats: list[Any], resources: list[Any], **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.resource_classes = resources

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None and "import_file" not in self.errors:
            index = cleaned.get("resource") or 0
            try:
                check_upload(upload, self.resource_classes[int(index)])
            except (ValidationError, IndexError, ValueError) as error:
                messages_ = getattr(error, "messages", [_("Choose what to import.")])
                self.add_error("import_file", messages_)
        return cleaned


def _unquote(cell: Any) -> Any:
    """Undo the export's formula quote ("'=1" back to "=1"), so that a file exported and
    imported again is unchanged; any other cell is read as it is."""
    if isinstance(cell, str) and cell.startswith("'") and neutralise(cell[1:]) == cell:
        return cell[1:]
    return cell


def preview_rows(result: Any) -> dict[str, Any]:
    """The first PREVIEW_ROWS rows of a dry run for its page, and the counts of all."""
    valid, invalid = result.valid_rows(), result.invalid_rows
    row_errors = list(result.row_errors())
    totals = result.totals
    return {
        "total": len(result.rows),
        "new": totals.get("new", 0),
        "update": totals.get("update", 0),
        "skip": totals.get("skip", 0),
        "valid_rows": valid[:PREVIEW_ROWS],
        "more_rows": max(0, len(valid) - PREVIEW_ROWS),
        "invalid_count": len(invalid),
        "invalid_rows": invalid[:PREVIEW_ROWS],
        "more_invalid": max(0, len(invalid) - PREVIEW_ROWS),
        "row_errors": row_errors[:PREVIEW_ROWS],
        "more_errors": max(0, len(row_errors) - PREVIEW_ROWS),
    }


class RegistryCSV(CSV):
    """CSV written by the registry's one writer, as the API's: formulas neutralised."""

    def export_data(self, dataset: Any, **kwargs: Any) -> str:
        return write_csv([dataset.headers or [], *dataset])

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        dataset = super().create_dataset(in_stream, **kwargs)
        headers = [str(name or "").strip() for name in dataset.headers or []]
        rows = [tuple(_unquote(cell) for cell in row) for row in dataset]
        # A spreadsheet often saves empty rows after the last one: they are not records.
        while rows and not any(str(cell or "").strip() for cell in rows[-1]):
            rows.pop()
        return tablib.Dataset(*rows, headers=headers)


class TransferAdminMixin(ImportMixin, ExportActionMixin):
    formats = (RegistryCSV,)
    import_form_class = RegistryImportForm
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

    def get_urls(self) -> list:
        opts = self.model._meta
        example = path(
            "import/example.csv",
            self.admin_site.admin_view(self.import_example_view),
            name=f"{opts.app_label}_{opts.model_name}_import_example",
        )
        return [example, *super().get_urls()]

    def import_example_view(self, request: HttpRequest) -> HttpResponse:
        """A CSV file with every column the import reads, filled in with this registry's
        records, that imports as it is (registry/import_help.py)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            import_help.example_csv(self.model), content_type="text/csv; charset=utf-8"
        )
        name = str(self.model._meta.verbose_name_plural).replace(" ", "-")
        response["Content-Disposition"] = f'attachment; filename="{name}-example.csv"'
        return response

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        with import_versions.noting() as notes:
            response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is None:
            return response
        if self.model in IMPORT_RESOURCES:
            opts = self.model._meta
            context["import_columns"] = import_help.columns(self.model)
            context["import_example_url"] = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_import_example"
            )
        confirm = context.get("confirm_form")
        if confirm is not None and confirm.initial.get("import_file_name"):
            import_versions.keep(confirm.initial["import_file_name"], notes)
        if context.get("result") is not None:
            context["shown"] = preview_rows(context["result"])
        return response

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        name = request.POST.get("import_file_name", "")
        try:
            with transaction.atomic():
                changed = import_versions.changed_since_preview(name)
                if changed is None:
                    raise PendingImportMissing(name)
                if changed:
                    return self._changed_since_preview(request, changed)
                response = super().process_import(request, **kwargs)
            import_versions.forget(name)
            return response
        except PendingImportMissing:
            # Nothing was written: the file is read before the import starts.
            self.message_user(
                request,
                _(
                    "The uploaded file is no longer available (a file waits one day for its "
                    "confirmation). Nothing was imported; please upload it again."
                ),
                messages.ERROR,
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))

    def _changed_since_preview(self, request: HttpRequest, changed: list[str]) -> HttpResponse:
        shown = ", ".join(changed[:10])
        if len(changed) > 10:
            shown = _("%(records)s and %(count)d more") % {
                "records": shown,
                "count": len(changed) - 10,
            }
        self.message_user(
            request,
            _(
                "Someone else saved %(records)s after the preview, so nothing was imported. "
                "Upload the file again to see what it would change now."
            )
            % {"records": shown},
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
            actions[name] = (
                func,
                name,
                _("Export selected %(plural)s to CSV") % {"plural": plural},
            )
        return actions
