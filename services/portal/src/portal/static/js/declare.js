// The declaration form's enhancements: regions of the chosen element, "choose another"
// interlocutor, the contact's own language proposed, the browser's time zone and time,
// and file uploads with their progress. Without script the form still works (files
// excepted); the server checks everything anyway.
"use strict";

(function () {
  var form = document.getElementById("declaration");
  if (!form) return;
  var csrf = document.querySelector("meta[name=csrf-token]").getAttribute("content");

  function regionsFollowElement() {
    var region = document.getElementById("region");
    if (!region) return;
    var chosen = form.querySelector("input[name=element_id]:checked");
    var elementId = chosen ? chosen.value : null;
    var offered = 0;
    var last = null;
    Array.prototype.forEach.call(region.options, function (option) {
      var owner = option.getAttribute("data-element");
      if (!owner) return;
      var mine = elementId !== null && owner === elementId;
      option.hidden = !mine;
      option.disabled = !mine;
      if (mine) { offered += 1; last = option; }
      if (!mine && option.selected) region.value = "";
    });
    if (offered === 1 && !region.value) last.selected = true;
  }

  function interlocutorChoice() {
    var other = document.getElementById("interlocutor-other");
    var choice = document.getElementById("interlocutor-choice");
    if (!other || !choice) return;
    choice.hidden = !other.checked;
  }

  function browserTime() {
    var zone = document.getElementById("time_zone");
    try {
      var name = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && name) zone.value = name;
    } catch (e) { /* the server's default zone stays */ }
    // A new form proposes the current time as the browser sees it; a form sent back
    // keeps what was typed.
    if (document.getElementById("error-summary") || form.hasAttribute("data-focus")) return;
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    var date = document.getElementById("occurred_date");
    var time = document.getElementById("occurred_time");
    if (date) date.value = now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate());
    if (time) time.value = two(now.getHours()) + ":" + two(now.getMinutes());
  }

  function contactLanguage(event) {
    var select = event.target;
    if (!select.classList || !select.classList.contains("notify-contact")) return;
    var option = select.options[select.selectedIndex];
    var language = option ? option.getAttribute("data-language") : null;
    var row = select.closest(".notify-row");
    var languageSelect = row ? row.querySelector(".notify-language") : null;
    if (language && languageSelect) languageSelect.value = language;
  }

  // ---- files ----------------------------------------------------------------------
  var list = document.getElementById("attachment-list");
  var input = document.getElementById("attachments");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);

  function message(name) { return form.getAttribute("data-msg-" + name) || ""; }

  function hidden(name, value) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    field.value = value;
    return field;
  }

  function removeButton(item) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button remove-attachment";
    button.textContent = message("remove");
    item.appendChild(button);
  }

  function failed(item, text) {
    var status = item.querySelector(".upload-status");
    status.textContent = text || message("failed");
    status.setAttribute("role", "alert");
    item.classList.add("upload-failed");
    var progress = item.querySelector("progress");
    if (progress) progress.remove();
    removeButton(item);
  }

  function upload(file) {
    var item = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = file.name;
    var progress = document.createElement("progress");
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-label", message("uploading") + " " + file.name);
    var status = document.createElement("span");
    status.className = "upload-status";
    status.textContent = message("uploading");
    item.appendChild(name);
    item.appendChild(progress);
    item.appendChild(status);
    list.appendChild(item);
    if (file.size > maxBytes) {
      failed(item, message("too-large"));
      return;
    }
    var body = new FormData();
    body.append("file", file, file.name);
    var request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("data-upload-url"));
    request.setRequestHeader("X-CSRF-Token", csrf);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    });
    request.addEventListener("load", function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (e) { /* not JSON */ }
      if (request.status === 201 && answer.id) {
        progress.value = 100;
        progress.remove();
        status.textContent = message("uploaded");
        item.appendChild(hidden("attachment_id", answer.id));
        item.appendChild(hidden("attachment_name", answer.filename || file.name));
        removeButton(item);
      } else {
        failed(item, answer.detail);
      }
    });
    request.addEventListener("error", function () { failed(item, null); });
    request.send(body);
  }

  if (input && list) {
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, upload);
      input.value = "";
    });
  }
  if (list) {
    list.addEventListener("click", function (event) {
      if (event.target.classList.contains("remove-attachment")) {
        event.target.closest("li").remove();
        if (input) input.focus();
      }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "element_id") regionsFollowElement();
    if (event.target.name === "interlocutor") interlocutorChoice();
    contactLanguage(event);
  });
  regionsFollowElement();
  interlocutorChoice();
  browserTime();
})();
