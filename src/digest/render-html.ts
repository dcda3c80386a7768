import { escapeHtml as esc, net2, pct, pValue, safeHref, signedPts as signed } from './format.ts';
import type { DigestData, StoryRef } from './model.ts';

/** Worry and excitement shares over the chart weeks as an inline SVG line chart. */
export function chartSvg(d: DigestData): string {
  const W = 640;
  const H = 220;
  const pad = { l: 40, r: 12, t: 14, b: 36 };
  const n = d.chart.length;
  const x = (i: number) => pad.l + (n <= 1 ? 0 : (i * (W - pad.l - pad.r)) / (n - 1));
  const y = (v: number) => pad.t + (1 - v) * (H - pad.t - pad.b);
  // an empty week has no share: the line breaks there (a new M after the gap) instead of dropping to 0%
  const line = (key: 'worry' | 'excitement') => {
    let pen = false;
    return d.chart
      .map((c, i) => {
        const v = c.shares[key];
        if (v === null) {
          pen = false;
          return '';
        }
        const cmd = pen ? 'L' : 'M';
        pen = true;
        return `${cmd}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      })
      .filter(Boolean)
      .join(' ');
  };
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end">${pct(v)}</text>`,
    )
    .join('');
  const labels = d.chart
    .map((c, i) => `<text x="${x(i)}" y="${H - pad.b + 16}" text-anchor="middle">${esc(c.week.slice(5))}</text>`)
    .join('');
  const dots = (key: 'worry' | 'excitement') =>
    d.chart
      .map((c, i) => {
        const v = c.shares[key];
        return v === null
          ? ''
          : `<circle cx="${x(i)}" cy="${y(v)}" r="${c.lowN ? 2.5 : 4}" class="${key}"><title>${esc(c.week)}: ${pct(v)} ${key} of ${c.total}</title></circle>`;
      })
      .join('');
  return `<svg id="trend-chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Worry and excitement shares, last ${n} weeks</title>
${grid}${labels}
<path d="${line('worry')}" class="worry line"/><path d="${line('excitement')}" class="excitement line"/>${dots('worry')}${dots('excitement')}
<text x="${pad.l}" y="${H - 4}" class="legend worry-text">● worry</text><text x="${pad.l + 80}" y="${H - 4}" class="legend excitement-text">● excitement</text><text x="${pad.l + 190}" y="${H - 4}">small dots: fewer than 30 items</text>
</svg>`;
}

function stories(list: StoryRef[]): string {
  if (!list.length) return '<p class="none">None this week.</p>';
  return `<ul class="stories">${list
    .map(
      (s) =>
        `<li><a href="${safeHref(s.url)}">${esc(s.title)}</a> <span class="meta">${esc(s.source)}, ${s.publishedAt.slice(0, 10)} · <span class="badge ${s.stance}">${s.stance}</span></span>${s.quote ? `<blockquote>${esc(s.quote)}</blockquote>` : ''}</li>`,
    )
    .join('')}</ul>`;
}

const CSS = `body{font:16px/1.5 Georgia,'Times New Roman',serif;color:#1a1a1a;max-width:760px;margin:2rem auto;padding:0 1rem;background:#fff}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.25rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
.sub{color:#555;font-style:italic}table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd}
.num{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#555;font-size:.9rem}blockquote{margin:.3rem 0 .6rem 1rem;color:#333;border-left:3px solid #bbb;padding-left:.6rem}
.badge{font:600 .75rem/1 sans-serif;padding:.15rem .4rem;border-radius:3px;color:#fff}.badge.worry{background:#b3261e}.badge.excitement{background:#1b6e3a}.badge.neutral{background:#555}
svg text{font:11px sans-serif;fill:#444}.grid{stroke:#e3e3e3}.line{fill:none;stroke-width:2.5}.worry.line{stroke:#b3261e}.excitement.line{stroke:#1b6e3a}
circle.worry{fill:#b3261e}circle.excitement{fill:#1b6e3a}.worry-text{fill:#b3261e}.excitement-text{fill:#1b6e3a}.none{color:#666}
code{font-size:.85rem;word-break:break-all}@media print{a{color:inherit}body{margin:0}}`;

/** The digest as one self-contained, printable HTML page: inline CSS and SVG, nothing fetched. */
export function renderHtml(d: DigestData): string {
  const scope = d.filters.studio ? ` — ${esc(d.filters.studio)}` : d.filters.union ? ` — ${esc(d.filters.union)}` : '';
  const shares = d.headline.shares
    .map(
      (s) =>
        `<tr><td>${s.stance}</td><td class="num">${pct(s.now?.value)}</td><td class="num">${s.now ? `${pct(s.now.low)}–${pct(s.now.high)}` : 'n/a'}</td><td class="num">${signed(s.change)}</td><td>${s.significant && s.p !== null ? `yes (${pValue(s.p)})` : 'no'}</td></tr>`,
    )
    .join('');
  const studios = d.studios.length
    ? `<table><thead><tr><th>studio</th><th class="num">items</th><th class="num">worry share</th><th class="num">change</th></tr></thead><tbody>${d.studios
        .map(
          (s) =>
            `<tr><td>${esc(s.studio)}</td><td class="num">${s.total}</td><td class="num">${pct(s.worryShare)}</td><td class="num">${s.change === null ? 'new' : signed(s.change)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="none">No studio was named in this week\'s items.</p>';
  const announcements = d.announcements.length
    ? `<ul>${d.announcements
        .map(
          (a) =>
            `<li><strong>${esc(a.title)}</strong> (${a.date}): ${a.before} items in the ${a.windowDays} days before, ${a.after} in the ${a.windowDays} days after; worry share ${signed(a.worryShareChange)}${a.p === null ? '' : ` (${pValue(a.p)})`}.${a.note ? ` <em>${esc(a.note)}</em>` : ''}</li>`,
        )
        .join('')}</ul>`
    : '<p class="none">None.</p>';
  const concerns = d.risingConcerns.length
    ? `<ul>${d.risingConcerns
        .map(
          (c) =>
            `<li>${esc(c.concern.replace(/_/g, ' '))}: ${c.count} items, ${pct(c.share.value)} of relevant items (previous week ${c.previous}, ${pct(c.previousShare.value)}; ${signed(c.change)}, ${c.beyondNoise ? 'beyond noise' : 'within week-to-week noise'})</li>`,
        )
        .join('')}</ul>`
    : '<p class="none">None rose this week.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pulse weekly digest ${esc(d.week)}${scope}</title><style>${CSS}</style></head>
<body>
<header><h1>Pulse weekly digest: ${esc(d.week)}${scope}</h1>
<p class="sub">${d.start} to ${d.end} (exclusive), ${esc(d.timeZone)}. Generated ${esc(d.generatedAt.slice(0, 16).replace('T', ' '))} UTC.</p></header>
${d.incomplete ? `<p id="incomplete" class="notice"><strong>Incomplete:</strong> ${esc(d.week)} had not ended when this was made; its numbers will change.</p>` : ''}
<section id="summary"><h2>Summary</h2><p>${esc(d.summary)}</p></section>
<section id="headline"><h2>Headline numbers</h2>${
    d.empty
      ? '<p>No relevant items were published this week.</p>'
      : `<p>Relevant items: <strong>${d.headline.total}</strong> (previous week ${d.headline.previousTotal}). Net score: <strong>${net2(d.headline.net)}</strong> (previous ${net2(d.headline.previousNet)}).</p>
<table><thead><tr><th>stance</th><th class="num">share</th><th class="num">95% interval</th><th class="num">change</th><th>beyond noise?</th></tr></thead><tbody>${shares}</tbody></table>${d.headline.lowN ? '<p><em>Fewer than 30 items this week: shares are indicative only.</em></p>' : ''}`
  }</section>
<section id="chart"><h2>The last ${d.chart.length} weeks</h2>${chartSvg(d)}</section>
<section id="top-stories"><h2>Top stories</h2><h3>Worry</h3>${stories(d.topStories.worry)}<h3>Excitement</h3>${stories(d.topStories.excitement)}<h3>Neutral</h3>${stories(d.topStories.neutral)}</section>
<section id="unions"><h2>Union and guild statements</h2>${stories(d.unionStatements)}</section>
<section id="studios"><h2>Studios</h2>${studios}</section>
<section id="announcements"><h2>Announcements this week</h2>${announcements}</section>
<section id="concerns"><h2>Rising concerns</h2>${concerns}</section>
<section id="method"><h2>Method</h2><p>${d.method.sources} sources; model <code>${esc(d.method.model)}</code>. ${esc(d.method.stance)}</p>
<p>Reproduce every number:</p><ul>${Object.entries(d.method.queries)
    .map(([k, v]) => `<li>${k}: <code>${esc(v)}</code></li>`)
    .join('')}</ul></section>
</body></html>
`;
}
