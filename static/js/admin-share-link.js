// The share link page: focusing the link selects it whole, ready to copy. A file, not an
// inline handler, so that the Content-Security-Policy can refuse every inline script.
document.addEventListener("DOMContentLoaded", () => {
  const field = document.getElementById("share-link");
  if (field) {
    field.addEventListener("focus", () => field.select());
  }
});
