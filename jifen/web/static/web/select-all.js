// A box with data-select-all="NAME" ticks or unticks every enabled checkbox of that name in its
// scope (data-select-scope, else its form). A script file: the Content-Security-Policy
// forbids onclick="…".
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("[data-select-all]")) {
    return;
  }
  var scope = box.closest("[data-select-scope]") || box.form || document;
  var selector = 'input[type="checkbox"][name="' + box.dataset.selectAll + '"]';
  scope.querySelectorAll(selector).forEach(function (other) {
    if (!other.disabled) {
      other.checked = box.checked;
    }
  });
});
