// Pulse coding page: one item at a time, keyboard only. 1/2/3 stance, r relevance, concern
// keys, Enter saves and moves on. The model's label of an item is shown only after the coder
// has answered it, so it cannot anchor the answer; the time from showing to answering is saved.
(function () {
  'use strict';
  var root = document.getElementById('coder');
  if (!root) return;
  var sampleId = Number(root.getAttribute('data-sample'));
  var STANCES = ['excitement', 'worry', 'neutral'];
  var CONCERN_KEYS = JSON.parse(document.getElementById('concern-keys').textContent);
  var $ = function (id) {
    return document.getElementById(id);
  };
  var items = [];
  var index = 0;
  var answer = null;
  var shownAt = 0;
  var coder = sessionStorage.getItem('pulse-coder') || '';
  var key = sessionStorage.getItem('pulse-key') || '';

  function headers() {
    var h = { 'Content-Type': 'application/json' };
    if (key) h.Authorization = 'Bearer ' + key;
    return h;
  }
  function status(text) {
    $('code-status').textContent = text;
  }

  function render() {
    var coded = items.filter(function (i) {
      return i.coded;
    }).length;
    $('code-progress').textContent = coded + ' of ' + items.length + ' coded';
    while (index < items.length && items[index].coded) index++;
    if (index >= items.length) {
      $('code-item').hidden = true;
      $('code-done').hidden = false;
      root.setAttribute('data-state', 'done');
      return;
    }
    var it = items[index];
    answer = { stance: null, relevant: true, concerns: [] };
    $('item-title').textContent = it.title;
    $('item-meta').textContent = it.source + ' (' + it.sourceKind + '), ' + it.publishedAt.slice(0, 10) + ' · item ' + it.id;
    $('item-text').textContent = it.text;
    $('item-link').href = it.url;
    $('code-item').hidden = false;
    shownAt = performance.now();
    root.setAttribute('data-state', 'coding');
    root.setAttribute('data-item', String(it.id));
    paint();
  }

  function paint() {
    STANCES.forEach(function (s) {
      $('stance-' + s).checked = answer.stance === s;
    });
    $('relevant-state').textContent = answer.relevant ? 'about AI in screen or games work' : 'off-topic';
    $('relevant-toggle').checked = !answer.relevant;
    Object.keys(CONCERN_KEYS).forEach(function (k) {
      var c = CONCERN_KEYS[k];
      $('concern-' + c).checked = answer.concerns.indexOf(c) >= 0;
    });
  }

  function save() {
    if (!answer || answer.stance === null) {
      status('Choose a stance first: 1 excitement, 2 worry, 3 neutral.');
      return;
    }
    var it = items[index];
    var body = {
      itemId: it.id,
      coder: coder,
      stance: answer.stance,
      relevant: answer.relevant,
      concerns: answer.concerns,
      sampleId: sampleId,
      durationMs: Math.round(performance.now() - shownAt),
    };
    status('Saving…');
    fetch('/api/v1/annotations', { method: 'POST', headers: headers(), body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().then(function (j) {
          return { ok: r.ok, body: j };
        });
      })
      .then(
        function (res) {
          if (!res.ok) {
            status('Not saved: ' + (res.body.error ? res.body.error.message : 'error'));
            return;
          }
          it.coded = { stance: answer.stance, relevant: answer.relevant, concerns: answer.concerns };
          var m = it.model;
          // only now, after the answer, the model's label of this item
          $('previous').hidden = false;
          $('previous').textContent =
            'Saved item ' +
            it.id +
            ': you said ' +
            (answer.relevant ? answer.stance : 'off-topic') +
            '; the model said ' +
            (m.relevant ? m.stance : 'off-topic') +
            (m.concerns.length ? ' (' + m.concerns.join(', ').replace(/_/g, ' ') + ')' : '') +
            '.';
          status('');
          index++;
          render();
        },
        function () {
          status('Not saved: the server did not answer. Press Enter to try again.');
        },
      );
  }

  function onKey(e) {
    if (root.getAttribute('data-state') !== 'coding' || e.target.tagName === 'INPUT') return;
    var k = e.key.toLowerCase();
    if (k === '1' || k === '2' || k === '3') answer.stance = STANCES[Number(k) - 1];
    else if (k === 'r') answer.relevant = !answer.relevant;
    else if (CONCERN_KEYS[k]) {
      var c = CONCERN_KEYS[k];
      var at = answer.concerns.indexOf(c);
      if (at >= 0) answer.concerns.splice(at, 1);
      else answer.concerns.push(c);
    } else if (k === 'enter') {
      e.preventDefault();
      save();
      return;
    } else return;
    e.preventDefault();
    paint();
  }

  function start() {
    coder = $('coder-name').value.trim();
    key = $('coder-key').value.trim();
    if (!coder) {
      status('Enter your coder name.');
      return;
    }
    sessionStorage.setItem('pulse-coder', coder);
    sessionStorage.setItem('pulse-key', key);
    status('Loading…');
    fetch('/api/v1/samples/' + sampleId + '?coder=' + encodeURIComponent(coder), { headers: headers() })
      .then(function (r) {
        return r.json();
      })
      .then(function (body) {
        if (!body.items) {
          status('Could not load the sample: ' + (body.error ? body.error.message : 'error'));
          return;
        }
        items = body.items;
        $('code-setup').hidden = true;
        status('');
        render();
        $('code-item').focus();
      });
  }

  // the same choices by mouse or touch
  STANCES.forEach(function (s) {
    $('stance-' + s).addEventListener('change', function () {
      answer.stance = s;
      paint();
      $('code-item').focus();
    });
  });
  $('relevant-toggle').addEventListener('change', function (e) {
    answer.relevant = !e.target.checked;
    paint();
    $('code-item').focus();
  });
  Object.keys(CONCERN_KEYS).forEach(function (k) {
    var c = CONCERN_KEYS[k];
    $('concern-' + c).addEventListener('change', function (e) {
      var at = answer.concerns.indexOf(c);
      if (e.target.checked && at < 0) answer.concerns.push(c);
      if (!e.target.checked && at >= 0) answer.concerns.splice(at, 1);
      $('code-item').focus();
    });
  });
  $('coder-name').value = coder;
  $('coder-key').value = key;
  $('code-setup').addEventListener('submit', function (e) {
    e.preventDefault();
    start();
  });
  document.addEventListener('keydown', onKey);
  root.setAttribute('data-state', 'setup');
  $('coder-name').focus();
})();
