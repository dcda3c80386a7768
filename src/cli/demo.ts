import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ANNOUNCEMENTS } from '../../db/seed/announcements.ts';
import { listAnnouncements, seedAnnouncementsOnce } from '../services/announcements.ts';
import { detectAlerts } from '../services/alerts.ts';
import { rebuildDigest } from '../services/digests.ts';
import { rebuildRollups } from '../services/jobs.ts';
import { addSource } from '../services/sources.ts';
import { addDays, isoWeekOf } from '../analytics/buckets.ts';
import { labelPending } from '../services/labels.ts';
import { defaultModel } from '../classify/model.ts';
import { systemClock } from '../clock.ts';
import { environmentWith, isSet, loadConfig } from '../config.ts';
import { ingest } from '../services/ingest.ts';
import { INSTANCE_ID } from '../instance.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics.ts';
import { openAndMigrate } from '../runtime.ts';
import { startServer } from '../server.ts';
import { createKey } from '../services/keys.ts';
import { createSample } from '../services/validation.ts';
import type { SourceKind } from '../labels.ts';
import { CommandError, parse, UsageError, type Io } from './common.ts';
import { onShutdown } from './shutdown.ts';

const DEMO_DIR = fileURLToPath(new URL('../../demo/', import.meta.url));
const DEMO_FIRST_WEEK = '2025-06-02';
const DEMO_WEEKS = 12;

interface DemoFeed {
  file: string;
  name: string;
  kind: SourceKind;
  organisation?: string;
}

