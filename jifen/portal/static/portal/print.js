// The register's print button (a script file: the Content-Security-Policy forbids onclick="…").
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
