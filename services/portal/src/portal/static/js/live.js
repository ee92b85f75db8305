// Live parts of a page: an element with data-live-source listens to the portal's event
// stream and, on each event, re-reads its content (data-live-refresh, server-rendered),
// so the page itself is never reloaded.
"use strict";

(function () {
  function announce(text) {
    var announcer = document.getElementById("announcer");
    if (!announcer || !text) return;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function setState(name) {
    var state = document.getElementById("live-state");
    if (!state) return;
    state.textContent = state.getAttribute("data-" + name) || "";
    state.setAttribute("data-live", name);
  }

  function watch(element) {
    var source = element.getAttribute("data-live-source");
    var eventName = element.getAttribute("data-live-event") || "message";
    var refreshUrl = element.getAttribute("data-live-refresh");
    var timer = null;
    var busy = false;
    var again = false;

    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      fetch(refreshUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          if (element.innerHTML.trim() !== html.trim()) {
            element.innerHTML = html;
            element.setAttribute("data-refreshed", String(Date.now()));
            var state = document.getElementById("live-state");
            announce(state ? state.getAttribute("data-updated") : "");
          }
        })
        .catch(function () { /* the next event tries again */ })
        .finally(function () {
          busy = false;
          if (again) { again = false; refresh(); }
        });
    }

    function changed() {
      if (!refreshUrl) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 250);
    }

    var stream = new EventSource(source);
    stream.addEventListener("open", function () { setState("on"); });
    stream.addEventListener("error", function () {
      setState(stream.readyState === EventSource.CLOSED ? "off" : "connecting");
    });
    stream.addEventListener(eventName, changed);
    window.addEventListener("pagehide", function () { stream.close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live-source]").forEach(watch);
  });
})();
