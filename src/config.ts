import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import type { AlertSettings } from './analytics/alerts.ts';
import { useEntities, type CustomEntities } from './ingest/entities.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: `expected a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `expected a whole number from ${min} to ${max}` });

const cron = z.string().refine((expr) => validateCron(expr), {
  message: 'expected a cron expression of 5 fields, or 6 with seconds first (e.g. "*/10 * * * * *")',
});

const timeZone = z.string().refine(isTimeZone, { message: 'expected an IANA time zone such as UTC or Europe/London' });

/** Every environment variable Pulse reads, with its default. Nothing else reads process.env. */
const envSchema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// or postgresql:// URL' })
    .optional(),
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// or postgresql:// URL' })
    .optional(),
  PULSE_DATA_DIR: z.string().min(1).default('./data'),
  PULSE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  PULSE_TZ: timeZone.default('UTC'),
  PULSE_READ_KEY_REQUIRED: bool.default(false),
  PULSE_ALLOW_PRIVATE_FEEDS: bool.default(false),
  PULSE_PUBLIC_URL: z.url({ message: 'expected an absolute http(s) URL' }).optional(),
  PULSE_FETCH_TIMEOUT_MS: int(100, 600_000).default(30_000),
  PULSE_FETCH_CONNECT_TIMEOUT_MS: int(100, 120_000).default(10_000),
  PULSE_FETCH_MAX_BYTES: int(1024, 1_073_741_824).default(10 * 1024 * 1024),
  PULSE_FETCH_CONCURRENCY: int(1, 256).default(8),
  PULSE_FETCH_PER_HOST: int(1, 64).default(2),
  PULSE_FETCH_MAX_ITEMS: int(1, 1_000_000).default(5000),
  PULSE_FETCH_MAX_PARSE_BYTES: int(1024, 1_073_741_824).default(4 * 1024 * 1024),
  PULSE_CLAIM_LEASE_MS: int(1000, 3_600_000).optional(),
  PULSE_CRAWL_DELAY_MS: int(0, 600_000).default(1000),
  PULSE_CRAWL_MAX_WAIT_MS: int(0, 3_600_000).default(120_000),
  PULSE_RESPECT_ROBOTS: bool.default(true),
  PULSE_GDELT_URL: z.url({ message: 'expected an absolute http(s) URL' }).default('https://api.gdeltproject.org/api/v2/doc/doc'),
  PULSE_GOOGLE_NEWS_URL: z.url({ message: 'expected an absolute http(s) URL' }).default('https://news.google.com/rss/search'),
  PULSE_WAYBACK_CDX_URL: z.url({ message: 'expected an absolute http(s) URL' }).default('https://web.archive.org/cdx/search/cdx'),
  PULSE_SEED_SOURCES: bool.default(true),
  PULSE_SCHEDULE_INGEST: cron.default('* * * * *'),
  PULSE_SCHEDULE_CLASSIFY: cron.default('*/5 * * * *'),
  PULSE_SCHEDULE_PRUNE: cron.default('17 * * * *'),
  PULSE_SCHEDULE_ROLLUP: cron.default('* * * * *'),
  PULSE_SCHEDULE_DIGEST: cron.default('0 6 * * 1'),
  PULSE_SCHEDULE_BACKFILL: cron.default('*/5 * * * *'),
  PULSE_JOB_STOP_TIMEOUT_MS: int(0, 600_000).default(30_000),
  PULSE_CACHE_TTL_MS: int(0, 3_600_000).default(30_000),
  PULSE_CACHE_MAX_BYTES: int(0, 17_179_869_184).default(64 * 1024 * 1024),
  PULSE_ADJUST_MIN_CODED: int(10, 100_000).default(50),
  PULSE_HEAP_GROWTH_PERCENT: int(0, 1000).default(50),
  PULSE_RATE_LIMIT_PER_MIN: int(1, 10_000_000).default(600),
  PULSE_RATE_LIMIT_KEY_PER_MIN: int(1, 10_000_000).default(6000),
  PULSE_RATE_LIMIT_BURST: int(1, 100_000).default(120),
  PULSE_TRUST_PROXY: z
    .union([z.enum(['true', 'false']), z.string().regex(/^\d{1,2}$/)], { message: 'expected true, false or a number of proxies' })
    .default('false'),
  PULSE_REQUEST_TIMEOUT_MS: int(100, 600_000).default(30_000),
  PULSE_EXPORT_TIMEOUT_MS: int(1000, 86_400_000).default(300_000),
  PULSE_EXPENSIVE_PER_CLIENT: int(1, 1000).default(2),
  PULSE_EXPENSIVE_TOTAL: int(1, 10_000).default(8),
  PULSE_HEADERS_TIMEOUT_MS: int(1000, 600_000).default(10_000),
  PULSE_MAX_CONNECTIONS_PER_CLIENT: int(0, 100_000).default(64),
  PULSE_CORS_ORIGINS: z.string().max(4000).optional(),
  PULSE_ENTITIES_FILE: z.string().min(1).optional(),
  PULSE_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s/]+(:\d{1,5})?\/?(\?\S*)?$/, { message: 'expected smtp://[user:pass@]host[:port] or smtps://…' })
    .optional(),
  PULSE_MAIL_FROM: z
    .string()
    .max(320)
    .regex(/^(?:[^<>\r\n]*<)?[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>?$/, {
      message: 'expected an address such as pulse@example.org or "Pulse <pulse@example.org>"',
    })
    .optional(),
  PULSE_ALERT_BASELINE_DAYS: int(7, 365).default(28),
  PULSE_ALERT_MIN_VOLUME: int(1, 100_000).default(5),
  PULSE_ALERT_Z: z
    .string()
    .regex(/^\d+(\.\d+)?$/, { message: 'expected a positive number such as 3' })
    .transform(Number)
    .default(3),
  PULSE_ALERT_P: z
    .string()
    .regex(/^0?\.\d+$/, { message: 'expected a probability such as 0.01' })
    .transform(Number)
    .refine((p) => p > 0 && p < 1, { message: 'expected a probability such as 0.01' })
    .default(0.01),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** a PostgreSQL streaming replica that serves the API's reads that may lag (unset: the primary) */
  databaseReadUrl: string | undefined;
  dataDir: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  timeZone: string;
  readKeyRequired: boolean;
  allowPrivateFeeds: boolean;
  publicUrl: string | undefined;
  seedSources: boolean;
  /** how long a process may hold a source it is fetching before others may take it over */
  claimLeaseMs: number;
  schedules: { ingest: string; classify: string; prune: string; rollup: string; digest: string; backfill: string };
  /** how long a stopping process waits for running jobs */
  jobStopTimeoutMs: number;
  alerts: AlertSettings;
  /** how long trend and reaction answers are reused (0: never) */
  cacheTtlMs: number;
  /** the response cache's byte budget (bodies, their gzip forms and keys) */
  cacheMaxBytes: number;
  /** fewer coded items with a consensus than this and error adjustment refuses */
  adjustMinCoded: number;
  /** V8's heap growing factor for serve and worker, as a percentage (0: V8's own) */
  heapGrowthPercent: number;
  rateLimit: { perMinute: number; keyPerMinute: number; burst: number; trustProxy: number };
  requestTimeoutMs: number;
  /** expensive reads (exports, uncached trends, reactions, search, the dashboard) */
  expensive: {
    /** how long a streaming export may run before it is cut */
    exportTimeoutMs: number;
    /** expensive requests one client (key or address) may have running at once (more: 429) */
    perClient: number;
    /** expensive requests the process runs at once (more: 503) */
    total: number;
  };
  /** node:http limits: time to receive a request's headers; connections one address may hold (0: no cap) */
  http: { headersTimeoutMs: number; maxConnectionsPerClient: number };
  /** origins allowed by CORS: undefined sends no CORS headers; ['*'] allows any */
  corsOrigins: string[] | undefined;
  /** studios, unions and areas added to the built-in lists (PULSE_ENTITIES_FILE) */
  entities: { file: string; entities: CustomEntities } | undefined;
  /** where alert and digest emails go out (PULSE_SMTP_URL, PULSE_MAIL_FROM); unset sends none */
  mail: { smtpUrl: string; from: string } | undefined;
  fetch: {
    timeoutMs: number;
    connectTimeoutMs: number;
    maxBytes: number;
    concurrency: number;
    perHost: number;
    /** entries read from one fetch; the rest are cut and the cut recorded on the source */
    maxItems: number;
    /** bytes of feed text handed to the XML parser; entries past it are cut */
    maxParseBytes: number;
  };
  /** manners for fetching article pages, sitemaps and archive captures */
  crawl: {
    /** least time between two requests to one host (0: none) */
    hostDelayMs: number;
    /** longest Retry-After or crawl-delay waited for; longer fails the URL */
    maxWaitMs: number;
    respectRobots: boolean;
  };
  /** base URLs of the search services and the Wayback Machine's CDX API */
  services: { gdeltUrl: string; googleNewsUrl: string; waybackCdxUrl: string };
}

