/* The member card page: swap in a fresh scannable code before the old one expires, and turn
   the banners every few seconds. */
(function () {
  'use strict';
  var qr = document.querySelector('[data-testid=card-qr][data-refresh-ms]');
  if (qr) {
    setInterval(function () {
      fetch('/h5/member/card-code', {credentials: 'same-origin'})
        .then(function (r) { return r.json(); })
        .then(function (d) { if (d.svg) qr.innerHTML = d.svg; });
    }, parseInt(qr.dataset.refreshMs, 10));
  }
  var c = document.querySelector('.h5-carousel');
  if (!c || c.children.length < 2) return;
  var i = 0;
  setInterval(function () {
    i = (i + 1) % c.children.length;
    c.scrollTo({left: c.clientWidth * i, behavior: 'smooth'});
  }, 4000);
})();
