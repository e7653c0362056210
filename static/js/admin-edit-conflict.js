"use strict";
// The conflict screen of a change form (registry/admin/locking.py, edit_merge.py): where two
// editors changed the same field, choosing "the saved value" puts it into the field's box
// and "yours" puts the editor's back. Whatever the box holds when the form is sent is what
// is stored, so a box edited after a choice is the editor's own: "yours" is then ticked, and
// picking it again later gives back that edited text.
(function () {
  const MINE = "mine";
  const SAVED = "saved";

  function jQuery() {
    return window.django && window.django.jQuery;
  }

  // The form controls of one submitted name: an input, a textarea, a select, or a checkbox.
  function controls(form, name) {
    return Array.from(form.elements).filter((el) => el.name === name);
  }

  function normal(value) {
    return String(value).replace(/\r\n/g, "\n").trim();
  }

  // What the controls of one name hold now, as [[value, label], ...].
  function current(form, name) {
    const pairs = [];
    for (const el of controls(form, name)) {
      if (el.tagName === "SELECT") {
        for (const option of el.selectedOptions) {
          if (option.value !== "") {
            pairs.push([option.value, option.text]);
          }
        }
      } else if (el.type === "checkbox") {
        if (el.checked) {
          pairs.push([el.value, el.value]);
        }
      } else {
        pairs.push([el.value, el.value]);
      }
    }
    return pairs;
  }

  // Whether the controls of each name hold the given values (compared as the server does).
  function holds(form, wanted) {
    return Object.entries(wanted).every(([name, pairs]) => {
      // A menu with nothing chosen sends its blank option, which `current` leaves out.
      const menu = controls(form, name).some((el) => el.tagName === "SELECT");
      const want = pairs
        .map((pair) => normal(pair[0]))
        .filter((value) => !(menu && value === ""))
        .sort();
      const now = current(form, name)
        .map((pair) => normal(pair[0]))
        .sort();
      return now.length === want.length && want.every((value, i) => value === now[i]);
    });
  }

  // Put [[value, label], ...] into the controls of one name.
  function fill(form, name, pairs) {
    const values = pairs.map((pair) => pair[0]);
    for (const el of controls(form, name)) {
      if (el.tagName === "SELECT") {
        for (const [value, label] of pairs) {
          if (!Array.from(el.options).some((option) => option.value === value)) {
            el.add(new Option(label, value));
          }
        }
        for (const option of el.options) {
          option.selected = values.includes(option.value);
        }
        if (!el.multiple && !values.length && el.options.length) {
          el.selectedIndex = 0;
        }
      } else if (el.type === "checkbox") {
        el.checked = values.length > 0;
      } else {
        el.value = values.length ? values[0] : "";
      }
      el.dispatchEvent(new Event("change", { bubbles: true }));
      if (el.tagName === "SELECT" && jQuery()) {
        // Autocomplete menus (select2) redraw a new selection only when told through jQuery.
        jQuery()(el).trigger("change.select2");
      }
    }
  }

  function setUp(form, choice, values) {
    const radios = Array.from(form.elements).filter(
      (el) => el.type === "radio" && el.name === choice
    );
    const radio = (side) => radios.find((el) => el.value === side);
    if (!radio(MINE) || !radio(SAVED)) {
      return;
    }
    let own = values[MINE];
    for (const button of radios) {
      button.addEventListener("change", () => {
        const pairs = button.value === SAVED ? values[SAVED] : own;
        for (const [name, chosen] of Object.entries(pairs)) {
          fill(form, name, chosen);
        }
      });
    }
    // The editor typed or picked something in the field: it is theirs now.
    const edited = () => {
      if (radio(SAVED).checked && holds(form, values[SAVED])) {
        return;
      }
      radio(MINE).checked = true;
      own = {};
      for (const name of Object.keys(values[MINE])) {
        own[name] = current(form, name);
      }
    };
    for (const name of Object.keys(values[MINE])) {
      for (const el of controls(form, name)) {
        // Only what the editor does: the events `fill` sends are not theirs.
        el.addEventListener("input", (event) => event.isTrusted && edited());
        el.addEventListener("change", (event) => event.isTrusted && edited());
      }
      if (jQuery()) {
        jQuery()(controls(form, name)).on("select2:select select2:unselect", edited);
      }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const script = document.getElementById("edit-conflict-values");
    const screen = document.getElementById("edit-conflict");
    const form = screen && screen.closest("form");
    if (!script || !form) {
      return;
    }
    for (const [choice, values] of Object.entries(JSON.parse(script.textContent))) {
      setUp(form, choice, values);
    }
  });
})();
