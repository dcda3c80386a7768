import type { Db } from '../../db/client.ts';
import type { StanceModel } from '../classify/model.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

/**
 * What a service verb may use. Every caller (route, page, CLI command, job) builds one of these
 * and calls `verb(deps, input)`; a verb takes only the parts it needs (`Pick<ServiceDeps, ...>`).
 */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  config: Config;
  model: StanceModel;
  logger?: Logger;
  metrics?: Metrics;
  /**
   * Where reads that may lag behind writes go: a streaming replica (DATABASE_READ_URL). Read verbs
   * take it through `replicaOf`; writes, jobs and answers that must be fresh (keys, sources,
   * announcements) always use `db`, the primary.
   */
  readDb?: Db;
  /** told when stored data behind cached answers changes (a path prefix of the answers) */
  invalidate?: (pathPrefix: string) => void;
}

export type DbDeps = Pick<ServiceDeps, 'db'>;
export type DbClockDeps = Pick<ServiceDeps, 'db' | 'clock'>;
/** What a read that may be served by a replica takes. */
export type ReadDeps = Pick<ServiceDeps, 'db' | 'readDb'>;

/** The database for a read that may lag: the replica when there is one, else the primary. */
export function replicaOf(deps: ReadDeps): Db {
  return deps.readDb ?? deps.db;
}
