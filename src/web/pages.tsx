/** @jsxImportSource hono/jsx */
import type { Child, FC } from 'hono/jsx';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);
/** JSON for a <script type="application/json"> block: "</" cannot close the tag. */
const safeJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** A numeric column's header cell: right-aligned like its figures. */
export const NumHead: FC<{ children: Child }> = ({ children }) => (
  <th scope="col" class="num">
    {children}
  </th>
);

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
          <a href="/">Explorer</a>
          <a href="/sources">Sources</a>
          <a href="/digests">Digests</a>
          <a href="/docs">API docs</a>
        </nav>
      </header>
      <main id="main">{props.children}</main>
      <script src="/assets/uplot.js"></script>
      <script src="/assets/dashboard.js"></script>
    </body>
  </html>
);

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
      <a href="/">← Explorer</a>
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
            <NumHead>before</NumHead>
            <NumHead>after</NumHead>
            <NumHead>change</NumHead>
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
