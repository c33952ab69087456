import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type postgres from 'postgres';
import { appendToStream, type NewEvent } from '@/lib/audit/writer';
import { ipFlags } from '@/lib/events/flags';
import type { ValidEvent } from '@/lib/events/schema';

export type IngestSource = { id: string; streamId: string };
export type IngestRecord = { index: number; event: ValidEvent; flags?: string[] };
export type IngestOutcome =
  | { ok: true; accepted: number; duplicates: number }
  | { ok: false; conflicts: { index: number; id: string; reason: string }[] };

/** SHA-256 of the event as validated and canonicalised: key order and spacing do not matter. */
export function bodyHash(event: ValidEvent): Buffer {
  const text = canonicalize({ ...event, occurred_at: event.occurred_at.toISOString() });
  return createHash('sha256').update(text ?? '').digest();
}

function toNewEvent(event: ValidEvent, receivedAt: Date, extraFlags: string[]): NewEvent {
  const flags = [...new Set([...ipFlags(event.actor.ip), ...extraFlags])].sort();
  return {
    sourceEventId: event.id,
    occurredAt: event.occurred_at,
    receivedAt,
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
    flags,
  };
}

/** Keeps the monthly partitions for these instants ready (outside the ingest transaction). */
export async function ensurePartitionsFor(sql: postgres.Sql, dates: Date[]): Promise<void> {
  const months = [...new Set(dates.map((d) => d.toISOString().slice(0, 7) + '-01'))];
  if (months.length) await sql`select ensure_audit_partitions(m::date, 1) from unnest(${months}::text[]) as m`;
}

/**
 * Stores a batch of validated events from one source, atomically: either every new event is
 * committed (and queryable when this returns) or nothing is. Event ids already stored with the
 * same body count as duplicates and are skipped, so retries are idempotent; an id stored (or
 * repeated in this batch) with a different body is a conflict and nothing is stored.
 * The stream head lock serialises batches of one source, which makes the id check race-free.
 */
export async function ingestEvents(sql: postgres.Sql, source: IngestSource, records: IngestRecord[]): Promise<IngestOutcome> {
  if (records.length === 0) return { ok: true, accepted: 0, duplicates: 0 };
  const hashed = records.map((r) => ({ ...r, hash: bodyHash(r.event) }));

  // Repeats inside the batch: the same body is a duplicate, a different body a conflict.
  const firstById = new Map<string, (typeof hashed)[number]>();
  const conflicts: { index: number; id: string; reason: string }[] = [];
  let duplicates = 0;
  const unique: typeof hashed = [];
  for (const r of hashed) {
    const seen = firstById.get(r.event.id);
    if (!seen) {
      firstById.set(r.event.id, r);
      unique.push(r);
    } else if (seen.hash.equals(r.hash)) duplicates++;
    else conflicts.push({ index: r.index, id: r.event.id, reason: `repeats the id of event ${seen.index} with a different body` });
  }
  if (conflicts.length) return { ok: false, conflicts };

  await ensurePartitionsFor(sql, unique.map((r) => r.event.occurred_at));
  return sql.begin(async (tx) => {
    // Lock first: from here on no other batch of this source can store these ids.
    await tx`select 1 from lock_audit_stream(${source.streamId}::uuid)`;
    await tx`create temporary table staging_ids (event_id text primary key, body_hash bytea not null) on commit drop`;
    const copy = await tx`copy staging_ids (event_id, body_hash) from stdin`.writable();
    await new Promise<void>((resolve, reject) => {
      copy.on('error', reject);
      copy.on('finish', resolve);
      copy.end(unique.map((r) => `${r.event.id.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}\t\\\\x${r.hash.toString('hex')}\n`).join(''));
    });
    const stored = await tx<{ event_id: string; same: boolean }[]>`
      select s.event_id, s.body_hash = i.body_hash as same
        from staging_ids s join ingest_ids i on i.source_id = ${source.id}::uuid and i.event_id = s.event_id`;
    const storedById = new Map(stored.map((s) => [s.event_id, s.same]));
    if (stored.length) {
      for (const r of unique) {
        const same = storedById.get(r.event.id);
        if (same === false) conflicts.push({ index: r.index, id: r.event.id, reason: 'this id was already stored with a different body' });
      }
      if (conflicts.length) return { ok: false as const, conflicts };
    }
    const fresh = unique.filter((r) => !storedById.has(r.event.id));
    duplicates += unique.length - fresh.length;
    if (fresh.length) {
      await tx`
        insert into ingest_ids (source_id, event_id, body_hash)
        select ${source.id}::uuid, s.event_id, s.body_hash from staging_ids s
         where not exists (select 1 from ingest_ids i where i.source_id = ${source.id}::uuid and i.event_id = s.event_id)`;
      const receivedAt = new Date();
      await appendToStream(tx, source.streamId, fresh.map((r) => toNewEvent(r.event, receivedAt, r.flags ?? [])));
    }
    return { ok: true as const, accepted: fresh.length, duplicates };
  }) as Promise<IngestOutcome>;
}
