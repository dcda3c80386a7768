import { dayInZone } from '../src/analytics/buckets.ts';
import { detectAlerts } from '../src/services/alerts.ts';
import { rebuildRollups, refreshSearchWindow } from '../src/services/jobs.ts';
import { configuredMailer, mailAlerts } from '../src/services/mail.ts';
import { checkWatches } from '../src/services/watches.ts';
import { deliverDue } from '../src/services/webhooks.ts';
import type { JobCounts, JobDeps } from './types.ts';

/** Days rebuilt per run at most; the rest wait for the next run (trends read them from items meanwhile). */
const MAX_DAYS_PER_RUN = 2000;

/**
 * Keeps the daily rollups that trends read in step with the labels, moves the recent search
 * index's window, then looks for today's
 * spikes and delivers alerts to webhooks. One process at a time, so nothing is sent twice.
 */
export async function run(deps: JobDeps): Promise<JobCounts> {
  const db = deps.database.db;
  const { rebuilt, remaining, reactionsBuilt, reactionsRemaining, reactionsFailed } = await rebuildRollups(
    { db },
    { limit: MAX_DAYS_PER_RUN },
  );
  const window = await refreshSearchWindow({ db });
  const now = deps.clock.now();
  const found = await detectAlerts({ db }, { day: dayInZone(now, 'UTC'), settings: deps.config.alerts, at: now });
  const sent = await deliverDue({ db, config: deps.config, clock: deps.clock, logger: deps.logger });
  // email: alerts of the last two days not mailed yet (each subscription gets each alert once)
  const mailer = configuredMailer(deps.config);
  let mailed = { sent: 0, failed: 0 };
  let watched = { checked: 0, sent: 0, failed: 0 };
  try {
    const mailDeps = { db, clock: deps.clock, config: deps.config, logger: deps.logger };
    if (mailer) mailed = await mailAlerts({ ...mailDeps, mailer }, { since: new Date(now.getTime() - 2 * 86_400_000) });
    // watches: new matching items since each one's last check, one message per interval at most
    watched = await checkWatches({ ...mailDeps, mailer });
  } finally {
    mailer?.close();
  }
  return {
    daysRebuilt: rebuilt,
    daysRemaining: remaining,
    reactionsBuilt,
    reactionsRemaining,
    reactionsFailed,
    searchWindowItems: window.items,
    alerts: found.alerts,
    newAlerts: found.created,
    ...sent,
    mailed: mailed.sent,
    mailFailed: mailed.failed,
    watchesChecked: watched.checked,
    watchMessages: watched.sent,
    watchFailures: watched.failed,
  };
}
