// Suggestions for a text filter: fills the input's <datalist> from a JSON endpoint
// ({"results": [{"value": "slug", "label": "Name"}]}) as the visitor types. Without
// JavaScript the field still works: the server accepts a person's slug or exact name.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    if (!list) return;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || text === asked) return;
      timer = setTimeout(function () {
        asked = text;
        var url = input.dataset.suggest + "?q=" + encodeURIComponent(text);
        fetch(url, { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.value;
              option.label = item.label;
              option.textContent = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience: typing still works */ });
      }, 200);
    });
  });
})();
