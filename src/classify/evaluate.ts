import { basename } from 'node:path';
import { STANCES, type Stance } from '../labels.ts';
import type { Example } from './corpus.ts';
import { binaryReport, multiClassReport, type MultiClassReport } from './metrics.ts';
import type { StanceModel } from './model.ts';
import type { Baseline } from './baselines.ts';

export interface SystemReport {
  name: string;
  stance: MultiClassReport<Stance>;
  relevance?: ReturnType<typeof binaryReport>;
  concerns?: ReturnType<typeof binaryReport>;
}

export interface EvalReport {
  examples: number;
  model: string;
  systems: SystemReport[];
  /** stance macro-F1 of each system on each input file, when several were read */
  byFile: { file: string; n: number; macroF1: Record<string, number> }[];
}

/** Scores the model and the baselines on the same labeled examples. */
export function evaluate(model: StanceModel, baselines: Baseline[], sets: { file: string; examples: Example[] }[]): EvalReport {
  const all = sets.flatMap((s) => s.examples);
  const gold = all.map((e) => e.stance);
  const predictions = all.map((e) => model.classify(e.text, e.source_kind ?? null));
  const ours: SystemReport = {
    name: 'Pulse',
    stance: multiClassReport(
      STANCES,
      gold,
      predictions.map((p) => p.stance),
    ),
    relevance: binaryReport(
      all.map((e) => e.relevant),
      predictions.map((p) => p.relevant),
    ),
    // micro-averaged over (worry example, concern) pairs
    concerns: concernReport(
      all,
      predictions.map((p) => p.concerns),
    ),
  };
  const baselinePredictions = baselines.map((b) => all.map((e) => b.stance(e.text)));
  const systems = [ours, ...baselines.map((b, i) => ({ name: b.name, stance: multiClassReport(STANCES, gold, baselinePredictions[i]!) }))];

  const byFile: EvalReport['byFile'] = [];
  if (sets.length > 1) {
    let offset = 0;
    for (const s of sets) {
      const range = (arr: Stance[]) => arr.slice(offset, offset + s.examples.length);
      const g = range(gold);
      const macroF1: Record<string, number> = { Pulse: multiClassReport(STANCES, g, range(predictions.map((p) => p.stance))).macroF1 };
      baselines.forEach((b, i) => (macroF1[b.name] = multiClassReport(STANCES, g, range(baselinePredictions[i]!)).macroF1));
      byFile.push({ file: basename(s.file), n: s.examples.length, macroF1 });
      offset += s.examples.length;
    }
  }
  return { examples: all.length, model: model.version, systems, byFile };
}

function concernReport(examples: Example[], predicted: string[][]) {
  const gold: boolean[] = [];
  const pred: boolean[] = [];
  examples.forEach((e, i) => {
    if (e.stance !== 'worry') return;
    for (const c of new Set([...e.concerns, ...predicted[i]!])) {
      gold.push(e.concerns.includes(c as never));
      pred.push(predicted[i]!.includes(c));
    }
  });
  return binaryReport(gold, pred);
}

const pct = (v: number) => v.toFixed(3);

/** The report as aligned text for a terminal. */
export function formatReport(r: EvalReport): string[] {
  const lines = [`${r.examples} examples; model ${r.model}`, ''];
  const names = r.systems.map((s) => s.name);
  const row = (label: string, cells: string[]) => label.padEnd(24) + cells.map((c) => c.padStart(10)).join('');
  lines.push(row('stance', names));
  lines.push(
    row(
      '  accuracy',
      r.systems.map((s) => pct(s.stance.accuracy)),
    ),
  );
  lines.push(
    row(
      '  macro-F1',
      r.systems.map((s) => pct(s.stance.macroF1)),
    ),
  );
  for (const l of STANCES) {
    lines.push(
      row(
        `  ${l} precision`,
        r.systems.map((s) => pct(s.stance.perClass[l].precision)),
      ),
    );
    lines.push(
      row(
        `  ${l} recall`,
        r.systems.map((s) => pct(s.stance.perClass[l].recall)),
      ),
    );
    lines.push(
      row(
        `  ${l} F1`,
        r.systems.map((s) => pct(s.stance.perClass[l].f1)),
      ),
    );
  }
  const ours = r.systems[0]!;
  if (ours.relevance)
    lines.push(
      '',
      `relevance: precision ${pct(ours.relevance.precision)}, recall ${pct(ours.relevance.recall)}, F1 ${pct(ours.relevance.f1)}`,
    );
  if (ours.concerns)
    lines.push(
      `concerns on worry items: precision ${pct(ours.concerns.precision)}, recall ${pct(ours.concerns.recall)}, F1 ${pct(ours.concerns.f1)}`,
    );
  for (const s of r.systems) {
    lines.push('', `confusion (${s.name}; rows gold, columns predicted)`, row('', [...STANCES]));
    for (const g of STANCES)
      lines.push(
        row(
          `  ${g}`,
          STANCES.map((p) => String(s.stance.confusion[g][p])),
        ),
      );
  }
  if (r.byFile.length) {
    lines.push('', 'stance macro-F1 by file', row('', ['n', ...names]));
    for (const f of r.byFile) lines.push(row(`  ${f.file}`, [String(f.n), ...names.map((n) => pct(f.macroF1[n]!))]));
  }
  return lines;
}