/** A configuration problem, phrased as one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and validates the configuration once. Empty strings count as unset, so `PORT= pulse`
 * behaves like no PORT at all.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((k) => [k, env[k]] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    const value = present[name];
    // connection URLs can carry passwords: never echoed
    const shown =
      name === 'DATABASE_URL' || name === 'DATABASE_READ_URL' || name === 'PULSE_SMTP_URL' ? '' : ` (got ${JSON.stringify(value)})`;
    throw new ConfigError(`${name}: ${issue.message}${shown}`);
  }
  const e = parsed.data;
  if (e.DATABASE_READ_URL && !e.DATABASE_URL)
    throw new ConfigError('DATABASE_READ_URL: needs DATABASE_URL (the primary) as well; the embedded database has no replicas');
  if (e.PULSE_SMTP_URL && !e.PULSE_MAIL_FROM)
    throw new ConfigError('PULSE_MAIL_FROM: required when PULSE_SMTP_URL is set (the From address of alert and digest emails)');
  const entities = e.PULSE_ENTITIES_FILE
    ? { file: resolve(e.PULSE_ENTITIES_FILE), entities: readEntitiesFile(e.PULSE_ENTITIES_FILE) }
    : undefined;
  // the entity list is process-wide, like the configuration it comes from
  useEntities(entities?.entities);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    dataDir: resolve(e.PULSE_DATA_DIR),
    logLevel: e.PULSE_LOG_LEVEL,
    timeZone: e.PULSE_TZ,
    readKeyRequired: e.PULSE_READ_KEY_REQUIRED,
    allowPrivateFeeds: e.PULSE_ALLOW_PRIVATE_FEEDS,
    publicUrl: e.PULSE_PUBLIC_URL,
    seedSources: e.PULSE_SEED_SOURCES,
    claimLeaseMs: e.PULSE_CLAIM_LEASE_MS ?? e.PULSE_FETCH_TIMEOUT_MS + 60_000,
    schedules: {
      ingest: e.PULSE_SCHEDULE_INGEST,
      classify: e.PULSE_SCHEDULE_CLASSIFY,
      prune: e.PULSE_SCHEDULE_PRUNE,
      rollup: e.PULSE_SCHEDULE_ROLLUP,
      digest: e.PULSE_SCHEDULE_DIGEST,
      backfill: e.PULSE_SCHEDULE_BACKFILL,
    },
    jobStopTimeoutMs: e.PULSE_JOB_STOP_TIMEOUT_MS,
    cacheTtlMs: e.PULSE_CACHE_TTL_MS,
    cacheMaxBytes: e.PULSE_CACHE_MAX_BYTES,
    adjustMinCoded: e.PULSE_ADJUST_MIN_CODED,
    heapGrowthPercent: e.PULSE_HEAP_GROWTH_PERCENT,
    rateLimit: {
      perMinute: e.PULSE_RATE_LIMIT_PER_MIN,
      keyPerMinute: e.PULSE_RATE_LIMIT_KEY_PER_MIN,
      burst: e.PULSE_RATE_LIMIT_BURST,
      trustProxy: e.PULSE_TRUST_PROXY === 'true' ? 1 : e.PULSE_TRUST_PROXY === 'false' ? 0 : Number(e.PULSE_TRUST_PROXY),
    },
    requestTimeoutMs: e.PULSE_REQUEST_TIMEOUT_MS,
    expensive: { exportTimeoutMs: e.PULSE_EXPORT_TIMEOUT_MS, perClient: e.PULSE_EXPENSIVE_PER_CLIENT, total: e.PULSE_EXPENSIVE_TOTAL },
    http: { headersTimeoutMs: e.PULSE_HEADERS_TIMEOUT_MS, maxConnectionsPerClient: e.PULSE_MAX_CONNECTIONS_PER_CLIENT },
    corsOrigins: e.PULSE_CORS_ORIGINS?.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    entities,
    mail: e.PULSE_SMTP_URL && e.PULSE_MAIL_FROM ? { smtpUrl: e.PULSE_SMTP_URL, from: e.PULSE_MAIL_FROM } : undefined,
    alerts: {
      baselineDays: e.PULSE_ALERT_BASELINE_DAYS,
      minVolume: e.PULSE_ALERT_MIN_VOLUME,
      minZ: e.PULSE_ALERT_Z,
      maxP: e.PULSE_ALERT_P,
    },
    fetch: {
      timeoutMs: e.PULSE_FETCH_TIMEOUT_MS,
      connectTimeoutMs: e.PULSE_FETCH_CONNECT_TIMEOUT_MS,
      maxBytes: e.PULSE_FETCH_MAX_BYTES,
      concurrency: e.PULSE_FETCH_CONCURRENCY,
      perHost: e.PULSE_FETCH_PER_HOST,
      maxItems: e.PULSE_FETCH_MAX_ITEMS,
      maxParseBytes: e.PULSE_FETCH_MAX_PARSE_BYTES,
    },
    crawl: { hostDelayMs: e.PULSE_CRAWL_DELAY_MS, maxWaitMs: e.PULSE_CRAWL_MAX_WAIT_MS, respectRobots: e.PULSE_RESPECT_ROBOTS },
    services: { gdeltUrl: e.PULSE_GDELT_URL, googleNewsUrl: e.PULSE_GOOGLE_NEWS_URL, waybackCdxUrl: e.PULSE_WAYBACK_CDX_URL },
  };
}

const entry = z.strictObject({
  name: z.string().trim().min(1).max(200),
  aliases: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
});
const entitiesFile = z.strictObject({
  studios: z.array(entry).max(2000).optional(),
  unions: z.array(entry).max(2000).optional(),
  areas: z.array(entry).max(2000).optional(),
});

/** Reads and checks an entities file; a problem is a ConfigError naming PULSE_ENTITIES_FILE and where. */
export function readEntitiesFile(path: string): CustomEntities {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`PULSE_ENTITIES_FILE: cannot read ${JSON.stringify(path)} as JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const parsed = entitiesFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.') || 'the file';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.join(', ')}; expected studios, unions, areas (each a list of {name, aliases})`
        : issue.message;
    throw new ConfigError(`PULSE_ENTITIES_FILE: ${where}: ${message}`);
  }
  return parsed.data;
}

/** True when Intl knows the zone name. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The process environment with some variables replaced (undefined removes one), for a command
 * that runs with its own settings, as `pulse demo` does. The one other place process.env is read.
 */
export function environmentWith(overrides: Record<string, string | undefined>): Record<string, string | undefined> {
  return { ...process.env, ...overrides };
}

/** Whether the process environment sets a variable at all (a default may differ when unset). */
export function isSet(name: keyof Env): boolean {
  return process.env[name] !== undefined;
}
