// A table wider than the screen scrolls sideways inside its .table-responsive box. Keyboard
// users must be able to reach such a box to scroll it (WCAG 2.1.1), so a box that overflows
// takes the focus (tabindex 0) and is named after its table's caption or the heading before it;
// a box that fits takes none, and adds no useless Tab stop. Checked on load, on resize and
// after htmx swaps.
(function () {
  function heading(box) {
    var caption = box.querySelector("caption");
    if (caption) {
      return caption.textContent.trim();
    }
    for (var node = box.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) {
        return node.textContent.trim();
      }
    }
    return "";
  }

  function mark(box) {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
      var name = heading(box);
      if (name && !box.hasAttribute("aria-label")) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name);
      }
    } else if (box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
    }
  }

  function markAll() {
    document.querySelectorAll(".table-responsive").forEach(mark);
  }

  document.addEventListener("DOMContentLoaded", markAll);
  window.addEventListener("resize", markAll);
  document.addEventListener("htmx:afterSettle", markAll);
})();
