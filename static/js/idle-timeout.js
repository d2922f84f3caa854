// Brede Gesprek: the idle timeout in the page. The server ends a session after some
// minutes without a request (account_security.idle); this warns shortly before, offers
// "Stay logged in", and goes to the login page once the session has ended. Before
// warning or leaving it asks the server, since another tab may have kept the session.
(function () {
  "use strict";

  var dialog, stayButton, warnTimer, endTimer, idleSeconds, warningSeconds;

  function setUp() {
    dialog = document.querySelector("dialog.idle-warning");
    if (!dialog || typeof dialog.showModal !== "function") return;
    stayButton = dialog.querySelector("[data-idle-stay]");
    idleSeconds = Number(dialog.dataset.idleSeconds);
    warningSeconds = Number(dialog.dataset.warningSeconds);
    stayButton.addEventListener("click", stay);
    // Escape shows the user is there, as the button does.
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      stay();
    });
    // Every htmx request (autosave too) is activity on the server: start again.
    document.body.addEventListener("htmx:afterRequest", function () {
      restart(idleSeconds);
    });
    restart(idleSeconds);
  }

  function restart(secondsLeft) {
    hide();
    schedule(secondsLeft);
  }

  function schedule(secondsLeft) {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(warnIfStillIdle, Math.max(0, secondsLeft - warningSeconds) * 1000);
    endTimer = setTimeout(leaveIfEnded, (secondsLeft + 1) * 1000);
  }

  function warnIfStillIdle() {
    ask(dialog.dataset.statusUrl, "GET", function (secondsLeft) {
      if (secondsLeft > warningSeconds + 1) {
        schedule(secondsLeft);
        return;
      }
      show();
      clearTimeout(endTimer);
      endTimer = setTimeout(leaveIfEnded, (secondsLeft + 1) * 1000);
    });
  }

  function leaveIfEnded() {
    ask(dialog.dataset.statusUrl, "GET", function (secondsLeft) {
      if (secondsLeft > 0) {
        if (secondsLeft > warningSeconds) hide();
        schedule(secondsLeft);
        return;
      }
      var here = window.location.pathname + window.location.search;
      window.location.assign(dialog.dataset.loginUrl + "?next=" + encodeURIComponent(here));
    });
  }

  function stay() {
    ask(dialog.dataset.keepaliveUrl, "POST", function (secondsLeft) {
      if (secondsLeft > 0) {
        restart(secondsLeft);
      } else {
        leaveIfEnded();
      }
    });
  }

  function ask(url, method, then) {
    window
      .fetch(url, {
        method: method,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": dialog.dataset.csrfToken }
      })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (answer) {
        then(Number(answer.seconds_left));
      })
      .catch(function () {
        // No answer (no connection): ask again shortly rather than leave the page.
        clearTimeout(endTimer);
        endTimer = setTimeout(leaveIfEnded, 15000);
      });
  }

  function show() {
    if (!dialog.open) dialog.showModal();
    stayButton.focus();
  }

  function hide() {
    if (dialog.open) dialog.close();
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
