import type postgres from 'postgres';
import { contentHash, contentParts } from '@/lib/audit/chain';
import {
  appendChained,
  chainBatch,
  lockStreamHead,
  prepareStage,
  renderEvent,
  type ChainedBatch,
  type NewEvent,
  type RenderedEvent,
  type StreamHead,
} from '@/lib/audit/writer';
import { ipFlags } from '@/lib/events/flags';
import type { ValidEvent } from '@/lib/events/schema';
import { parseBatch, type ParseFailure } from './parse-request';

export type IngestSource = { id: string; streamId: string };
export type IngestRecord = { index: number; event: ValidEvent; flags?: string[] };
type Conflict = { index: number; id: string; reason: string };
export type IngestOutcome =
  { ok: true; accepted: number; duplicates: number } | { ok: false; conflicts: Conflict[] };

type Prepared = {
  index: number;
  id: string;
  /** The body hash: SHA-256 of the canonical content. */
  hash: Buffer;
  /** occurred_at in epoch milliseconds (its month's partition must exist). */
  occurredAt: number;
  rendered: RenderedEvent;
};

/** The stored form of a validated event, received at `receivedAt`. */
function storedForm(record: IngestRecord, receivedAt: Date): NewEvent {
  const { event } = record;
  const given = record.flags ?? [];
  return {
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
    flags: given.length
      ? [...new Set([...ipFlags(event.actor.ip), ...given])].sort()
      : ipFlags(event.actor.ip),
    receivedAt,
  };
}

/** A validated event rendered for its source's stream, its canonical content computed once. */
function prepare(record: IngestRecord, streamId: string, receivedAt: Date): Prepared {
  const stored = storedForm(record, receivedAt);
  const parts = contentParts(stored);
  stored.parts = parts;
  const hash = contentHash(parts);
  return {
    index: record.index,
    id: record.event.id,
    hash,
    occurredAt: record.event.occurred_at.getTime(),
    rendered: renderEvent(streamId, stored, hash),
  };
}

/** SHA-256 of the event's canonical content: key order and spacing do not matter. */
export function bodyHash(event: ValidEvent): Buffer {
  return contentHash(contentParts(storedForm({ index: 0, event }, new Date(0))));
}

/**
 * Keeps the monthly partitions for these instants ready (outside the ingest transaction). The
 * months this process has made sure of are remembered (`known`), so a busy stream does not ask
 * for every batch; a failed store forgets them, in case one was dropped meanwhile (retention).
 */
const known = new WeakMap<postgres.Sql, Set<string>>();
export async function ensurePartitionsFor(sql: postgres.Sql, instants: number[]): Promise<void> {
  let months = known.get(sql);
  if (!months) known.set(sql, (months = new Set()));
  const missing = new Set<string>();
  for (const instant of instants) {
    const month = new Date(instant).toISOString().slice(0, 7) + '-01';
    if (!months.has(month)) missing.add(month);
  }
  if (missing.size === 0) return;
  const list = [...missing];
  await sql`select ensure_audit_partitions(m::date, 1) from unnest(${list}::text[]) as m`;
  for (const month of list) months.add(month);
}
const forgetPartitions = (sql: postgres.Sql) => known.delete(sql);

/**
 * A batch ready to store: its events canonicalised and hashed, repeats inside it settled, and,
 * given the head the stream is expected to have, already chained onto it. Building one is all
 * node work, so a loader builds the next batch while the database stores the last.
 */
export type PreparedBatch = {
  source: IngestSource;
  unique: Prepared[];
  duplicates: number;
};

export type PrepareOutcome =
  { ok: true; batch: PreparedBatch } | { ok: false; conflicts: Conflict[] };

/**
 * Prepares a batch in this thread. On the process's main thread (`yieldToIo`) it lets other
 * requests' database replies through every 100 events: hashing a batch is milliseconds of
 * work, and a batch holding its stream's lock would otherwise wait for this one to finish. A
 * worker thread has nothing else to do, and prepares its jobs one after another instead.
 */
