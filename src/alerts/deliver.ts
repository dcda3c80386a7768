import { createHmac } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { dueDeliveries, recordAttempt, type AlertRow } from '../../db/queries/alerts.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { FetchError, postJson } from '../ingest/fetcher.ts';
import type { Logger } from '../logger.ts';
import { alertView } from './view.ts';

/** Waits between attempts: 1 min, 5 min, 30 min, 2 h, 12 h; then the delivery is marked failed. */
export const RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000, 7_200_000, 43_200_000];

/** The signature receivers check: hex HMAC-SHA256 of the exact body with the webhook's secret. */
export function sign(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

export function alertPayload(a: AlertRow, publicUrl?: string) {
  return {
    event: 'alert',
    alert: alertView(a),
    ...(publicUrl ? { link: `${publicUrl.replace(/\/$/, '')}/api/v1/alerts?from=${a.day}&to=${a.day}` } : {}),
  };
}

/** Sends every due delivery once; failures are rescheduled with backoff. Returns counts. */
export async function deliverDue(deps: { db: Db; config: Config; clock: Clock; logger: Logger; allowPrivate?: boolean | ((h: string) => boolean) }): Promise<{ delivered: number; failed: number; retrying: number }> {
  const counts = { delivered: 0, failed: 0, retrying: 0 };
  const due = await dueDeliveries(deps.db, { now: deps.clock.now(), limit: 100 });
  for (const { delivery, webhook, alert } of due) {
    const body = JSON.stringify(alertPayload(alert, deps.config.publicUrl));
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await postJson(webhook.url, body, { 'X-Pulse-Signature': sign(webhook.secret, body), 'X-Pulse-Delivery': String(delivery.id), 'X-Pulse-Event': 'alert' }, {
        timeoutMs: 10_000,
        connectTimeoutMs: 5_000,
        maxBytes: 4096,
        allowPrivate: deps.allowPrivate ?? deps.config.allowPrivateFeeds,
      });
      status = res.status;
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (err) {
      error = err instanceof FetchError ? `${err.reason}: ${err.message}` : String((err as Error).message ?? err);
    }
    const now = deps.clock.now();
    const ok = error === null;
    const delay = RETRY_DELAYS_MS[delivery.attempts];
    const next = ok || delay === undefined ? null : new Date(now.getTime() + delay);
    await recordAttempt(deps.db, { id: delivery.id, ok, status, error, at: now, nextAttemptAt: next });
    deps.logger.info({ deliveryId: delivery.id, webhookId: webhook.id, alertId: alert.id, attempt: delivery.attempts + 1, status, error, outcome: ok ? 'delivered' : next ? 'retrying' : 'failed' }, 'webhook delivery');
    if (ok) counts.delivered++;
    else if (next) counts.retrying++;
    else counts.failed++;
  }
  return counts;
}
