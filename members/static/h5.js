/* Shared by every member center page: the flash toast, the error bar and the weui confirm
   dialog. A form with data-confirm-text asks before it submits (spending points). */
(function () {
  'use strict';
  var h5 = window.h5 = {};

  h5.confirm = function (title, text, okLabel) {
    var box = document.getElementById('h5-confirm');
    var ok = box.querySelector('[data-testid=confirm-ok]');
    var cancel = box.querySelector('[data-testid=confirm-cancel]');
    box.querySelector('.weui-dialog__title').textContent = title;
    box.querySelector('.weui-dialog__bd').textContent = text;
    ok.textContent = okLabel || '确定';
    box.hidden = false;
    ok.focus();
    return new Promise(function (resolve) {
      function done(answer) {
        return function (event) {
          if (event.type === 'keydown' && event.key !== 'Enter' && event.key !== ' ') return;
          event.preventDefault();
          box.hidden = true;
          ok.onclick = cancel.onclick = ok.onkeydown = cancel.onkeydown = null;
          resolve(answer);
        };
      }
      ok.onclick = ok.onkeydown = done(true);
      cancel.onclick = cancel.onkeydown = done(false);
    });
  };

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.dataset.confirmText || form.dataset.confirmed === '1') return;
    event.preventDefault();
    h5.confirm(form.dataset.confirmTitle || '请确认', form.dataset.confirmText, form.dataset.confirmOk)
      .then(function (yes) {
        if (!yes) return;
        form.dataset.confirmed = '1';
        form.submit();
      });
  });

  document.addEventListener('DOMContentLoaded', function () {
    var toast = document.querySelector('.h5-toast');
    if (toast) setTimeout(function () { toast.classList.add('h5-gone'); }, 2500);
    var tips = document.querySelector('.h5-toptips');
    if (tips) tips.addEventListener('click', function () { tips.hidden = true; });
  });
})();
