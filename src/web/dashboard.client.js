// Pulse dashboard: draws the charts with uPlot (served by Pulse) and applies filters without a
// page reload. Everything it shows is also in the server-rendered tables, for readers without JS.
(function () {
  'use strict';
  var COLORS = { worry: '#b3261e', excitement: '#1b6e3a', neutral: '#4a4a4a' };
  var BAND = { worry: 'rgba(179,38,30,0.15)', excitement: 'rgba(27,110,58,0.15)' };

  function seconds(day) {
    return Date.parse(day + 'T00:00:00Z') / 1000;
  }
  function pct(v) {
    return Math.round(v * 100) + '%';
  }

  // adjusted: the shares corrected for measured error drawn with their bands, and the model's
  // uncorrected worry share beside them as a dashed line, so both are seen at once
  function trendChart(el, buckets, adjusted) {
    var xs = buckets.map(function (b) {
      return seconds(b.start);
    });
    var pick = function (b) {
      return adjusted ? (b.adjusted ? b.adjusted.shares : {}) : b.shares;
    };
    var col = function (s, k) {
      return buckets.map(function (b) {
        var sh = pick(b)[s];
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
    ];
    var hidden = { stroke: 'transparent', points: { show: false } };
    var opts = {
      width: Math.max(300, el.clientWidth),
      height: 320,
      scales: { x: { time: true }, y: { range: [0, 1] } },
      axes: [
        {},
        {
          values: function (u, vals) {
            return vals.map(pct);
          },
        },
      ],
      series: [
        {},
        {
          label: 'worry',
          stroke: COLORS.worry,
          width: 2.5,
          value: function (u, v) {
            return v == null ? '–' : pct(v);
          },
        },
        Object.assign({ label: 'worry low' }, hidden),
        Object.assign({ label: 'worry high' }, hidden),
        {
          label: 'excitement',
          stroke: COLORS.excitement,
          width: 2.5,
          value: function (u, v) {
            return v == null ? '–' : pct(v);
          },
        },
        Object.assign({ label: 'excitement low' }, hidden),
        Object.assign({ label: 'excitement high' }, hidden),
      ],
      bands: [
        { series: [3, 2], fill: BAND.worry },
        { series: [6, 5], fill: BAND.excitement },
      ],
      legend: { show: true },
    };
    if (adjusted) {
      opts.series[1].label = 'worry (adjusted)';
      opts.series[4].label = 'excitement (adjusted)';
      opts.series.push({
        label: 'worry (model, unadjusted)',
        stroke: COLORS.worry,
        width: 1.5,
        dash: [6, 4],
        value: function (u, v) {
          return v == null ? '–' : pct(v);
        },
      });
      data.push(
        buckets.map(function (b) {
          return b.shares.worry ? b.shares.worry.value : null;
        }),
      );
    }
    el.setAttribute('data-adjusted', String(!!adjusted));
    el.innerHTML = '';
    var plot = new uPlot(opts, data, el);
    el.setAttribute('data-state', 'ready');
    el.setAttribute('data-points', String(xs.length));
    el.setAttribute(
      'data-total',
      String(
        buckets.reduce(function (s, b) {
          return s + b.total;
        }, 0),
      ),
    );
    window.addEventListener('resize', function () {
      plot.setSize({ width: Math.max(300, el.clientWidth), height: 320 });
    });
    return plot;
  }

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
      width: Math.max(300, el.clientWidth),
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

  function rows(buckets) {
    return buckets
      .map(function (b) {
        var share = function (s) {
          return b.shares[s] ? pct(b.shares[s].value) : 'n/a';
        };
        return (
          '<tr><td>' +
          b.start +
          '</td><td class="num">' +
          b.total +
          '</td><td class="num">' +
          share('worry') +
          '</td><td class="num">' +
          share('excitement') +
          '</td><td class="num">' +
          share('neutral') +
          '</td><td class="num">' +
          (b.net === null ? 'n/a' : b.net.toFixed(2)) +
          '</td><td>' +
          (b.lowN ? '<span class="lown">fewer than 30</span>' : '') +
          '</td></tr>'
        );
      })
      .join('');
  }

  var chartEl = document.getElementById('chart');
  var dataEl = document.getElementById('trend-data');
  if (chartEl && dataEl && window.uPlot) {
    var state = JSON.parse(dataEl.textContent);
    trendChart(chartEl, state.buckets);
    var form = document.getElementById('filters');
    if (form) {
      var toggle = document.getElementById('filter-adjust');
      if (toggle && new URLSearchParams(location.search).get('adjust') === 'true') {
        toggle.checked = true;
        setTimeout(function () {
          form.dispatchEvent(new Event('change'));
        }, 0);
      }
      form.addEventListener('change', function () {
        var params = new URLSearchParams();
        Array.prototype.forEach.call(form.elements, function (f) {
          if (f.type === 'checkbox' ? f.checked : f.name && f.value) params.set(f.name, f.value);
        });
        var api = new URLSearchParams(params);
        api.set('granularity', 'week');
        api.set('from', state.from);
        api.set('to', state.to);
        chartEl.setAttribute('data-state', 'loading');
        var note = document.getElementById('adjust-note');
        fetch('/api/v1/trends?' + api.toString())
          .then(function (r) {
            return r.json();
          })
          .then(function (body) {
            if (body.error && params.get('adjust')) {
              // adjustment refused (too few coded items): say why, and show the model's figures
              if (note) note.textContent = body.error.message.replace(/^adjust: /, 'Not adjusted: ');
              params.delete('adjust');
              api.delete('adjust');
              return fetch('/api/v1/trends?' + api.toString()).then(function (r) {
                return r.json();
              });
            }
            if (note)
              note.textContent = body.adjustment
                ? 'Adjusted with sample ' +
                  body.adjustment.sample.id +
                  ' ("' +
                  body.adjustment.sample.name +
                  '", ' +
                  body.adjustment.codedItems +
                  " coded items); the dashed line is the model's own worry share."
                : '';
            return body;
          })
          .then(function (body) {
            var buckets = body.series[0] ? body.series[0].buckets : [];
            trendChart(chartEl, buckets, !!body.adjustment);
            var tbody = document.getElementById('trend-rows');
            if (tbody) tbody.innerHTML = rows(buckets);
            chartEl.setAttribute('data-query', params.toString());
            history.replaceState(null, '', '?' + params.toString());
          });
      });
      var submit = form.querySelector('button[type=submit]');
      if (submit) submit.hidden = true; // filters apply as they change
    }
  }
  var dailyEl = document.getElementById('daily-chart');
  var dailyData = document.getElementById('daily-data');
  if (dailyEl && dailyData && window.uPlot) dailyChart(dailyEl, JSON.parse(dailyData.textContent));
})();
