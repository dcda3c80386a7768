/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { addDays, GRANULARITIES } from '../analytics/buckets.ts';
import type { Interval } from '../analytics/stats.ts';
import { CONCERNS, SOURCE_KINDS } from '../labels.ts';
import type { ExplorerData, ExplorerFilters } from '../services/explorer.ts';
import { Layout, NumHead } from './pages.tsx';
import { Sparkline } from './sparkline.tsx';

const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${Math.round(v * 100)}%`);
const interval = (s: Interval | null) => (s ? `${pct(s.low)}–${pct(s.high)}` : '');
const label = (v: string) => v.replace(/_/g, ' ');
/** JSON for a <script type="application/json"> block: "</" cannot close the tag. */
const safeJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** The explorer's state, as the URL carries it. */
export interface ExplorerState extends ExplorerFilters {
  from?: string | undefined;
  to?: string | undefined;
  granularity: string;
}

export const FILTER_KEYS = ['q', 'studio', 'union', 'source', 'kind', 'concern', 'lang', 'area'] as const;

/** A URL of the explorer with some of its state changed (undefined removes a parameter). */
export function explorerHref(
  state: Record<string, string | number | undefined>,
  patch: Record<string, string | number | undefined> = {},
): string {
  const merged = { ...state, ...patch };
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'granularity', ...FILTER_KEYS]) {
    const v = merged[k];
    if (v === undefined || v === '' || (k === 'granularity' && v === 'week')) continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `/?${s}` : '/';
}

/** The same filters as query parameters of an API route. */
function apiQuery(d: ExplorerData, extra: Record<string, string>): string {
  const p = new URLSearchParams(extra);
  for (const k of FILTER_KEYS) {
    const v = d.filters[k];
    if (v !== undefined && v !== '') p.set(k, String(v));
  }
  return p.toString();
}

const Select: FC<{ name: string; label: string; value?: string | number | undefined; values: readonly string[] }> = (p) => (
  <label>
    {p.label}
    <select name={p.name} id={`filter-${p.name}`}>
      <option value="">all</option>
      {p.values.map((v) => (
        <option value={v} selected={v === String(p.value ?? '')}>
          {label(v)}
        </option>
      ))}
    </select>
  </label>
);

/** The filter form: works as a plain GET form without JavaScript. */
export const ExplorerForm: FC<{ d: ExplorerData; state: ExplorerState }> = ({ d, state }) => {
  const byKind = SOURCE_KINDS.map((k) => ({ kind: k, list: d.options.sources.filter((s) => s.kind === k) })).filter((g) => g.list.length);
  return (
    <form id="filters" class="filters" method="get" action="/" aria-label="Filters">
      <label class="wide">
        Search
        <input type="search" name="q" id="filter-q" value={d.filters.q ?? ''} placeholder='words, "a phrase", -not' maxlength={500} />
      </label>
      <label>
        From
        <input type="date" name="from" id="filter-from" value={d.from} data-default={state.from ? '' : d.from} />
      </label>
      <label>
        To (not included)
        <input type="date" name="to" id="filter-to" value={d.to} data-default={state.to ? '' : d.to} />
      </label>
      <label>
        Granularity
        <select name="granularity" id="filter-granularity" data-default="week">
          {GRANULARITIES.map((g) => (
            <option value={g} selected={g === d.granularity}>
              {g}
            </option>
          ))}
        </select>
      </label>
      <Select name="studio" label="Studio mentioned" value={d.filters.studio} values={d.options.studio} />
      <Select name="union" label="Union mentioned" value={d.filters.union} values={d.options.union} />
      <label>
        Source
        <select name="source" id="filter-source">
          <option value="">all</option>
          {byKind.map((g) => (
            <optgroup label={`${g.kind} sources`}>
              {g.list.map((s) => (
                <option value={String(s.id)} selected={s.id === d.filters.source}>
                  {s.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <Select name="kind" label="Source kind" value={d.filters.kind} values={SOURCE_KINDS} />
      <Select name="concern" label="Concern" value={d.filters.concern} values={CONCERNS} />
      <Select name="lang" label="Language" value={d.filters.lang} values={d.options.lang} />
      <Select name="area" label="Area" value={d.filters.area} values={d.options.area} />
      <label class="toggle">
        <span>
          <input type="checkbox" name="adjust" value="true" id="filter-adjust" checked={d.adjusted || !!d.adjustNote} /> Correct for
          measured error
        </span>
      </label>
      <div class="actions">
        <button type="submit">Apply</button>
        <a href="/" id="clear-filters">
          Clear
        </a>
      </div>
    </form>
  );
};

/** Chips naming the active filters, each a link that removes it. */
const ActiveFilters: FC<{ d: ExplorerData; state: ExplorerState }> = ({ d, state }) => {
  const chips = FILTER_KEYS.filter((k) => d.filters[k] !== undefined && d.filters[k] !== '').map((k) => {
    const v = d.filters[k]!;
    const shown = k === 'source' ? (d.options.sources.find((s) => s.id === v)?.name ?? `#${v}`) : label(String(v));
    return { k, shown };
  });
  if (!chips.length) return <p class="muted">All relevant items; no filters.</p>;
  return (
    <ul class="chips" aria-label="Active filters">
      {chips.map((c) => (
        <li class="chip">
          {c.k}: <b>{c.shown}</b>{' '}
          <a class="chip-x" href={explorerHref(stateOf(d, state), { [c.k]: undefined })} aria-label={`remove the ${c.k} filter`}>
            ×
          </a>
        </li>
      ))}
    </ul>
  );
};

