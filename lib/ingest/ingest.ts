import type postgres from 'postgres';
import { contentHash, contentParts, type ContentParts } from '@/lib/audit/chain';
import {
  appendChained,
  chainBatch,
  lockStreamHead,
  prepareStage,
  type ChainedBatch,
  type NewEvent,
  type StreamHead,
} from '@/lib/audit/writer';
import { ipFlags } from '@/lib/events/flags';
import type { ValidEvent } from '@/lib/events/schema';

export type IngestSource = { id: string; streamId: string };
export type IngestRecord = { index: number; event: ValidEvent; flags?: string[] };
type Conflict = { index: number; id: string; reason: string };
export type IngestOutcome =
  { ok: true; accepted: number; duplicates: number } | { ok: false; conflicts: Conflict[] };

type Prepared = {
  index: number;
  id: string;
  event: NewEvent & { parts: ContentParts };
  hash: Buffer;
};

/** The stored form of a validated event, with its canonical content computed once. */
function prepare(record: IngestRecord): Prepared {
  const { event } = record;
  const content = {
    sourceEventId: event.id,
    occurredAt: event.occurred_at,
    action: event.action,
    outcome: event.outcome,
    actor: {
      id: event.actor.id,
      name: event.actor.name,
      email: event.actor.email,
      type: event.actor.type,
      ip: event.actor.ip,
      userAgent: event.actor.user_agent,
      timeZone: event.actor.time_zone,
    },
    target: event.target,
    changes: event.changes,
    requestId: event.request_id,
    sessionId: event.session_id,
    reason: event.reason,
    metadata: event.metadata,
  };
  const parts = contentParts(content);
  const given = record.flags ?? [];
  const flags = given.length
    ? [...new Set([...ipFlags(event.actor.ip), ...given])].sort()
    : ipFlags(event.actor.ip);
  return {
    index: record.index,
    id: event.id,
    event: { ...content, parts, flags, receivedAt: new Date(0) },
    hash: contentHash(parts),
  };
}

/** SHA-256 of the event's canonical content: key order and spacing do not matter. */
export function bodyHash(event: ValidEvent): Buffer {
  return prepare({ index: 0, event }).hash;
}

/** Keeps the monthly partitions for these instants ready (outside the ingest transaction). */
export async function ensurePartitionsFor(sql: postgres.Sql, dates: Date[]): Promise<void> {
  const months = [...new Set(dates.map((d) => d.toISOString().slice(0, 7) + '-01'))];
  if (months.length)
    await sql`select ensure_audit_partitions(m::date, 1) from unnest(${months}::text[]) as m`;
}

/**
 * A batch ready to store: its events canonicalised and hashed, repeats inside it settled, and,
 * given the head the stream is expected to have, already chained onto it. Building one is all
 * node work, so a loader builds the next batch while the database stores the last.
 */
export type PreparedBatch = {
  source: IngestSource;
  unique: Prepared[];
  duplicates: number;
  receivedAt: Date;
  /** Chained onto the expected head, assuming every event is new; checked under the lock. */
  chained: ChainedBatch | null;
};

export async function prepareBatch(
  source: IngestSource,
  records: IngestRecord[],
  expectedHead?: StreamHead,
): Promise<{ ok: true; batch: PreparedBatch } | { ok: false; conflicts: Conflict[] }> {
  // Repeats inside the batch: the same body is a duplicate, a different body a conflict.
  const firstById = new Map<string, Prepared>();
  const conflicts: Conflict[] = [];
  let duplicates = 0;
  const unique: Prepared[] = [];
  for (let i = 0; i < records.length; i++) {
    // Hashing a batch is milliseconds of work: let other requests' database replies through
    // meanwhile, or a batch holding its stream's lock would wait for this one to finish.
    if (i % 100 === 99) await new Promise(setImmediate);
    const r = prepare(records[i]!);
    const seen = firstById.get(r.id);
    if (!seen) {
      firstById.set(r.id, r);
      unique.push(r);
    } else if (seen.hash.equals(r.hash)) duplicates++;
    else
      conflicts.push({
        index: r.index,
        id: r.id,
        reason: `repeats the id of event ${seen.index} with a different body`,
      });
  }
  if (conflicts.length) return { ok: false, conflicts };
  const receivedAt = new Date();
  return {
    ok: true,
    batch: {
      source,
      unique,
      duplicates,
      receivedAt,
      chained:
        expectedHead && unique.length ? chain(source, expectedHead, unique, receivedAt) : null,
    },
  };
}

