// Brede Gesprek: the little the server cannot do. No inline scripts (CSP).
(function () {
  "use strict";

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
    // A link to a place inside the closed panel (a step's "To teach-back") opens it.
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
      var target = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
      if (!target || !panel.contains(target) || !panel.classList.contains("collapsed")) return;
      button.setAttribute("aria-expanded", "true");
      apply();
    });
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

  // A closed agreement shows its "what" as a line: keep that line as typed.
  document.addEventListener("input", function (event) {
    var id = event.target.id;
    var line = id ? document.querySelector('[data-live-text="' + id + '"]') : null;
    if (line) line.textContent = event.target.value;
  });
})();
