// Brede Gesprek: the little the server cannot do. No inline scripts (CSP).
(function () {
  "use strict";

  var dirty = new Set();

  function statusFor(element) {
    var form = element.closest("form.autosave");
    if (!form) return null;
    var target = form.getAttribute("hx-target");
    return target ? document.querySelector(target) : null;
  }

  // Remember what was typed but not yet saved, so it can be sent when the tab closes.
  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("form.autosave")) dirty.add(event.target);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var element = event.detail.elt;
    if (event.detail.successful || (event.detail.xhr && event.detail.xhr.status === 409)) {
      dirty.delete(element);
    }
  });

  // A save that did not reach the server, or that the server could not handle.
  function showFailed(event) {
    var status = statusFor(event.detail.elt);
    if (status) {
      status.textContent = document.body.dataset.msgSaveFailed;
      status.classList.add("save-error");
    }
  }
  document.addEventListener("htmx:sendError", showFailed);
  document.addEventListener("htmx:responseError", showFailed);

  // Closing the tab loses nothing: send pending fields with sendBeacon.
  function flush() {
    dirty.forEach(function (element) {
      var form = element.closest("form.autosave");
      if (!form || !element.name) return;
      var data = new FormData();
      var version = form.querySelector('input[name$="-version"]');
      var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
      data.append(element.name, element.value);
      if (version) data.append(version.name, version.value);
      if (token) data.append(token.name, token.value);
      navigator.sendBeacon(element.getAttribute("hx-post"), data);
    });
    dirty.clear();
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });

  // After a step is swapped in, put the keyboard focus on its heading.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "step") {
      var heading = document.getElementById("step-title");
      if (heading) heading.focus();
    }
  });

  // On narrow screens the plan is a panel that opens with one button.
  function setUpPlanToggle() {
    var button = document.querySelector(".plan-toggle");
    var panel = document.getElementById("plan-panel");
    if (!button || !panel) return;
    var narrow = window.matchMedia("(max-width: 1199px)");
    function apply() {
      button.hidden = !narrow.matches;
      var open = !narrow.matches || button.getAttribute("aria-expanded") === "true";
      panel.classList.toggle("collapsed", !open);
    }
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      apply();
      if (open) panel.querySelector("h2").focus();
    });
    narrow.addEventListener("change", apply);
    apply();
  }
  document.addEventListener("DOMContentLoaded", setUpPlanToggle);

  // Copy a text (the SOEP block) to the clipboard with one click.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    var source = document.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.value || source.textContent).then(function () {
      button.textContent = button.dataset.copied;
    });
  });
})();
