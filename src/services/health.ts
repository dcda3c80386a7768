import { describe } from '../../db/client.ts';
import { ping } from '../../db/queries/health.ts';
import type { ReadDeps } from './deps.ts';
import { unavailable } from './errors.ts';

const READY_TIMEOUT_MS = 2000;

/**
 * Resolves when the database (and the read replica, when there is one) answers within two
 * seconds; throws `unavailable` saying why not.
 */
export async function checkDatabase(deps: ReadDeps): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([
        ping(deps.db),
        deps.readDb ? ping(deps.readDb).catch((err) => Promise.reject(new Error(`read replica: ${describe(err)}`))) : undefined,
      ]),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    throw unavailable(`database unavailable: ${describe(err)}`);
  } finally {
    clearTimeout(timer);
  }
}
