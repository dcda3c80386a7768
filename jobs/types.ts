import type { Database } from '../db/client.ts';
import type { StanceModel } from '../src/classify/model.ts';
import type { Clock } from '../src/clock.ts';
import type { Config } from '../src/config.ts';
import type { Logger } from '../src/logger.ts';
import type { Metrics } from '../src/metrics.ts';

/** What every job gets. */
export interface JobDeps {
  database: Database;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** host + pid + random */
  instance: string;
  model: StanceModel;
  metrics?: Metrics;
  signal?: AbortSignal;
}

/** What a run reports; stored in job_runs.counts. */
export type JobCounts = Record<string, number>;

export interface JobDefinition {
  name: string;
  /** cron expression (5 fields, or 6 with seconds) */
  schedule: string;
  /** singleton jobs run on one process at a time, guarded by a PostgreSQL advisory lock */
  singleton: boolean;
  run(deps: JobDeps): Promise<JobCounts>;
}
