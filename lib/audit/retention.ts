import { sql } from 'drizzle-orm';
import type { Database, Tx } from '@/db/client';
import { ExpectedError } from '@/lib/errors';
import type { ActingUser } from '@/lib/users';
import { writeAuditEvent } from './writer';

/** Months of audit events that can never be dropped (SOC 2 evidence usually spans a year). */
export function minRetentionMonths(): number {
  const raw = process.env.RETENTION_MIN_MONTHS ?? '12';
  const months = Number(raw);
  if (!Number.isInteger(months) || months < 1 || months > 1200)
    throw new Error(`RETENTION_MIN_MONTHS must be a whole number from 1 to 1200 (got "${raw}")`);
  return months;
}

export type AuditMonth = { month: string; partition: string; events: number; droppable: boolean };

/** The monthly partitions, oldest first, with their event counts and whether they may be dropped. */
export async function listAuditMonths(db: Database): Promise<AuditMonth[]> {
  const min = minRetentionMonths();
  const rows = await db.execute<{ partition: string; month: string; droppable: boolean }>(sql`
    select c.relname as partition, substr(c.relname, 15, 4) || '-' || substr(c.relname, 20, 2) as month,
           (to_date(substr(c.relname, 15, 4) || substr(c.relname, 20, 2), 'YYYYMM') + make_interval(months => ${min} + 1)) <= date_trunc('month', now()) as droppable
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'audit_events'::regclass order by c.relname`);
  const out: AuditMonth[] = [];
  for (const r of rows) {
    const [count] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from audit_events where occurred_at >= ${`${r.month}-01T00:00:00Z`}::timestamptz and occurred_at < (${`${r.month}-01T00:00:00Z`}::timestamptz + interval '1 month')`,
    );
    out.push({
      month: r.month,
      partition: r.partition,
      events: count?.n ?? 0,
      droppable: r.droppable,
    });
  }
  return out;
}

/**
 * Drops one whole expired month of audit events — the only way events ever leave the store —
 * and records it in the dashboard's own stream in the same transaction. The chains stay
 * verifiable across the gap (db/migrations/0006_retention.sql).
 */
export async function dropExpiredMonth(
  tx: Tx,
  by: ActingUser,
  month: string,
): Promise<{ events: number }> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw new ExpectedError('month must be YYYY-MM', 'month');
  const min = minRetentionMonths();
  let events: number;
  try {
    const [row] = await tx.execute<{ n: string }>(
      sql`select drop_audit_month(${`${month}-01`}::date, ${min}) as n`,
    );
    events = Number(row!.n);
  } catch (error) {
    // drizzle wraps the database error; its own message is in `cause`.
    const message = ((error as { cause?: Error }).cause ?? (error as Error)).message;
    if (/within the retention period|no audit partition/.test(message))
      throw new ExpectedError(message, 'month');
    throw error;
  }
  await writeAuditEvent(tx, {
    action: 'audit.retention_drop',
    actor: by.actor,
    context: by.context,
    sessionId: by.sessionId,
    target: { type: 'audit_month', id: month, label: `audit events of ${month}` },
    changes: [{ field: 'events', old: events, new: 0 }],
    metadata: { month, events_dropped: events, min_retention_months: min },
  });
  return { events };
}
