import type postgres from 'postgres';
import { rawTransaction, type Tx } from '@/db/client';
import { copyFrom } from '@/db/driver-quirks';
import {
  chainHash,
  contentParts,
  envelopeAroundSeq,
  formatTimestamp,
  leafHashOfBytes,
  type ContentParts,
  type EventEnvelope,
} from './chain';
import type { DashboardEventInput } from './types';

/** An event to append; `parts` may carry its canonical content when the caller has it already. */
export type NewEvent = Omit<EventEnvelope, 'stream' | 'seq'> & { parts?: ContentParts };

// The batch travels by COPY into a temporary staging table of text columns, and one INSERT ...
// SELECT moves it into audit_events with the casts. Nothing can fail inside the COPY itself (every
// value is text, and NUL, the one character text cannot hold, is refused before sending), so the
// errors that matter (a missing partition, the chain trigger refusing the batch) come from an
// ordinary statement. COPY replaced one INSERT over 24 unnest()ed arrays, whose array
// serialisation in postgres.js and parsing in PostgreSQL cost more than the rows' storage.
const STAGE_COLUMNS = [
  'seq',
  'prev_hash',
  'hash',
  'source_event_id',
  'occurred_at',
  'received_at',
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
  'body_hash',
];
// Created once per connection; each use empties it (a transaction may append twice).
const CREATE_STAGE = `DO $$ BEGIN
  IF to_regclass('pg_temp.audit_stage') IS NULL THEN
    CREATE TEMP TABLE audit_stage (${STAGE_COLUMNS.map((c) => `${c} text`).join(', ')}) ON COMMIT DELETE ROWS;
  END IF;
END $$`;
const COPY_STAGE = `copy audit_stage (${STAGE_COLUMNS.join(', ')}) from stdin`;
// One statement empties the stage and moves its rows: into audit_events, and (for an ingested
// batch, $2 = the source) their ids and body hashes into ingest_ids. Emptying by DELETE leaves
// the stage's storage to the in-place truncation at commit (ON COMMIT DELETE ROWS); a TRUNCATE
// per batch cost a new file and a catalog update each time.
const MOVE_FROM_STAGE = `
  with moved as (delete from audit_stage returning *),
  ids as (
    insert into ingest_ids (source_id, event_id, body_hash)
    select $2::uuid, source_event_id, decode(body_hash, 'hex') from moved where $2::uuid is not null
  )
  insert into audit_events (stream_id, seq, prev_hash, hash, source_event_id, occurred_at, received_at, action, outcome,
    actor_id, actor_name, actor_email, actor_type, actor_ip, actor_user_agent, actor_time_zone,
    target_type, target_id, target_label, changes, request_id, session_id, reason, metadata, flags)
  select $1::uuid, seq::bigint, decode(prev_hash, 'hex'), decode(hash, 'hex'), source_event_id, occurred_at::timestamptz,
    received_at::timestamptz, action, outcome, actor_id, actor_name, actor_email, actor_type, actor_ip,
    actor_user_agent, actor_time_zone, target_type, target_id, target_label, changes::jsonb, request_id,
    session_id, reason, metadata::jsonb, flags::text[]
  from moved`;