export async function prepareHere(
  source: IngestSource,
  records: IngestRecord[],
  yieldToIo = true,
): Promise<PrepareOutcome> {
  // Repeats inside the batch: the same body is a duplicate, a different body a conflict.
  const firstById = new Map<string, Prepared>();
  const conflicts: Conflict[] = [];
  let duplicates = 0;
  const unique: Prepared[] = [];
  const receivedAt = new Date();
  for (let i = 0; i < records.length; i++) {
    if (yieldToIo && i % 100 === 99) await new Promise(setImmediate);
    const r = prepare(records[i]!, source.streamId, receivedAt);
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
  return { ok: true, batch: { source, unique, duplicates } };
}

/** An ingest request's body, parsed, validated and prepared (or why it was refused). */
export type PreparedRequest = ParseFailure | { ok: true; events: number; prepared: PrepareOutcome };

export async function prepareRequestHere(
  source: IngestSource,
  contentType: string | null,
  body: string,
  yieldToIo = true,
): Promise<PreparedRequest> {
  const parsed = parseBatch(contentType, body);
  if (!parsed.ok) return parsed;
  const records = parsed.events.map((event, index) => ({ index, event }));
  return {
    ok: true,
    events: records.length,
    prepared: await prepareHere(source, records, yieldToIo),
  };
}

/**
 * Where batches are prepared: in the worker threads of lib/ingest/workers.ts when this process
 * started them (npm start, npm run import), else in this thread. Kept on globalThis, so that
 * the server's bundled route handlers find the pool that scripts/start.ts started.
 */
export type Preparer = {
  records: (source: IngestSource, records: IngestRecord[]) => Promise<PrepareOutcome>;
  request: (
    source: IngestSource,
    contentType: string | null,
    body: string,
  ) => Promise<PreparedRequest>;
};
const PREPARER = Symbol.for('whochanged.preparer');
const registry = globalThis as { [PREPARER]?: Preparer | null };
export function installPreparer(preparer: Preparer | null): void {
  registry[PREPARER] = preparer;
}

/** Parses, validates and prepares an ingest request's body (see Preparer). */
export function prepareRequest(
  source: IngestSource,
  contentType: string | null,
  body: string,
): Promise<PreparedRequest> {
  const preparer = registry[PREPARER];
  return preparer
    ? preparer.request(source, contentType, body)
    : prepareRequestHere(source, contentType, body);
}

/** Prepares validated records: canonical JSON, body hashes, repeats inside the batch (see Preparer). */
export function prepareBatch(
  source: IngestSource,
  records: IngestRecord[],
): Promise<PrepareOutcome> {
  const preparer = registry[PREPARER];
  return preparer ? preparer.records(source, records) : prepareHere(source, records);
}

type Waiting = {
  batch: PreparedBatch;
  done: (result: IngestOutcome | Promise<IngestOutcome>) => void;
};

/**
 * What a group of batches will store, decided from the stream's head and the body hashes
 * already stored under the group's ids: each batch's outcome (its conflicts, or its new events
 * and duplicates, also against an earlier batch of the group), and the new events chained.
 */
type Plan = {
  head: StreamHead;
  stored: Map<string, Buffer>;
  outcomes: IngestOutcome[];
  chained: ChainedBatch | null;
  /** The ids and bodies the group stores, for planning the next group before this commits. */
  claims: Map<string, Buffer>;
};

function planGroup(
  source: IngestSource,
  batches: PreparedBatch[],
  head: StreamHead,
  stored: Map<string, Buffer>,
): Plan {
  const claimed = new Map(stored);
  const claims = new Map<string, Buffer>();
  const outcomes: IngestOutcome[] = [];
  const fresh: RenderedEvent[] = [];
  for (const batch of batches) {
    const conflicts: Conflict[] = [];
    for (const r of batch.unique) {
      const hash = claimed.get(r.id);
      if (hash && !hash.equals(r.hash))
        conflicts.push({
          index: r.index,
          id: r.id,
          reason: 'this id was already stored with a different body',
        });
    }
    if (conflicts.length) {
      outcomes.push({ ok: false, conflicts });
      continue;
    }
    const own = claimed.size ? batch.unique.filter((r) => !claimed.has(r.id)) : batch.unique;
    for (const r of own) {
      claimed.set(r.id, r.hash);
      claims.set(r.id, r.hash);
      fresh.push(r.rendered);
    }
    const duplicates = batch.duplicates + batch.unique.length - own.length;
    outcomes.push({ ok: true, accepted: own.length, duplicates });
  }
  const chained = fresh.length ? chainBatch(source.streamId, head, fresh, source.id) : null;
  return { head, stored, outcomes, chained, claims };
}

const sameHead = (a: StreamHead, b: StreamHead) => a.seq === b.seq && a.hash.equals(b.hash);
function sameStored(a: Map<string, Buffer>, b: Map<string, Buffer>) {
  if (a.size !== b.size) return false;
  for (const [id, hash] of a) if (!b.get(id)?.equals(hash)) return false;
  return true;
}

// Group commit: the batches of one stream that wait in this process while it stores are stored
// together next, in one transaction and one COPY, each keeping its own outcome; and that next
// group is planned and chained (node work) while the database still stores the current one,
// onto the head and ids the current one will leave. Under the lock the plan is checked against
// the real head and stored ids, and made again if another writer came between.
const MAX_GROUP_EVENTS = 10_000;
const waiting = new WeakMap<postgres.Sql, Map<string, Waiting[]>>();

/**
 * Stores a prepared batch atomically: either every new event of it is committed (and queryable
 * when this returns) or none is. Event ids already stored with the same body count as
 * duplicates and are skipped, so retries are idempotent; an id stored with a different body is
 * a conflict and nothing of the batch is stored. The stream head lock serialises the writers of
 * a source, which makes the id check race-free. Batches that arrive while their stream is busy
 * are stored together next (group commit); if such a group fails, its batches are retried one
 * by one, so that one batch's failure is only its own.
 */
export function storeBatch(sql: postgres.Sql, batch: PreparedBatch): Promise<IngestOutcome> {
  if (batch.unique.length === 0)
    return Promise.resolve({ ok: true, accepted: 0, duplicates: batch.duplicates });
  let streams = waiting.get(sql);
  if (!streams) waiting.set(sql, (streams = new Map()));
  const stream = batch.source.streamId;
  const queues = streams;
  return new Promise<IngestOutcome>((done) => {
    const queue = queues.get(stream);
    if (queue) {
      queue.push({ batch, done });
      return;
    }
    queues.set(stream, [{ batch, done }]);
    void drain(sql, queues, stream);
  });
}

async function drain(sql: postgres.Sql, queues: Map<string, Waiting[]>, stream: string) {
  const queue = queues.get(stream)!;
  // The group being stored: it resolves to where it left the stream, to null if it failed, or
  // to the error if the connection to the database was lost.
  let inFlight: Promise<{ head: StreamHead } | { lost: unknown } | null> = Promise.resolve(null);
  // Where the group in flight will leave the stream if it commits as planned.
  let expected: { head: StreamHead; claims: Map<string, Buffer> } | null = null;
  for (;;) {
    if (queue.length === 0) {
      await inFlight;
      if (queue.length === 0) {
        queues.delete(stream);
        return;
      }
    }
    // The group: the first batch, and as many waiting ones as fit.
    let events = queue[0]!.batch.unique.length;
    let size = 1;
    while (size < queue.length && events + queue[size]!.batch.unique.length <= MAX_GROUP_EVENTS)
      events += queue[size++]!.batch.unique.length;
    const group = queue.splice(0, size);
    const batches = group.map((w) => w.batch);
    // Planned while the group before is still being stored, onto where it will leave the
    // stream; a plan that turns out wrong is only a lost head start.
    let plan: Plan | null = expected ? await preplan(sql, batches, expected) : null;
    const last = await inFlight;
    if (last && 'lost' in last) {
      // The database is unreachable: these fail too, rather than queue up on it.
      for (const w of [...group, ...queue.splice(0)]) w.done(Promise.reject(last.lost));
      inFlight = Promise.resolve(null);
      expected = null;
      continue;
    }
    if (plan && !(last && sameHead(plan.head, last.head))) plan = null;
    if (!plan && last) plan = await preplan(sql, batches, { head: last.head, claims: new Map() });
    expected = plan ? { head: plan.chained?.last ?? plan.head, claims: plan.claims } : null;
    inFlight = storeGroup(sql, batches, plan).then(
      ({ results, head }) => {
        group.forEach((w, i) => w.done(results[i]!));
        return { head };
      },
      async (error: unknown) => {
        forgetPartitions(sql);
        if (group.length === 1 || connectionLost(error)) {
          for (const w of group) w.done(Promise.reject(error));
          return connectionLost(error) ? { lost: error } : null;
        }
        // A refusal that depends on some batch's data: each is tried again alone, so that it
        // fails only that batch.
        for (const w of group) {
          const alone = storeGroup(sql, [w.batch], null).then(({ results }) => results[0]!);
          w.done(alone);
          await alone.catch(() => {});
        }
        return null;
      },
    );
  }
}

/**
 * The connection to the database was lost (refused, reset, closed, timed out), as opposed to a
 * refusal by the database (a PostgresError) or by the writer's own checks, which depend on the
 * data.
 */
function connectionLost(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'PostgresError') return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(E[A-Z]+|CONNECT(ION)?_[A-Z_]+)$/.test(code);
}

