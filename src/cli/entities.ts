import { entityList, type EntityKind } from '../ingest/entities.ts';
import { retagItems } from '../services/retag.ts';
import { context, parse, table, UsageError, withServices, type Io } from './common.ts';

const KINDS: EntityKind[] = ['studio', 'union', 'area'];

/** `pulse entities`: the built-in list merged with PULSE_ENTITIES_FILE, one line per entity. */
export async function entitiesCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { kind: { type: 'string' }, json: { type: 'boolean' } });
  if (values.kind !== undefined && !KINDS.includes(values.kind as EntityKind))
    throw new UsageError(`--kind must be one of ${KINDS.join(', ')}, got "${values.kind}"`);
  const ctx = context({ quiet: true }); // loads PULSE_ENTITIES_FILE
  const list = entityList();
  const kinds = values.kind ? [values.kind as EntityKind] : KINDS;
  if (values.json) {
    io.out(JSON.stringify(Object.fromEntries(kinds.map((k) => [k, list[k]])), null, 2));
    return 0;
  }
  const rows = [['KIND', 'NAME', 'FROM', 'ALIASES']];
  for (const k of kinds) for (const e of list[k]) rows.push([k, e.name, e.custom ? 'file' : 'built-in', e.aliases.join(' | ')]);
  table(rows).forEach(io.out);
  if (ctx.config.entities) io.out(`(entities file: ${ctx.config.entities.file})`);
  return 0;
}

/** `pulse retag`: after changing the entities file, tag every stored item again; prints progress. */
export async function retagCommand(args: string[], io: Io): Promise<number> {
  parse(args, {});
  const ctx = context({ quiet: true });
  const done = await withServices(ctx, (deps) =>
    retagItems(deps, { onProgress: (p) => p.scanned % 5000 === 0 && io.err(`retag: ${p.scanned} items read, ${p.changed} changed`) }),
  );
  io.out(
    `retagged: ${done.scanned} items read, ${done.changed} changed (their days are marked for the rollup job; stance and concerns kept)`,
  );
  return 0;
}
