import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { db } from '@/db';
import type { FieldChange } from '@/lib/audit/types';
import { encodeCursor, type Cursor } from '@/lib/cursor';

export { decodeCursor, encodeCursor, type Cursor } from '@/lib/cursor';

export type EventRow = {
  id: string;
  sourceEventId: string | null;
  occurredAt: string;
  receivedAt: string;
  source: string;
  seq: number;
  action: string;
  outcome: 'success' | 'failure';
  actor: {
    id: string | null;
    name: string | null;
    email: string | null;
    type: string;
    ip: string | null;
    userAgent: string | null;
    timeZone: string | null;
  };
  target: { type: string | null; id: string | null; label: string | null };
  changes: FieldChange[];
  requestId: string | null;
  sessionId: string | null;
  reason: string | null;
  metadata: Record<string, unknown>;
  flags: string[];
};

type Raw = {
  id: string;
  source_event_id: string | null;
  // Formatted columns get their own names: an alias equal to a column name would be what
  // ORDER BY sorts on (the text, not the indexed timestamp), a full sort of the table.
  occurred_at_utc: string;
  received_at_utc: string;
  source: string;
  seq: string;
  action: string;
  outcome: 'success' | 'failure';
  actor_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  actor_type: string;
  actor_ip: string | null;
  actor_user_agent: string | null;
  actor_time_zone: string | null;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  changes: FieldChange[];
  request_id: string | null;
  session_id: string | null;
  reason: string | null;
  metadata: Record<string, unknown>;
  flags: string[];
};

function toRow(r: Raw): EventRow {
  return {
    id: String(r.id),
    sourceEventId: r.source_event_id,
    occurredAt: r.occurred_at_utc,
    receivedAt: r.received_at_utc,
    source: r.source === 'dashboard' ? 'dashboard' : r.source.replace(/^source:/, ''),
    seq: Number(r.seq),
    action: r.action,
    outcome: r.outcome,
    actor: {
      id: r.actor_id,
      name: r.actor_name,
      email: r.actor_email,
      type: r.actor_type,
      ip: r.actor_ip,
      userAgent: r.actor_user_agent,
      timeZone: r.actor_time_zone,
    },
    target: { type: r.target_type, id: r.target_id, label: r.target_label },
    changes: r.changes,
    requestId: r.request_id,
    sessionId: r.session_id,
    reason: r.reason,
    metadata: r.metadata,
    flags: r.flags,
  };
}

export const PAGE_SIZE = 50;

/**
 * One page of events matching `where`, newest first, by keyset on (occurred_at, id): `after` a
 * cursor goes to older events, `before` a cursor to newer ones. Never OFFSET, so any depth costs
 * the same. Timestamps are formatted here as UTC ISO strings for the client to localise.
 */
export async function listEvents(
  where: SQL,
  page: { after?: Cursor | null; before?: Cursor | null; limit?: number },
) {
  const limit = page.limit ?? PAGE_SIZE;
  const keyset = page.after
    ? sql`and (occurred_at, id) < (${page.after.at}::timestamptz, ${page.after.id}::bigint)`
    : page.before
      ? sql`and (occurred_at, id) > (${page.before.at}::timestamptz, ${page.before.id}::bigint)`
      : sql``;
  const order = page.before
    ? sql`order by occurred_at asc, id asc`
    : sql`order by occurred_at desc, id desc`;
  // Only audit_events is in scope, so the search's unqualified column names are unambiguous.
  const [rows, streams] = await Promise.all([
    db.execute<Raw>(sql`
      select id, source_event_id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at_utc,
             to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as received_at_utc,
             stream_id as source, seq, action, outcome, actor_id, actor_name, actor_email, actor_type, actor_ip,
             actor_user_agent, actor_time_zone, target_type, target_id, target_label, changes, request_id,
             session_id, reason, metadata, flags
        from audit_events
       where (${where}) ${keyset}
       ${order}
       limit ${limit + 1}`),
    db.execute<{ id: string; name: string }>(sql`select id, name from audit_streams`),
  ]);
  const streamNames = new Map([...streams].map((s) => [s.id, s.name]));
  const list = [...rows].map((r) => toRow({ ...r, source: streamNames.get(r.source) ?? r.source }));
  const more = list.length > limit;
  if (more) list.pop();
  if (page.before) list.reverse();
  const first = list[0];
  const last = list.at(-1);
  return {
    rows: list,
    // Older events exist after the last row when we read forward and found more, or whenever we
    // came back from an older page; newer ones exist before the first row likewise.
    older:
      last && (page.before ? true : more)
        ? encodeCursor({ at: last.occurredAt, id: last.id })
        : null,
    newer:
      first && (page.before ? more : !!page.after)
        ? encodeCursor({ at: first.occurredAt, id: first.id })
        : null,
  };
}

export type EventCount = { count: number; capped: boolean; estimated: boolean };

/**
 * How many events match: counted exactly up to `cap` (then shown as "1,000+") when that takes
 * less than `budgetMs`; otherwise the planner's estimate, shown as such. A rare combination
 * over millions of rows must not hold the page up just to be counted.
 */
export async function countEventsUpTo(
  where: SQL,
  options: { cap?: number; budgetMs?: number } = {},
): Promise<EventCount> {
  const cap = options.cap ?? 1000;
  const budget = Math.max(1, Math.round(options.budgetMs ?? 150));
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('statement_timeout', ${String(budget)}, true)`);
      const [row] = await tx.execute<{ n: number }>(
        sql`select count(*)::int as n from (select 1 from audit_events where (${where}) limit ${cap + 1}) x`,
      );
      const n = row?.n ?? 0;
      return { count: Math.min(n, cap), capped: n > cap, estimated: false };
    });
  } catch (error) {
    // 57014: canceled by statement_timeout. Anything else is a real failure.
    if ((error as { cause?: { code?: string } }).cause?.code !== '57014') throw error;
  }
  const [plan] = await db.execute<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    sql`explain (format json) select 1 from audit_events where (${where})`,
  );
  const rows = Math.round(plan?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
  return { count: rows, capped: false, estimated: true };
}
