// A button with data-confirm="…" asks before its form is sent: for steps that cannot be
// undone. A script file, as the Content-Security-Policy forbids onclick="…".
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
