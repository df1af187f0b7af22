// Answerdesk as-you-type suggestions. Dependency-free; pages work without it.
//
// <input data-typeahead>            a search box: a keyboard-navigable list of articles under it.
// <div data-suggest-panel>          the request form: articles matching the subject and
//                                   description, listed right under them.
(function () {
  'use strict';

  // How much of a suggestion must be on screen, and for how long, before it counts as seen:
  // an article only skips the review step when the customer could actually read its title.
  var SEEN_RATIO = 0.75;
  var SEEN_AFTER_MS = 600;
  // The pause after the last keystroke before asking for suggestions.
  var REQUEST_FORM_DELAY_MS = 120;
  // How many answers each list keeps, by URL.
  var CACHE_SIZE = 40;

  function debounce(fn, delay) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, delay);
    };
  }

  // Interface texts come from the page (the server's message catalogues, in the page's
  // language), never from this script.
  function text(name) {
    return document.body.getAttribute('data-text-' + name.replace(/[A-Z]/g, function (c) {
      return '-' + c.toLowerCase();
    })) || '';
  }

  // "N suggestions available": the page holds the sentence for each count it can show.
  function available(count) {
    var sentences = [];
    try { sentences = JSON.parse(text('suggestAvailable') || '[]'); } catch (error) { sentences = []; }
    return sentences[Math.min(count, sentences.length) - 1] || '';
  }

  // Fetches suggestions, cancelling the request before it when a newer one starts. Answers are
  // kept for a while by URL, so going back over typed text (a deletion, an undo) shows the
  // earlier list at once without asking again.
  function suggester(onResults) {
    var controller = null;
    var cache = [];
    function remembered(url) {
      for (var i = 0; i < cache.length; i++) if (cache[i].url === url) return cache[i].results;
      return null;
    }
    return function (query, extra) {
      if (controller) { controller.abort(); controller = null; }
      var url = '/api/suggest?q=' + encodeURIComponent(query) + (extra || '');
      var known = remembered(url);
      if (known) { onResults(known); return Promise.resolve(); }
      var own = typeof AbortController === 'function' ? new AbortController() : null;
      controller = own;
      return fetch(url, { headers: { Accept: 'application/json' }, signal: own ? own.signal : undefined })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || data.query !== query) return;
          cache.push({ url: url, results: data.suggestions });
          if (cache.length > CACHE_SIZE) cache.shift();
          if (controller === own) controller = null;
          onResults(data.suggestions);
        })
        .catch(function (error) { if (!error || error.name !== 'AbortError') onResults([]); });
    };
  }

  function pageLanguage() {
    var lang = document.documentElement.getAttribute('lang');
    return lang ? '&lang=' + encodeURIComponent(lang) : '';
  }

  function setUpTypeahead(input, index) {
    var wrapper = document.createElement('div');
    wrapper.className = 'typeahead';
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var list = document.createElement('ul');
    list.id = 'typeahead-list-' + index;
    list.className = 'typeahead-list';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', text('suggestList'));
    list.hidden = true;
    wrapper.appendChild(list);

    var status = document.createElement('div');
    status.className = 'visually-hidden';
    status.setAttribute('aria-live', 'polite');
    wrapper.appendChild(status);

    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);

    var suggestions = [];
    var active = -1;

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function highlight(position) {
      var options = list.querySelectorAll('[role=option]');
      active = position;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute('aria-selected', i === position ? 'true' : 'false');
      }
      if (position >= 0 && options[position]) {
        input.setAttribute('aria-activedescendant', options[position].id);
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function open(url) {
      window.location.href = url + (url.indexOf('?') < 0 ? '?' : '&') + 'from=suggest';
    }

    function show(results) {
      suggestions = results || [];
      list.textContent = '';
      active = -1;
      if (!suggestions.length) {
        close();
        status.textContent = input.value.trim() ? text('suggestNone') : '';
        return;
      }
      suggestions.forEach(function (suggestion, i) {
        var option = document.createElement('li');
        option.id = list.id + '-' + i;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        var title = document.createElement('span');
        title.className = 'suggestion-title';
        title.textContent = suggestion.title;
        var snippet = document.createElement('span');
        snippet.className = 'suggestion-snippet';
        // The server escapes snippets and adds only <mark> around matched words.
        snippet.innerHTML = suggestion.snippet;
        option.appendChild(title);
        option.appendChild(snippet);
        option.addEventListener('mousedown', function (event) {
          event.preventDefault();
          open(suggestion.url);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      status.textContent = available(suggestions.length);
    }

    var fetchSuggestions = suggester(show);
    var update = debounce(function () {
      var query = input.value;
      if (query.trim().length < 2) { show([]); return; }
      var category = input.getAttribute('data-category');
      fetchSuggestions(query, '&limit=6' + pageLanguage() + (category ? '&category=' + encodeURIComponent(category) : ''));
    }, 120);

    input.addEventListener('input', update);
    input.addEventListener('keydown', function (event) {
      if (list.hidden && event.key !== 'ArrowDown') return;
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        if (list.hidden && suggestions.length) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
        highlight(Math.min(active + 1, suggestions.length - 1));
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        highlight(Math.max(active - 1, -1));
      } else if (event.key === 'Enter' && active >= 0) {
        event.preventDefault();
        open(suggestions[active].url);
      } else if (event.key === 'Escape') {
        close();
      }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
  }

  function ready(fn) {
    if (document.readyState !== 'loading') fn();
    else document.addEventListener('DOMContentLoaded', fn);
  }

  ready(function () {
    var inputs = document.querySelectorAll('input[data-typeahead]');
    for (var i = 0; i < inputs.length; i++) setUpTypeahead(inputs[i], i);
    var form = document.getElementById('request-form');
    var panel = document.querySelector('[data-suggest-panel]');
    if (form && panel) setUpRequestForm(form, panel);
  });

  // The request form: articles matching subject and description appear right under them
  // (beside the form on a wide screen), and the draft is saved on the server as the customer
  // types.
  function setUpRequestForm(form, panel) {
    var draft = form.getAttribute('data-draft');
    var subject = form.elements.subject;
    var description = form.elements.description;
    var seenField = form.elements.seen;
    var seen = [];
    var observer = null;
    var timers = [];

    function markSeen(slug) {
      if (seen.indexOf(slug) >= 0) return;
      seen.push(slug);
      seenField.value = seen.join(',');
      save();
    }

    // Without IntersectionObserver nothing counts as seen: the review step offers it all.
    if (typeof IntersectionObserver === 'function') {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          var item = entry.target;
          var slug = item.getAttribute('data-slug');
          var index = Number(item.getAttribute('data-timer'));
          if (entry.isIntersecting && entry.intersectionRatio >= SEEN_RATIO) {
            if (!timers[index]) {
              timers[index] = setTimeout(function () {
                if (item.isConnected !== false) markSeen(slug);
              }, SEEN_AFTER_MS);
            }
          } else if (timers[index]) {
            clearTimeout(timers[index]);
            timers[index] = null;
          }
        });
      }, { threshold: [0, SEEN_RATIO, 1] });
    }

    function forgetShownItems() {
      if (observer) observer.disconnect();
      timers.forEach(function (timer) { if (timer) clearTimeout(timer); });
      timers = [];
    }

    function show(results) {
      forgetShownItems();
      panel.textContent = '';
      if (!results.length) {
        var empty = document.createElement('p');
        empty.className = 'muted';
        empty.textContent = text('suggestEmpty');
        panel.appendChild(empty);
        return;
      }
      var list = document.createElement('ul');
      list.className = 'suggestion-list';
      results.forEach(function (suggestion, i) {
        var item = document.createElement('li');
        item.setAttribute('data-slug', suggestion.slug);
        item.setAttribute('data-timer', String(i));
        var link = document.createElement('a');
        link.href = suggestion.url + '?from=suggest&draft=' + encodeURIComponent(draft);
        link.textContent = suggestion.title;
        var snippet = document.createElement('p');
        snippet.className = 'snippet';
        // The server escapes snippets and adds only <mark> around matched words.
        snippet.innerHTML = suggestion.snippet;
        item.appendChild(link);
        item.appendChild(snippet);
        list.appendChild(item);
      });
      panel.appendChild(list);
      if (observer) {
        var items = list.children;
        for (var i = 0; i < items.length; i++) observer.observe(items[i]);
      }
    }

    // The panel asks without the draft: the server learns what was shown from the `seen`
    // field (saved with the draft), which holds only what was on screen.
    var fetchSuggestions = suggester(show);
    var update = debounce(function () {
      var typed = (subject.value + '\n' + description.value.slice(0, 600)).trim();
      if (typed.length < 3) return;
      fetchSuggestions(typed, '&limit=5' + pageLanguage());
    }, REQUEST_FORM_DELAY_MS);

    // The address names the draft the form saves into, so a refresh finds it again.
    if (window.history && history.replaceState && typeof URL === 'function') {
      var here = new URL(window.location.href);
      if (here.searchParams.get('draft') !== draft) {
        here.searchParams.set('draft', draft);
        here.searchParams.delete('q');
        history.replaceState(history.state, '', here.pathname + here.search + here.hash);
      }
    }

    // The form posts to /{lang}/request; its draft autosaves beside it. The server stores
    // the draft on its first save, not when the page is shown.
    var autosaveUrl = form.getAttribute('action') + '/' + encodeURIComponent(draft) + '/autosave';
    var stored = form.getAttribute('data-draft-stored') === 'true';
    function post(body) {
      return fetch(autosaveUrl, { method: 'POST', body: body, credentials: 'same-origin', keepalive: true })
        .then(function (response) { if (response.ok) stored = true; })
        .catch(function () { /* the form post still carries every field */ });
    }
    // Nothing to keep until the customer changes something (a subject carried from a search
    // is in the address already).
    var changed = false;
    form.addEventListener('input', function () { changed = true; });
    function saveNow() {
      if (!stored && !changed) return Promise.resolve();
      var body = new URLSearchParams(new FormData(form));
      // Once stored, a beacon survives leaving the page (closing the tab); the first save is
      // a request whose answer says the draft exists.
      if (stored && navigator.sendBeacon && navigator.sendBeacon(autosaveUrl, body)) return Promise.resolve();
      return post(body);
    }
    var save = debounce(saveNow, 800);
    panel.addEventListener('click', function (event) {
      var link = event.target.closest && event.target.closest('a');
      if (!link) return;
      // An article opened from the panel was certainly seen.
      var item = link.closest('li');
      if (item && item.getAttribute('data-slug')) {
        var slug = item.getAttribute('data-slug');
        if (seen.indexOf(slug) < 0) { seen.push(slug); seenField.value = seen.join(','); }
      }
      changed = true;
      if (stored) { saveNow(); return; }
      // Not stored yet: the article can offer "this solved my problem" only once it is.
      event.preventDefault();
      var href = link.href;
      saveNow().then(function () { window.location.href = href; });
    });
    window.addEventListener('pagehide', function () { saveNow(); });

    subject.addEventListener('input', update);
    description.addEventListener('input', update);
    form.addEventListener('input', save);
    if (subject.value.trim().length >= 3) update();
  }

  // A one-time notice ("Your request has been sent") lives in the URL it was sent to: once
  // shown, the address loses it, so a reload, a bookmark or the history shows the page alone.
  function forgetOneTimeNotice() {
    var notice = document.querySelector('[data-once-param]');
    if (!notice || !window.history || !history.replaceState || typeof URL !== 'function') return;
    var url = new URL(window.location.href);
    var names = notice.getAttribute('data-once-param').split(' ');
    var changed = false;
    names.forEach(function (name) {
      if (url.searchParams.has(name)) { url.searchParams.delete(name); changed = true; }
    });
    if (changed) history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }

  // After a server-side validation error, the summary of what to fix takes the focus.
  function focusErrorSummary() {
    var summary = document.querySelector('[data-focus-on-load]');
    if (summary && document.activeElement !== summary) summary.focus();
  }

  ready(forgetOneTimeNotice);
  ready(focusErrorSummary);
})();
