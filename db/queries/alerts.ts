import { and, asc, desc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { alerts, webhookDeliveries, webhooks } from '../schema/index.ts';

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlert = Omit<typeof alerts.$inferInsert, 'id' | 'createdAt'>;
export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;

/**
 * Stores an alert, or refreshes today's figures when it already exists. New alerts get a
 * pending delivery for every enabled webhook whose filters match; returns whether it was new.
 */
export async function upsertAlert(db: Db, a: NewAlert, at: Date): Promise<{ alert: AlertRow; created: boolean }> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx.insert(alerts).values(a).onConflictDoNothing().returning();
    if (inserted) {
      await tx.execute(sql`
        insert into webhook_deliveries (webhook_id, alert_id, next_attempt_at)
        select id, ${inserted.id}, ${at.toISOString()}::timestamptz from webhooks
        where enabled and (entity is null or entity = ${a.entity}) and (metric is null or metric = ${a.metric})
        on conflict do nothing`);
      return { alert: inserted, created: true };
    }
    const [updated] = await tx
      .update(alerts)
      .set({ value: a.value, baseline: a.baseline, score: a.score, pValue: a.pValue, count: a.count, baselineCount: a.baselineCount })
      .where(and(eq(alerts.day, a.day), eq(alerts.entityType, a.entityType), eq(alerts.entity, a.entity), eq(alerts.metric, a.metric)))
      .returning();
    return { alert: updated!, created: false };
  });
}

export async function listAlerts(db: Db, p: { from?: string; to?: string; entity?: string; limit: number }): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(
      and(
        p.from ? gte(alerts.day, p.from) : undefined,
        p.to ? lte(alerts.day, p.to) : undefined,
        p.entity ? eq(alerts.entity, p.entity) : undefined,
      ),
    )
    .orderBy(desc(alerts.day), desc(alerts.score), asc(alerts.id))
    .limit(p.limit);
}

export async function insertWebhook(
  db: Db,
  w: { url: string; entity: string | null; metric: string | null; secret: string },
): Promise<WebhookRow> {
  const [row] = await db.insert(webhooks).values(w).returning();
  return row!;
}

export async function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.select().from(webhooks).orderBy(asc(webhooks.id));
}

export async function deleteWebhook(db: Db, id: number): Promise<boolean> {
  return (await db.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id })).length > 0;
}

export async function listDeliveries(db: Db, webhookId: number, limit: number): Promise<DeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.id))
    .limit(limit);
}

/** Deliveries whose next attempt is due, with their webhook and alert. */
export async function dueDeliveries(db: Db, p: { now: Date; limit: number }) {
  return db
    .select({ delivery: webhookDeliveries, webhook: webhooks, alert: alerts })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhookDeliveries.webhookId, webhooks.id))
    .innerJoin(alerts, eq(webhookDeliveries.alertId, alerts.id))
    .where(
      and(
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, p.now),
        or(eq(webhooks.enabled, true), isNull(webhooks.enabled)),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(p.limit);
}

export async function recordAttempt(
  db: Db,
  p: { id: number; ok: boolean; status: number | null; error: string | null; at: Date; nextAttemptAt: Date | null },
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastStatus: p.status,
      lastError: p.error,
      status: p.ok ? 'delivered' : p.nextAttemptAt ? 'pending' : 'failed',
      deliveredAt: p.ok ? p.at : null,
      nextAttemptAt: p.nextAttemptAt ?? p.at,
    })
    .where(eq(webhookDeliveries.id, p.id));
}
