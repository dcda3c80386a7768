import { readFileSync } from 'node:fs';
import { createSample, exportAnnotations, importAnnotations, STRATIFY } from '../services/validation.ts';
import { CommandError, context, parse, parseId, pathFrom, UsageError, withServices, writeOut, type Io } from './common.ts';

const whole = (v: string | undefined, flag: string) => {
  if (v === undefined) return undefined;
  if (!/^\d{1,10}$/.test(v)) throw new UsageError(`${flag} must be a whole number, got "${v}"`);
  return Number(v);
};

/** `pulse sample`: prints the sample's id, size, seed and strata; the id opens /code/ID. */
export async function sampleCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    n: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    stratify: { type: 'string' },
    seed: { type: 'string' },
    name: { type: 'string' },
  });
  const n = whole(values.n, '--n');
  if (n === undefined) throw new UsageError('--n is required');
  if (values.stratify !== undefined && !STRATIFY.includes(values.stratify as (typeof STRATIFY)[number]))
    throw new UsageError(`--stratify must be one of ${STRATIFY.join(', ')}`);
  const ctx = context({ quiet: true });
  const s = await withServices(ctx, (d) =>
    createSample(d, {
      n,
      from: values.from,
      to: values.to,
      stratify: values.stratify as (typeof STRATIFY)[number] | undefined,
      seed: whole(values.seed, '--seed'),
      name: values.name,
    }),
  );
  io.out(
    `sample ${s.id} "${s.name}": ${s.size} of ${s.population} items, seed ${s.seed}${s.stratify ? `, stratified by ${s.stratify}` : ''} (model ${s.model})`,
  );
  if (s.stratify) for (const st of s.strata) io.out(`  ${st.stratum}: ${st.sampled} of ${st.population}, weight ${st.weight.toFixed(3)}`);
  io.out(`code it at /code/${s.id}; measured accuracy at /api/v1/validation?sample=${s.id}`);
  return 0;
}

/** `pulse annotations export|import`. */
export async function annotationsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const ctx = context({ quiet: true });
  if (sub === 'export') {
    const { values } = parse(rest, { sample: { type: 'string' } });
    const sampleId = values.sample === undefined ? undefined : parseId(values.sample, '--sample');
    writeOut(io, await withServices(ctx, (d) => exportAnnotations(d, { sampleId })));
    return 0;
  }
  if (sub === 'import') {
    const { positionals } = parse(rest, {}, true);
    if (positionals.length !== 1) throw new UsageError('annotations import takes one CSV file');
    let text: string;
    try {
      text = readFileSync(pathFrom(io, positionals[0]!), 'utf8');
    } catch (err) {
      throw new CommandError(`cannot read ${positionals[0]}: ${(err as Error).message}`);
    }
    const r = await withServices(ctx, (d) => importAnnotations(d, text));
    io.out(`imported ${r.imported} annotations of ${r.items} items`);
    return 0;
  }
  throw new UsageError(sub ? `unknown annotations command "${sub}"` : 'annotations needs export or import');
}
