// File inputs of upload forms (data-attachments): lists the chosen files with their sizes,
// lets the customer remove one before sending, and takes a screenshot pasted into the form.
// Without this script the plain file input works the same, only without the list.
(function () {
  'use strict';

  function readableSize(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB';
    return (bytes / (1024 * 1024)).toFixed(1) + ' MB';
  }

  function setUp(input) {
    var form = input.form;
    if (!form || typeof DataTransfer === 'undefined') return;
    // Interface texts come from the page (the server's catalogues, in its language).
    var removeLabel = input.getAttribute('data-text-remove') || '';
    var pastedName = input.getAttribute('data-text-pasted') || 'screenshot.png';
    var chosen = [];
    var list = document.createElement('ul');
    list.className = 'chosen-files';
    list.setAttribute('aria-live', 'polite');
    input.insertAdjacentElement('afterend', list);

    function sync() {
      var transfer = new DataTransfer();
      chosen.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      list.textContent = '';
      chosen.forEach(function (file, index) {
        var item = document.createElement('li');
        var name = document.createElement('span');
        name.className = 'file-name';
        name.textContent = file.name;
        var size = document.createElement('span');
        size.className = 'muted';
        size.textContent = ' ' + readableSize(file.size) + ' ';
        var remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'button-link';
        remove.textContent = removeLabel.replace('{name}', file.name);
        remove.addEventListener('click', function () {
          chosen.splice(index, 1);
          sync();
          input.focus();
        });
        item.appendChild(name);
        item.appendChild(size);
        item.appendChild(remove);
        list.appendChild(item);
      });
    }

    input.addEventListener('change', function () {
      // Choosing again adds to the files chosen before, as people expect of a list.
      var seen = chosen.map(function (f) { return f.name + '\u0000' + f.size; });
      Array.prototype.forEach.call(input.files, function (file) {
        if (seen.indexOf(file.name + '\u0000' + file.size) === -1) chosen.push(file);
      });
      sync();
    });

    form.addEventListener('paste', function (event) {
      var items = (event.clipboardData && event.clipboardData.items) || [];
      var pasted = false;
      Array.prototype.forEach.call(items, function (item) {
        if (item.kind !== 'file' || item.type.indexOf('image/') !== 0) return;
        var blob = item.getAsFile();
        if (!blob) return;
        // A second pasted screenshot gets a number, so the two can be told apart.
        var taken = chosen.filter(function (f) { return f.name.indexOf(pastedName.replace(/\.[a-z]+$/, '')) === 0; }).length;
        var name = taken ? pastedName.replace(/(\.[a-z]+)$/, '-' + (taken + 1) + '$1') : pastedName;
        chosen.push(new File([blob], name, { type: blob.type }));
        pasted = true;
      });
      if (pasted) {
        event.preventDefault();
        sync();
      }
    });
  }

  document.querySelectorAll('input[type=file][data-attachments]').forEach(setUp);
})();
