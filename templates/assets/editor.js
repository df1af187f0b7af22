// The editors' scripts: the category choice follows the language, and live preview of
// Markdown as customers will see it.
// Without this script the form still works: the server lists the form's language's
// categories, the new-category field is always shown, and the "Preview" button renders the
// preview with a full page.
(function () {
  "use strict";
  var select = document.getElementById("category");
  var lang = document.getElementById("lang");
  var newField = document.getElementById("new-category-field");
  if (!select || !lang || !newField) {
    return;
  }
  var byLanguage = {};
  try {
    byLanguage = JSON.parse(select.getAttribute("data-categories") || "{}");
  } catch (error) {
    return;
  }
  var newChoice = select.getAttribute("data-new-choice");
  var shownLanguage = lang.value.trim();

  function showNewField() {
    newField.hidden = select.value !== newChoice;
  }

  // Replaces the language's categories between the first option ("No category") and the
  // last ("New category…"), keeping the chosen one when the new language has it too.
  function followLanguage() {
    var language = lang.value.trim();
    if (language === shownLanguage) {
      return;
    }
    shownLanguage = language;
    var chosen = select.value;
    var names = byLanguage[language] || [];
    var none = select.options[0];
    var create = select.options[select.options.length - 1];
    while (select.options.length > 2) {
      select.remove(1);
    }
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      select.insertBefore(option, create);
    });
    if (chosen === newChoice) {
      create.selected = true;
    } else if (names.indexOf(chosen) >= 0) {
      select.value = chosen;
    } else {
      none.selected = true;
    }
    showNewField();
  }

  select.addEventListener("change", showNewField);
  lang.addEventListener("input", followLanguage);
  lang.addEventListener("change", followLanguage);
  showNewField();
})();

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

// Images: a chosen or pasted image is uploaded at once and its Markdown inserted where the
// cursor is. Without this script the small image form uploads with a full page and shows
// the Markdown to paste.
(function () {
  "use strict";
  var form = document.getElementById("image-form");
  var body = document.getElementById("body");
  var input = document.getElementById("image");
  var status = document.getElementById("image-status");
  if (!form || !body || !input || !window.fetch || !window.FormData) {
    return;
  }
  var url = "/api" + form.getAttribute("action");
  var token = form.getAttribute("data-csrf") || "";

  function insert(markdown) {
    var start = body.selectionStart || 0;
    var end = body.selectionEnd || start;
    var before = body.value.slice(0, start);
    var after = body.value.slice(end);
    var text = (before && !/\n$/.test(before) ? "\n" : "") + markdown + "\n";
    body.value = before + text + after;
    body.selectionStart = body.selectionEnd = before.length + text.length;
    body.dispatchEvent(new Event("input", { bubbles: true }));
    body.focus();
  }

  function upload(file) {
    var data = new FormData();
    data.append("csrf_token", token);
    data.append("image", file, file.name || "image.png");
    status.textContent = "Uploading " + (file.name || "image") + "…";
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token, Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) {
            throw new Error(json.error || "The image could not be uploaded.");
          }
          return json;
        });
      })
      .then(function (json) {
        insert(json.markdown);
        status.textContent = "Image added to the body.";
      })
      .catch(function (error) {
        status.textContent = error.message;
      });
  }

  form.addEventListener("submit", function (event) {
    if (input.files && input.files.length) {
      event.preventDefault();
      upload(input.files[0]);
      input.value = "";
    }
  });
  input.addEventListener("change", function () {
    if (input.files && input.files.length) {
      upload(input.files[0]);
      input.value = "";
    }
  });
  body.addEventListener("paste", function (event) {
    var items = (event.clipboardData && event.clipboardData.files) || [];
    for (var i = 0; i < items.length; i++) {
      if (/^image\//.test(items[i].type)) {
        event.preventDefault();
        upload(items[i]);
        return;
      }
    }
  });
})();
