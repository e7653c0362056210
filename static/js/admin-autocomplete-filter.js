"use strict";
// Changelist filters on a related record (registry/admin/filters.py): choosing a record in
// the autocomplete input applies the filter at once; clearing it removes the filter.
(function () {
  function bind() {
    const $ = window.django && window.django.jQuery;
    if (!$) {
      return;
    }
    // select2 announces a choice through jQuery's "change" event, not a native one.
    $("form.registry-autocomplete-filter select").on("change", function () {
      if (!this.value) {
        this.disabled = true; // an empty parameter would be an invalid lookup
      }
      this.form.submit();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
