import { readFile } from 'node:fs/promises';
import { systemClock } from '../clock.ts';
import { IMPORT_FORMATS, type ImportFormat } from '../ingest/import-rows.ts';
import { INSTANCE_ID } from '../instance.ts';
import { SOURCE_KINDS, type SourceKind } from '../labels.ts';
import { importItems } from '../services/import.ts';
import { CommandError, context, parse, UsageError, withServices, type Io } from './common.ts';
import { progress, type Progress } from './progress.ts';

/** `pulse import`: exit 0 when every row was valid, 1 when some were rejected (they are listed). */
export async function importCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { format: { type: 'string' }, source: { type: 'string' }, kind: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('pulse import takes one FILE');
  if (!values.format || !IMPORT_FORMATS.includes(values.format as ImportFormat))
    throw new UsageError(`--format must be one of ${IMPORT_FORMATS.join(', ')}`);
  if (values.kind && !SOURCE_KINDS.includes(values.kind as SourceKind))
    throw new UsageError(`--kind must be one of ${SOURCE_KINDS.join(', ')}`);
  let text: string;
  try {
    text = await readFile(positionals[0]!, 'utf8');
  } catch (err) {
    throw new CommandError(`cannot read ${positionals[0]}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const ctx = context({ quiet: true });
  let bar: Progress | undefined;
  const r = await withServices(ctx, (d) =>
    importItems(
      { ...d, clock: systemClock, instance: INSTANCE_ID },
      {
        text,
        format: values.format as ImportFormat,
        sourceName: values.source,
        kind: values.kind as SourceKind | undefined,
        dryRun: values['dry-run'],
        onLabelled: (done, total) => {
          bar ??= progress(io, 'labelling imported rows', total);
          bar.update(done);
        },
      },
    ),
  ).finally(() => bar?.end());
  for (const bad of r.rejected.slice(0, 200)) io.err(`line ${bad.line}: ${bad.reason}`);
  if (r.rejected.length > 200) io.err(`… and ${r.rejected.length - 200} more rejected rows`);
  io.out(
    `${r.dryRun ? 'dry run (nothing stored): ' : ''}${r.rows} rows, ${r.valid} valid, ${r.rejected.length} rejected; ${r.inserted} new, ${r.duplicates} already stored` +
      `${r.dryRun ? '' : `, ${r.labelled} labelled`}; source "${r.source.name}"${r.source.created ? ' (new)' : ''}`,
  );
  return r.rejected.length ? 1 : 0;
}
