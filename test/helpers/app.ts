import type { Database } from '../../db/client.ts';
import { createApp } from '../../src/api/app.ts';
import { fixedClock } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createKey } from '../../src/services/keys.ts';
import type { KeyScope } from '../../src/labels.ts';
import { silentLogger } from '../../src/logger.ts';
import { defaultModel } from '../../src/classify/model.ts';

/** Config as in production but for test-friendly overrides. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    PULSE_DATA_DIR: '/tmp/pulse-unused',
    PULSE_ALLOW_PRIVATE_FEEDS: 'true',
    PULSE_CACHE_TTL_MS: '0',
    PULSE_RATE_LIMIT_PER_MIN: '1000000',
    PULSE_RATE_LIMIT_BURST: '100000',
    PULSE_EXPENSIVE_PER_CLIENT: '1000',
    PULSE_EXPENSIVE_TOTAL: '10000',
    ...env,
  });
}

/** An app over the given database, with a fixed clock and silent logs. */
export function testApp(database: Database, opts: { env?: Record<string, string>; now?: string } = {}) {
  const clock = fixedClock(opts.now ?? '2025-07-20T12:00:00Z');
  const config = testConfig(opts.env);
  const app = createApp({
    db: database.db,
    ...(database.readDb ? { readDb: database.readDb } : {}),
    database,
    config,
    clock,
    logger: silentLogger(),
    model: defaultModel(),
  });
  return { app, clock, config };
}

/** Creates a key and returns its Authorization header. */
export async function authHeader(database: Database, scope: KeyScope = 'write'): Promise<Record<string, string>> {
  const { secret } = await createKey({ db: database.db }, { name: `test-${scope}`, scope });
  return { Authorization: `Bearer ${secret}` };
}

/** A response body as JSON, typed loosely for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function json(res: Response): Promise<any> {
  return res.json();
}
