/* The wheel: spin through fetch (JSON), turn to the prize the server drew, then say what it was.
   A spin that costs points asks first (weui dialog from h5.js) with the cost and what is left. */
(function () {
  'use strict';
  var form = document.getElementById('spin-form'), wheel = document.getElementById('wheel');
  var box = document.getElementById('result-box'), out = document.getElementById('result');
  var turned = 0, busy = false;

  function newKey() {
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.from(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function say(text, won) {
    out.textContent = text;
    box.classList.toggle('h5-win', !!won);
    box.hidden = false;
    busy = false;
  }
  function spin() {
    fetch(form.action, {method: 'POST', body: new FormData(form), headers: {'Accept': 'application/json'}, credentials: 'same-origin'})
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (res) {
        var ok = res[0], data = res[1];
        form.elements.key.value = newKey();
        if (!ok) { say(data.detail || '抽奖失败，请稍后再试', false); return; }
        form.dataset.cost = data.cost;
        form.dataset.balance = data.balance;
        var target = data.prize_id ? wheel.querySelector('[data-prize="' + data.prize_id + '"]') : wheel.querySelector('[data-kind="none"]');
        var angle = target ? parseFloat(target.getAttribute('data-angle')) : 180;
        turned += 360 * 5 + (360 - ((turned + angle) % 360));
        wheel.style.transform = 'rotate(' + turned + 'deg)';
        setTimeout(function () {
          say(data.message, data.outcome === 'win');
          document.getElementById('allowance').textContent = data.allowance;
          if (data.needs_address) {
            var link = document.createElement('a');
            link.href = '/h5/member/wheel';
            link.textContent = ' 去填写地址 ›';
            out.appendChild(link);
          }
        }, 4100);
      })
      .catch(function () { say('网络不佳，请稍后再试', false); });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    e.stopPropagation();
    if (busy) return;
    busy = true;
    var cost = parseInt(form.dataset.cost, 10) || 0, balance = parseInt(form.dataset.balance, 10) || 0;
    // Short of points: no question, the server's refusal says so and nothing is spent.
    if (!cost || balance < cost) { spin(); return; }
    window.h5.confirm('确认抽奖', '本次抽奖将消耗 ' + cost + ' 积分，抽奖后剩余 ' + (balance - cost) + ' 积分。', '确认抽奖')
      .then(function (yes) { if (yes) spin(); else busy = false; });
  });
})();
