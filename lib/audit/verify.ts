import type postgres from 'postgres';
import { chainHash, GENESIS_HASH, leafHash, type EventEnvelope } from './chain';

/** One audit_events row as stored, in the column names of the table. */
export type StoredRow = {
  seq: string | number;
  prev_hash: Buffer;
  hash: Buffer;
  source_event_id: string | null;
  occurred_at: Date | string;
  received_at: Date | string;
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
  changes: EventEnvelope['changes'];
  request_id: string | null;
  session_id: string | null;
  reason: string | null;
  metadata: Record<string, unknown>;
  flags: string[];
};

export const STORED_COLUMNS =
  'seq, prev_hash, hash, source_event_id, occurred_at, received_at, action, outcome, actor_id, actor_name, actor_email, actor_type, actor_ip, actor_user_agent, actor_time_zone, target_type, target_id, target_label, changes, request_id, session_id, reason, metadata, flags';

/**
 * Timestamps read through the raw driver arrive as PostgreSQL's ISO text in UTC
 * (`2026-11-26 05:31:12.345+00`; drizzle turns off the driver's own date parsing). Only the
 * instant is taken from it: the hash always uses the application's own formatting.
 */
export function toDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(
    value,
  );
  if (!m) throw new Error(`unreadable timestamp ${value}`);
  const offset =
    m[3] === 'Z'
      ? 'Z'
      : m[3]!.length === 3
        ? `${m[3]}:00`
        : m[3]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  return new Date(`${m[1]}T${m[2]}${offset}`);
}

/** Rebuilds the hashed envelope from a stored row — the exact inverse of what the writer hashed. */
export function envelopeFromRow(streamId: string, row: StoredRow): EventEnvelope {
  return {
    stream: streamId,
    seq: Number(row.seq),
    sourceEventId: row.source_event_id,
    occurredAt: toDate(row.occurred_at),
    receivedAt: toDate(row.received_at),
    action: row.action,
    outcome: row.outcome,
    actor: {
      id: row.actor_id,
      name: row.actor_name,
      email: row.actor_email,
      type: row.actor_type,
      ip: row.actor_ip,
      userAgent: row.actor_user_agent,
      timeZone: row.actor_time_zone,
    },
    target: { type: row.target_type, id: row.target_id, label: row.target_label },
    changes: row.changes,
    requestId: row.request_id,
    sessionId: row.session_id,
    reason: row.reason,
    metadata: row.metadata,
    flags: row.flags,
  };
}

export type ChainBreak = {
  seq: number;
  reason: 'gap' | 'prev_mismatch' | 'hash_mismatch' | 'head_mismatch';
  detail: string;
};
export type StreamResult = {
  events: number;
  headSeq: number;
  headHash: string;
  broken: ChainBreak | null;
  /** The recomputed hash (hex) at each wanted seq that the walk reached intact. */
  at: Map<number, string>;
};

/**
 * Walks one stream in seq order and names the first row that does not follow: a missing or
 * repeated seq (deleted, inserted or swapped rows), a prev_hash that is not the previous row's
 * hash, or a hash that does not match the row's content (an edited row). Finally the stored head
 * must be the last row (else rows were removed from the tail).
 */
/** A run of consecutive events removed by retention (dropping a whole expired month). */
export type RetentionRun = {
  firstSeq: number;
  lastSeq: number;
  firstPrevHash: Buffer;
  lastHash: Buffer;
};

/**
 * Walks one stream in seq order and names the first row that does not follow: a missing or
 * repeated seq (deleted, inserted or swapped rows), a prev_hash that is not the previous row's
 * hash, or a hash that does not match the row's content (an edited row). Runs removed by
 * retention are stepped over: the run must start where the chain is, with the prev_hash it
 * recorded, and the next row must continue the recorded hash of its last event. Finally the
 * stored head must be the last row (else rows were removed from the tail).
 */
