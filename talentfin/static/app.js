// talentfin: confirm before destructive actions (buttons with data-confirm), and send a
// form only once: a second click (or Enter) while the first request is on its way would
// otherwise fire the same action twice and land on a "page was out of date" error.
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
