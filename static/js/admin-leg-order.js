"use strict";
// The legs of a visit in its admin change form (registry/admin/legs.py): "up" and "down"
// buttons move a leg and renumber the legs 1, 2, 3... in the order shown; a new leg gets the
// next number. Without JavaScript the order numbers are simply typed.
(function () {
  const PREFIX = "legs";

  function orderInput(row) {
    return row.querySelector('input[name$="-order"]');
  }

  function rows(group) {
    return Array.from(group.querySelectorAll("tr.form-row")).filter(
      (row) => !row.classList.contains("empty-form") && orderInput(row)
    );
  }

  function deleted(row) {
    const box = row.querySelector('input[name$="-DELETE"]');
    return Boolean(box && box.checked);
  }

  function renumber(group) {
    let number = 1;
    for (const row of rows(group)) {
      if (!deleted(row)) {
        orderInput(row).value = number++;
      }
    }
  }

  function nextNumber(group, except) {
    let highest = 0;
    for (const row of rows(group)) {
      const value = parseInt(orderInput(row).value, 10);
      if (row !== except && !Number.isNaN(value) && value > highest) {
        highest = value;
      }
    }
    return highest + 1;
  }

  function formIndex(row) {
    const match = orderInput(row).name.match(/-(\d+)-order$/);
    return match ? Number(match[1]) : 0;
  }

  function move(group, row, step) {
    const all = rows(group);
    const other = all[all.indexOf(row) + step];
    if (!other) {
      return;
    }
    const errors = row.previousElementSibling;
    if (step < 0) {
      other.before(row);
    } else {
      other.after(row);
    }
    if (errors && errors.classList.contains("row-form-errors")) {
      row.before(errors);
    }
    renumber(group);
    row.querySelector(step < 0 ? ".leg-up" : ".leg-down").focus();
  }

  function addButtons(group, row) {
    if (row.querySelector(".leg-move")) {
      return;
    }
    const cell = orderInput(row).closest("td") || orderInput(row).parentNode;
    const buttons = [
      ["leg-up", "↑", "Move this leg up", -1],
      ["leg-down", "↓", "Move this leg down", 1],
    ];
    for (const [name, text, label, step] of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "leg-move " + name;
      button.textContent = text;
      button.title = label;
      button.setAttribute("aria-label", label);
      button.addEventListener("click", () => move(group, row, step));
      cell.append(button);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const group = document.getElementById(PREFIX + "-group");
    if (!group) {
      return;
    }
    for (const row of rows(group)) {
      addButtons(group, row);
    }
    document.addEventListener("formset:added", (event) => {
      if (event.detail.formsetName !== PREFIX) {
        return;
      }
      const row = event.target;
      orderInput(row).value = nextNumber(group, row);
      addButtons(group, row);
    });
    document.addEventListener("formset:removed", (event) => {
      if (event.detail.formsetName !== PREFIX) {
        return;
      }
      // Django's inlines.js now renames the remaining rows in the order they stand in the
      // page: put moved rows back in their form order first, so that each keeps its place.
      const template = group.querySelector("tr.empty-form");
      const sorted = rows(group).sort((a, b) => formIndex(a) - formIndex(b));
      for (const row of sorted) {
        template.before(row);
      }
    });
  });
})();
