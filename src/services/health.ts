import { describe } from '../../db/client.ts';
import { ping } from '../../db/queries/health.ts';
import type { DbDeps } from './deps.ts';
import { unavailable } from './errors.ts';

const READY_TIMEOUT_MS = 2000;

/** Resolves when the database answers within two seconds; throws `unavailable` saying why not. */
export async function checkDatabase(deps: DbDeps): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(deps.db),
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
