// Brede Gesprek: autosave that loses nothing, and what the page does without a
// connection. No inline scripts (CSP).
(function () {
  "use strict";

  var messages = document.body.dataset;

  function message(name, values) {
    return (messages[name] || "").replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  // ---------------------------------------------------------------------------
  // Autosave that loses nothing.
  //
  // Each field of a record form (form.autosave) saves itself through htmx. Per field
  // the page keeps the value it last knew the server to have and the values it sent
  // that are not confirmed yet: together the field's "bases", sent with every save.
  // When the record was saved since this page saw it, the server still saves the
  // field if what it stores is one of these bases (its own save still on its way,
  // or another field or person), and refuses only when someone else changed this
  // field. Unsaved text is kept in sessionStorage (per record and field) until the
  // server confirms it, so a reload shows it again and sends it; on closing the
  // tab it is sent with a keepalive request.
  // ---------------------------------------------------------------------------

  var DRAFT = "autosave:";
  var BASE = "base:";
  var fields = new Map(); // "<url> <name>" -> {url, name, server, sent, problem}
  var requests = new WeakMap(); // htmx request config -> {state, value}

  function isAutosaveField(element) {
    return Boolean(
      element && element.name && element.hasAttribute && element.hasAttribute("hx-post") &&
      element.closest("form.autosave")
    );
  }

  function keyOf(element) {
    return element.getAttribute("hx-post") + " " + element.name;
  }

  function group(element) {
    return element.type === "radio" && element.form
      ? Array.prototype.filter.call(element.form.elements, function (item) {
          return item.type === "radio" && item.name === element.name;
        })
      : [element];
  }

  // The value as the form sends it; checkboxes as Django reads them.
  function currentValue(element) {
    if (element.type === "radio") {
      var checked = group(element).filter(function (item) { return item.checked; })[0];
      return checked ? checked.value : "";
    }
    if (element.type === "checkbox") return element.checked ? "true" : "false";
    return element.value;
  }

  // The value the server rendered.
  function shownValue(element) {
    if (element.type === "radio") {
      var chosen = group(element).filter(function (item) { return item.defaultChecked; })[0];
      return chosen ? chosen.value : "";
    }
    if (element.type === "checkbox") return element.defaultChecked ? "true" : "false";
    if (element.tagName === "SELECT") {
      var options = Array.prototype.slice.call(element.options);
      var selected = options.filter(function (option) { return option.defaultSelected; })[0];
      return (selected || options[0] || { value: "" }).value;
    }
    return element.defaultValue;
  }

  function setValue(element, value) {
    if (element.type === "radio") {
      group(element).forEach(function (item) { item.checked = item.value === value; });
    } else if (element.type === "checkbox") {
      element.checked = value === "true";
    } else {
      element.value = value;
    }
  }

  function elementFor(state) {
    var found = null;
    document.querySelectorAll("form.autosave [hx-post]").forEach(function (element) {
      if (found || element.name !== state.name || element.getAttribute("hx-post") !== state.url) return;
      found = element;
    });
    if (found && found.type === "radio") {
      found = group(found).filter(function (item) { return item.checked; })[0] || found;
    }
    return found;
  }

  function stateOf(element) {
    var key = keyOf(element);
    if (!fields.has(key)) {
      fields.set(key, {
        key: key,
        url: element.getAttribute("hx-post"),
        name: element.name,
        server: shownValue(element),
        sent: [],
        problem: null
      });
    }
    return fields.get(key);
  }

  function basesOf(state) {
    return [state.server].concat(state.sent).filter(function (value, index, all) {
      return all.indexOf(value) === index;
    });
  }

  function isUnsaved(state) {
    var element = elementFor(state);
    return Boolean(element) && (currentValue(element) !== state.server || state.sent.length > 0);
  }

  function readDraft(key) {
    try {
      return JSON.parse(sessionStorage.getItem(DRAFT + key) || "null");
    } catch (error) {
      return null;
    }
  }

  function keepDraft(state) {
    var element = elementFor(state);
    try {
      if (element && isUnsaved(state)) {
        sessionStorage.setItem(
          DRAFT + state.key,
          JSON.stringify({ value: currentValue(element), bases: basesOf(state) })
        );
      } else {
        sessionStorage.removeItem(DRAFT + state.key);
      }
    } catch (error) {
      // Storage full or refused: the page still saves as it goes.
    }
  }

  function statusFor(element) {
    var form = element.closest("form.autosave");
    var target = form && form.getAttribute("hx-target");
    return target ? document.querySelector(target) : null;
  }

  function showStatus(element, text) {
    var status = statusFor(element);
    if (status) {
      status.textContent = text;
      status.classList.add("save-error");
    }
  }

  // A field the server has (again) rendered: take its value as the server's, and
  // bring back what was typed here and not confirmed yet, then send it.
  function adopt(element) {
    var state = stateOf(element);
    var shown = shownValue(element);
    var index = state.sent.indexOf(shown);
    if (index >= 0) state.sent.splice(0, index + 1);
    state.server = shown;
    var draft = readDraft(state.key);
    if (!draft || element.disabled) return; // a finished conversation takes no more text
    if (draft.value === shown) {
      keepDraft(state);
      return;
    }
    // Sent with the bases it had: saved when the server still has one of them,
    // otherwise someone else changed the field and both texts are shown.
    state.server = draft.bases[0];
    state.sent = draft.bases.slice(1);
    setValue(element, draft.value);
    resend(state);
  }

  function resend(state) {
    var element = elementFor(state);
    if (element && window.htmx) window.htmx.trigger(element, "change");
  }

  // An editor fetched only when it is opened (an agreement in the plan panel) may have
  // text typed before a reload: open it, so that its fields come back and are sent.
  function openEditorsWithDrafts(root) {
    if (!root.querySelectorAll) return;
    var keys = [];
    try {
      for (var index = 0; index < sessionStorage.length; index += 1) keys.push(sessionStorage.key(index));
    } catch (error) {
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll("details[data-drafts-of]"), function (details) {
      var prefix = DRAFT + details.getAttribute("data-drafts-of") + " ";
      var hasDraft = keys.some(function (key) { return key && key.indexOf(prefix) === 0; });
      if (hasDraft && !details.open) details.open = true;
    });
  }

  document.addEventListener("htmx:load", function (event) {
    openEditorsWithDrafts(event.target);
  });

  document.addEventListener("htmx:load", function (event) {
    var seen = new Set();
    var root = event.target;
    var candidates = root.querySelectorAll ? root.querySelectorAll("form.autosave [hx-post][name]") : [];
    Array.prototype.forEach.call(candidates, function (element) {
      var key = keyOf(element);
      if (seen.has(key)) return;
      seen.add(key);
      adopt(element);
    });
    releaseLimits(root);
  });

  document.addEventListener("input", function (event) {
    if (isAutosaveField(event.target)) keepDraft(stateOf(event.target));
  });
  document.addEventListener("change", function (event) {
    if (isAutosaveField(event.target)) keepDraft(stateOf(event.target));
  });

  // Every save carries the field's bases; a checkbox says false when unticked.
  document.addEventListener("htmx:configRequest", function (event) {
    var element = event.detail.elt;
    if (!isAutosaveField(element)) return;
    var state = stateOf(element);
    var value = currentValue(element);
    var data = event.detail.formData;
    if (element.type === "checkbox") data.set(element.name, value);
    basesOf(state).forEach(function (base) { data.append(BASE + element.name, base); });
    state.sent.push(value);
    requests.set(event.detail, { state: state, value: value });
    keepDraft(state);
  });

  function confirmSaved(state, value) {
    var index = state.sent.indexOf(value);
    state.sent.splice(0, index + 1);
    state.server = value;
    state.problem = null;
    keepDraft(state);
  }

  document.addEventListener("htmx:afterRequest", function (event) {
    var request = requests.get(event.detail.requestConfig);
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (!request) {
      if (status >= 200 && status < 300) resolvedConflict(event.detail.elt);
      return;
    }
    var state = request.state;
    if (status >= 200 && status < 300) {
      confirmSaved(state, request.value);
      retryDelay = FIRST_RETRY;
      return;
    }
    if (status !== 0) {
      // Refused or failed on the server: not stored.
      var index = state.sent.lastIndexOf(request.value);
      if (index >= 0) state.sent.splice(index, 1);
    }
    state.problem = status === 409 ? "conflict" : status === 422 ? "invalid" : "failed";
    keepDraft(state);
    if (status === 0 || status >= 500) scheduleRetry();
  });

  // "Save my text anyway" in a conflict: the fields it posted are stored now.
  function resolvedConflict(form) {
    if (!form || !form.classList || !form.classList.contains("conflict-resolve")) return;
    var url = form.getAttribute("hx-post");
    Array.prototype.forEach.call(form.elements, function (input) {
      var state = fields.get(url + " " + input.name);
      if (state) confirmSaved(state, input.value);
    });
  }

  // A save that did not reach the server, or that the server could not handle.
  document.addEventListener("htmx:sendError", function (event) {
    if (isAutosaveField(event.detail.elt)) {
      showStatus(event.detail.elt, messages.msgSaveOffline);
    } else {
      showConnectionNote(messages.msgActionOffline);
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (isAutosaveField(event.detail.elt)) showStatus(event.detail.elt, messages.msgSaveFailed);
  });

  // The server's answer to a save: mark the fields it refused, unmark saved ones.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id || target.id.indexOf("status-") !== 0) return;
    var form = document.querySelector('form.autosave[hx-target="#' + target.id + '"]');
    if (!form) return;
    var refusal = target.querySelector("[data-invalid-fields]");
    var invalid = refusal ? refusal.dataset.invalidFields.split(/\s+/) : [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.type === "hidden") return;
      if (invalid.indexOf(element.name) >= 0) {
        element.setAttribute("aria-invalid", "true");
        element.setAttribute("aria-describedby", target.id);
      } else if (element.getAttribute("aria-describedby") === target.id) {
        element.removeAttribute("aria-invalid");
        element.removeAttribute("aria-describedby");
      }
    });
  });

  // Keeping the stored text after a conflict: forget what was typed here.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-discard-drafts]") : null;
    if (!link) return;
    var url = link.dataset.discardDrafts;
    fields.forEach(function (state, key) {
      if (state.url !== url) return;
      fields.delete(key);
      try {
        sessionStorage.removeItem(DRAFT + key);
      } catch (error) {
        // Nothing kept, nothing to forget.
      }
    });
  });

  // Sent again by themselves: when the connection is back, and a while after a
  // failure (the browser does not always know the network is gone).
  var FIRST_RETRY = 2000;
  var retryDelay = FIRST_RETRY;
  var retryTimer = null;

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      resendUnsaved();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  function resendUnsaved() {
    if (!navigator.onLine) return;
    fields.forEach(function (state) {
      if ((state.problem === "failed" || state.problem === "sent-on-leaving") && isUnsaved(state)) {
        resend(state);
      }
    });
  }

  // Closing the tab (or leaving it for another app) sends what is not confirmed:
  // a keepalive request outlives the page, and carries the bases like any save.
  function flush() {
    fields.forEach(function (state) {
      var element = elementFor(state);
      if (!element || !isUnsaved(state)) return;
      if (state.problem === "conflict" || state.problem === "invalid") return;
      var form = element.closest("form.autosave");
      var data = new FormData();
      var value = currentValue(element);
      var version = form.querySelector('input[name$="-version"]');
      var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
      data.append(element.name, value);
      basesOf(state).forEach(function (base) { data.append(BASE + element.name, base); });
      if (version) data.append(version.name, version.value);
      if (token) data.append(token.name, token.value);
      send(state.url, data, token ? token.value : "");
      if (state.sent.indexOf(value) < 0) state.sent.push(value);
      state.problem = "sent-on-leaving";
      keepDraft(state);
    });
  }

  function send(url, data, token) {
    if (window.fetch) {
      try {
        window.fetch(url, {
          method: "POST",
          body: data,
          keepalive: true,
          credentials: "same-origin",
          headers: { "HX-Request": "true", "X-CSRFToken": token }
        });
        return;
      } catch (error) {
        // Too much for a keepalive request: the beacon below.
      }
    }
    navigator.sendBeacon(url, data);
  }

  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
    else resendUnsaved();
  });

  // Warn before closing when typed text cannot be sent now: no connection, or the
  // server refused it (a conflict to choose in, a text too long).
  window.addEventListener("beforeunload", function (event) {
    var atRisk = false;
    fields.forEach(function (state) {
      if (!isUnsaved(state)) return;
      if (!navigator.onLine || (state.problem && state.problem !== "sent-on-leaving")) atRisk = true;
    });
    if (atRisk) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // ---------------------------------------------------------------------------
  // No connection: say so, and keep buttons that need the server from doing nothing.
  // ---------------------------------------------------------------------------

  function showConnectionNote(text) {
    var note = document.getElementById("connection-note");
    if (!note) {
      note = document.createElement("p");
      note.id = "connection-note";
      note.className = "connection-note";
      note.setAttribute("role", "status");
      document.body.appendChild(note);
    }
    note.textContent = text;
  }

  function hideConnectionNote() {
    var note = document.getElementById("connection-note");
    if (note) note.remove();
  }

  function serverButtons(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll('form button:not([type="button"]), form input[type="submit"]'),
      function (button) { return !button.closest("form.autosave"); }
    );
  }

  function applyConnection(root) {
    if (navigator.onLine) {
      document.querySelectorAll("[data-offline-disabled]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("data-offline-disabled");
        button.removeAttribute("aria-describedby");
      });
      return;
    }
    showConnectionNote(messages.msgOffline);
    serverButtons(root).forEach(function (button) {
      if (button.disabled) return;
      button.disabled = true;
      button.setAttribute("data-offline-disabled", "");
      button.setAttribute("aria-describedby", "connection-note");
    });
  }

  window.addEventListener("offline", function () {
    applyConnection(document);
  });
  window.addEventListener("online", function () {
    hideConnectionNote();
    applyConnection(document);
    retryDelay = FIRST_RETRY;
    fields.forEach(function (state) {
      if (isUnsaved(state) && state.problem !== "conflict" && state.problem !== "invalid") {
        resend(state);
      }
    });
  });
  document.addEventListener("htmx:load", function (event) {
    if (!navigator.onLine) applyConnection(event.target);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.xhr && event.detail.xhr.status && navigator.onLine) hideConnectionNote();
  });

  // ---------------------------------------------------------------------------
  // A length limit that is seen, not a browser silently cutting pasted text: the
  // server refuses text over the limit with a message at the field.
  // ---------------------------------------------------------------------------

  function releaseLimits(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("form[hx-post] [maxlength]").forEach(function (field) {
      field.setAttribute("data-maxlength", field.getAttribute("maxlength"));
      field.removeAttribute("maxlength");
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    var limit = field.dataset ? parseInt(field.dataset.maxlength, 10) : NaN;
    if (!limit) return;
    var id = (field.id || field.name) + "-limit";
    var hint = document.getElementById(id);
    var length = field.value.length;
    if (length < limit * 0.9) {
      if (hint) hint.remove();
      return;
    }
    if (!hint) {
      hint = document.createElement("span");
      hint.id = id;
      hint.className = "field-limit";
      hint.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", hint);
    }
    hint.classList.toggle("save-error", length > limit);
    hint.textContent = length > limit
      ? message("msgTooLong", { count: length - limit, limit: limit })
      : message("msgCharsLeft", { count: limit - length });
  });
})();
