import type postgres from 'postgres';
import { rawTransaction, type Tx } from '@/db/client';
import { canonicalTextFromParts, chainHash, contentParts, leafHashOfBytes, type ContentParts, type EventEnvelope } from './chain';
import type { DashboardEventInput } from './types';

/** An event to append; `parts` may carry its canonical content when the caller has it already. */
export type NewEvent = Omit<EventEnvelope, 'stream' | 'seq'> & { parts?: ContentParts };

const COLUMNS = [
  'stream_id', 'seq', 'prev_hash', 'hash', 'source_event_id', 'occurred_at', 'received_at', 'action', 'outcome',
  'actor_id', 'actor_name', 'actor_email', 'actor_type', 'actor_ip', 'actor_user_agent', 'actor_time_zone',
  'target_type', 'target_id', 'target_label', 'changes', 'request_id', 'session_id', 'reason', 'metadata', 'flags',
];

/** One value in PostgreSQL's COPY text format: \N for NULL, and \\ \t \n \r escaped. */
const NEEDS_ESCAPE = /[\\\t\n\r]/;
function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
const copyBytes = (b: Buffer) => `\\\\x${b.toString('hex')}`;
// A text[] literal: each element double-quoted with " and \ escaped, then COPY-escaped as a whole.
const copyTextArray = (items: string[]) => copyValue(`{${items.map((i) => `"${i.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`);

/**
 * Appends events to one stream's hash chain inside the caller's transaction: locks the stream
 * head once for the whole batch, numbers the events gaplessly, chains their hashes and COPYs
 * them in. The statement trigger re-checks the chain and advances the head, so a concurrent
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
  const lines: string[] = [];
  for (const event of events) {
    seq += 1;
    const { parts: given, receivedAt, flags, ...content } = event;
    const parts = given ?? contentParts(content);
    const leaf = leafHashOfBytes(canonicalTextFromParts(parts, { stream: streamId, seq, receivedAt, flags }));
    const hash = chainHash(streamId, seq, prev, leaf);
    lines.push(
      [
        copyValue(streamId),
        String(seq),
        copyBytes(prev),
        copyBytes(hash),
        copyValue(event.sourceEventId),
        copyValue(event.occurredAt.toISOString()),
        copyValue(event.receivedAt.toISOString()),
        copyValue(event.action),
        copyValue(event.outcome),
        copyValue(event.actor.id),
        copyValue(event.actor.name),
        copyValue(event.actor.email),
        copyValue(event.actor.type),
        copyValue(event.actor.ip),
        copyValue(event.actor.userAgent),
        copyValue(event.actor.timeZone),
        copyValue(event.target.type),
        copyValue(event.target.id),
        copyValue(event.target.label),
        // Canonical JSON is JSON: the jsonb columns take the text already computed.
        copyValue(parts.changes),
        copyValue(event.requestId),
        copyValue(event.sessionId),
        copyValue(event.reason),
        copyValue(parts.metadata),
        copyTextArray(event.flags),
      ].join('\t') + '\n',
    );
    prev = hash;
  }
  const copy = await sql.unsafe(`copy audit_events (${COLUMNS.join(', ')}) from stdin`).writable();
  await new Promise<void>((resolve, reject) => {
    copy.on('error', reject);
    copy.on('finish', resolve);
    // Large batches go in ~1 MB writes rather than one string per row.
    let chunk = '';
    for (const line of lines) {
      chunk += line;
      if (chunk.length > 1_000_000) {
        copy.write(chunk);
        chunk = '';
      }
    }
    copy.end(chunk);
  });
  return { firstSeq, lastSeq: seq };
}

/**
 * The one writer for the dashboard's own actions. Takes the caller's transaction: the change
 * and its audit event commit together or not at all, and a failed audit write fails the action.
 */
export async function writeAuditEvents(tx: Tx, inputs: DashboardEventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const sql = rawTransaction(tx);
  const [stream] = await sql<{ id: string }[]>`select id from audit_streams where kind = 'dashboard'`;
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
      target: { type: input.target?.type ?? null, id: input.target?.id ?? null, label: input.target?.label ?? null },
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
