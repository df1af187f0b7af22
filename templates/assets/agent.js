// The agents' scripts: inbox selection for bulk actions, canned responses and article links in
// replies. Every page works without them; they only save clicks and keep typed text.
(function () {
  "use strict";

  var csrf = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = csrf ? csrf.getAttribute("content") : "";

  // Inbox: a "select all" checkbox for the bulk form.
  var selectAll = document.getElementById("select-all");
  if (selectAll) {
    selectAll.hidden = false;
    selectAll.addEventListener("change", function () {
      document.querySelectorAll('#bulk-form input[name="ticket"]').forEach(function (box) {
        box.checked = selectAll.checked;
      });
    });
  }

  var reply = document.getElementById("reply-body");

  // Inserts text at the cursor of the reply box, keeping what is already typed.
  function insertIntoReply(text) {
    if (!reply) return;
    var start = reply.selectionStart || 0;
    var end = reply.selectionEnd || 0;
    var before = reply.value.slice(0, start);
    var after = reply.value.slice(end);
    var glue = before && !/\s$/.test(before) ? " " : "";
    reply.value = before + glue + text + after;
    var caret = (before + glue + text).length;
    reply.focus();
    reply.setSelectionRange(caret, caret);
  }

  // Canned responses: filled in by the server for this ticket, inserted without a reload.
  var cannedForm = document.getElementById("canned-form");
  if (cannedForm && reply) {
    cannedForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var ticket = cannedForm.getAttribute("data-ticket");
      var canned = cannedForm.querySelector("select").value;
      fetch("/api/agent/tickets/" + encodeURIComponent(ticket) + "/canned/" + encodeURIComponent(canned), {
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRF-Token": csrfToken }
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) { insertIntoReply(data.body); })
        .catch(function () { cannedForm.submit(); });
    });
  }

  // Article links: search the help centre and insert an article's address into the reply.
  var searchForm = document.getElementById("article-search-form");
  var results = document.getElementById("article-results");
  if (searchForm && results && reply) {
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = searchForm.querySelector('input[name="q"]').value.trim();
      if (!query) return;
      fetch("/api/agent/articles?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          results.textContent = "";
          var hits = data.articles || [];
          if (!hits.length) {
            var none = document.createElement("li");
            none.className = "muted";
            none.textContent = "No article matches.";
            results.appendChild(none);
            return;
          }
          hits.forEach(function (hit) {
            var url = hit.url;
            var item = document.createElement("li");
            var title = document.createElement("strong");
            title.textContent = hit.title;
            var button = document.createElement("button");
            button.type = "button";
            button.className = "button button-small button-secondary";
            button.textContent = "Insert link";
            button.addEventListener("click", function () { insertIntoReply(hit.title + ": " + url); });
            item.appendChild(title);
            item.appendChild(document.createTextNode(" "));
            item.appendChild(button);
            results.appendChild(item);
          });
        })
        .catch(function () { searchForm.submit(); });
    });
  }
})();
