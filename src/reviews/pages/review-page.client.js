// The review page's only script: ratings and feedback without a page load, one-tap copy. Every
// action also works as a plain form post or link when this does not run.
(function () {
  var d = document, m = d.querySelector('main');
  d.documentElement.className = 'js';
  function msg(el, text) { el.textContent = text || ''; }
  function send(form, extra) {
    var body = new URLSearchParams(new FormData(form));
    if (extra) body.set(extra[0], extra[1]);
    return fetch(form.action, { method: 'POST', body: body, headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw j; return j; }); });
  }
  var rate = d.getElementById('rate'), rateErr = d.getElementById('rate-error');
  rate.addEventListener('submit', function (e) {
    var b = e.submitter;
    if (!b || !window.fetch) return;
    e.preventDefault();
    send(rate, ['rating', b.value]).then(function (j) {
      [].forEach.call(rate.querySelectorAll('.star'), function (s) { s.setAttribute('aria-pressed', String(s.value === String(j.rating))); s.classList.toggle('lit', Number(s.value) <= j.rating); });
      var y = d.getElementById('your-rating');
      msg(y, y.getAttribute('data-template').replace('{n}', j.rating));
      msg(rateErr);
      m.setAttribute('data-state', 'rated');
      m.setAttribute('data-lead', j.lead);
      d.getElementById('thanks').focus();
    }, function (j) { msg(rateErr, (j && j.error) || ''); });
  });
  var fb = d.getElementById('feedback-form'), fbErr = d.getElementById('feedback-error');
  if (fb) fb.addEventListener('submit', function (e) {
    if (!window.fetch) return;
    e.preventDefault();
    send(fb).then(function () {
      m.setAttribute('data-done', (m.getAttribute('data-done') || '') + ' feedback');
      d.getElementById('thanks-feedback').focus();
    }, function (j) {
      var f = j && j.fieldErrors;
      msg(fbErr, (f && (f.message || f.contact || [])[0]) || (j && j.error) || '');
    });
  });
  [].forEach.call(d.querySelectorAll('.review'), function (a) {
    a.addEventListener('click', function () {
      setTimeout(function () { m.setAttribute('data-done', (m.getAttribute('data-done') || '') + ' click'); }, 300);
    });
  });
  [].forEach.call(d.querySelectorAll('.copy'), function (b) {
    b.addEventListener('click', function () {
      var text = b.previousElementSibling.textContent, label = b.textContent;
      function done() { b.textContent = b.getAttribute('data-copied'); setTimeout(function () { b.textContent = label; }, 2000); }
      if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text).then(done);
      var r = d.createRange(); r.selectNodeContents(b.previousElementSibling);
      var s = getSelection(); s.removeAllRanges(); s.addRange(r);
      if (d.execCommand('copy')) done();
    });
  });
})();