/** A plan for a group onto an expected head, with the ids the group before will have stored. */
async function preplan(
  sql: postgres.Sql,
  batches: PreparedBatch[],
  after: { head: StreamHead; claims: Map<string, Buffer> },
): Promise<Plan | null> {
  try {
    const stored = await storedBodies(sql, batches);
    for (const b of batches)
      for (const r of b.unique) {
        const claim = after.claims.get(r.id);
        if (claim) stored.set(r.id, claim);
      }
    return planGroup(batches[0]!.source, batches, after.head, stored);
  } catch {
    return null;
  }
}

/** The body hashes stored under the ids of these batches (an index probe per id). */
export async function storedBodies(
  sql: postgres.Sql | postgres.TransactionSql,
  batches: PreparedBatch[],
): Promise<Map<string, Buffer>> {
  const { source } = batches[0]!;
  const ids = batches.flatMap((b) => b.unique.map((r) => r.id));
  const rows = await sql<{ event_id: string; body_hash: Buffer }[]>`
    select event_id, body_hash from ingest_ids where source_id = ${source.id}::uuid and event_id = any(${ids}::text[])`;
  return new Map(rows.map((s) => [s.event_id, s.body_hash]));
}

/** One transaction for a group of batches of one stream (see storeBatch and drain). */
async function storeGroup(
  sql: postgres.Sql,
  batches: PreparedBatch[],
  planned: Plan | null,
): Promise<{ results: IngestOutcome[]; head: StreamHead }> {
  const { source } = batches[0]!;
  await ensurePartitionsFor(
    sql,
    batches.flatMap((b) => b.unique.map((r) => r.occurredAt)),
  );
  return sql.begin(async (tx) => {
    // Lock first: from here on no other writer of this source can store these ids. The three
    // statements go out together and run in order; the probe starts (and takes its snapshot)
    // once the lock is held, so it sees every batch committed before.
    const [head, stored] = await Promise.all([
      lockStreamHead(tx, source.streamId),
      storedBodies(tx, batches),
      prepareStage(tx),
    ]);
    const plan =
      planned && sameHead(planned.head, head) && sameStored(planned.stored, stored)
        ? planned
        : planGroup(source, batches, head, stored);
    if (plan.chained) await appendChained(tx, plan.chained);
    return { results: plan.outcomes, head: plan.chained?.last ?? head };
  }) as Promise<{ results: IngestOutcome[]; head: StreamHead }>;
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
  return prepared.ok ? storeBatch(sql, prepared.batch) : prepared;
}
