// Brede Gesprek: the keyboard focus after htmx actions. No inline scripts (CSP).
(function () {
  "use strict";

  // ---------------------------------------------------------------------------
  // Focus where the work goes on, after every htmx action (not after autosave),
  // unless the answer put it on an element of its own (autofocus):
  // 1. a new step: its heading;
  // 2. what the server names in the Focus-Next header (ids, first one present),
  //    e.g. the new goal's field;
  // 3. what the form names in data-focus-after (ids);
  // 4. the same form again: its first invalid field, else its first empty text
  //    field (to add the next one), else the button that was pressed;
  // 5. the list the form was in (after a remove);
  // 6. the heading of what was swapped.
  // ---------------------------------------------------------------------------

  var origins = new WeakMap(); // htmx request config -> where the action came from
  var navigations = new WeakSet();
  var settled = new WeakSet();

  function idsIn(text) {
    return (text || "").split(/\s+/).filter(Boolean);
  }

  function listOf(element) {
    var list = element.closest("ul, ol");
    if (!list) return null;
    if (list.id) return { id: list.id };
    var anchor = list.parentElement && list.parentElement.closest("[id]");
    if (!anchor) return null;
    var selector = list.tagName.toLowerCase() + (list.classList[0] ? "." + CSS.escape(list.classList[0]) : "");
    return {
      anchor: anchor.id,
      selector: selector,
      index: Array.prototype.indexOf.call(anchor.querySelectorAll(selector), list)
    };
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var element = event.detail.elt;
    if (element.closest("form.autosave")) return; // a field saving itself moves no focus
    var form = element.tagName === "FORM" ? element : element.closest("form");
    var source = form || element;
    var submitter = event.detail.triggeringEvent && event.detail.triggeringEvent.submitter;
    origins.set(event.detail, {
      hints: idsIn(source.dataset.focusAfter),
      ids: form ? Array.prototype.map.call(form.querySelectorAll("[id]"), function (item) { return item.id; }) : [],
      action: source.getAttribute("hx-post") || source.getAttribute("hx-get"),
      submitter: submitter ? Array.prototype.indexOf.call(form.elements, submitter) : -1,
      list: listOf(source)
    });
  });

  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    if (event.detail.requestConfig) navigations.add(event.detail.requestConfig);
  });

  function isFocusable(element) {
    return element.tabIndex >= 0 || element.matches("a[href], button, input, select, textarea, summary");
  }

  function focusOn(element) {
    if (!element || element.disabled) return false;
    if ((element.tagName === "UL" || element.tagName === "OL") && !element.children.length) return false;
    for (var closed = element.parentElement && element.parentElement.closest("details:not([open])");
         closed;
         closed = closed.parentElement && closed.parentElement.closest("details:not([open])")) {
      closed.open = true;
    }
    if (!element.getClientRects().length) return false;
    if (!isFocusable(element)) element.setAttribute("tabindex", "-1");
    element.focus();
    return document.activeElement === element;
  }

  function focusFirst(ids) {
    return ids.some(function (id) { return focusOn(document.getElementById(id)); });
  }

  function sameForm(origin) {
    var form = null;
    origin.ids.some(function (id) {
      var element = document.getElementById(id);
      form = element ? (element.tagName === "FORM" ? element : element.closest("form")) : null;
      return Boolean(form);
    });
    if (!form && origin.action) {
      var matches = document.querySelectorAll('form[hx-post="' + CSS.escape(origin.action) + '"]');
      if (matches.length === 1) form = matches[0];
    }
    if (!form) return false;
    var entries = Array.prototype.filter.call(form.elements, function (element) {
      return element.matches("textarea, input:not([type]), input[type=text], input[type=search], input[type=email], input[type=tel], input[type=url], input[type=number]");
    });
    var invalid = form.querySelector('[aria-invalid="true"]');
    var empty = entries.filter(function (element) { return !element.value; })[0];
    return focusOn(invalid) || focusOn(empty) || focusOn(form.elements[origin.submitter]) ||
      focusOn(form.querySelector('button:not([type="button"])'));
  }

  function focusList(origin) {
    if (!origin.list) return false;
    if (origin.list.id) return focusOn(document.getElementById(origin.list.id));
    var anchor = document.getElementById(origin.list.anchor);
    return Boolean(anchor) && focusOn(anchor.querySelectorAll(origin.list.selector)[origin.list.index]);
  }

  function focusHeading(target) {
    return Boolean(target) && focusOn(target.querySelector("h1, h2, h3, h4"));
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    if (!config || settled.has(config) || !origins.has(config)) return;
    settled.add(config);
    var origin = origins.get(config);
    var target = config.target;
    // The answer chose its own focus (a question to answer first): leave it there.
    if (document.activeElement && document.activeElement.hasAttribute("autofocus")) return;
    if (navigations.has(config)) {
      focusHeading(target);
      return;
    }
    var named = idsIn(event.detail.xhr && event.detail.xhr.getResponseHeader("Focus-Next"));
    focusFirst(named) || focusFirst(origin.hints) || sameForm(origin) || focusList(origin) ||
      focusHeading(target);
  });
})();
