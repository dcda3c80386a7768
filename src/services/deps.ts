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
  /** told when stored data behind cached answers changes (a path prefix of the answers) */
  invalidate?: (pathPrefix: string) => void;
}

export type DbDeps = Pick<ServiceDeps, 'db'>;
export type DbClockDeps = Pick<ServiceDeps, 'db' | 'clock'>;
