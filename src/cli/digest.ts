import { writeFileSync } from 'node:fs';
import { mondayOfIsoWeek } from '../analytics/buckets.ts';
import { bodyOf, DIGEST_FORMATS, lastCompleteWeek, readDigest, rebuildDigest, type DigestFormat } from '../services/digests.ts';
import { CommandError, context, parse, pathFrom, UsageError, withServices, writeOut, type Io } from './common.ts';

/** `pulse digest`: the stored snapshot, or the week rendered live; `--rebuild` stores a new version. */
export async function digestCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    week: { type: 'string' },
    format: { type: 'string', default: 'md' },
    out: { type: 'string' },
    studio: { type: 'string' },
    union: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
  });
  if (!DIGEST_FORMATS.includes(values.format as DigestFormat)) throw new UsageError(`--format must be one of ${DIGEST_FORMATS.join(', ')}`);
  if (values.week !== undefined && !mondayOfIsoWeek(values.week))
    throw new UsageError(`--week: expected an ISO week such as 2025-W30, got "${values.week}"`);
  if (values.studio && values.union) throw new UsageError('choose --studio or --union, not both');
  const ctx = context({ quiet: true });
  const now = new Date();
  const week = values.week ?? lastCompleteWeek(now, ctx.config.timeZone);
  const q = { week, studio: values.studio, union: values.union };
  const digest = await withServices(ctx, (d) => (values.rebuild ? rebuildDigest(d, q) : readDigest(d, q)));
  const out = bodyOf(digest, values.format as DigestFormat);
  if (values.out) {
    try {
      writeFileSync(pathFrom(io, values.out), out.body);
    } catch (err) {
      throw new CommandError(`cannot write ${values.out}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    io.err(
      `${values.rebuild ? 'built and stored' : digest.stored ? 'stored' : 'live (not stored)'} digest ${digest.week}${digest.version ? ` version ${digest.version}` : ''} -> ${values.out}`,
    );
  } else writeOut(io, out.body);
  return 0;
}
