import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import {
  deleteWebhook as deleteRow,
  dueDeliveries,
  insertWebhook,
  listDeliveries as listDeliveryRows,
  listWebhooks as listRows,
  recordAttempt,
  type AlertRow,
  type WebhookRow,
} from '../../db/queries/alerts.ts';
import { webhookUrlProblem } from '../alerts/webhook-url.ts';
import { alertView, type AlertMetric } from '../alerts/view.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { FetchError, postJson } from '../ingest/fetcher.ts';
import type { Logger } from '../logger.ts';
import type { DbDeps, ServiceDeps } from './deps.ts';
import { invalid, notFound } from './errors.ts';

/** A webhook as shown (never its secret). */
export const presentWebhook = (w: WebhookRow) => ({
  id: w.id,
  url: w.url,
  entity: w.entity,
  metric: w.metric,
  enabled: w.enabled,
  createdAt: w.createdAt.toISOString(),
});

/** Registers a URL for alerts; the secret it signs with is in this answer only. */
export async function createWebhook(
  deps: Pick<ServiceDeps, 'db' | 'config'>,
  p: { url: string; entity?: string | undefined; metric?: AlertMetric | undefined },
) {
  const problem = await webhookUrlProblem(p.url, deps.config.allowPrivateFeeds);
  if (problem) throw invalid('url', problem);
  const secret = randomBytes(32).toString('hex');
  const row = await insertWebhook(deps.db, { url: new URL(p.url).toString(), entity: p.entity ?? null, metric: p.metric ?? null, secret });
  return { ...presentWebhook(row), secret };
}

export async function listWebhooks(deps: DbDeps) {
  return (await listRows(deps.db)).map(presentWebhook);
}

export async function deleteWebhook(deps: DbDeps, p: { id: number }): Promise<void> {
  if (!(await deleteRow(deps.db, p.id))) throw notFound(`webhook ${p.id}`);
}

/** Every delivery to a webhook, newest first. */
export async function listDeliveries(deps: DbDeps, p: { id: number; limit?: number }) {
  if (!(await listRows(deps.db)).some((w) => w.id === p.id)) throw notFound(`webhook ${p.id}`);
  const rows = await listDeliveryRows(deps.db, p.id, p.limit ?? 200);
  return rows.map((d) => ({
    id: d.id,
    alertId: d.alertId,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  }));
}

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
export async function deliverDue(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  allowPrivate?: boolean | ((h: string) => boolean);
}): Promise<{ delivered: number; failed: number; retrying: number }> {
  const counts = { delivered: 0, failed: 0, retrying: 0 };
  const due = await dueDeliveries(deps.db, { now: deps.clock.now(), limit: 100 });
  for (const { delivery, webhook, alert } of due) {
    const body = JSON.stringify(alertPayload(alert, deps.config.publicUrl));
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await postJson(
        webhook.url,
        body,
        { 'X-Pulse-Signature': sign(webhook.secret, body), 'X-Pulse-Delivery': String(delivery.id), 'X-Pulse-Event': 'alert' },
        {
          timeoutMs: 10_000,
          connectTimeoutMs: 5_000,
          maxBytes: 4096,
          allowPrivate: deps.allowPrivate ?? deps.config.allowPrivateFeeds,
        },
      );
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
    deps.logger.info(
      {
        deliveryId: delivery.id,
        webhookId: webhook.id,
        alertId: alert.id,
        attempt: delivery.attempts + 1,
        status,
        error,
        outcome: ok ? 'delivered' : next ? 'retrying' : 'failed',
      },
      'webhook delivery',
    );
    if (ok) counts.delivered++;
    else if (next) counts.retrying++;
    else counts.failed++;
  }
  return counts;
}
