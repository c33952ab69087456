import type postgres from 'postgres';
import { rawTransaction, type Tx } from '@/db/client';
import {
  canonicalTextFromParts,
  chainHash,
  contentParts,
  leafHashOfBytes,
  type ContentParts,
  type EventEnvelope,
} from './chain';
import type { DashboardEventInput } from './types';

/** An event to append; `parts` may carry its canonical content when the caller has it already. */
export type NewEvent = Omit<EventEnvelope, 'stream' | 'seq'> & { parts?: ContentParts };

// Why not COPY: postgres.js (3.4) loses an error the server raises after the last COPY data
// (a NUL byte, a missing partition, the chain trigger refusing the batch): the stream never
// finishes and the error surfaces nowhere, so a failed batch could not be told from a slow one.
// One INSERT over unnest()ed arrays is a single statement whose errors always reach us.
const INSERT = `
  insert into audit_events (stream_id, seq, prev_hash, hash, source_event_id, occurred_at, received_at, action, outcome,
    actor_id, actor_name, actor_email, actor_type, actor_ip, actor_user_agent, actor_time_zone,
    target_type, target_id, target_label, changes, request_id, session_id, reason, metadata, flags)
  select $1::uuid, u.seq, decode(u.prev_hash, 'hex'), decode(u.hash, 'hex'), u.source_event_id, u.occurred_at::timestamptz,
    u.received_at::timestamptz, u.action, u.outcome, u.actor_id, u.actor_name, u.actor_email, u.actor_type, u.actor_ip,
    u.actor_user_agent, u.actor_time_zone, u.target_type, u.target_id, u.target_label, u.changes::jsonb, u.request_id,
    u.session_id, u.reason, u.metadata::jsonb, u.flags::text[]
  from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
    $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[],
    $20::text[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[])
    as u(seq, prev_hash, hash, source_event_id, occurred_at, received_at, action, outcome, actor_id, actor_name, actor_email, actor_type,
    actor_ip, actor_user_agent, actor_time_zone, target_type, target_id, target_label, changes, request_id, session_id,
    reason, metadata, flags)`;

// A text[] literal for one row's flags: each element double-quoted, with " and \ escaped.
const textArrayLiteral = (items: string[]) =>
  `{${items.map((i) => `"${i.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

/**
 * Appends events to one stream's hash chain inside the caller's transaction: locks the stream
 * head once for the whole batch, numbers the events gaplessly, chains their hashes and inserts
 * them in one statement. The statement trigger re-checks the chain and advances the head, so a concurrent
 * writer waits on the lock instead of forking the chain. Nothing is visible until the caller's
 * transaction commits; if it rolls back, the head does too.
 */
export async function appendToStream(
  sql: postgres.TransactionSql,
  streamId: string,
  events: NewEvent[],
): Promise<{ firstSeq: number; lastSeq: number }> {
  if (events.length === 0) throw new Error('appendToStream: no events');
  const [head] = await sql<{ head_seq: string; head_hash: Buffer }[]>`
    select head_seq, head_hash from lock_audit_stream(${streamId}::uuid)`;
  if (!head) throw new Error(`unknown audit stream ${streamId}`);
  let seq = Number(head.head_seq);
  let prev = head.head_hash;
  const firstSeq = seq + 1;
  const n = events.length;
  const cols = Array.from({ length: 23 }, () => new Array<string | number | null>(n));
  for (let i = 0; i < n; i++) {
    const { parts: given, receivedAt, flags, ...content } = events[i]!;
    seq += 1;
    const parts = given ?? contentParts(content);
    const hash = chainHash(
      streamId,
      seq,
      prev,
      leafHashOfBytes(canonicalTextFromParts(parts, { stream: streamId, seq, receivedAt, flags })),
    );
    const row = [
      seq,
      prev.toString('hex'),
      hash.toString('hex'),
      content.sourceEventId,
      content.occurredAt.toISOString(),
      receivedAt.toISOString(),
      content.action,
      content.outcome,
      content.actor.id,
      content.actor.name,
      content.actor.email,
      content.actor.type,
      content.actor.ip,
      content.actor.userAgent,
      content.actor.timeZone,
      content.target.type,
      content.target.id,
      content.target.label,
      // Canonical JSON is JSON: the jsonb columns take the text already computed.
      parts.changes,
      content.requestId,
      content.sessionId,
      content.reason,
      parts.metadata,
    ];
    for (let c = 0; c < 23; c++) cols[c]![i] = row[c] as string | number | null;
    prev = hash;
  }
  const flagsColumn = events.map((e) => textArrayLiteral(e.flags));
  await sql.unsafe(INSERT, [streamId, ...cols, flagsColumn] as never[]);
  return { firstSeq, lastSeq: seq };
}

/**
 * The one writer for the dashboard's own actions. Takes the caller's transaction: the change
 * and its audit event commit together or not at all, and a failed audit write fails the action.
 */
export async function writeAuditEvents(tx: Tx, inputs: DashboardEventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const sql = rawTransaction(tx);
  const [stream] = await sql<
    { id: string }[]
  >`select id from audit_streams where kind = 'dashboard'`;
  if (!stream) throw new Error('the dashboard audit stream is missing: run the migrations');
  const now = new Date();
  await appendToStream(
    sql,
    stream.id,
    inputs.map((input) => ({
      sourceEventId: null,
      occurredAt: now,
      receivedAt: now,
      action: input.action,
      outcome: input.outcome ?? 'success',
      actor: {
        id: input.actor.id,
        name: input.actor.name,
        email: input.actor.email,
        type: input.actor.type,
        ip: input.context.ip,
        userAgent: input.context.userAgent,
        timeZone: null,
      },
      target: {
        type: input.target?.type ?? null,
        id: input.target?.id ?? null,
        label: input.target?.label ?? null,
      },
      changes: input.changes ?? [],
      requestId: input.context.requestId,
      sessionId: input.sessionId ?? null,
      reason: input.reason ?? null,
      metadata: input.metadata ?? {},
      flags: [],
    })),
  );
}

export function writeAuditEvent(tx: Tx, input: DashboardEventInput): Promise<void> {
  return writeAuditEvents(tx, [input]);
}
