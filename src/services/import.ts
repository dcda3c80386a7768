import type { Db } from '../../db/client.ts';
import { storeFetch } from '../../db/queries/ingest.ts';
import { addSource as addSourceRow, findSourceByName, type SourceRow } from '../../db/queries/sources.ts';
import type { StanceModel } from '../classify/model.ts';
import type { Clock } from '../clock.ts';
import { ImportFormatError, parseImport, type ImportFormat } from '../ingest/import-rows.ts';
import { normaliseEntry, type NormalisedItem } from '../ingest/normalise.ts';
import type { SourceKind } from '../labels.ts';
import type { Logger } from '../logger.ts';
import { invalid, tooLarge } from './errors.ts';
import { finishRun, startRun } from './jobs.ts';
import { labelPending } from './labels.ts';

/** Characters one import reads (about 200 MB of CSV). */
export const MAX_IMPORT_CHARS = 200 * 1024 * 1024;

export interface ImportDeps {
  db: Db;
  clock: Clock;
  model: StanceModel;
  logger?: Logger;
  instance: string;
}

export interface ImportReport {
  format: ImportFormat;
  source: { id: number | null; name: string; created: boolean };
  rows: number;
  valid: number;
  rejected: { line: number; reason: string }[];
  inserted: number;
  duplicates: number;
  labelled: number;
  dryRun: boolean;
}

class DryRunRollback extends Error {}

/** The never-fetched source that holds imported items: `import:<slug>` of its name. */
function importSource(name: string, kind: SourceKind) {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'import';
  return { url: `import:${slug}`, name, kind, type: 'import' as const, enabled: false };
}

/**
 * Imports a corpus file (Pulse CSV, NDJSON, a Media Cloud story CSV, a GDELT article list): each
 * row checked, the rejected ones reported with line and reason, the rest stored in one
 * transaction with the same dedup as ingest (so re-importing adds nothing), then labelled. Items
 * go to the source named (an existing one, or a new never-fetched import source). A dry run
 * does all of it but the commit, so its counts are the ones a real import would give.
 */
export async function importItems(
  deps: ImportDeps,
  p: { text: string; format: ImportFormat; sourceName?: string | undefined; kind?: SourceKind; dryRun?: boolean },
): Promise<ImportReport> {
  if (p.text.length > MAX_IMPORT_CHARS) throw tooLarge(`import over ${MAX_IMPORT_CHARS} characters; split the file`, 'file');
  const now = deps.clock.now();
  let parsed: ReturnType<typeof parseImport>;
  try {
    parsed = parseImport(p.text, p.format, now);
  } catch (err) {
    if (err instanceof ImportFormatError) throw invalid('file', err.message);
    throw err;
  }
  const name = p.sourceName?.trim() || `import: ${p.format}`;
  const report: ImportReport = {
    format: p.format,
    source: { id: null, name, created: false },
    rows: parsed.rows.length + parsed.rejected.length,
    valid: 0,
    rejected: [...parsed.rejected],
    inserted: 0,
    duplicates: 0,
    labelled: 0,
    dryRun: !!p.dryRun,
  };
  const entries: NormalisedItem[] = [];
  for (const r of parsed.rows) {
    const n = normaliseEntry(r.entry, { feedUrl: r.entry.link!, fetchedAt: now, language: r.language });
    if (!n) report.rejected.push({ line: r.line, reason: 'no usable link or text' });
    else entries.push(n);
  }
  report.rejected.sort((a, b) => a.line - b.line);
  report.valid = entries.length;
  const runId = p.dryRun ? null : await startRun(deps, { job: 'import', instance: deps.instance });
  let newIds: number[] = [];
  try {
    await deps.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      let source: SourceRow | undefined = await findSourceByName(db, name);
      if (!source) {
        source = (await addSourceRow(db, importSource(name, p.kind ?? 'news'))).row;
        report.source.created = true;
      }
      report.source.id = source.id;
      const stored = await storeFetch(db, { sourceId: source.id, entries, discoveredVia: 'import' });
      report.inserted = stored.inserted;
      report.duplicates = stored.duplicates;
      newIds = stored.newIds;
      if (p.dryRun) throw new DryRunRollback();
    });
  } catch (err) {
    if (!(err instanceof DryRunRollback)) {
      if (runId) await finishRun(deps, { id: runId, status: 'failed', error: (err as Error).message?.slice(0, 500) });
      throw err;
    }
  }
  if (p.dryRun) return { ...report, source: { ...report.source, id: report.source.created ? null : report.source.id } };
  const labelled = await labelPending({ db: deps.db, model: deps.model, clock: deps.clock, logger: deps.logger }, { ids: newIds });
  report.labelled = labelled.classified;
  await finishRun(deps, {
    id: runId!,
    status: 'ok',
    counts: {
      rows: report.rows,
      valid: report.valid,
      rejected: report.rejected.length,
      inserted: report.inserted,
      duplicates: report.duplicates,
      labelled: report.labelled,
    },
  });
  return report;
}