function chain(source: IngestSource, head: StreamHead, events: Prepared[], receivedAt: Date) {
  return chainBatch(
    source.streamId,
    head,
    events.map((r) => ({ ...r.event, receivedAt })),
    { sourceId: source.id, bodyHashes: events.map((r) => r.hash) },
  );
}

/**
 * Stores a prepared batch atomically: either every new event is committed (and queryable when
 * this returns) or nothing is. Event ids already stored with the same body count as duplicates
 * and are skipped, so retries are idempotent; an id stored with a different body is a conflict
 * and nothing is stored. The stream head lock serialises batches of one source, which makes the
 * id check race-free; the batch's precomputed chain is used only when, under that lock, the
 * head is the expected one and every event is new (otherwise it is chained again here).
 */
export async function storeBatch(
  sql: postgres.Sql,
  batch: PreparedBatch,
): Promise<{ outcome: IngestOutcome; head?: StreamHead }> {
  const { source, unique } = batch;
  if (unique.length === 0)
    return { outcome: { ok: true, accepted: 0, duplicates: batch.duplicates } };
  await ensurePartitionsFor(
    sql,
    unique.map((r) => r.event.occurredAt),
  );
  return sql.begin(async (tx) => {
    // Lock first: from here on no other batch of this source can store these ids. The three
    // statements go out together and run in order; the probe starts (and takes its snapshot)
    // once the lock is held, so it sees every batch committed before.
    const ids = unique.map((r) => r.id);
    const [head, stored] = await Promise.all([
      lockStreamHead(tx, source.streamId),
      // An index probe per id (the primary key), not a join over everything a source ever sent.
      tx<{ event_id: string; body_hash: Buffer }[]>`
        select event_id, body_hash from ingest_ids where source_id = ${source.id}::uuid and event_id = any(${ids}::text[])`,
      prepareStage(tx),
    ]);
    const storedById = new Map(stored.map((s) => [s.event_id, s.body_hash]));
    const conflicts: Conflict[] = [];
    for (const r of unique) {
      const hash = storedById.get(r.id);
      if (hash && !hash.equals(r.hash))
        conflicts.push({
          index: r.index,
          id: r.id,
          reason: 'this id was already stored with a different body',
        });
    }
    if (conflicts.length) return { outcome: { ok: false as const, conflicts } };
    const fresh = storedById.size ? unique.filter((r) => !storedById.has(r.id)) : unique;
    const duplicates = batch.duplicates + unique.length - fresh.length;
    if (fresh.length === 0)
      return { outcome: { ok: true as const, accepted: 0, duplicates }, head };
    const precomputed = batch.chained;
    const chained =
      precomputed &&
      fresh.length === unique.length &&
      precomputed.after.seq === head.seq &&
      precomputed.after.hash.equals(head.hash)
        ? precomputed
        : chain(source, head, fresh, batch.receivedAt);
    await appendChained(tx, chained);
    return {
      outcome: { ok: true as const, accepted: fresh.length, duplicates },
      head: chained.last,
    };
  }) as Promise<{ outcome: IngestOutcome; head?: StreamHead }>;
}

/** A stream's head as committed (no lock): where a loader expects its next batch to continue. */
export async function readHead(sql: postgres.Sql, source: IngestSource): Promise<StreamHead> {
  const [head] = await sql<{ head_seq: string; head_hash: Buffer }[]>`
    select head_seq, head_hash from audit_streams where id = ${source.streamId}::uuid`;
  if (!head) throw new Error(`unknown audit stream ${source.streamId}`);
  return { seq: Number(head.head_seq), hash: head.head_hash };
}

/**
 * Stores a batch of validated events from one source, atomically (prepareBatch, then
 * storeBatch, which chains the events under the stream's lock).
 */
export async function ingestEvents(
  sql: postgres.Sql,
  source: IngestSource,
  records: IngestRecord[],
): Promise<IngestOutcome> {
  if (records.length === 0) return { ok: true, accepted: 0, duplicates: 0 };
  const prepared = await prepareBatch(source, records);
  return prepared.ok ? (await storeBatch(sql, prepared.batch)).outcome : prepared;
}
