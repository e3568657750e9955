// Warns before a signed-in session ends for inactivity, and offers to stay signed in. The
// server ends the session (jifen/web/sessions.py); this only asks it how long is left, with
// requests marked as background so that asking is not counted as activity. A script file, as
// the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  var box = document.getElementById("session-timeout");
  if (!box) {
    return;
  }
  var warning = Number(box.dataset.warning);
  var countdown = box.querySelector("[data-countdown]");
  var stay = box.querySelector("[data-stay]");
  var timer = null;
  var ticker = null;

  function csrfToken() {
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    return headers["X-CSRFToken"] || "";
  }

  function ask(method) {
    return fetch(box.dataset.url, {
      method: method,
      credentials: "same-origin",
      headers: { "X-Jifen-Background": "1", "X-CSRFToken": csrfToken() },
    }).then(function (response) {
      return response.json();
    }).then(function (body) {
      return body.remaining;
    });
  }

  function schedule(remaining) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(remaining - warning, 1) * 1000);
  }

  function signIn() {
    var next = window.location.pathname + window.location.search;
    window.location.assign(box.dataset.login + "?next=" + encodeURIComponent(next));
  }

  function show(seconds) {
    clearInterval(ticker);
    var left = seconds;
    var render = function () {
      var minutes = Math.floor(left / 60);
      var rest = String(left % 60).padStart(2, "0");
      countdown.textContent = minutes + ":" + rest;
    };
    render();
    if (box.hidden) {
      box.hidden = false;
      stay.focus();
    }
    ticker = setInterval(function () {
      left -= 1;
      render();
      if (left <= 0) {
        clearInterval(ticker);
        check();
      }
    }, 1000);
  }

  function hide() {
    clearInterval(ticker);
    box.hidden = true;
  }

  function check() {
    ask("GET").then(function (remaining) {
      if (remaining <= 0) {
        signIn();
      } else if (remaining > warning) {
        hide();
        schedule(remaining);
      } else {
        show(remaining);
      }
    }, function () {
      schedule(warning * 2); // the server did not answer: ask again later
    });
  }

  stay.addEventListener("click", function () {
    ask("POST").then(function (remaining) {
      hide();
      schedule(remaining);
    });
  });
  // Every page load and htmx request is activity on the server: start counting again.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var headers = event.detail.requestConfig && event.detail.requestConfig.headers;
    if (!headers || !headers["X-Jifen-Background"]) {
      schedule(Number(box.dataset.idle));
    }
  });
  schedule(Number(box.dataset.idle));
})();
