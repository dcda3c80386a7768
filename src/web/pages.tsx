/** @jsxImportSource hono/jsx */
import type { Child, FC } from 'hono/jsx';
import type { TrendBucket } from '../analytics/trends.ts';
import type { ItemListRow } from '../services/items.ts';
import type { AlertRow } from '../services/alerts.ts';
import { CONCERNS, SOURCE_KINDS } from '../labels.ts';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);
/** JSON for a <script type="application/json"> block: "</" cannot close the tag. */
const safeJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

export const Layout: FC<{ title: string; children?: Child }> = (props) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{props.title}</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="/assets/uplot.css" />
      <link rel="stylesheet" href="/assets/dashboard.css" />
    </head>
    <body>
      <header class="top">
        <h1>
          <a href="/">Pulse</a>
        </h1>
        <nav aria-label="Main">
          <a href="/">Dashboard</a>
          <a href="/api/v1/digests">Digests</a>
          <a href="/api/v1/digests/feed.xml">Digest feed</a>
          <a href="/docs">API docs</a>
        </nav>
      </header>
      <main id="main">{props.children}</main>
      <script src="/assets/uplot.js"></script>
      <script src="/assets/dashboard.js"></script>
    </body>
  </html>
);

export interface DashboardProps {
  from: string;
  to: string;
  filters: Record<'studio' | 'union' | 'kind' | 'concern', string | undefined>;
  options: Record<'studio' | 'union' | 'area' | 'concern', string[]>;
  buckets: TrendBucket[];
  items: ItemListRow[];
  explanations: Map<number, { terms: { term: string }[]; sentence: string } | null>;
  announcements: { id: number; title: string; date: string; studio: string | null }[];
  alerts: AlertRow[];
  digests: { week: string; studio: string | null; union: string | null; version: number }[];
}

const Select: FC<{ name: string; label: string; value?: string; values: readonly string[] }> = (p) => (
  <label>
    {p.label}
    <select name={p.name} id={`filter-${p.name}`}>
      <option value="">all</option>
      {p.values.map((v) => (
        <option value={v} selected={v === p.value}>
          {v.replace(/_/g, ' ')}
        </option>
      ))}
    </select>
  </label>
);

