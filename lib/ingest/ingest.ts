import type postgres from 'postgres';
import { contentHash, contentParts, type ContentParts } from '@/lib/audit/chain';
import { appendToStream, type NewEvent } from '@/lib/audit/writer';
import { ipFlags } from '@/lib/events/flags';
import type { ValidEvent } from '@/lib/events/schema';

export type IngestSource = { id: string; streamId: string };
export type IngestRecord = { index: number; event: ValidEvent; flags?: string[] };
export type IngestOutcome =
  | { ok: true; accepted: number; duplicates: number }
  | { ok: false; conflicts: { index: number; id: string; reason: string }[] };

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
  const flags = [...new Set([...ipFlags(event.actor.ip), ...(record.flags ?? [])])].sort();
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
 * Stores a batch of validated events from one source, atomically: either every new event is
 * committed (and queryable when this returns) or nothing is. Event ids already stored with the
 * same body count as duplicates and are skipped, so retries are idempotent; an id stored (or
 * repeated in this batch) with a different body is a conflict and nothing is stored.
 * The stream head lock serialises batches of one source, which makes the id check race-free.
 */
export async function ingestEvents(
  sql: postgres.Sql,
  source: IngestSource,
  records: IngestRecord[],
): Promise<IngestOutcome> {
  if (records.length === 0) return { ok: true, accepted: 0, duplicates: 0 };
  const hashed = records.map(prepare);

  // Repeats inside the batch: the same body is a duplicate, a different body a conflict.
  const firstById = new Map<string, Prepared>();
  const conflicts: { index: number; id: string; reason: string }[] = [];
  let duplicates = 0;
  const unique: Prepared[] = [];
  for (const r of hashed) {
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

  await ensurePartitionsFor(
    sql,
    unique.map((r) => r.event.occurredAt),
  );
  return sql.begin(async (tx) => {
    // Lock first: from here on no other batch of this source can store these ids.
    await tx`select 1 from lock_audit_stream(${source.streamId}::uuid)`;
    const ids = unique.map((r) => r.id);
    // An index probe per id (the primary key), not a join over everything a source ever sent.
    const stored = await tx<{ event_id: string; body_hash: Buffer }[]>`
      select event_id, body_hash from ingest_ids where source_id = ${source.id}::uuid and event_id = any(${ids}::text[])`;
    const storedById = new Map(stored.map((s) => [s.event_id, s.body_hash]));
    for (const r of unique) {
      const hash = storedById.get(r.id);
      if (hash && !hash.equals(r.hash))
        conflicts.push({
          index: r.index,
          id: r.id,
          reason: 'this id was already stored with a different body',
        });
    }
    if (conflicts.length) return { ok: false as const, conflicts };
    const fresh = unique.filter((r) => !storedById.has(r.id));
    duplicates += unique.length - fresh.length;
    if (fresh.length) {
      await tx`
        insert into ingest_ids (source_id, event_id, body_hash)
        select ${source.id}::uuid, id, decode(hash, 'hex')
          from unnest(${fresh.map((r) => r.id)}::text[], ${fresh.map((r) => r.hash.toString('hex'))}::text[]) as f(id, hash)`;
      const receivedAt = new Date();
      await appendToStream(
        tx,
        source.streamId,
        fresh.map((r) => ({ ...r.event, receivedAt })),
      );
    }
    return { ok: true as const, accepted: fresh.length, duplicates };
  }) as Promise<IngestOutcome>;
}
