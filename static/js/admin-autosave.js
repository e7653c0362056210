"use strict";
// Autosave of a change form (registry/admin/revisions.py): every few seconds after the editor
// types, the form is sent to the record's autosave URL, which keeps it in the editor's private
// draft after checking it against the record like a save. "Saved at 14:02" says it worked; a
// colleague's save since the form was opened shows the conflict box instead, whose button
// saves the form and so opens the conflict screen. On opening the form again, the draft's
// values are put back into the form (rows added to inlines are added again first).
(function () {
  const INTERVAL_MS = 4000;

  function restore(form, data) {
    // Inline rows first: click "Add another" until each formset has the draft's rows.
    for (const name of Object.keys(data)) {
      if (!name.endsWith("-TOTAL_FORMS")) continue;
      const prefix = name.slice(0, -"-TOTAL_FORMS".length);
      const total = form.elements[name];
      const wanted = parseInt(data[name][0], 10);
      const group = document.getElementById(prefix + "-group");
      let guard = 100;
      while (total && group && parseInt(total.value, 10) < wanted && guard-- > 0) {
        const add = group.querySelector(".add-row a");
        if (!add) break;
        add.click();
      }
    }
    for (const [name, values] of Object.entries(data)) {
      if (name.endsWith("_FORMS") || name === "_edit_token") continue;
      const controls = Array.from(form.elements).filter((el) => el.name === name);
      for (const el of controls) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.includes(el.value);
        } else if (el.tagName === "SELECT") {
          for (const value of values) {
            if (value !== "" && !Array.from(el.options).some((o) => o.value === value)) {
              el.add(new Option(value, value));
            }
          }
          for (const option of el.options) option.selected = values.includes(option.value);
        } else if (el.type !== "file" && el.type !== "submit") {
          el.value = values[0] ?? "";
        }
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    // The draft was typed against the record as it was then: a save compares with that.
    if (data._edit_token && form.elements._edit_token) {
      form.elements._edit_token.value = data._edit_token[0];
    }
  }

  function start() {
    const state = document.getElementById("autosave-state");
    const form = state && state.closest("form");
    if (!form) return;
    const draft = document.getElementById("autosave-draft");
    if (draft) restore(form, JSON.parse(draft.textContent));
    let dirty = false;
    let busy = false;
    let stopped = false;
    form.addEventListener("input", () => (dirty = true));
    form.addEventListener("change", () => (dirty = true));
    form.addEventListener("submit", () => (stopped = true));

    async function save() {
      if (!dirty || busy || stopped) return;
      busy = true;
      dirty = false;
      const body = new FormData(form);
      try {
        const response = await fetch(state.dataset.url, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" },
        });
        const answer = await response.json().catch(() => ({}));
        if (response.status === 409) {
          stopped = true;
          const box = document.getElementById("autosave-conflict");
          box.querySelector(".message").textContent = answer.message || "";
          box.hidden = false;
          state.textContent = "Not autosaved: someone else saved this record.";
        } else if (response.ok) {
          state.textContent = "Saved at " + answer.saved_at + " (a draft only you see)";
        } else {
          dirty = true;
          state.textContent = answer.error || "Autosave failed; keep the page open and save.";
        }
      } catch (error) {
        dirty = true;
        state.textContent = "Autosave failed (no connection); keep the page open and save.";
      } finally {
        busy = false;
      }
    }
    setInterval(save, INTERVAL_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
