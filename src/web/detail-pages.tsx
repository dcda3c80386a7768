/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { entityPage } from '../services/explorer.ts';
import type { itemPage } from '../services/items.ts';
import type { listDigests } from '../services/digests.ts';
import type { SourceHealth } from '../services/sources.ts';
import { ExplorerResults, explorerHref } from './explorer.tsx';
import { Layout, NumHead } from './pages.tsx';

const label = (v: string) => v.replace(/_/g, ' ');
const when = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '–');
const slug = (name: string) => encodeURIComponent(name);
/** Link to a studio's or a union's page. */
export const entityHref = (kind: 'studio' | 'union', name: string) => `/${kind === 'studio' ? 'studios' : 'unions'}/${slug(name)}`;

type Item = Awaited<ReturnType<typeof itemPage>>;

const Tags: FC<{ kind: 'studio' | 'union' | 'area'; names: string[] }> = ({ kind, names }) =>
  names.length ? (
    <span>
      {names.map((n, i) => (
        <>
          {i ? ', ' : ''}
          {kind === 'area' ? label(n) : <a href={entityHref(kind, n)}>{n}</a>}
        </>
      ))}
    </span>
  ) : (
    <span class="muted">none</span>
  );

/** One item: its labels and why, its quotations with speakers, where it was seen, which model. */
export const ItemPage: FC<{ item: Item }> = ({ item: i }) => {
  const l = i.labels;
  const weights = l.explanation?.terms ?? [];
  const top = Math.max(0.0001, ...weights.map((t) => Math.abs(t.weight)));
  return (
    <Layout title={`${i.title} — Pulse`}>
      <p>
        <a href="/">← Explorer</a>
      </p>
      <article aria-labelledby="item-title">
        <h2 id="item-title">{i.title}</h2>
        <p class="muted">
          <a href={i.source.url}>{i.source.name}</a> ({i.source.kind}) · <time datetime={i.publishedAt}>{i.publishedAt.slice(0, 10)}</time>
          {i.publishedEstimated ? ' (date estimated: the feed gave none)' : ''}
          {i.author ? ` · ${i.author}` : ''}
          {i.language ? ` · ${i.language}` : ''} ·{' '}
          <a href={i.url} rel="noopener noreferrer">
            read at the source
          </a>
        </p>
        {i.summary ? <p>{i.summary}</p> : ''}
        <h3>Labels</h3>
        <dl class="labels" id="labels">
          <dt>Relevant to studio AI</dt>
          <dd>{l.relevant === null ? 'not decided yet' : l.relevant ? 'yes' : 'no (off-topic)'}</dd>
          <dt>Stance</dt>
          <dd>
            {l.stance ? <span class={`badge ${l.stance}`}>{l.stance}</span> : <span class="muted">{l.status}</span>}
            {l.confidence !== null ? <span class="muted"> confidence {Math.round(l.confidence * 100)}%</span> : ''}
          </dd>
          <dt>Concerns</dt>
          <dd>{l.concerns.length ? l.concerns.map(label).join(', ') : <span class="muted">none</span>}</dd>
          <dt>Studios</dt>
          <dd>
            <Tags kind="studio" names={i.entities.studios} />
          </dd>
          <dt>Unions and guilds</dt>
          <dd>
            <Tags kind="union" names={i.entities.unions} />
          </dd>
          <dt>Areas</dt>
          <dd>
            <Tags kind="area" names={i.entities.areas} />
          </dd>
          <dt>Model</dt>
          <dd id="model">
            {l.model ?? <span class="muted">not labelled yet</span>}
            {l.classifiedAt ? <span class="muted"> · labelled {when(l.classifiedAt)}</span> : ''}
          </dd>
        </dl>
        <h3>Why</h3>
        {l.explanation ? (
          <>
            {l.explanation.sentence ? <blockquote id="telling-sentence">{l.explanation.sentence}</blockquote> : ''}
            {weights.length ? (
              <table id="explanation">
                <caption class="muted">Terms that moved the decision, by weight (positive: toward the label given)</caption>
                <tbody>
                  {weights.map((t) => (
                    <tr>
                      <th scope="row">{t.term}</th>
                      <td class="num">{t.weight.toFixed(2)}</td>
                      <td class="bar-cell">
                        <span
                          class={t.weight >= 0 ? 'bar pos' : 'bar neg'}
                          style={`width:${Math.round((Math.abs(t.weight) / top) * 100)}%`}
                        ></span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p class="muted">No single term stood out.</p>
            )}
          </>
        ) : (
          <p class="muted">Not labelled yet.</p>
        )}
        <h3>Quotes</h3>
        {i.quotes.length ? (
          <ul class="quotes" id="quotes">
            {i.quotes.map((q) => (
              <li>
                <blockquote>{q.text}</blockquote>
                <p class="muted">{q.speaker ? `— ${q.speaker}` : 'speaker not named in the text'}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No quotations in the stored text.</p>
        )}
        <h3>Seen in</h3>
        <ul id="sightings">
          {i.sightings.map((s) => (
            <li>
              {s.sourceName}: <a href={s.url}>{s.url}</a> <span class="muted">first seen {when(s.firstSeenAt)}</span>
            </li>
          ))}
        </ul>
        <p>
          <a href={`/api/v1/items/${i.id}`}>This item as JSON</a>
        </p>
      </article>
    </Layout>
  );
};

type Entity = Awaited<ReturnType<typeof entityPage>>;

/** A studio's or a union's page: volume and stance over time, its concerns, its words, its alerts. */
export const EntityPage: FC<{ e: Entity }> = ({ e }) => {
  const state = { granularity: 'week' };
  const own = e.kind === 'union' ? 'Latest statements' : 'Latest from the studio';
  return (
    <Layout title={`${e.name} — Pulse`}>
      <p>
        <a href="/">← Explorer</a> · <a href={explorerHref({ [e.kind]: e.name })}>Open {e.name} in the explorer</a> (other ranges, more
        filters)
      </p>
      <h2 id="entity-title">{e.name}</h2>
      <p class="muted">
        {e.kind === 'union' ? 'Union or guild' : 'Studio'}. Items mentioning {e.name};{' '}
        {e.ownSources.length ? `its own feeds: ${e.ownSources.map((s) => s.name).join(', ')}.` : 'no feed of its own is registered.'}
      </p>
      <section aria-labelledby="own-title">
        <h3 id="own-title">
          {own}{' '}
          <span class="muted">
            ({e.statements.length} of {e.statementTotal})
          </span>
        </h3>
        {e.statements.length ? (
          <ul id="statements">
            {e.statements.map((i) => (
              <li>
                {i.stance ? <span class={`badge ${i.stance}`}>{i.stance}</span> : ''} <a href={`/items/${i.id}`}>{i.title}</a>{' '}
                <span class="muted">
                  {i.sourceName}, {i.publishedAt.toISOString().slice(0, 10)}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">None stored.</p>
        )}
      </section>
      <ExplorerResults d={e.data} state={state} />
    </Layout>
  );
};

type DigestRow = Awaited<ReturnType<typeof listDigests>>[number];

/** The digests, newest first, each in every format, and how to subscribe. */
export const DigestsPage: FC<{ digests: DigestRow[]; subscribe?: { action: string } | undefined }> = ({ digests, subscribe }) => (
  <Layout title="Weekly digests — Pulse">
    <h2>Weekly digests</h2>
    <p>
      A digest is written every Monday for the week before: the numbers, a chart, the top stories and quotes. Subscribe with a feed reader:{' '}
      <a href="/api/v1/digests/feed.xml" id="subscribe-feed">
        Atom feed
      </a>
      .
    </p>
    {subscribe ? (
      <form method="post" action={subscribe.action} class="filters" id="subscribe" aria-label="Subscribe by email">
        <label class="wide">
          Email address
          <input type="email" name="email" id="subscribe-email" required maxlength={254} autocomplete="email" />
        </label>
        <button type="submit">Subscribe by email</button>
      </form>
    ) : (
      ''
    )}
    {digests.length ? (
      <div class="scroll">
        <table id="digests">
          <thead>
            <tr>
              <th scope="col">week</th>
              <th scope="col">scope</th>
              <th scope="col">summary</th>
              <th scope="col">formats</th>
            </tr>
          </thead>
          <tbody>
            {digests.map((d) => (
              <tr>
                <td>
                  <a href={d.links.html}>{d.week}</a>
                  {d.version > 1 ? <span class="muted"> v{d.version}</span> : ''}
                </td>
                <td>{d.studio ?? d.union ?? 'everything'}</td>
                <td>{d.summary}</td>
                <td>
                  <a href={d.links.html}>HTML</a> · <a href={d.links.md}>Markdown</a> · <a href={d.links.csv}>CSV</a> ·{' '}
                  <a href={d.links.json}>JSON</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    ) : (
      <p class="muted">No digests stored yet: the first is written on Monday.</p>
    )}
  </Layout>
);

/** Every feed's health; failing feeds first and marked. */
export const SourcesPage: FC<{ sources: SourceHealth[] }> = ({ sources }) => {
  const failing = sources.filter((s) => s.failing).length;
  return (
    <Layout title="Sources — Pulse">
      <h2>Sources</h2>
      <p id="sources-summary">
        {sources.length} feeds; {failing ? <strong class="failing-text">{failing} failing</strong> : 'none failing'}.
      </p>
      <div class="scroll">
        <table id="sources">
          <thead>
            <tr>
              <th scope="col">source</th>
              <th scope="col">state</th>
              <th scope="col">last fetch</th>
              <th scope="col">last error</th>
              <th scope="col">next fetch</th>
              <NumHead>items</NumHead>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr class={s.failing ? 'failing' : ''}>
                <th scope="row">
                  <a href={explorerHref({ source: s.id })}>{s.name}</a>
                  <div class="muted">
                    {s.kind}
                    {s.organisation && s.organisation !== s.name ? ` · ${s.organisation}` : ''}
                  </div>
                </th>
                <td>
                  {!s.enabled ? (
                    <span class="badge neutral">paused</span>
                  ) : s.failing ? (
                    <span class="badge worry">failing{s.consecutiveFailures > 1 ? ` ×${s.consecutiveFailures}` : ''}</span>
                  ) : s.lastFetchedAt ? (
                    <span class="badge excitement">ok</span>
                  ) : (
                    <span class="muted">not fetched yet</span>
                  )}
                </td>
                <td>
                  {when(s.lastFetchedAt)}
                  {s.lastStatus !== null ? <div class="muted">HTTP {s.lastStatus}</div> : ''}
                </td>
                <td class="error-cell">{s.lastError ?? <span class="muted">–</span>}</td>
                <td>
                  {when(s.nextFetchAt)}
                  {s.overdue ? <div class="muted">overdue</div> : ''}
                </td>
                <td class="num">
                  {s.items}
                  {s.latestItemAt ? <div class="muted">newest {when(s.latestItemAt).slice(0, 10)}</div> : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
};