export async function verifyStream(
  streamId: string,
  rows: AsyncIterable<StoredRow> | Iterable<StoredRow>,
  head: { seq: number; hash: Buffer },
  retention: RetentionRun[] = [],
  wanted: ReadonlySet<number> = new Set(),
): Promise<StreamResult> {
  let expected = 1;
  let prev: Buffer = GENESIS_HASH;
  let count = 0;
  const runs = new Map(retention.map((r) => [r.firstSeq, r]));
  const at = new Map<number, string>();
  if (wanted.has(0)) at.set(0, GENESIS_HASH.toString('hex'));
  const result = (broken: ChainBreak | null): StreamResult => ({
    events: count,
    headSeq: head.seq,
    headHash: head.hash.toString('hex'),
    broken,
    at,
  });
  const stepOverRuns = () => {
    for (
      let run = runs.get(expected);
      run && run.firstPrevHash.equals(prev);
      run = runs.get(expected)
    ) {
      expected = run.lastSeq + 1;
      prev = run.lastHash;
      if (wanted.has(run.lastSeq)) at.set(run.lastSeq, prev.toString('hex'));
    }
  };
  for await (const row of rows) {
    const seq = Number(row.seq);
    count++;
    if (seq !== expected) stepOverRuns();
    if (seq !== expected)
      return result({
        seq: expected,
        reason: 'gap',
        detail: `expected seq ${expected}, found ${seq}`,
      });
    if (!row.prev_hash.equals(prev))
      return result({
        seq,
        reason: 'prev_mismatch',
        detail: 'prev_hash is not the hash of the previous event',
      });
    let recomputed: Buffer;
    try {
      recomputed = chainHash(streamId, seq, prev, leafHash(envelopeFromRow(streamId, row)));
    } catch (error) {
      return result({
        seq,
        reason: 'hash_mismatch',
        detail: `content cannot be hashed: ${(error as Error).message}`,
      });
    }
    if (!recomputed.equals(row.hash))
      return result({
        seq,
        reason: 'hash_mismatch',
        detail: 'the stored content does not match its hash',
      });
    prev = row.hash;
    if (wanted.has(seq)) at.set(seq, prev.toString('hex'));
    expected++;
  }
  stepOverRuns();
  const lastSeq = expected - 1;
  if (head.seq !== lastSeq || !head.hash.equals(prev)) {
    return result({
      seq: lastSeq + 1,
      reason: head.seq > lastSeq ? 'gap' : 'head_mismatch',
      detail: `the stream head is seq ${head.seq}, the last stored event is seq ${lastSeq}`,
    });
  }
  return result(null);
}

export type VerifyReport = {
  ok: boolean;
  streams: ({ id: string; name: string } & StreamResult)[];
};

/**
 * Recomputes every stream's chain from the database, in one snapshot: the heads and the rows
 * are read as of the same instant, so batches committed while it runs are neither half seen
 * nor taken for rows past the head.
 */
export async function verifyDatabase(
  db: postgres.Sql,
  onProgress?: (done: number) => void | Promise<void>,
  /** Per stream id, the seqs whose recomputed hash the caller needs (checkpoints). */
  wanted: ReadonlyMap<string, ReadonlySet<number>> = new Map(),
): Promise<VerifyReport> {
  return db.begin('isolation level repeatable read read only', (sql) =>
    verifySnapshot(sql, onProgress, wanted),
  ) as Promise<VerifyReport>;
}

async function verifySnapshot(
  sql: postgres.TransactionSql,
  onProgress: ((done: number) => void | Promise<void>) | undefined,
  wanted: ReadonlyMap<string, ReadonlySet<number>>,
): Promise<VerifyReport> {
  const streams = await sql<{ id: string; name: string; head_seq: string; head_hash: Buffer }[]>`
    select id, name, head_seq, head_hash from audit_streams order by name`;
  const report: VerifyReport = { ok: true, streams: [] };
  let done = 0;
  for (const stream of streams) {
    const rows = (async function* () {
      const cursor = sql
        .unsafe<StoredRow[]>(
          `select ${STORED_COLUMNS} from audit_events where stream_id = $1 order by seq`,
          [stream.id],
        )
        .cursor(5000);
      for await (const batch of cursor) {
        for (const row of batch) yield row;
        done += batch.length;
        await onProgress?.(done);
      }
    })();
    const runs = await sql<
      { first_seq: string; last_seq: string; first_prev_hash: Buffer; last_hash: Buffer }[]
    >`
      select first_seq, last_seq, first_prev_hash, last_hash from audit_retention_runs where stream_id = ${stream.id}`;
    const retention = runs.map((r) => ({
      firstSeq: Number(r.first_seq),
      lastSeq: Number(r.last_seq),
      firstPrevHash: r.first_prev_hash,
      lastHash: r.last_hash,
    }));
    const result = await verifyStream(
      stream.id,
      rows,
      { seq: Number(stream.head_seq), hash: stream.head_hash },
      retention,
      wanted.get(stream.id),
    );
    report.streams.push({ id: stream.id, name: stream.name, ...result });
    if (result.broken) report.ok = false;
  }
  return report;
}
