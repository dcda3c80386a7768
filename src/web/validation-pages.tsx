/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { CONCERNS, type Concern } from '../labels.ts';
import type { getValidation } from '../services/validation.ts';
import { Layout, NumHead } from './pages.tsx';

/** The key that toggles each concern on the coding page. */
export const CONCERN_KEYS: Record<string, Concern> = {
  j: 'job_displacement',
  l: 'consent_likeness',
  p: 'compensation',
  c: 'credit_attribution',
  t: 'training_data',
  v: 'creative_control',
};
const label = (s: string) => s.replace(/_/g, ' ');
const pct = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${Math.round(v * 1000) / 10}%`);
const ci = (i: { value: number; low: number; high: number } | null | undefined, asPct = true) =>
  !i
    ? 'n/a'
    : asPct
      ? `${pct(i.value)} (${pct(i.low)}–${pct(i.high)})`
      : `${i.value.toFixed(2)} (${i.low.toFixed(2)}–${i.high.toFixed(2)})`;

export interface CodingProps {
  sample: { id: number; name: string; size: number; model: string; stratify: string | null };
}

/** The hand-coding page: the client script fetches the items once the coder has named themself. */
export const CodingPage: FC<CodingProps> = ({ sample }) => (
  <Layout title={`Code sample ${sample.id}: ${sample.name}`}>
    <section id="coder" data-sample={String(sample.id)} data-state="server" aria-labelledby="code-title">
      <h2 id="code-title">
        Code sample {sample.id}: {sample.name}
      </h2>
      <p class="muted">
        {sample.size} items{sample.stratify ? `, stratified by ${sample.stratify}` : ''}. <span id="code-progress"></span> ·{' '}
        <a href={`/models/validation/${sample.id}`}>model card</a>
      </p>
      <noscript>
        <p>
          Coding needs JavaScript. Without it, code in a spreadsheet: <code>pulse annotations export</code>, then{' '}
          <code>pulse annotations import FILE.csv</code>.
        </p>
      </noscript>
      <form id="code-setup" class="filters" aria-label="Who is coding">
        <label>
          Coder name
          <input id="coder-name" name="coder" autocomplete="username" required maxlength={100} />
        </label>
        <label>
          API key (write scope)
          <input id="coder-key" name="key" type="password" autocomplete="current-password" />
        </label>
        <button type="submit">Start (Enter)</button>
      </form>
      <p id="code-status" role="status" aria-live="polite"></p>
      <p id="previous" class="muted" hidden role="status" aria-live="polite"></p>
      <article id="code-item" hidden tabindex={-1} aria-labelledby="item-title">
        <h3 id="item-title">Loading the item</h3>
        <p id="item-meta" class="muted"></p>
        <div id="item-text"></div>
        <p>
          <a id="item-link" href={`/code/${sample.id}`} target="_blank" rel="noopener noreferrer">
            open the original
          </a>
        </p>
        <fieldset class="keys">
          <legend>Stance</legend>
          {(['excitement', 'worry', 'neutral'] as const).map((st, k) => (
            <label>
              <input type="radio" name="stance" id={`stance-${st}`} value={st} tabindex={-1} /> <kbd>{k + 1}</kbd> {st}
            </label>
          ))}
          <label>
            <input type="checkbox" id="relevant-toggle" tabindex={-1} /> <kbd>r</kbd> off-topic (now:{' '}
            <b id="relevant-state">about AI in screen or games work</b>)
          </label>
        </fieldset>
        <fieldset class="keys">
          <legend>Concerns</legend>
          {Object.entries(CONCERN_KEYS).map(([k, c]) => (
            <label>
              <input type="checkbox" id={`concern-${c}`} value={c} tabindex={-1} /> <kbd>{k}</kbd> {label(c)}
            </label>
          ))}
        </fieldset>
        <p class="muted">
          <kbd>Enter</kbd> saves and shows the next item. The model's label appears only after you answer.
        </p>
      </article>
      <p id="code-done" hidden>
        All items in this sample are coded by you. <a href={`/models/validation/${sample.id}`}>See the model card</a>.
      </p>
      <script type="application/json" id="concern-keys" dangerouslySetInnerHTML={{ __html: JSON.stringify(CONCERN_KEYS) }}></script>
      <script src="/assets/coding.js"></script>
    </section>
  </Layout>
);

type Validation = Awaited<ReturnType<typeof getValidation>>;

/** The model card: measured accuracy on one validation sample, server-rendered. */
export const ModelCardPage: FC<{ v: Validation }> = ({ v }) => (
  <Layout title={`Model card: ${v.model} on sample ${v.sample.id}`}>
    <section aria-labelledby="card-title">
      <h2 id="card-title">Model card: {v.model}</h2>
      <p>
        Measured on sample {v.sample.id} ("{v.sample.name}"): {v.items.inSample} items drawn from {v.sample.population}
        {v.sample.stratify ? `, stratified by ${v.sample.stratify} (figures weighted)` : ' at random'}; {v.items.coded} coded by{' '}
        {v.coders.map((c) => `${c.coder} (${c.items})`).join(', ') || 'nobody yet'}; {v.items.withConsensus} with a consensus,{' '}
        {v.items.byTwoOrMore} by two or more coders. <a href={`/code/${v.sample.id}`}>Code more</a>
      </p>
      <h3>The model against the coders</h3>
      <table id="card-summary">
        <tbody>
          <tr>
            <th scope="row">stance accuracy (relevant items)</th>
            <td class="num">{ci(v.stance.accuracy)}</td>
          </tr>
          <tr>
            <th scope="row">stance macro-F1</th>
            <td class="num">{ci(v.stance.macroF1)}</td>
          </tr>
          <tr>
            <th scope="row">relevance precision</th>
            <td class="num">{ci(v.relevance.precision)}</td>
          </tr>
          <tr>
            <th scope="row">relevance recall</th>
            <td class="num">{ci(v.relevance.recall)}</td>
          </tr>
          <tr>
            <th scope="row">concern F1 (all concerns)</th>
            <td class="num">{ci(v.concerns.micro.f1)}</td>
          </tr>
        </tbody>
      </table>
      <h3>Per stance</h3>
      <table id="card-classes">
        <thead>
          <tr>
            <th scope="col">stance</th>
            <NumHead>precision</NumHead>
            <NumHead>recall</NumHead>
            <NumHead>F1</NumHead>
            <NumHead>coded</NumHead>
          </tr>
        </thead>
        <tbody>
          {Object.entries(v.stance.perClass).map(([s, r]) => (
            <tr>
              <th scope="row">{s}</th>
              <td class="num">{ci(r.precision)}</td>
              <td class="num">{ci(r.recall)}</td>
              <td class="num">{ci(r.f1)}</td>
              <td class="num">{r.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Confusion table (rows: coders, columns: model; off-topic included)</h3>
      <table id="card-confusion">
        <thead>
          <tr>
            <th scope="col">coders \ model</th>
            {Object.keys(v.overall.confusion).map((c) => (
              <NumHead>{label(c)}</NumHead>
            ))}
          </tr>
        </thead>
        <tbody>
          {Object.entries(v.overall.confusion).map(([t, row]) => (
            <tr>
              <th scope="row">{label(t)}</th>
              {Object.values(row).map((n) => (
                <td class="num">{Math.round(n * 10) / 10}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Agreement between coders</h3>
      <p>
        Krippendorff's alpha, stance: {ci(v.agreement.stanceAlpha, false)}; relevance: {ci(v.agreement.relevanceAlpha, false)}.{' '}
        {v.agreement.kappa.map((k) => `Cohen's kappa ${k.a}–${k.b} on ${k.items} items: ${ci(k.kappa, false)}. `)}
      </p>
      <h3>Concerns</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">concern</th>
            <NumHead>precision</NumHead>
            <NumHead>recall</NumHead>
            <NumHead>F1</NumHead>
          </tr>
        </thead>
        <tbody>
          {CONCERNS.map((c) => (
            <tr>
              <th scope="row">{label(c)}</th>
              <td class="num">{ci(v.concerns.perConcern[c].precision)}</td>
              <td class="num">{ci(v.concerns.perConcern[c].recall)}</td>
              <td class="num">{ci(v.concerns.perConcern[c].f1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{v.note}</p>
      <p>
        <a href={`/api/v1/validation?sample=${v.sample.id}`}>This card as JSON</a> · <a href="/api/v1/models">model versions</a>
      </p>
    </section>
  </Layout>
);
