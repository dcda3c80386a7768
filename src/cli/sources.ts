import { readFile } from 'node:fs/promises';
import { SOURCE_KINDS, type SourceKind } from '../labels.ts';
import { addSource, deleteSource, exportOpml, importOpml, listSources, validateFeedUrl } from '../services/sources.ts';
import { CommandError, context, parse, parseId, pathFrom, table, UsageError, withServices, writeOut, type Io } from './common.ts';

export const sourcesUsage = `pulse sources list                                       list sources and their health
pulse sources add --url URL --kind KIND [--name NAME] [--organisation ORG]
                                                         add a feed (KIND: ${SOURCE_KINDS.join('|')})
pulse sources remove ID                                  delete a source (its items are kept)
pulse sources import FILE.opml                           add the feeds of an OPML file
pulse sources export                                     print every source as OPML`;

/** `pulse sources list|add|remove|import|export`. */
export async function sourcesCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const ctx = context({ quiet: true });
  switch (sub) {
    case 'list': {
      parse(rest, {});
      const rows = await withServices(ctx, (d) => listSources(d));
      if (!rows.length) {
        io.out('no sources: pulse sources add --url URL --kind news');
        return 0;
      }
      const lines = [['ID', 'KIND', 'NAME', 'LAST STATUS', 'FAILURES', 'NEXT FETCH', 'URL']];
      for (const s of rows)
        lines.push([
          String(s.id),
          s.kind,
          s.name,
          s.lastStatus === null ? '-' : String(s.lastStatus),
          String(s.consecutiveFailures),
          s.nextFetchAt.toISOString(),
          s.url + (s.enabled ? '' : ' (disabled)'),
        ]);
      table(lines).forEach(io.out);
      return 0;
    }
    case 'add': {
      const { values } = parse(rest, {
        url: { type: 'string' },
        kind: { type: 'string' },
        name: { type: 'string' },
        organisation: { type: 'string' },
      });
      if (!values.url) throw new UsageError('--url is required');
      if (!values.kind) throw new UsageError('--kind is required');
      if (!SOURCE_KINDS.includes(values.kind as SourceKind)) throw new UsageError(`--kind must be one of ${SOURCE_KINDS.join(', ')}`);
      const checked = validateFeedUrl(values.url);
      if (!checked.ok) throw new UsageError(`--url: ${checked.message}`);
      const result = await withServices(ctx, (d) =>
        addSource(d, { url: checked.url, kind: values.kind as SourceKind, name: values.name, organisation: values.organisation }),
      );
      io.out(`${result.outcome} source ${result.row.id} "${result.row.name}" (${result.row.kind}) ${result.row.url}`);
      return 0;
    }
    case 'remove': {
      const { positionals } = parse(rest, {}, true);
      if (positionals.length !== 1) throw new UsageError('pulse sources remove takes one source id');
      const id = parseId(positionals[0], 'source id');
      await withServices(ctx, (d) => deleteSource(d, { id }));
      io.out(`removed source ${id} (its items are kept)`);
      return 0;
    }
    case 'import': {
      const { positionals } = parse(rest, {}, true);
      if (positionals.length !== 1) throw new UsageError('pulse sources import takes one OPML file');
      let xml: string;
      try {
        xml = await readFile(pathFrom(io, positionals[0]!), 'utf8');
      } catch (err) {
        throw new CommandError(`cannot read ${positionals[0]}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const report = await withServices(ctx, (d) => importOpml(d, xml));
      for (const bad of report.invalid) io.err(`skipped ${bad.url}: ${bad.reason}`);
      io.out(
        `imported: ${report.created} new, ${report.restored} restored, ${report.existing} already present, ${report.invalid.length} invalid`,
      );
      return 0;
    }
    case 'export': {
      parse(rest, {});
      writeOut(io, await withServices(ctx, (d) => exportOpml(d)));
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown sources command "${sub}"` : 'sources needs a subcommand');
  }
}
