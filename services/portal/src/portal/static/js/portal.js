// Small enhancements of every page; the pages work without them.
"use strict";

(function () {
  // A page sent back with errors: focus the summary, so a screen reader reads it first;
  // a page that asks for a control (a new row of contacts): focus that one.
  function focusOnLoad() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      return;
    }
    var form = document.querySelector("form[data-focus]");
    if (form) {
      var target = document.getElementById(form.getAttribute("data-focus"));
      if (target) target.focus();
    }
  }

  // A form sent once: its submit button waits, so a double click does not send twice
  // (the declaration's idempotency key makes a second send harmless anyway).
  function guardSubmits() {
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sending") === "true") {
          event.preventDefault();
          return;
        }
        var submitter = event.submitter;
        // "Add a contact" is not a send.
        if (submitter && submitter.hasAttribute("formnovalidate")) return;
        form.setAttribute("data-sending", "true");
        window.setTimeout(function () { form.removeAttribute("data-sending"); }, 8000);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusOnLoad();
    guardSubmits();
  });
})();
