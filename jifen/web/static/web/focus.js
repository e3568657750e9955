// Where keyboard focus goes when the page changes under it (WCAG 2.4.3 and 3.3.1). A script
// file, as the Content-Security-Policy forbids inline scripts.
//
// - A page sent back with errors puts focus on the first field in error, so that its label,
//   its state and its message are read out; or else on the first error message.
// - When htmx replaces the part that held focus (a review row after its decision), focus goes
//   to what replaced it: the error message in it, else the element marked data-swap-focus,
//   else the new part itself. Tab then goes on from where the user was, not from the top.
(function () {
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  function focusOn(element) {
    if (!element) {
      return false;
    }
    if (!element.matches(FOCUSABLE)) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var main = document.querySelector("main");
    if (main) {
      focusOn(main.querySelector('[aria-invalid="true"]')) ||
        focusOn(main.querySelector('.alert-danger[role="alert"]'));
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var part = event.target;
    var lost = !document.activeElement || document.activeElement === document.body;
    if (lost && part.isConnected) {
      focusOn(part.querySelector('[role="alert"]')) ||
        focusOn(part.querySelector("[data-swap-focus]")) ||
        focusOn(part);
    }
  });
})();