const stateOf = (d: ExplorerData, state: ExplorerState) => ({ ...d.filters, from: state.from, to: state.to, granularity: d.granularity });

/** Everything that follows the filters; the client swaps this element on every change. */
export const ExplorerResults: FC<{ d: ExplorerData; state: ExplorerState }> = ({ d, state }) => {
  const s = d.summary;
  const st = stateOf(d, state);
  const exportRange = { from: d.from, to: d.to };
  const itemsExport = (format: string) =>
    `/api/v1/items/export?${apiQuery(d, { format, relevant: 'true', labelled: 'true', ...exportRange })}`;
  const trendsExport = `/api/v1/trends?${apiQuery(d, { format: 'csv', granularity: d.granularity, ...exportRange })}`;
  return (
    <div id="results" data-total={String(s.total)} data-query={explorerHref(st).slice(2)}>
      <h2 id="trend-title">
        Stance toward studio AI, by {d.granularity}, {d.from} to {addDays(d.to, -1)}
      </h2>
      <ActiveFilters d={d} state={state} />
      <div class="summary" id="summary">
        <div class="stat">
          <b id="stat-total">{s.total}</b> relevant items
        </div>
        {(['worry', 'excitement', 'neutral'] as const).map((k) => (
          <div class="stat">
            <b id={`stat-${k}`}>{s.total ? pct(s[k]?.value) : '–'}</b> {k}
            <span class="muted">{interval(s[k])}</span>
          </div>
        ))}
        <div class="stat">
          <b id="stat-sources">{s.sources}</b> sources
        </div>
      </div>
      <p class="muted">
        Shares with 95% intervals.{' '}
        {s.lowNBuckets
          ? `${s.lowNBuckets} of ${d.buckets.length} ${d.granularity}s have fewer than ${d.minN} items (shaded): their shares are noise. `
          : ''}
        {s.emptyBuckets ? `${s.emptyBuckets} have none (gaps). ` : ''}Model {d.meta.model}.
      </p>
      <p id="adjust-note" class="muted" role="status" aria-live="polite">
        {d.adjustNote ?? ''}
      </p>
      <div class="charts">
        <figure>
          <figcaption>Share of items by stance{d.adjusted ? ', corrected for measured error' : ''}</figcaption>
          <div
            id="chart"
            class="chart"
            role="img"
            aria-label="Share of items by stance per bucket, with 95% interval bands"
            data-state="server"
            data-adjusted={String(d.adjusted)}
          ></div>
          <p class="chart-note muted">
            Bands: 95% intervals. Shaded columns: fewer than {d.minN} items. Gaps: no items. ◆ on the time axis: an announcement (opens its
            reaction).
          </p>
        </figure>
        <figure>
          <figcaption>Items per {d.granularity} by stance</figcaption>
          <div id="volume-chart" class="chart" role="img" aria-label="Items per bucket by stance" data-state="server"></div>
        </figure>
      </div>
      <script
        type="application/json"
        id="trend-data"
        dangerouslySetInnerHTML={{
          __html: safeJson({
            from: d.from,
            to: d.to,
            granularity: d.granularity,
            minN: d.minN,
            adjusted: d.adjusted,
            buckets: d.buckets,
            announcements: d.announcements,
          }),
        }}
      ></script>
      <p class="exports">
        Download what is shown: <a href={itemsExport('csv')}>items CSV</a> · <a href={itemsExport('ndjson')}>items NDJSON</a> ·{' '}
        <a href={trendsExport}>series CSV</a>
      </p>

      <section aria-labelledby="ann-title">
        <h3 id="ann-title">Announcements in this range</h3>
        {d.announcements.length ? (
          <ul class="timeline" id="announcements">
            {d.announcements.map((a) => (
              <li>
                <time datetime={a.date}>{a.date}</time> · {a.studio ?? 'industry'} · <a href={`/announcements/${a.id}`}>{a.title}</a>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No announcements in this range.</p>
        )}
      </section>

      <details>
        <summary>The numbers behind the charts</summary>
        <div class="scroll">
          <table id="trend-table">
            <caption class="visually-hidden">Counts and shares per {d.granularity}</caption>
            <thead>
              <tr>
                <th scope="col">{d.granularity} of</th>
                <NumHead>items</NumHead>
                <NumHead>worry</NumHead>
                <NumHead>excitement</NumHead>
                <NumHead>neutral</NumHead>
                <NumHead>net</NumHead>
                <th scope="col">note</th>
              </tr>
            </thead>
            <tbody id="trend-rows">
              {d.buckets.map((b) => (
                <tr>
                  <td>{b.start}</td>
                  <td class="num">{b.total}</td>
                  <td class="num">
                    {b.counts.worry} <span class="muted">({pct(b.shares.worry?.value)})</span>
                  </td>
                  <td class="num">
                    {b.counts.excitement} <span class="muted">({pct(b.shares.excitement?.value)})</span>
                  </td>
                  <td class="num">
                    {b.counts.neutral} <span class="muted">({pct(b.shares.neutral?.value)})</span>
                  </td>
                  <td class="num">{b.net === null ? 'n/a' : b.net.toFixed(2)}</td>
                  <td>
                    {b.total === 0 ? <span class="lown">no items</span> : b.lowN ? <span class="lown">fewer than {d.minN}</span> : ''}
                    {b.partial ? <span class="lown"> partial</span> : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>

      <div class="panels">
        <section aria-labelledby="concerns-title">
          <h3 id="concerns-title">Concerns raised</h3>
          <div class="scroll">
            <table id="concerns">
              <thead>
                <tr>
                  <th scope="col">concern</th>
                  <NumHead>items</NumHead>
                  <NumHead>share (95% interval)</NumHead>
                  <th scope="col">over time</th>
                </tr>
              </thead>
              <tbody>
                {d.concerns.map((c) => (
                  <tr>
                    <th scope="row">
                      <a href={explorerHref(st, { concern: c.concern })}>{label(c.concern)}</a>
                    </th>
                    <td class="num">{c.count}</td>
                    <td class="num">
                      {pct(c.share?.value)} <span class="muted">{interval(c.share)}</span>
                    </td>
                    <td>
                      <Sparkline
                        points={c.buckets}
                        label={`${label(c.concern)}: share of items per ${d.granularity}, ${c.buckets.map((b) => pct(b.share?.value)).join(', ')}`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section aria-labelledby="sources-title">
          <h3 id="sources-title">Top sources</h3>
          {d.topSources.length ? (
            <div class="scroll">
              <table id="top-sources">
                <thead>
                  <tr>
                    <th scope="col">source</th>
                    <NumHead>items</NumHead>
                    <NumHead>worry</NumHead>
                    <NumHead>excitement</NumHead>
                  </tr>
                </thead>
                <tbody>
                  {d.topSources.map((x) => (
                    <tr>
                      <th scope="row">
                        <a href={explorerHref(st, { source: x.id })}>{x.name}</a>{' '}
                        <a class="muted" href={explorerHref(st, { kind: x.kind })}>
                          ({x.kind})
                        </a>
                      </th>
                      <td class="num">{x.total}</td>
                      <td class="num">{pct(x.worry / x.total)}</td>
                      <td class="num">{pct(x.excitement / x.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="muted">No items match.</p>
          )}
        </section>
      </div>

      <section aria-labelledby="alerts-title">
        <h3 id="alerts-title">
          Alerts in this range
          {d.filters.studio
            ? ` for ${d.filters.studio}`
            : d.filters.union
              ? ` for ${d.filters.union}`
              : d.filters.concern
                ? ` for ${label(d.filters.concern)}`
                : ''}
        </h3>
        <p class="muted">Alerts are raised per studio, per union and per concern; the other filters do not apply to them.</p>
        {d.alerts.length ? (
          <div class="scroll">
            <table id="alerts">
              <thead>
                <tr>
                  <th scope="col">day</th>
                  <th scope="col">who</th>
                  <th scope="col">what</th>
                  <NumHead>that day</NumHead>
                  <NumHead>baseline</NumHead>
                </tr>
              </thead>
              <tbody>
                {d.alerts.map((a) => (
                  <tr>
                    <td>{a.day}</td>
                    <td>{label(a.entity)}</td>
                    <td>
                      {a.metric === 'volume' ? 'volume spike' : a.metric === 'concern_share' ? 'concern rising' : 'worry share spike'}
                    </td>
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
        <h3 id="items-title">
          {d.filters.q ? 'Best matches' : 'Latest items'}{' '}
          <span class="muted">
            ({d.items.length} of {d.itemTotalRelation === 'gte' ? `at least ${d.itemTotal}` : d.itemTotal})
          </span>
        </h3>
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
              {d.items.map((i) => {
                const e = d.explanations.get(i.id);
                return (
                  <tr>
                    <td>
                      <a href={`/items/${i.id}`}>{i.title}</a>
                      {i.snippet ? <div class="snippet" dangerouslySetInnerHTML={{ __html: i.snippet }}></div> : ''}
                      <div class="muted">
                        <a href={i.url} rel="noopener noreferrer">
                          {i.sourceName}
                        </a>{' '}
                        ({i.sourceKind}), <time datetime={i.publishedAt.toISOString()}>{i.publishedAt.toISOString().slice(0, 10)}</time>
                      </div>
                    </td>
                    <td>
                      {i.stance ? <span class={`badge ${i.stance}`}>{i.stance}</span> : <span class="muted">pending</span>}
                      {i.concerns.length ? <div class="terms">{i.concerns.map(label).join(', ')}</div> : ''}
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
        {d.itemTotal > d.items.length ? (
          <p>
            <a href={`/api/v1/items?${apiQuery(d, { relevant: 'true', labelled: 'true', ...exportRange, limit: '50' })}`}>
              All {d.itemTotal} matching items (JSON, paged)
            </a>
          </p>
        ) : (
          ''
        )}
      </section>
    </div>
  );
};

/** The explorer at `/`. */
export const ExplorerPage: FC<{ d: ExplorerData; state: ExplorerState }> = ({ d, state }) => (
  <Layout title="Pulse explorer: how the screen industry reacts to studio AI">
    <ExplorerForm d={d} state={state} />
    <p id="status" class="muted" role="status" aria-live="polite"></p>
    <ExplorerResults d={d} state={state} />
    <section aria-labelledby="digest-title">
      <h2 id="digest-title">Digests</h2>
      {d.digests.length ? (
        <ul>
          {d.digests.map((g) => (
            <li>
              <a
                href={`/api/v1/digests/${g.week}?format=html${g.studio ? `&studio=${encodeURIComponent(g.studio)}` : ''}${g.union ? `&union=${encodeURIComponent(g.union)}` : ''}`}
              >
                {g.week}
                {g.studio ? ` — ${g.studio}` : g.union ? ` — ${g.union}` : ''}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No digests stored yet.</p>
      )}
    </section>
  </Layout>
);
