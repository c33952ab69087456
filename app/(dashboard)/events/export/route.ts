import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { NextResponse, type NextRequest } from 'next/server';
import { db } from '@/db';
import { writeAuditEvent } from '@/lib/audit/writer';
import { can } from '@/lib/authz';
import { csvRecord } from '@/lib/export/csv';
import { getRequestContext } from '@/lib/request-context';
import { compileSearch, describeSearch, parseSearch } from '@/lib/search';
import { getCurrentUser } from '@/lib/session';

export const dynamic = 'force-dynamic';

const COLUMNS = [
  'occurred_at',
  'source',
  'seq',
  'source_event_id',
  'action',
  'outcome',
  'actor_id',
  'actor_name',
  'actor_email',
  'actor_type',
  'actor_ip',
  'actor_user_agent',
  'actor_time_zone',
  'target_type',
  'target_id',
  'target_label',
  'changes',
  'request_id',
  'session_id',
  'reason',
  'metadata',
  'flags',
  'received_at',
  'hash',
] as const;
type Row = Record<(typeof COLUMNS)[number], unknown>;
const dialect = new PgDialect();
const encoder = new TextEncoder();
const fail = (status: number, error: string) =>
  NextResponse.json({ error }, { status, headers: { 'Cache-Control': 'no-store' } });

/**
 * GET /events/export?q=…&format=csv|jsonl — the current search, streamed (no row limit in
 * memory) from one consistent snapshot. The export is recorded as an audit event — who, which
 * query, how many rows — and committed before the first row is sent: no record, no export.
 */
export async function GET(request: NextRequest) {
  const user = await getCurrentUser();
  if (!user) return fail(401, 'You are not signed in.');
  if (!can(user.role, 'events:read'))
    return fail(403, 'You do not have permission to export events.');
  const url = new URL(request.url);
  const format = url.searchParams.get('format') ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') return fail(400, 'format must be csv or jsonl');
  const q = (url.searchParams.get('q') ?? '').slice(0, 2000);
  const parsed = parseSearch(q);
  if (!parsed.ok) return fail(400, `The search is not valid: ${parsed.error.message}`);
  const where = compileSearch(parsed.tree);
  const query = dialect.sqlToQuery(sql`
    select to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at, s.name as source,
           e.seq, e.source_event_id, e.action, e.outcome, e.actor_id, e.actor_name, e.actor_email, e.actor_type, e.actor_ip,
           e.actor_user_agent, e.actor_time_zone, e.target_type, e.target_id, e.target_label, e.changes, e.request_id,
           e.session_id, e.reason, e.metadata, e.flags,
           to_char(e.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as received_at,
           encode(e.hash, 'hex') as hash
      from (select * from audit_events where (${where})) e join audit_streams s on s.id = e.stream_id
     order by e.occurred_at desc, e.id desc`);
  const countQuery = dialect.sqlToQuery(
    sql`select count(*)::int as n from audit_events where (${where})`,
  );

  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  let counted!: (n: number) => void;
  let recorded!: (ok: boolean) => void;
  const count = new Promise<number>((resolve) => (counted = resolve));
  const audit = new Promise<boolean>((resolve) => (recorded = resolve));

  // One read-only snapshot for the count and every row, so the recorded count is exact.
  void db.$client
    .begin('isolation level repeatable read read only', async (tx) => {
      // Exports of millions of rows stream for minutes; they are bounded loosely.
      await tx`set local statement_timeout = '15min'`;
      const [row] = await tx.unsafe<{ n: number }[]>(countQuery.sql, countQuery.params as never[]);
      counted(row!.n);
      if (!(await audit)) return;
      if (format === 'csv') await writer.write(encoder.encode(csvRecord([...COLUMNS])));
      const cursor = tx.unsafe<Row[]>(query.sql, query.params as never[]).cursor(1000);
      for await (const rows of cursor) {
        let chunk = '';
        for (const r of rows) {
          chunk +=
            format === 'csv'
              ? csvRecord(
                  COLUMNS.map((c) => (c === 'flags' ? (r.flags as string[]).join(' ') : r[c])),
                )
              : JSON.stringify(r) + '\n';
        }
        await writer.write(encoder.encode(chunk));
      }
    })
    .then(
      () => writer.close(),
      (error: unknown) => {
        counted(-1);
        return writer.abort(error).catch(() => {});
      },
    );

  const rows = await count;
  if (rows < 0) return fail(500, 'The export could not be read.');
  try {
    const context = await getRequestContext();
    await db.transaction((tx) =>
      writeAuditEvent(tx, {
        action: 'events.export',
        actor: { id: user.id, name: user.name, email: user.email, type: 'user' },
        context,
        sessionId: user.sessionId,
        target: { type: 'search', id: describeSearch(parsed.tree) || '(everything)', label: null },
        metadata: { query: describeSearch(parsed.tree), format, rows },
      }),
    );
  } catch (error) {
    recorded(false);
    throw error;
  }
  recorded(true);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return new Response(readable, {
    headers: {
      'Content-Type':
        format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="whochanged-events-${stamp}.${format}"`,
      'Cache-Control': 'no-store',
      'X-Export-Rows': String(rows),
    },
  });
}
