// The CSV export page's "Select all" box (templates/admin/import_export/export.html), bound
// here rather than by an inline onchange, which the Content-Security-Policy refuses.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", (event) => onSelectToggleChange(event));
  });
});
