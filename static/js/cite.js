// "Cite this record": each copy button puts its citation on the clipboard. The buttons stay
// hidden where the browser cannot copy (no Clipboard API, or a page not served securely).
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    if (!source) {
      continue;
    }
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch (error) {
        button.textContent = "Select the text to copy it";
      }
      setTimeout(() => {
        button.textContent = label;
      }, 2500);
    });
  }
});
