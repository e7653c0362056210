"use strict";
// The Leg menu of each meeting in a visit's change form (registry/admin/meeting_legs.py)
// offers, after the visit's stored legs, the legs being added in the same form: one option
// "New leg: 3. Batumi, Georgia" per new leg row whose country is chosen. Its value, "new-5",
// names the row (legs-5); the server gives the meeting the leg that row creates.
//
// Django renumbers the rows that follow a new row taken out, so a menu remembers the row it
// points at (data-new-leg-key) rather than its number, and the options are rebuilt from the
// rows as they stand whenever a leg row changes, and once more before the form is sent.
(function () {
  const LEGS = "legs";
  const NEW = "new-";
  let lastKey = 0;

  function legRows() {
    return Array.from(document.querySelectorAll("#" + LEGS + "-group tr.form-row")).filter(
      (row) => !row.classList.contains("empty-form")
    );
  }

  function rowNumber(row) {
    const match = row.id.match(/^legs-(\d+)$/);
    return match ? Number(match[1]) : null;
  }

  function keyOf(row) {
    if (!row.dataset.legKey) {
      lastKey += 1;
      row.dataset.legKey = String(lastKey);
    }
    return row.dataset.legKey;
  }

  function field(row, name) {
    return row.querySelector('[name$="-' + name + '"]');
  }

  // The new leg rows a meeting may be on: beyond the stored legs, with a country.
  function newLegs() {
    const stored = Number(document.getElementById("id_" + LEGS + "-INITIAL_FORMS").value);
    const legs = [];
    for (const row of legRows()) {
      const number = rowNumber(row);
      const country = field(row, "country");
      const remove = field(row, "DELETE");
      if (number === null || number < stored || !country || !country.value) {
        continue;
      }
      if (remove && remove.checked) {
        continue;
      }
      const option = country.options[country.selectedIndex];
      const countryName = option ? option.textContent.trim() : "";
      const city = (field(row, "city").value || "").trim().replace(/\s+/g, " ");
      const place = city ? city + ", " + countryName : countryName;
      legs.push({
        key: keyOf(row),
        value: NEW + number,
        label: "New leg: " + field(row, "order").value.trim() + ". " + place,
      });
    }
    return legs;
  }

  function menus() {
    return Array.from(document.querySelectorAll('#meetings-group select[name$="-leg"]')).filter(
      (select) => !select.name.includes("__prefix__")
    );
  }

  // The new leg row a menu points at, by its key.
  function remember(select) {
    if (!select.value.startsWith(NEW)) {
      delete select.dataset.newLegKey;
      return;
    }
    const row = document.getElementById(LEGS + "-" + select.value.slice(NEW.length));
    if (row) {
      select.dataset.newLegKey = keyOf(row);
    }
  }

  function refresh() {
    const legs = newLegs();
    for (const select of menus()) {
      if (select.value.startsWith(NEW) && !select.dataset.newLegKey) {
        remember(select); // as sent back by the server after an error
      }
      const wanted = select.dataset.newLegKey;
      const wasNew = select.value.startsWith(NEW);
      for (const option of Array.from(select.options)) {
        if (option.value.startsWith(NEW)) {
          option.remove();
        }
      }
      for (const leg of legs) {
        select.add(new Option(leg.label, leg.value, false, leg.key === wanted));
      }
      if (wasNew && !legs.some((leg) => leg.key === wanted)) {
        select.value = ""; // its leg was taken out of the form
      }
      remember(select);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const group = document.getElementById(LEGS + "-group");
    const meetings = document.getElementById("meetings-group");
    if (!group || !meetings) {
      return;
    }
    refresh();
    // Only what the options show: typing a leg's notes rebuilds nothing.
    const shown = (event) => /-(order|country|city|DELETE)$/.test(event.target.name || "");
    group.addEventListener("input", (event) => shown(event) && refresh());
    group.addEventListener("change", (event) => shown(event) && refresh());
    // The ↑ and ↓ buttons renumber the legs (admin-leg-order.js) when clicked.
    group.addEventListener("click", (event) => {
      if (event.target.closest(".leg-move")) {
        refresh();
      }
    });
    // The country menus are select2's, which tell of a change through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(group).on("change", "select", refresh);
    }
    meetings.addEventListener("change", (event) => {
      if (event.target.matches('select[name$="-leg"]')) {
        remember(event.target);
      }
    });
    document.addEventListener("formset:added", () => refresh());
    // Sent before Django renumbers the rows that follow the one taken out.
    document.addEventListener("formset:removed", () => setTimeout(refresh, 0));
    const form = group.closest("form");
    if (form) {
      form.addEventListener("submit", refresh);
    }
  });
})();
