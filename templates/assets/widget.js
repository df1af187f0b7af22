// Answerdesk help widget loader. A site adds
//   <script src="https://help.example.com/widget.js" async></script>
// and gets a launcher button; the panel (an iframe from the help centre) loads on the first
// click. No framework, no stylesheet (styles are set through the DOM, which a strict CSP on
// the host allows), and every entry point is guarded so nothing here throws into the page.
(function () {
  'use strict';
  // Filled in by the server from its catalogues: the launcher's words in every language.
  var TEXTS = __ANSWERDESK_TEXTS__;
  var DEFAULT_LANG = '__ANSWERDESK_DEFAULT_LANGUAGE__';
  var PHONE = '(max-width: 480px)';
  var REFUSED_AFTER_MS = 3000;

  function guard(fn) {
    return function () {
      try { return fn.apply(null, arguments); } catch (error) { return undefined; }
    };
  }

  guard(function () {
    if (window.Answerdesk && window.Answerdesk.loaded) return;
    var script = document.currentScript ||
      document.querySelector('script[src$="/widget.js"]');
    if (!script) return;
    var helpOrigin = new URL(script.src, location.href).origin;
    var settings = script.dataset || {};

    // The host page's language: data-lang, else its <html lang>, else the browser's.
    var lang = DEFAULT_LANG;
    var wanted = [settings.lang, document.documentElement.lang]
      .concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var primary = String(wanted[i] || '').toLowerCase().split(/[-_]/)[0];
      if (TEXTS[primary]) { lang = primary; break; }
    }
    var texts = TEXTS[lang] || TEXTS[DEFAULT_LANG] || {};
    var colour = settings.color && window.CSS && CSS.supports('color', settings.color)
      ? settings.color : '#1f5fbf';
    var side = settings.position === 'left' ? 'left' : 'right';

    function style(element, properties) {
      for (var name in properties) element.style.setProperty(name, properties[name], 'important');
    }

    var launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.id = 'answerdesk-launcher';
    launcher.textContent = settings.label || texts['widget-launcher'] || '?';
    launcher.setAttribute('aria-haspopup', 'dialog');
    launcher.setAttribute('aria-expanded', 'false');
    style(launcher, {
      position: 'fixed', bottom: '20px', 'z-index': '2147483000', padding: '12px 20px',
      border: '0', 'border-radius': '24px', background: colour, color: '#fff',
      font: '600 16px/1.2 system-ui, sans-serif', cursor: 'pointer',
      'box-shadow': '0 2px 10px rgba(0,0,0,.25)'
    });
    launcher.style.setProperty(side, '20px', 'important');

    var dialog = null;
    var frame = null;
    var ready = false;
    var queue = [];
    var listeners = {};
    var openedAt = 0;
    var api = { loaded: true, timings: {} };

    function emit(name, detail) {
      (listeners[name] || []).slice().forEach(function (fn) {
        try { fn(detail); } catch (error) { /* a listener's fault stays its own */ }
      });
    }

    function post(message) {
      message.answerdesk = 1;
      if (ready) frame.contentWindow.postMessage(message, helpOrigin);
      else queue.push(message);
    }

    function place() {
      if (!dialog) return;
      var phone = window.matchMedia && window.matchMedia(PHONE).matches;
      style(dialog, phone
        ? { top: '0', bottom: '0', left: '0', right: '0', width: '100%', height: '100%', 'border-radius': '0' }
        : { top: 'auto', bottom: '80px', width: '380px', height: 'min(600px, calc(100vh - 100px))', 'border-radius': '12px' });
      if (!phone) {
        dialog.style.setProperty(side, '20px', 'important');
        dialog.style.setProperty(side === 'left' ? 'right' : 'left', 'auto', 'important');
      }
    }

    function build() {
      dialog = document.createElement('div');
      dialog.id = 'answerdesk-panel';
      dialog.setAttribute('role', 'dialog');
      dialog.setAttribute('aria-modal', 'true');
      dialog.setAttribute('aria-label', texts['widget-dialog-label'] || '');
      style(dialog, {
        position: 'fixed', 'z-index': '2147483001', overflow: 'hidden', background: '#fff',
        'box-shadow': '0 4px 24px rgba(0,0,0,.3)', display: 'none'
      });
      frame = document.createElement('iframe');
      frame.title = texts['widget-dialog-label'] || '';
      var query = new URLSearchParams({
        host: location.origin, lang: lang,
        labels: settings.labels || '', path: location.pathname
      });
      frame.src = helpOrigin + '/widget/panel?' + query.toString();
      frame.setAttribute('referrerpolicy', 'no-referrer');
      style(frame, { border: '0', width: '100%', height: '100%', display: 'block' });
      // Loaded, and still silent a while later: the browser refused to frame the panel for
      // this site (it is not listed). The panel's own message may arrive after the frame's
      // load event (another process), hence the grace period.
      frame.addEventListener('load', guard(function () {
        if (ready) return;
        setTimeout(guard(function () {
          if (ready) return;
          launcher.setAttribute('data-answerdesk-state', 'unavailable');
          close(false);
        }), REFUSED_AFTER_MS);
      }));
      dialog.appendChild(frame);
      dialog.addEventListener('keydown', guard(function (event) {
        if (event.key === 'Escape') close(true);
      }));
      document.body.appendChild(dialog);
      place();
      if (window.matchMedia) {
        var query480 = window.matchMedia(PHONE);
        if (query480.addEventListener) query480.addEventListener('change', guard(place));
      }
      // A prefill given before the panel existed.
      if (api.prefilled) post({ type: 'prefill', fields: api.prefilled });
    }

    function open() {
      if (!dialog) { openedAt = performance.now(); build(); }
      dialog.style.setProperty('display', 'block', 'important');
      launcher.setAttribute('aria-expanded', 'true');
      frame.focus();
      post({ type: 'focus' });
      emit('open', {});
    }

    function close(returnFocus) {
      if (!dialog) return;
      dialog.style.setProperty('display', 'none', 'important');
      launcher.setAttribute('aria-expanded', 'false');
      if (returnFocus !== false) launcher.focus();
      emit('close', {});
    }

    window.addEventListener('message', guard(function (event) {
      // Only the panel this page framed, from the help centre's origin.
      if (!frame || event.source !== frame.contentWindow || event.origin !== helpOrigin) return;
      var data = event.data;
      if (!data || data.answerdesk !== 1) return;
      if (data.type === 'ready') {
        ready = true;
        api.timings.panelReadyMs = Math.round(performance.now() - openedAt);
        launcher.setAttribute('data-answerdesk-state', 'ready');
        queue.splice(0).forEach(post);
      } else if (data.type === 'close') {
        close(true);
      } else if (data.type === 'event' && data.detail && typeof data.detail.name === 'string') {
        var detail = {};
        for (var name in data.detail) if (name !== 'name') detail[name] = data.detail[name];
        emit(data.detail.name, detail);
      }
    }));

    launcher.addEventListener('click', guard(function () {
      if (dialog && dialog.style.display === 'block') close(true); else open();
    }));

    api.open = guard(open);
    api.close = guard(function () { close(true); });
    api.search = guard(function (text) { open(); post({ type: 'search', text: String(text) }); });
    api.openArticle = guard(function (slug) { open(); post({ type: 'openArticle', slug: String(slug) }); });
    api.prefill = guard(function (fields) {
      var clean = {};
      ['name', 'email', 'subject'].forEach(function (name) {
        if (fields && typeof fields[name] === 'string') clean[name] = fields[name];
      });
      api.prefilled = clean;
      if (dialog) post({ type: 'prefill', fields: clean });
    });
    api.on = guard(function (name, fn) {
      if (typeof fn === 'function') (listeners[name] = listeners[name] || []).push(fn);
    });
    api.off = guard(function (name, fn) {
      listeners[name] = (listeners[name] || []).filter(function (f) { return f !== fn; });
    });
    window.Answerdesk = api;

    function mount() { document.body.appendChild(launcher); }
    if (document.body) mount();
    else document.addEventListener('DOMContentLoaded', guard(mount));
    try { window.dispatchEvent(new CustomEvent('answerdesk:ready')); } catch (error) { /* old browser */ }
  })();
})();
