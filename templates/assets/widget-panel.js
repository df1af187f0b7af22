// The help widget's panel, inside an iframe on a customer's site. It talks to the host page
// only through postMessage, to and from the one origin the server named (data-host), and to
// the help centre with its key and draft, never a cookie. Texts come from the page.
(function () {
  'use strict';

  var body = document.body;
  var KEY = body.getAttribute('data-key');
  var DRAFT = body.getAttribute('data-draft');
  var HOST = body.getAttribute('data-host');
  var LANG = body.getAttribute('data-lang');
  // The pause after the last keystroke before asking for suggestions.
  var TYPING_DELAY_MS = 150;

  function $(id) { return document.getElementById(id); }

  function tell(type, detail) {
    // Only ever to the configured site the server named for this panel.
    window.parent.postMessage({ answerdesk: 1, type: type, detail: detail || {} }, HOST);
  }

  // With files the body is multipart, typed fields first and the files last.
  function call(path, fields, files) {
    var form = files ? new FormData() : new URLSearchParams();
    form.set('key', KEY);
    form.set('draft', DRAFT);
    form.set('lang', LANG);
    Object.keys(fields).forEach(function (name) { form.set(name, fields[name]); });
    if (files) {
      for (var i = 0; i < files.length; i++) form.append('files', files[i]);
    }
    return fetch('/api/widget/' + path, {
      method: 'POST',
      credentials: 'omit',
      headers: { Accept: 'application/json' },
      body: form
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  // Views: one shows at a time; Back returns to the search.
  var current = 'home';
  function show(name, focus) {
    ['home', 'article', 'form', 'solved', 'filed'].forEach(function (view) {
      $('view-' + view).hidden = view !== name;
    });
    current = name;
    $('panel-back').hidden = name === 'home';
    if (focus) { var target = $(focus); if (target) target.focus(); }
  }

  function articleItem(item, from) {
    var node = $('article-item').content.firstElementChild.cloneNode(true);
    var button = node.querySelector('button');
    button.setAttribute('data-slug', item.slug);
    button.setAttribute('data-from', from);
    node.querySelector('.article-link-title').textContent = item.title;
    // The server escaped the passage and marked the matched words.
    node.querySelector('.article-link-snippet').innerHTML = item.snippet || '';
    return node;
  }

  // As-you-type: every pause saves the text into the draft and lists what answers it.
  var timer = null;
  var asked = 0;
  function typed() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = $('panel-search').value;
      var mine = ++asked;
      call('typing', { text: text }).then(function (answer) {
        if (mine !== asked) return;
        var list = $('suggestion-list');
        list.textContent = '';
        var items = (answer.data && answer.data.suggestions) || [];
        items.forEach(function (item) { list.appendChild(articleItem(item, 'suggest')); });
        $('panel-suggestions').hidden = text.trim() === '';
        $('suggestion-none').hidden = items.length > 0;
      }).catch(function () {});
    }, TYPING_DELAY_MS);
  }

  var openSlug = '';
  function openArticle(slug, from) {
    return call('article', { slug: slug, from: from || 'direct' }).then(function (answer) {
      if (answer.status !== 200) return;
      openSlug = answer.data.slug;
      $('article-title').textContent = answer.data.title;
      // Sanitised when the article was saved.
      $('article-body').innerHTML = answer.data.html;
      show('article', 'article-title');
      tell('event', { name: 'articleOpened', slug: answer.data.slug, title: answer.data.title });
    }).catch(function () {});
  }

  function showForm() {
    if (!$('panel-subject').value) $('panel-subject').value = $('panel-search').value;
    show('form', 'form-title');
  }

  var step = 'review';
  function sendRequest(event) {
    event.preventDefault();
    var fields = { step: step };
    ['subject', 'description', 'name', 'email'].forEach(function (name) {
      fields[name] = $('panel-' + name).value;
      $('panel-' + name + '-error').hidden = true;
      $('panel-' + name).removeAttribute('aria-invalid');
    });
    $('form-notice').hidden = true;
    $('panel-send').disabled = true;
    var input = $('panel-attachments');
    var chosen = input.files && input.files.length ? input.files : null;
    $('panel-attachments-error').hidden = true;
    input.removeAttribute('aria-invalid');
    call('request', fields, chosen).then(function (answer) {
      $('panel-send').disabled = false;
      var data = answer.data || {};
      if (data.files) {
        // The draft keeps what was accepted: never sent twice, never chosen again.
        showKept(data.files);
        input.value = '';
      }
      if (data.outcome === 'filed') {
        $('filed-reference').textContent = data.reference;
        $('filed-status').href = data.status_url;
        show('filed', 'filed-title');
        tell('event', { name: 'ticketFiled', reference: data.reference });
      } else if (data.outcome === 'review') {
        var list = $('review-list');
        list.textContent = '';
        data.articles.forEach(function (item) { list.appendChild(articleItem(item, 'suggest')); });
        $('panel-review').hidden = false;
        step = 'file';
        $('panel-send').textContent = $('panel-send').getAttribute('data-label-file');
        list.querySelector('button').focus();
      } else if (data.outcome === 'invalid') {
        var first = null;
        Object.keys(data.fields || {}).forEach(function (name) {
          var error = $('panel-' + name + '-error');
          if (!error) return;
          error.textContent = data.fields[name];
          error.hidden = false;
          $('panel-' + name).setAttribute('aria-invalid', 'true');
          $('panel-' + name).setAttribute('aria-describedby', error.id);
          if (!first) first = $('panel-' + name);
        });
        if (first) first.focus();
      } else {
        $('form-notice').textContent = data.message || body.getAttribute('data-text-error');
        $('form-notice').hidden = false;
      }
    }).catch(function () {
      $('panel-send').disabled = false;
      $('form-notice').textContent = body.getAttribute('data-text-error');
      $('form-notice').hidden = false;
    });
  }

  function showKept(files) {
    var list = $('panel-kept-files');
    list.textContent = '';
    files.forEach(function (file) {
      var item = document.createElement('li');
      item.textContent = file.name + ' (' + file.size + ')';
      list.appendChild(item);
    });
    $('panel-kept').hidden = files.length === 0;
  }

  function solved() {
    call('solved', { article: openSlug }).then(function (answer) {
      if (answer.status !== 200) return;
      show('solved', 'solved-title');
      tell('event', { name: 'deflected', slug: openSlug });
    }).catch(function () {});
  }

  // Focus stays inside the panel (it is a dialog); Escape closes it.
  function keydown(event) {
    if (event.key === 'Escape') { event.preventDefault(); tell('close'); return; }
    if (event.key !== 'Tab') return;
    var focusable = Array.prototype.filter.call(
      document.querySelectorAll('button, a[href], input, textarea, select'),
      function (el) { return !el.disabled && el.offsetParent !== null; });
    if (!focusable.length) return;
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }

  // Commands from the host page: only from the parent window on the named origin.
  function command(event) {
    if (event.source !== window.parent || event.origin !== HOST) return;
    var data = event.data;
    if (!data || data.answerdesk !== 1) return;
    if (data.type === 'focus') {
      var target = current === 'home' ? $('panel-search') : document.querySelector('.view:not([hidden]) [tabindex="-1"]');
      if (target) target.focus();
    } else if (data.type === 'search' && typeof data.text === 'string') {
      show('home');
      $('panel-search').value = data.text.slice(0, 200);
      $('panel-search').focus();
      typed();
    } else if (data.type === 'openArticle' && typeof data.slug === 'string') {
      openArticle(data.slug, 'direct');
    } else if (data.type === 'prefill' && data.fields) {
      ['name', 'email', 'subject'].forEach(function (name) {
        var value = data.fields[name];
        if (typeof value === 'string' && !$('panel-' + name).value) {
          $('panel-' + name).value = value.slice(0, 254);
        }
      });
    }
  }

  $('panel-search').addEventListener('input', typed);
  $('panel-close').addEventListener('click', function () { tell('close'); });
  $('panel-back').addEventListener('click', function () { show('home', 'panel-search'); });
  $('panel-contact').addEventListener('click', showForm);
  $('panel-not-solved').addEventListener('click', showForm);
  $('panel-solved').addEventListener('click', solved);
  $('panel-form').addEventListener('submit', sendRequest);
  document.addEventListener('keydown', keydown);
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button.article-link');
    if (button) { openArticle(button.getAttribute('data-slug'), button.getAttribute('data-from')); return; }
    // A link inside an article: another article opens here, anything else in a new tab.
    var link = event.target.closest && event.target.closest('#article-body a[href]');
    if (!link) return;
    var match = /^\/[a-z]{2}\/articles\/([a-z0-9-]+)/.exec(link.getAttribute('href'));
    event.preventDefault();
    if (match) openArticle(match[1], 'browse');
    else window.open(link.href, '_blank', 'noopener');
  });
  window.addEventListener('message', command);
  // The panel is built when it is first opened: the search box takes the focus at once.
  $('panel-search').focus();
  tell('ready');
})();
