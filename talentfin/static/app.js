// talentfin: confirm before destructive actions (buttons with data-confirm), and send a
// form only once: a second click (or Enter) while the first request is on its way would
// otherwise fire the same action twice and land on a "page was out of date" error.
// The language switch keeps what was typed into the page's forms (see "typed" below).
// Served as a file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  var SENDING = "sending";

  // Submit buttons of the form, including those tied to it by a form="..." attribute.
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.type === "submit";
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    // GET forms (filters, searches) change nothing and need not leave the page.
    var method = (form.getAttribute("method") || "get").toLowerCase();
    if (event.defaultPrevented || method !== "post") {
      return;
    }
    if (form.dataset.state === SENDING) {
      event.preventDefault();
      return;
    }
    form.dataset.state = SENDING;
    form.setAttribute("aria-busy", "true");
    // Disabled after this event: a button disabled now would be left out of the data sent
    // (its name=value, e.g. decision=approve, would be lost).
    window.setTimeout(function () {
      submitButtons(form).forEach(function (each) {
        if (!each.disabled) {
          each.disabled = true;
          each.dataset.disabledWhileSending = "1";
        }
      });
    }, 0);
  });

  // Switching the language fetches the page anew (a GET): what was typed into the page's
  // forms (a refused form's values, a long comment) is kept in sessionStorage for the page
  // the switch returns to, and put back into the same fields of the same forms there.
  // Never a password, a file, a token or a hidden field.
  var TYPED = "talentfin-typed";

  function keptFields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && !/csrf_token$/.test(element.name) &&
        !/^(password|file|hidden|submit|button|reset|image)$/.test(element.type);
    });
  }

  function postForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return form.id !== "language-switch" &&
        (form.getAttribute("method") || "get").toLowerCase() === "post";
    });
  }

  document.addEventListener("submit", function (event) {
    var switcher = event.target;
    if (switcher.id !== "language-switch") {
      return;
    }
    var typed = [];
    postForms().forEach(function (form) {
      var action = form.getAttribute("action") || "";
      keptFields(form).forEach(function (element) {
        if (element.type === "checkbox" || element.type === "radio") {
          typed.push([action, element.name, element.value, element.checked]);
        } else if (element.value) {
          typed.push([action, element.name, element.value, null]);
        }
      });
    });
    try {
      window.sessionStorage.setItem(TYPED, JSON.stringify(
        {page: switcher.elements.next.value, fields: typed}));
    } catch (ignored) {
      // Storage full or refused: the switch goes on without it.
    }
  }, true);

  function restoreTyped() {
    var saved;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(TYPED) || "null");
      window.sessionStorage.removeItem(TYPED);
    } catch (ignored) {
      return;
    }
    if (!saved || saved.page !== window.location.pathname + window.location.search) {
      return;
    }
    postForms().forEach(function (form) {
      var action = form.getAttribute("action") || "";
      keptFields(form).forEach(function (element) {
        saved.fields.forEach(function (field) {
          if (field[0] !== action || field[1] !== element.name) {
            return;
          }
          if (field[3] === null) {
            element.value = field[2];
          } else if (element.value === field[2]) {
            element.checked = field[3];
          }
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restoreTyped);
  } else {
    restoreTyped();
  }

  // A wide table or picture scrolls sideways in its own box on a narrow screen (WCAG
  // 1.4.10): a box that does scroll takes the keyboard's focus, so that the arrow keys
  // reach what is out of sight (WCAG 2.1.1; axe's scrollable-region-focusable).
  function focusableScrollers() {
    document.querySelectorAll(".table-responsive, .overflow-auto").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "1";
      } else if (box.dataset.scrollFocus && box.scrollWidth <= box.clientWidth) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }
  window.addEventListener("load", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);

  // Back/forward can restore the page as it was left (bfcache): make its forms usable again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.forms, function (form) {
      if (form.dataset.state !== SENDING) {
        return;
      }
      delete form.dataset.state;
      form.removeAttribute("aria-busy");
      submitButtons(form).forEach(function (each) {
        if (each.dataset.disabledWhileSending) {
          each.disabled = false;
          delete each.dataset.disabledWhileSending;
        }
      });
    });
  });
})();
