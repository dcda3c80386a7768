// Pulse explorer: draws the charts with uPlot (served by Pulse) and applies filters without a
// page reload, with the URL as the state (pushState; Back undoes a filter). Every number is also
// in the server-rendered page, which works as a plain GET form without JavaScript.
(function () {
  'use strict';
  var COLORS = { worry: '#b3261e', excitement: '#1b6e3a', neutral: '#5f5f5f' };
  var BAND = { worry: 'rgba(179,38,30,0.15)', excitement: 'rgba(27,110,58,0.15)', neutral: 'rgba(95,95,95,0.12)' };
  var plots = [];

  function seconds(day) {
    return Date.parse(day + 'T00:00:00Z') / 1000;
  }
  function pct(v) {
    return Math.round(v * 100) + '%';
  }
  function dayOf(s) {
    return new Date(s * 1000).toISOString().slice(0, 10);
  }
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  // "14 Jul" (day first, month named: never read as 7 February), "Jul 2025" for months
  function tickLabel(s, g) {
    var d = new Date(s * 1000);
    return g === 'month' ? MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear() : d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()];
  }

  // ticks on bucket starts, thinned so labels do not collide
  function bucketAxis(xs, g) {
    return {
      space: 10,
      splits: function (u) {
        var room = u.bbox.width / (window.devicePixelRatio || 1);
        var step = Math.max(1, Math.ceil(xs.length / Math.max(1, Math.floor(room / 64))));
        var ticks = xs.filter(function (_, i) {
          return i % step === 0;
        });
        u.root.parentNode && u.root.parentNode.setAttribute('data-ticks', ticks.map(dayOf).join(','));
        return ticks;
      },
      values: function (u, vals) {
        return vals.map(function (v) {
          return tickLabel(v, g);
        });
      },
    };
  }

  // shades low-N buckets and draws announcement lines; places a link per announcement
  function overlays(state, xs, el) {
    return {
      hooks: {
        drawClear: [
          function (u) {
            var ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = 'rgba(0,0,0,0.06)';
            // each low-N bucket's column runs from the midpoint with its left neighbour to the one with its right
            var pos = xs.map(function (x) {
              return u.valToPos(x, 'x', true);
            });
            state.buckets.forEach(function (b, i) {
              if (!b.lowN || b.total === 0) return;
              var left = i > 0 ? (pos[i - 1] + pos[i]) / 2 : u.bbox.left;
              var right = i + 1 < pos.length ? (pos[i] + pos[i + 1]) / 2 : u.bbox.left + u.bbox.width;
              ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
            });
            ctx.restore();
          },
        ],
        draw: [
          function (u) {
            var ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = '#1a4fd6';
            ctx.setLineDash([4, 3]);
            state.announcements.forEach(function (a) {
              var x = u.valToPos(seconds(a.date), 'x', true);
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
            });
            ctx.restore();
            var wrap = u.root.querySelector('.u-wrap') || el;
            var layer = wrap.querySelector('.ann-layer');
            if (!layer) {
              layer = document.createElement('div');
              layer.className = 'ann-layer';
              wrap.appendChild(layer);
            }
            layer.innerHTML = '';
            state.announcements.forEach(function (a) {
              var link = document.createElement('a');
              link.href = '/announcements/' + a.id;
              link.className = 'ann-mark';
              link.textContent = '◆';
              link.title = a.date + ': ' + a.title;
              link.setAttribute('aria-label', 'Announcement ' + a.date + ': ' + a.title + ' (opens the reaction)');
              link.style.left = u.over.offsetLeft + u.valToPos(seconds(a.date), 'x') + 'px';
              link.style.top = u.over.offsetTop + u.over.clientHeight + 'px';
              layer.appendChild(link);
            });
          },
        ],
      },
    };
  }

  // adjusted: the shares corrected for measured error drawn with their bands, and the model's
  // uncorrected worry share beside them as a dashed line, so both are seen at once
  function shareChart(el, state) {
    var b = state.buckets;
    var xs = b.map(function (x) {
      return seconds(x.start);
    });
    var pick = function (x) {
      return state.adjusted ? (x.adjusted ? x.adjusted.shares : {}) : x.shares;
    };
    var col = function (s, k) {
      return b.map(function (x) {
        var sh = pick(x)[s];
        return sh ? sh[k] : null;
      });
    };
    var data = [
      xs,
      col('worry', 'value'),
      col('worry', 'low'),
      col('worry', 'high'),
      col('excitement', 'value'),
      col('excitement', 'low'),
      col('excitement', 'high'),
      col('neutral', 'value'),
    ];
    var hidden = { stroke: 'transparent', points: { show: false } };
    var fmt = function (u, v) {
      return v == null ? '–' : pct(v);
    };
    var opts = {
      width: Math.max(280, el.clientWidth),
      height: 280,
      scales: { x: { time: true, range: [xs[0] - 1, xs[xs.length - 1] + 1] }, y: { range: [0, 1] } },
      axes: [
        bucketAxis(xs, state.granularity),
        {
          values: function (u, vals) {
            return vals.map(pct);
          },
          size: 52,
        },
      ],
      series: [
        {
          value: function (u, v) {
            return v == null ? '–' : dayOf(v);
          },
        },
        { label: 'worry', stroke: COLORS.worry, width: 2.5, value: fmt, points: { show: true, size: 5 } },
        Object.assign({ label: 'worry low' }, hidden),
        Object.assign({ label: 'worry high' }, hidden),
        { label: 'excitement', stroke: COLORS.excitement, width: 2.5, value: fmt, points: { show: true, size: 5 } },
        Object.assign({ label: 'excitement low' }, hidden),
        Object.assign({ label: 'excitement high' }, hidden),
        { label: 'neutral', stroke: COLORS.neutral, width: 1.5, dash: [5, 4], value: fmt, points: { show: true, size: 4 } },
      ],
      bands: [
        { series: [3, 2], fill: BAND.worry },
        { series: [6, 5], fill: BAND.excitement },
      ],
      plugins: [overlays(state, xs, el)],
    };
    if (state.adjusted) {
      opts.series[1].label = 'worry (adjusted)';
      opts.series[4].label = 'excitement (adjusted)';
      opts.series[7].label = 'neutral (adjusted)';
      opts.series.push({ label: 'worry (model, unadjusted)', stroke: COLORS.worry, width: 1.5, dash: [6, 4], value: fmt });
      data.push(
        b.map(function (x) {
          return x.shares.worry ? x.shares.worry.value : null;
        }),
      );
    }
    return draw(el, opts, data, xs.length);
  }

  // stacked bars: neutral on top of excitement on top of worry; the legend shows each count
  function volumeChart(el, state) {
    var b = state.buckets;
    var xs = b.map(function (x) {
      return seconds(x.start);
    });
    var w = b.map(function (x) {
      return x.counts.worry;
    });
    var we = b.map(function (x) {
      return x.counts.worry + x.counts.excitement;
    });
    var all = b.map(function (x) {
      return x.total;
    });
    var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 60] }) : undefined;
    var count = function (k) {
      return function (u, v, si, i) {
        return i == null ? '–' : String(b[i].counts[k]);
      };
    };
    var opts = {
      width: Math.max(280, el.clientWidth),
      height: 280,
      scales: {
        x: { time: true, range: [xs[0] - 86400 * 3, xs[xs.length - 1] + 86400 * 3] },
        y: {
          range: function (u, min, max) {
            return [0, Math.max(5, max)];
          },
        },
      },
      axes: [bucketAxis(xs, state.granularity), { size: 44 }],
      series: [
        {
          value: function (u, v) {
            return v == null ? '–' : dayOf(v);
          },
        },
        { label: 'neutral', stroke: COLORS.neutral, fill: COLORS.neutral, paths: bars, points: { show: false }, value: count('neutral') },
        {
          label: 'excitement',
          stroke: COLORS.excitement,
          fill: COLORS.excitement,
          paths: bars,
          points: { show: false },
          value: count('excitement'),
        },
        { label: 'worry', stroke: COLORS.worry, fill: COLORS.worry, paths: bars, points: { show: false }, value: count('worry') },
      ],
      plugins: [overlays(state, xs, el)],
    };
    return draw(el, opts, [xs, all, we, w], xs.length);
  }

  function draw(el, opts, data, points) {
    el.innerHTML = '';
    var plot = new uPlot(opts, data, el);
    el.setAttribute('data-state', 'ready');
    el.setAttribute('data-points', String(points));
    plots.push({ plot: plot, el: el });
    return plot;
  }

  function drawExplorer() {
    plots = [];
    var dataEl = document.getElementById('trend-data');
    if (!dataEl || !window.uPlot) return;
    var state = JSON.parse(dataEl.textContent);
    var chartEl = document.getElementById('chart');
    var volumeEl = document.getElementById('volume-chart');
    if (chartEl) {
      shareChart(chartEl, state);
      chartEl.setAttribute(
        'data-total',
        String(
          state.buckets.reduce(function (s, b) {
            return s + b.total;
          }, 0),
        ),
      );
    }
    if (volumeEl) volumeChart(volumeEl, state);
  }

  window.addEventListener('resize', function () {
    plots.forEach(function (p) {
      p.plot.setSize({ width: Math.max(280, p.el.clientWidth), height: 280 });
    });
  });

  // --- filters: the URL is the state ---
  var form = document.getElementById('filters');
  var status = document.getElementById('status');
  var pending = null;

  function queryOf(f) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(f.elements, function (el) {
      if (!el.name || !el.value) return;
      if (el.type === 'checkbox' && !el.checked) return;
      var def = el.getAttribute('data-default');
      if (def && def === el.value) return; // the default range and granularity stay out of the URL
      params.set(el.name, el.value);
    });
    return params.toString();
  }

  function load(url, push) {
    if (pending) pending.abort();
    var ctl = window.AbortController ? new AbortController() : null;
    pending = ctl;
    var results = document.getElementById('results');
    if (results) results.setAttribute('aria-busy', 'true');
    if (status) status.textContent = 'Updating…';
    fetch(url, { headers: { Accept: 'text/html' }, signal: ctl ? ctl.signal : undefined, credentials: 'same-origin' })
      .then(function (r) {
        return r.text().then(function (t) {
          return { ok: r.ok, text: t };
        });
      })
      .then(function (res) {
        var doc = new DOMParser().parseFromString(res.text, 'text/html');
        var next = doc.getElementById('results');
        if (!res.ok || !next) {
          var msg = 'That filter could not be applied.';
          try {
            msg = JSON.parse(res.text).error.message;
          } catch {
            /* not JSON */
          }
          if (status) status.textContent = msg;
          if (results) results.removeAttribute('aria-busy');
          return;
        }
        if (push) history.pushState({ pulse: true }, '', url);
        else {
          // Back or Forward: the form shows the state of that URL again
          var nextForm = doc.getElementById('filters');
          if (nextForm && form) {
            form.replaceWith(nextForm);
            form = nextForm;
            wire(form);
          }
        }
        results.replaceWith(next);
        document.title = doc.title;
        drawExplorer();
        if (status) status.textContent = 'Showing ' + next.getAttribute('data-total') + ' items.';
      })
      .catch(function (e) {
        if (e && e.name === 'AbortError') return;
        if (status) status.textContent = 'Could not update: ' + e.message;
      });
  }

  function wire(f) {
    f.addEventListener('change', function (e) {
      if (e.target && e.target.name === 'q') return; // search applies on Enter or Apply
      var q = queryOf(f);
      load(q ? '/?' + q : '/', true);
    });
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var q = queryOf(f);
      load(q ? '/?' + q : '/', true);
    });
  }

  if (form && document.getElementById('results')) {
    wire(form);
    history.replaceState({ pulse: true }, '', location.href);
    window.addEventListener('popstate', function () {
      load(location.pathname + location.search, false);
    });
    // links inside the results that only change filters stay on the page too
    document.addEventListener('click', function (e) {
      var a = e.target && e.target.closest ? e.target.closest('a') : null;
      if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      var u = new URL(a.href, location.href);
      if (u.origin !== location.origin || u.pathname !== '/' || !a.closest('#results, #filters')) return;
      e.preventDefault();
      load(u.pathname + u.search, true);
    });
  }
  drawExplorer();

  // --- the reaction view's daily chart ---
  function dailyChart(el, days) {
    var xs = days.map(function (d) {
      return seconds(d.day);
    });
    var data = [
      xs,
      days.map(function (d) {
        return d.counts.worry;
      }),
      days.map(function (d) {
        return d.counts.excitement;
      }),
      days.map(function (d) {
        return d.counts.neutral;
      }),
    ];
    var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined;
    var opts = {
      width: Math.max(280, el.clientWidth),
      height: 260,
      scales: { x: { time: true } },
      series: [
        {},
        { label: 'worry', stroke: COLORS.worry, fill: BAND.worry, paths: bars },
        { label: 'excitement', stroke: COLORS.excitement, paths: bars },
        { label: 'neutral', stroke: COLORS.neutral, paths: bars },
      ],
    };
    el.innerHTML = '';
    new uPlot(opts, data, el);
    el.setAttribute('data-state', 'ready');
    el.setAttribute('data-points', String(xs.length));
  }
  var dailyEl = document.getElementById('daily-chart');
  var dailyData = document.getElementById('daily-data');
  if (dailyEl && dailyData && window.uPlot) dailyChart(dailyEl, JSON.parse(dailyData.textContent));
})();