const NEEDS_ESCAPE = /[\\\t\n\r\u0000]/;
/** One value in COPY's text format. */
function copyValue(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  if (value.includes('\u0000')) throw new Error('audit writer: a value contains a NUL character');
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

// A text[] literal for one row's flags: each element double-quoted, with " and \ escaped.
const textArrayLiteral = (items: string[]) =>
  `{${items.map((i) => `"${i.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

export type StreamHead = { seq: number; hash: Buffer };

/**
 * An event rendered for its stream, all but its place in the chain: the canonical envelope
 * around its seq (`head + seq + tail`) and its COPY row after the chain columns. Rendering is
 * the costly part of writing an event (canonical JSON, the body hash) and needs no lock, so it
 * can be done ahead, in another thread (lib/ingest/workers.ts); chaining is then a few hashes.
 */
export type RenderedEvent = { head: string; tail: string; row: string };

/**
 * Renders an event for a stream. With `bodyHash` (an ingested event), the row also carries the
 * body hash that goes into ingest_ids.
 */
export function renderEvent(streamId: string, e: NewEvent, bodyHash?: Buffer): RenderedEvent {
  const parts = e.parts ?? contentParts(e);
  const { head, tail } = envelopeAroundSeq(parts, {
    stream: streamId,
    receivedAt: e.receivedAt,
    flags: e.flags,
  });
  const { actor, target } = e;
  const row =
    `${copyValue(e.sourceEventId)}\t` +
    // The canonical occurredAt is the formatted timestamp in quotes (it needs no escaping).
    `${parts.occurredAt.slice(1, -1)}\t${formatTimestamp(e.receivedAt)}\t${copyValue(e.action)}\t` +
    `${e.outcome}\t${copyValue(actor.id)}\t${copyValue(actor.name)}\t${copyValue(actor.email)}\t` +
    `${copyValue(actor.type)}\t${copyValue(actor.ip)}\t${copyValue(actor.userAgent)}\t${copyValue(actor.timeZone)}\t` +
    `${copyValue(target.type)}\t${copyValue(target.id)}\t${copyValue(target.label)}\t` +
    // Canonical JSON is JSON: the jsonb columns take the text already computed.
    `${copyValue(parts.changes)}\t${copyValue(e.requestId)}\t${copyValue(e.sessionId)}\t` +
    `${copyValue(e.reason)}\t${copyValue(parts.metadata)}\t${copyValue(textArrayLiteral(e.flags))}\t` +
    `${bodyHash ? bodyHash.toString('hex') : '\\N'}\n`;
  return { head, tail, row };
}

/** A batch numbered and hashed onto a given head, as the rows COPY will send. */
export type ChainedBatch = {
  streamId: string;
  /** The head the batch leaves: its last seq and hash. */
  last: StreamHead;
  text: string;
  /** The source whose ids and body hashes go into ingest_ids (rendered with body hashes). */
  ingestSourceId: string | null;
};

/**
 * Numbers rendered events onto `head` and chains their hashes (no database work): the rows of
 * a batch that appendChained stores if the stream's head is still `head` when it is locked.
 */
export function chainBatch(
  streamId: string,
  head: StreamHead,
  events: RenderedEvent[],
  ingestSourceId: string | null = null,
): ChainedBatch {
  if (events.length === 0) throw new Error('chainBatch: no events');
  let seq = head.seq;
  let prev = head.hash;
  let prevHex = prev.toString('hex');
  const rows: string[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    seq += 1;
    const hash = chainHash(streamId, seq, prev, leafHashOfBytes(e.head + seq + e.tail));
    const hashHex = hash.toString('hex');
    rows[i] = `${seq}\t${prevHex}\t${hashHex}\t${e.row}`;
    prev = hash;
    prevHex = hashHex;
  }
  // One flat string, built in one pass (a rope of += pieces is flattened when it is encoded).
  return { streamId, last: { seq, hash: prev }, text: rows.join(''), ingestSourceId };
}

/** Locks a stream's head for the rest of the caller's transaction, and reads it. */
export async function lockStreamHead(
  sql: postgres.TransactionSql,
  streamId: string,
): Promise<StreamHead> {
  const [head] = await sql<{ head_seq: string; head_hash: Buffer }[]>`
    select head_seq, head_hash from lock_audit_stream(${streamId}::uuid)`;
  if (!head) throw new Error(`unknown audit stream ${streamId}`);
  return { seq: Number(head.head_seq), hash: head.head_hash };
}

/**
 * Stores a chained batch inside the caller's transaction, which must hold the stream's head lock
 * (lockStreamHead), with the head still where the batch was chained onto, and have run
 * prepareStage. The statement trigger re-checks the chain and advances the head, so a
 * concurrent writer waits on the lock instead of forking the chain; nothing is visible until the
 * caller's transaction commits, and a rollback undoes the head too.
 */
export async function appendChained(
  sql: postgres.TransactionSql,
  batch: ChainedBatch,
): Promise<void> {
  await copyFrom(sql, COPY_STAGE, batch.text);
  await sql.unsafe(MOVE_FROM_STAGE, [batch.streamId, batch.ingestSourceId]);
}

/** Creates the connection's staging table if it has none yet: once per transaction, before appendChained. */
export async function prepareStage(sql: postgres.TransactionSql): Promise<void> {
  await sql.unsafe(CREATE_STAGE);
}

/**
 * Appends events to one stream's hash chain inside the caller's transaction: locks the stream
 * head once for the whole batch, numbers the events gaplessly, chains their hashes and inserts
 * them (appendChained).
 */
export async function appendToStream(
  sql: postgres.TransactionSql,
  streamId: string,
  events: NewEvent[],
): Promise<{ firstSeq: number; lastSeq: number }> {
  if (events.length === 0) throw new Error('appendToStream: no events');
  const [head] = await Promise.all([lockStreamHead(sql, streamId), prepareStage(sql)]);
  const batch = chainBatch(
    streamId,
    head,
    events.map((e) => renderEvent(streamId, e)),
  );
  await appendChained(sql, batch);
  return { firstSeq: head.seq + 1, lastSeq: batch.last.seq };
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