export const Dashboard: FC<DashboardProps> = (p) => {
  const total = p.buckets.reduce((s, b) => s + b.total, 0);
  const sum = (k: 'worry' | 'excitement' | 'neutral') => p.buckets.reduce((s, b) => s + b.counts[k], 0);
  return (
    <Layout title="Pulse: how the screen industry reacts to studio AI">
      <section aria-labelledby="trend-title">
        <h2 id="trend-title">
          Stance toward studio AI, by week ({p.from} to {p.to})
        </h2>
        <form id="filters" class="filters" method="get" action="/" aria-label="Filters">
          <Select name="studio" label="Studio" value={p.filters.studio} values={p.options.studio} />
          <Select name="union" label="Union or guild" value={p.filters.union} values={p.options.union} />
          <Select name="kind" label="Source kind" value={p.filters.kind} values={SOURCE_KINDS} />
          <Select
            name="concern"
            label="Concern"
            value={p.filters.concern}
            values={p.options.concern.length ? p.options.concern : CONCERNS}
          />
          <label class="toggle">
            <span>
              <input type="checkbox" name="adjust" value="true" id="filter-adjust" /> Correct for measured error
            </span>
          </label>
          <button type="submit">Apply</button>
        </form>
        <p id="adjust-note" class="muted" role="status" aria-live="polite"></p>
        <div class="summary" aria-live="polite">
          <div class="stat">
            <b>{total}</b> relevant items
          </div>
          <div class="stat">
            <b>{total ? pct(sum('worry') / total) : '–'}</b> worry
          </div>
          <div class="stat">
            <b>{total ? pct(sum('excitement') / total) : '–'}</b> excitement
          </div>
          <div class="stat">
            <b>{total ? pct(sum('neutral') / total) : '–'}</b> neutral
          </div>
        </div>
        <div id="chart" role="img" aria-label="Weekly worry and excitement shares with 95% interval bands" data-state="server"></div>
        <script
          type="application/json"
          id="trend-data"
          dangerouslySetInnerHTML={{ __html: safeJson({ from: p.from, to: p.to, buckets: p.buckets }) }}
        ></script>
        <details>
          <summary>The numbers behind the chart</summary>
          <div class="scroll">
            <table>
              <caption class="visually-hidden">Weekly counts and shares</caption>
              <thead>
                <tr>
                  <th scope="col">week of</th>
                  <th scope="col" class="num">
                    items
                  </th>
                  <th scope="col" class="num">
                    worry
                  </th>
                  <th scope="col" class="num">
                    excitement
                  </th>
                  <th scope="col" class="num">
                    neutral
                  </th>
                  <th scope="col" class="num">
                    net
                  </th>
                  <th scope="col">note</th>
                </tr>
              </thead>
              <tbody id="trend-rows">
                {p.buckets.map((b) => (
                  <tr>
                    <td>{b.start}</td>
                    <td class="num">{b.total}</td>
                    <td class="num">{pct(b.shares.worry?.value)}</td>
                    <td class="num">{pct(b.shares.excitement?.value)}</td>
                    <td class="num">{pct(b.shares.neutral?.value)}</td>
                    <td class="num">{b.net === null ? 'n/a' : b.net.toFixed(2)}</td>
                    <td>{b.lowN ? <span class="lown">fewer than 30</span> : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>

      <section aria-labelledby="ann-title">
        <h2 id="ann-title">Announcements on the timeline</h2>
        {p.announcements.length ? (
          <ul class="timeline">
            {p.announcements.map((a) => (
              <li>
                <time datetime={a.date}>{a.date}</time> · {a.studio ?? 'industry'} · <a href={`/announcements/${a.id}`}>{a.title}</a>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No announcements in this period.</p>
        )}
      </section>

      <section aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alerts in this range</h2>
        {p.alerts.length ? (
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">day</th>
                  <th scope="col">who</th>
                  <th scope="col">what</th>
                  <th scope="col" class="num">
                    today
                  </th>
                  <th scope="col" class="num">
                    baseline
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.alerts.map((a) => (
                  <tr>
                    <td>{a.day}</td>
                    <td>{a.entity}</td>
                    <td>{a.metric === 'volume' ? 'volume spike' : 'worry share spike'}</td>
                    <td class="num">{a.metric === 'volume' ? a.value : pct(a.value)}</td>
                    <td class="num">{a.metric === 'volume' ? a.baseline.toFixed(1) + '/day' : pct(a.baseline)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">No spikes in this range.</p>
        )}
      </section>

      <section aria-labelledby="items-title">
        <h2 id="items-title">Latest items</h2>
        <div class="scroll">
          <table id="latest-items">
            <thead>
              <tr>
                <th scope="col">item</th>
                <th scope="col">stance</th>
                <th scope="col">why</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((i) => {
                const e = p.explanations.get(i.id);
                return (
                  <tr>
                    <td>
                      <a href={i.url}>{i.title}</a>
                      <div class="muted">
                        {i.sourceName} ({i.sourceKind}),{' '}
                        <time datetime={i.publishedAt.toISOString()}>{i.publishedAt.toISOString().slice(0, 10)}</time>
                      </div>
                    </td>
                    <td>
                      {i.stance ? <span class={`badge ${i.stance}`}>{i.stance}</span> : <span class="muted">pending</span>}
                      {i.concerns.length ? <div class="terms">{i.concerns.map((c) => c.replace(/_/g, ' ')).join(', ')}</div> : ''}
                    </td>
                    <td class="terms">
                      {e
                        ? e.terms
                            .slice(0, 4)
                            .map((t) => t.term)
                            .join(', ')
                        : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="digest-title">
        <h2 id="digest-title">Digests</h2>
        {p.digests.length ? (
          <ul>
            {p.digests.map((d) => (
              <li>
                <a
                  href={`/api/v1/digests/${d.week}?format=html${d.studio ? `&studio=${encodeURIComponent(d.studio)}` : ''}${d.union ? `&union=${encodeURIComponent(d.union)}` : ''}`}
                >
                  {d.week}
                  {d.studio ? ` — ${d.studio}` : d.union ? ` — ${d.union}` : ''}
                </a>
                {d.version > 1 ? ` (version ${d.version})` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No digests stored yet.</p>
        )}
        <p>
          <a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI</a>
        </p>
      </section>
    </Layout>
  );
};

export interface ReactionProps {
  announcement: { id: number; title: string; date: string; studio: string | null; description: string };
  reaction: {
    windowDays: number;
    before: {
      total: number;
      shares: Record<'worry' | 'excitement' | 'neutral', { value: number; low: number; high: number }>;
      net: number;
    };
    after: { total: number; shares: Record<'worry' | 'excitement' | 'neutral', { value: number; low: number; high: number }>; net: number };
    worryShare: { diff: number; z: number; p: number } | null;
    net: { diff: number; p: number } | null;
    volume: { ratio: number | null; p: number };
    note: string | null;
    daily: { day: string; side: string; counts: Record<'worry' | 'excitement' | 'neutral', number>; total: number }[];
    topItems: {
      before: { title: string; url: string; stance: string; quote: string | null; source: string }[];
      after: { title: string; url: string; stance: string; quote: string | null; source: string }[];
    };
  };
}

export const ReactionPage: FC<ReactionProps> = ({ announcement: a, reaction: r }) => (
  <Layout title={`Reaction: ${a.title}`}>
    <p>
      <a href="/">← Dashboard</a>
    </p>
    <h2 id="reaction-title">{a.title}</h2>
    <p class="muted">
      {a.date} · {a.studio ?? 'industry'} · {r.windowDays} days before against {r.windowDays} days after
    </p>
    <p>{a.description}</p>
    {r.note ? (
      <p role="note">
        <strong>{r.note}</strong>
      </p>
    ) : (
      ''
    )}
    <div class="scroll">
      <table id="reaction-table">
        <thead>
          <tr>
            <th scope="col"></th>
            <th scope="col" class="num">
              before
            </th>
            <th scope="col" class="num">
              after
            </th>
            <th scope="col" class="num">
              change
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">items</th>
            <td class="num">{r.before.total}</td>
            <td class="num">{r.after.total}</td>
            <td class="num">{r.volume.ratio === null ? '–' : `×${r.volume.ratio.toFixed(2)} (p = ${r.volume.p})`}</td>
          </tr>
          {(['worry', 'excitement', 'neutral'] as const).map((s) => (
            <tr>
              <th scope="row">{s} share</th>
              <td class="num">
                {pct(r.before.shares[s].value)}{' '}
                <span class="muted">
                  ({pct(r.before.shares[s].low)}–{pct(r.before.shares[s].high)})
                </span>
              </td>
              <td class="num">
                {pct(r.after.shares[s].value)}{' '}
                <span class="muted">
                  ({pct(r.after.shares[s].low)}–{pct(r.after.shares[s].high)})
                </span>
              </td>
              <td class="num">
                {s === 'worry' && r.worryShare
                  ? `${r.worryShare.diff > 0 ? '+' : ''}${Math.round(r.worryShare.diff * 100)} pts (p = ${r.worryShare.p})`
                  : ''}
              </td>
            </tr>
          ))}
          <tr>
            <th scope="row">net score</th>
            <td class="num">{r.before.net.toFixed(2)}</td>
            <td class="num">{r.after.net.toFixed(2)}</td>
            <td class="num">{r.net ? `${r.net.diff > 0 ? '+' : ''}${r.net.diff.toFixed(2)} (p = ${r.net.p})` : ''}</td>
          </tr>
        </tbody>
      </table>
    </div>
    <h3>Daily items</h3>
    <div id="daily-chart" role="img" aria-label="Items per day before and after the announcement, by stance" data-state="server"></div>
    <script type="application/json" id="daily-data" dangerouslySetInnerHTML={{ __html: safeJson(r.daily) }}></script>
    <h3>Most telling items</h3>
    {(['before', 'after'] as const).map((side) => (
      <div>
        <h4>{side}</h4>
        <ul>
          {r.topItems[side].map((i) => (
            <li>
              <span class={`badge ${i.stance}`}>{i.stance}</span> <a href={i.url}>{i.title}</a> <span class="muted">({i.source})</span>
              {i.quote ? <blockquote>{i.quote}</blockquote> : ''}
            </li>
          ))}
        </ul>
      </div>
    ))}
  </Layout>
);
