import { readFile } from 'node:fs/promises';
import { systemClock } from '../clock.ts';
import { SEARCH_PROVIDERS, SOURCE_KINDS, SOURCE_TYPES, type SearchProvider, type SourceKind, type SourceType } from '../labels.ts';
import { discoverFeed, testSource } from '../services/source-probe.ts';
import { addSource, deleteSource, exportOpml, importOpml, listSources, validateFeedUrl, type SourceInput } from '../services/sources.ts';
import { CommandError, context, parse, parseId, pathFrom, table, UsageError, withServices, writeOut, type Io } from './common.ts';

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
      const input = sourceInput(rest, true);
      const result = await withServices(ctx, async (d) => {
        if (input.type === 'feed' && input.discover) {
          try {
            const found = await discoverFeed({ ...d, clock: systemClock }, input.url);
            if (found.how === 'link')
              io.out(`found ${found.candidates.length} feed(s) on the page; chose ${found.url}${found.title ? ` ("${found.title}")` : ''}`);
            if (found.how === 'path') io.out(`the page names no feed; chose ${found.url}, which answered as a feed`);
            input.url = found.url;
          } catch (err) {
            if ((err as { kind?: string }).kind !== 'unavailable') throw err;
            io.err(`could not check the URL (${(err as Error).message}); added as given`);
          }
        }
        return addSource(d, input);
      });
      const s = result.row;
      io.out(
        `${result.outcome} source ${s.id} "${s.name}" (${s.kind}${s.type === 'feed' ? '' : `, ${s.type}`}${s.fullText ? ', full text' : ''}) ${s.url}`,
      );
      return 0;
    }
    case 'test': {
      const input = sourceInput(rest, false);
      const report = await withServices(ctx, (d) => testSource({ ...d, clock: systemClock }, input, { limit: 20 }));
      io.out(`${report.url}: ${report.found} item(s)${report.found > 20 ? ', the first 20:' : ''}`);
      for (const e of report.entries) {
        io.out(`- ${e.publishedAt?.slice(0, 16).replace('T', ' ') ?? '(no date)'}  ${e.title}${e.outlet ? ` [${e.outlet}]` : ''}`);
        io.out(`  ${e.url}`);
        if (e.summary) io.out(`  ${e.summary.slice(0, 160)}`);
      }
      return report.found ? 0 : 1;
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

/** The options of `sources add` and `sources test`, checked. */
function sourceInput(rest: string[], needKind: boolean): SourceInput & { type: SourceType; discover: boolean } {
  const { values } = parse(rest, {
    url: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    organisation: { type: 'string' },
    type: { type: 'string', default: 'feed' },
    'item-selector': { type: 'string' },
    'title-selector': { type: 'string' },
    'link-selector': { type: 'string' },
    'date-selector': { type: 'string' },
    'summary-selector': { type: 'string' },
    'date-format': { type: 'string' },
    provider: { type: 'string' },
    query: { type: 'string' },
    lang: { type: 'string' },
    'full-text': { type: 'boolean' },
    'no-full-text': { type: 'boolean' },
    'no-discover': { type: 'boolean', default: false },
  });
  const type = values.type as SourceType;
  if (!SOURCE_TYPES.includes(type) || type === 'import') throw new UsageError(`--type must be one of feed, page, search`);
  if (needKind && !values.kind) throw new UsageError('--kind is required');
  if (values.kind && !SOURCE_KINDS.includes(values.kind as SourceKind))
    throw new UsageError(`--kind must be one of ${SOURCE_KINDS.join(', ')}`);
  let url = '';
  if (type !== 'search') {
    if (!values.url) throw new UsageError('--url is required');
    const checked = validateFeedUrl(values.url);
    if (!checked.ok) throw new UsageError(`--url: ${checked.message}`);
    url = checked.url;
  }
  const input: SourceInput & { type: SourceType; discover: boolean } = {
    url,
    type,
    kind: (values.kind ?? 'news') as SourceKind,
    name: values.name,
    organisation: values.organisation,
    fullText: values['no-full-text'] ? false : values['full-text'] ? true : undefined,
    discover: !values['no-discover'],
  };
  if (type === 'page') {
    for (const f of ['item-selector', 'title-selector', 'link-selector'] as const)
      if (!values[f]) throw new UsageError(`--${f} is required for --type page`);
    input.selectors = {
      item: values['item-selector']!,
      title: values['title-selector']!,
      link: values['link-selector']!,
      ...(values['date-selector'] ? { date: values['date-selector'] } : {}),
      ...(values['summary-selector'] ? { summary: values['summary-selector'] } : {}),
      ...(values['date-format'] ? { dateFormat: values['date-format'] } : {}),
    };
  }
  if (type === 'search') {
    if (!values.provider || !SEARCH_PROVIDERS.includes(values.provider as SearchProvider))
      throw new UsageError(`--provider must be one of ${SEARCH_PROVIDERS.join(', ')}`);
    if (!values.query?.trim()) throw new UsageError('--query is required for --type search');
    input.search = {
      provider: values.provider as SearchProvider,
      query: values.query.trim(),
      ...(values.lang ? { lang: values.lang } : {}),
    };
  }
  return input;
}