/** Serves the demo feed files on 127.0.0.1 (a random port). */
async function serveFeeds(feeds: DemoFeed[]): Promise<{ server: Server; base: string }> {
  const bodies = new Map(feeds.map((f) => [`/${basename(f.file)}`, readFileSync(join(DEMO_DIR, f.file))]));
  const server = createServer((req, res) => {
    const body = bodies.get((req.url ?? '').split('?')[0]!);
    if (!body) return void res.writeHead(404).end();
    const atom = body.subarray(0, 300).toString().includes('<feed');
    res.writeHead(200, { 'Content-Type': atom ? 'application/atom+xml; charset=utf-8' : 'application/rss+xml; charset=utf-8' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** `pulse demo`: everything Pulse does, offline, on a fresh embedded database. */
export async function demoCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { 'data-dir': { type: 'string' }, port: { type: 'string', default: '3000' } });
  if (!/^\d{1,5}$/.test(values.port!) || Number(values.port) > 65535)
    throw new UsageError(`--port must be a port number, got "${values.port}"`);
  const started = performance.now();
  const ownDir = !values['data-dir'];
  const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'pulse-demo-'));
  // The demo's own configuration: the caller's log level and time zone, but never their database.
  // its invented studio and unions are entities (demo/entities.json) unless the caller brings a file
  const entitiesFile = isSet('PULSE_ENTITIES_FILE') ? {} : { PULSE_ENTITIES_FILE: join(DEMO_DIR, 'entities.json') };
  const config = loadConfig(
    environmentWith({
      DATABASE_URL: undefined,
      PULSE_DATA_DIR: dataDir,
      PORT: values.port,
      PULSE_SEED_SOURCES: 'false',
      PULSE_CACHE_TTL_MS: '5000',
      ...entitiesFile,
    }),
  );
  // quiet unless the caller asked for a log level
  const logger = createLogger(isSet('PULSE_LOG_LEVEL') ? config.logLevel : 'warn');
  let feedsJson: DemoFeed[];
  try {
    feedsJson = JSON.parse(readFileSync(join(DEMO_DIR, 'feeds.json'), 'utf8')) as DemoFeed[];
  } catch (err) {
    throw new CommandError(`cannot read the demo feeds in ${DEMO_DIR}: ${(err as Error).message}`);
  }

  io.out(`Pulse demo: embedded database in ${dataDir}`);
  const database = await openAndMigrate(config, undefined, { command: 'pulse demo' });
  const feeds = await serveFeeds(feedsJson);
  const cleanup = async () => {
    await new Promise<void>((r) => feeds.server.close(() => r()));
    await database.close();
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const db = database.db;
    const model = defaultModel();
    const deps = { db, clock: systemClock, config, model, logger };
    await seedAnnouncementsOnce(deps, DEFAULT_ANNOUNCEMENTS);
    for (const f of feedsJson)
      await addSource(
        deps,
        { url: `${feeds.base}/${basename(f.file)}`, kind: f.kind, name: f.name, organisation: f.organisation },
        { existingOk: true },
      );
    const { totals } = await ingest(
      {
        db,
        config,
        logger,
        clock: systemClock,
        instance: INSTANCE_ID,
        // only the demo's own feed server is trusted on loopback
        allowPrivate: (host) => host === '127.0.0.1',
        afterStore: async (ids) => void (await labelPending({ db, model, clock: systemClock, logger }, { ids })),
      },
      { all: true },
    );
    io.out(`ingested ${totals.inserted} items from ${totals.sources} feeds (${totals.failed} failed), labelled with ${model.version}`);
    let rollups: Awaited<ReturnType<typeof rebuildRollups>>;
    do rollups = await rebuildRollups(deps, { limit: 1000 });
    while (rollups.remaining > 0 || rollups.reactionsRemaining > 0);
    let alerts = 0;
    for (let d = DEMO_FIRST_WEEK; d < addDays(DEMO_FIRST_WEEK, 7 * DEMO_WEEKS); d = addDays(d, 1))
      alerts += (await detectAlerts(deps, { day: d, settings: config.alerts, at: new Date(d + 'T23:00:00Z') })).created;
    const weeks = Array.from({ length: DEMO_WEEKS }, (_, k) => isoWeekOf(addDays(DEMO_FIRST_WEEK, 7 * k)));
    for (const week of weeks) await rebuildDigest(deps, { week });
    io.out(`${alerts} alerts found; ${weeks.length} weekly digests stored`);
    // for validating the model on the demo: a sample to hand-code and a write key to code it with
    // (the database is a throwaway folder, so printing the key's secret is harmless)
    const sample = await createSample({ db, clock: systemClock, model }, { n: 200, seed: 1, name: 'demo sample' });
    const coderKey = await createKey({ db }, { name: 'demo coder', scope: 'write' });

    const server = await startServer({ config, database, logger, metrics: createMetrics(), model });
    const netflix = (await listAnnouncements(deps)).find((a) => a.studio === 'Netflix');
    const url = server.url;
    io.out(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s. Try:`);
    io.out(`  explorer        ${url}/`);
    io.out(`  a union's page  ${url}/unions/${encodeURIComponent('Screen Performers Alliance')}`);
    io.out(`  a studio in the explorer ${url}/?studio=${encodeURIComponent('Cobaltline Studios Group')}&kind=union`);
    io.out(
      `  trends          ${url}/api/v1/trends?granularity=week&from=${DEMO_FIRST_WEEK}&to=${addDays(DEMO_FIRST_WEEK, 7 * DEMO_WEEKS)}&group_by=kind`,
    );
    if (netflix) io.out(`  reaction        ${url}/api/v1/announcements/${netflix.id}/reaction?window=14d`);
    io.out(`  last digest     ${url}/api/v1/digests/${weeks.at(-1)}?format=html`);
    io.out(`  API docs        ${url}/docs`);
    io.out(`  hand-code       ${url}/code/${sample.id}  (write key for coding: ${coderKey.secret})`);
    io.out(`  model card      ${url}/models/validation/${sample.id}`);
    io.out('Press Ctrl-C to stop.');
    await onShutdown(logger, async () => {
      await server.close();
      await cleanup();
    });
    return 0;
  } catch (err) {
    await cleanup();
    throw err;
  }
}
