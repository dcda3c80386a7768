import cron, { type ScheduledTask } from 'node-cron';
import { describe, type Database } from '../db/client.ts';
import { withSessionLock, type HeldLock, type LockOutcome } from '../db/session-lock.ts';
import { finishRun, recordSkipped, startRun } from '../src/services/jobs.ts';
import type { Config } from '../src/config.ts';
import * as classifyJob from './classify.ts';
import * as digestJob from './digest.ts';
import * as ingestJob from './ingest.ts';
import * as pruneJob from './prune.ts';
import * as rollupJob from './rollup.ts';
import type { JobCounts, JobDefinition, JobDeps } from './types.ts';

/** The jobs this build has, with their schedules from the configuration. */
export function jobDefinitions(config: Config): JobDefinition[] {
  return [
    { name: 'ingest', schedule: config.schedules.ingest, singleton: false, run: ingestJob.run },
    { name: 'classify', schedule: config.schedules.classify, singleton: false, run: classifyJob.run },
    { name: 'rollup', schedule: config.schedules.rollup, singleton: true, run: rollupJob.run },
    { name: 'digest', schedule: config.schedules.digest, singleton: true, run: digestJob.run },
    { name: 'prune', schedule: config.schedules.prune, singleton: true, run: pruneJob.run },
  ];
}

/**
 * Runs fn while holding a session-level PostgreSQL advisory lock named after the job, or not at
 * all when another session holds it. The lock sits on its own connection with no transaction
 * open (see db/session-lock.ts), so a server's idle-in-transaction timeout cannot end it mid-job;
 * a crashed process releases it with its connection. `lost` aborts if that connection closes.
 */
export function withJobLock<T>(database: Database, job: string, fn: (lock: HeldLock) => Promise<T>): Promise<LockOutcome<T>> {
  return withSessionLock(database, `pulse:job:${job}`, fn);
}

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

async function withRetries<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || signal?.aborted) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

export interface RunResult {
  status: 'ok' | 'failed' | 'skipped';
  counts: JobCounts;
  error: string | null;
  runId?: number;
}

/**
 * One run of one job: recorded in job_runs, logged at start and end with duration and counts,
 * measured, and never throwing (a failure is a recorded outcome, not an exception).
 */
export async function runJob(def: JobDefinition, deps: JobDeps): Promise<RunResult> {
  const db = deps.database.db;
  const started = performance.now();
  const log = deps.logger.child({ job: def.name, instance: deps.instance });
  let runId: number | undefined;
  let result: RunResult;
  try {
    const body = async (lock?: HeldLock): Promise<JobCounts> => {
      runId = await startRun({ db, clock: deps.clock }, { job: def.name, instance: deps.instance });
      log.info({ runId }, 'job started');
      if (!lock) return def.run(deps);
      lock.lost.addEventListener('abort', () => log.error({ runId }, 'job lock lost (its connection closed): asking the job to stop'));
      return def.run({ ...deps, signal: deps.signal ? AbortSignal.any([deps.signal, lock.lost]) : lock.lost });
    };
    const outcome = def.singleton ? await withJobLock(deps.database, def.name, body) : { acquired: true as const, value: await body() };
    if (!outcome.acquired) {
      await recordSkipped(
        { db, clock: deps.clock },
        { job: def.name, instance: deps.instance, reason: 'another process holds the job lock' },
      );
      result = { status: 'skipped', counts: {}, error: null };
    } else {
      result = { status: 'ok', counts: outcome.value, error: null, runId };
    }
  } catch (err) {
    result = { status: 'failed', counts: {}, error: describe(err).slice(0, 1000), runId };
  }
  if (runId !== undefined) {
    // The database may be what failed: keep trying to record the outcome for a while.
    const r = result;
    await withRetries(
      () => finishRun({ db, clock: deps.clock }, { id: runId!, status: r.status as 'ok' | 'failed', counts: r.counts, error: r.error }),
      deps.signal,
    ).catch((e) => log.error({ err: describe(e), runId }, 'could not record the run; prune will close it'));
  }
  const seconds = (performance.now() - started) / 1000;
  deps.metrics?.jobDuration.observe({ job: def.name, status: result.status }, seconds);
  deps.metrics?.jobRuns.inc({ job: def.name, status: result.status });
  const fields = {
    runId: result.runId,
    status: result.status,
    durationMs: Math.round(seconds * 1000),
    counts: result.counts,
    error: result.error ?? undefined,
  };
  if (result.status === 'failed') log.error(fields, 'job failed');
  else log.info(fields, result.status === 'skipped' ? 'job skipped' : 'job finished');
  return result;
}

export interface Scheduler {
  /** Stops scheduling, waits for running jobs (up to the configured limit), then abandons them. */
  stop(): Promise<void>;
  /** Runs a job now, outside its schedule (still at most one at a time per job). */
  trigger(name: string): Promise<RunResult | undefined>;
}

/** node-cron only schedules; each tick calls runJob. */
export function startScheduler(deps: Omit<JobDeps, 'signal'>, defs: JobDefinition[] = jobDefinitions(deps.config)): Scheduler {
  const abort = new AbortController();
  const jobDeps: JobDeps = { ...deps, signal: abort.signal };
  const inFlight = new Map<string, Promise<RunResult>>();
  const quiet = {
    info: () => {},
    debug: () => {},
    warn: (m: string) => deps.logger.debug({ cron: m }, 'cron'),
    error: (m: string | Error) => deps.logger.warn({ cron: String(m) }, 'cron'),
  };
  const launch = (def: JobDefinition): Promise<RunResult> | undefined => {
    if (abort.signal.aborted || inFlight.has(def.name)) return undefined; // no overlap with itself
    const p = runJob(def, jobDeps).finally(() => inFlight.delete(def.name));
    inFlight.set(def.name, p);
    return p;
  };
  const tasks: ScheduledTask[] = defs.map((def) =>
    cron.schedule(def.schedule, () => void launch(def), {
      name: `pulse-${def.name}-${deps.instance}`,
      timezone: deps.config.timeZone,
      logger: quiet,
    }),
  );
  deps.logger.info({ jobs: defs.map((d) => `${d.name} (${d.schedule})`), instance: deps.instance }, 'scheduler started');
  return {
    trigger: (name) => {
      const def = defs.find((d) => d.name === name);
      return def ? (launch(def) ?? inFlight.get(name)!) : Promise.resolve(undefined);
    },
    stop: async () => {
      await Promise.all(
        tasks.map(async (t) => {
          await t.stop();
          await t.destroy();
        }),
      );
      const running = [...inFlight.values()];
      if (!running.length) return;
      deps.logger.info({ running: [...inFlight.keys()] }, 'waiting for running jobs');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        Promise.allSettled(running).then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), deps.config.jobStopTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        // Claims expire and each source's fetch commits all or nothing, so stopping here is safe.
        deps.logger.warn({ running: [...inFlight.keys()] }, 'jobs still running at the stop limit: abandoning them');
        abort.abort();
        await Promise.race([Promise.allSettled(running), new Promise((r) => setTimeout(r, 2000))]);
      }
    },
  };
}
