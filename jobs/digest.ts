import { storeWeeklyDigest } from '../src/services/digests.ts';
import { configuredMailer, mailDigest } from '../src/services/mail.ts';
import type { JobCounts, JobDeps } from './types.ts';

/** Stores the previous ISO week's general digest (once; later runs find it stored) and mails it to subscribers. */
export async function run(deps: JobDeps): Promise<JobCounts> {
  const { view, created } = await storeWeeklyDigest({ db: deps.database.db, clock: deps.clock, config: deps.config, model: deps.model });
  // subscribers get the stored digest once (a later run finds it claimed)
  const mailer = configuredMailer(deps.config);
  let mailed = { sent: 0, failed: 0 };
  if (mailer) {
    try {
      mailed = await mailDigest({ db: deps.database.db, clock: deps.clock, config: deps.config, logger: deps.logger, mailer }, { view });
    } finally {
      mailer.close();
    }
  }
  return { built: created ? 1 : 0, version: view.version ?? 0, mailed: mailed.sent, mailFailed: mailed.failed };
}
