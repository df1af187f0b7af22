// The editors' scripts: live preview of Markdown as customers will see it.
// The server renders the preview with the customers' pipeline (POST /api/editor/preview);
// without this script the form's "Preview" button does the same with a full page.
(function () {
  "use strict";
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  if (!body || !preview || !window.fetch) {
    return;
  }
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var lang = document.getElementById("lang");
  var slug = document.getElementById("slug");
  var timer = null;
  var latest = 0;
  var DELAY_MS = 300;

  function render() {
    var request = ++latest;
    fetch("/api/editor/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token },
      body: JSON.stringify({
        markdown: body.value,
        lang: lang ? lang.value : "",
        slug: slug ? slug.value : ""
      })
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("preview failed: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        // Only the answer to the newest request is shown, whatever order answers arrive in.
        if (request === latest) {
          // Sanitised by the server exactly as for customers.
          preview.innerHTML = data.html;
          preview.removeAttribute("data-stale");
        }
      })
      .catch(function () {
        if (request === latest) {
          preview.setAttribute("data-stale", "true");
        }
      });
  }

  function schedule() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(render, DELAY_MS);
  }

  body.addEventListener("input", schedule);
  if (slug) {
    slug.addEventListener("change", schedule);
  }
})();
