import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { HOSTILE_STRINGS } from '@/db/testing/hostile';
import { verifyDatabase } from '@/lib/audit/verify';
import { validateEvent, type ValidEvent } from '@/lib/events/schema';
import {
  ingestEvents,
  prepareRequest,
  prepareRequestHere,
  type IngestSource,
  type PreparedRequest,
} from './ingest';
import { createSource } from './sources';
import { startPrepareWorkers } from './workers';

// The same batches prepared in worker threads (as npm start and npm run import do) must be
// stored exactly as when they are prepared in the calling thread: the same bytes, hashes and
// outcomes. Each test runs its scenario twice, once each way, and compares.

const SETUP = {
  actor: { id: 'system:test', name: 'test', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
// Each is used as ids, names and text; an id cannot be empty.
const HOSTILE = HOSTILE_STRINGS.filter((s) => s !== '');

function valid(raw: unknown): ValidEvent {
  const result = validateEvent(raw, 0);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
}
const hostileEvent = (id: string, s: string) =>
  valid({
    id,
    occurred_at: '2026-03-14T09:26:53.589+05:30',
    action: 'employee.update',
    actor: { id: s, name: s, email: null, ip: '225.01.00.16', user_agent: s },
    target: { type: 'employee', id: s, label: s },
    changes: [{ field: s, old: { nested: [s, 1, null] }, new: s }],
    reason: s,
    metadata: {
      text: s,
      numbers: [0, 0.1, 1e21, 1e-7, 2 ** 53 - 1],
      ...JSON.parse('{"__proto__":{"isAdmin":true}}'),
    },
  });
const event = (id: string, extra: Record<string, unknown> = {}) =>
  valid({
    id,
    occurred_at: '2026-03-14T09:26:53.589Z',
    action: 'employee.update',
    actor: { id: 'u1' },
    changes: [{ field: 'salary', old: 100, new: 120 }],
    ...extra,
  });
const records = (events: ValidEvent[]) => events.map((e, index) => ({ index, event: e }));

let t: TestDatabase;
let sources = 0;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const newSource = () =>
  t.db.transaction((tx) =>
    createSource(tx, SETUP, { name: `workers-${++sources}`, description: '' }),
  );
async function stored(source: IngestSource) {
  return t.owner<Record<string, unknown>[]>`
    select e.seq, e.source_event_id, e.occurred_at, e.actor_id, e.actor_name, e.actor_ip, e.actor_user_agent,
      e.target_id, e.target_label, e.changes, e.reason, e.metadata::text as metadata, e.flags, i.body_hash
    from audit_events e join ingest_ids i on i.source_id = ${source.id}::uuid and i.event_id = e.source_event_id
    where e.stream_id = ${source.streamId}::uuid order by e.seq`;
}

/**
 * Runs a scenario on a new source with batches prepared here, then in `count` worker threads.
 * Concurrent batches reach the store in the order their preparing ends, which across several
 * workers is not the order they were sent in (as with concurrent requests to a server).
 */
async function bothWays<T>(scenario: (source: IngestSource) => Promise<T>, count = 2) {
  const hereSource = await newSource();
  const here = await scenario(hereSource);
  const workers = startPrepareWorkers(count);
  try {
    const pooledSource = await newSource();
    const pooled = await scenario(pooledSource);
    return {
      here,
      pooled,
      hereRows: await stored(hereSource),
      pooledRows: await stored(pooledSource),
    };
  } finally {
    await workers.stop();
  }
}

describe('batches prepared in worker threads', () => {
  it('store hostile values byte for byte as when prepared here, and the chains verify', async () => {
    const { here, pooled, hereRows, pooledRows } = await bothWays((source) =>
      ingestEvents(t.db.$client, source, records(HOSTILE.map((s, i) => hostileEvent(`h-${i}`, s)))),
    );
    expect(pooled).toEqual(here);
    expect(here).toEqual({ ok: true, accepted: HOSTILE.length, duplicates: 0 });
    // The same content under the same ids: the same stored values and body hashes.
    expect(pooledRows).toEqual(hereRows);
    expect(pooledRows.map((r) => r.reason)).toEqual(HOSTILE);
    expect(pooledRows.every((r) => String(r.metadata).includes('"__proto__"'))).toBe(true);
    expect(pooledRows[0]!.flags).toEqual(hereRows[0]!.flags);
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });

  it('keep each batch of a group its own outcome: duplicates across batches and conflicts', async () => {
    const batch = (ids: string[], body: Record<string, unknown> = {}) =>
      records(ids.map((id) => event(id, body)));
    // One worker, which prepares its jobs in order: the outcomes below depend on which of the
    // concurrent batches is stored first.
    const { here, pooled, hereRows, pooledRows } = await bothWays(async (source) => {
      const first = await ingestEvents(t.db.$client, source, batch(['g-1', 'g-2']));
      // Concurrent batches are grouped; g-3 repeats across them, g-2 conflicts with the first.
      const group = await Promise.all([
        ingestEvents(t.db.$client, source, batch(['g-3', 'g-4'])),
        ingestEvents(t.db.$client, source, batch(['g-3', 'g-5'])),
        ingestEvents(t.db.$client, source, batch(['g-2', 'g-6'], { reason: 'another body' })),
        ingestEvents(t.db.$client, source, batch(['g-1', 'g-1'])),
      ]);
      return [first, ...group];
    }, 1);
    expect(pooled).toEqual(here);
    expect(here[3]).toEqual({
      ok: false,
      conflicts: [
        { index: 0, id: 'g-2', reason: 'this id was already stored with a different body' },
      ],
    });
    expect(here[4]).toEqual({ ok: true, accepted: 0, duplicates: 2 });
    expect(pooledRows.map((r) => r.source_event_id)).toEqual(
      hereRows.map((r) => r.source_event_id),
    );
    expect(pooledRows.map((r) => r.body_hash)).toEqual(hereRows.map((r) => r.body_hash));
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });

  it('answer an API request body as it is answered here: every refusal and the prepared batch', async () => {
    const source = await newSource();
    const body = (events: unknown[]) => JSON.stringify({ events });
    const actor = { id: 'u' };
    const requests: [string | null, string][] = [
      ['application/json', '{"events": ['],
      ['text/plain', body([{}])],
      ['application/json', body([])],
      ['application/json', body([{ id: 'x' }, { id: 1 }])],
      ['application/json', JSON.stringify({ events: [], extra: 1 })],
      ['application/json', body(Array.from({ length: 1001 }, () => ({})))],
      [
        'application/json',
        body([
          { id: 'dup', occurred_at: '2026-03-14T09:26:53Z', action: 'a.b', actor: { id: 'u' } },
          { id: 'dup', occurred_at: '2026-03-14T09:26:53Z', action: 'a.c', actor: { id: 'u' } },
        ]),
      ],
      [
        'application/x-ndjson',
        [
          JSON.stringify({ id: 'n1', occurred_at: '2026-03-14T09:26:53Z', action: 'a.b', actor }),
          JSON.stringify({ id: 'n2', occurred_at: '2026-03-14T09:26:53Z', action: 'a.b', actor }),
        ].join('\n'),
      ],
    ];
    const here: PreparedRequest[] = [];
    for (const [type, text] of requests) here.push(await prepareRequestHere(source, type, text));
    const workers = startPrepareWorkers(1);
    const pooled: PreparedRequest[] = [];
    try {
      for (const [type, text] of requests) pooled.push(await prepareRequest(source, type, text));
    } finally {
      await workers.stop();
    }
    expect(here.map((r) => (r.ok ? 200 : r.status))).toEqual([
      400, 415, 400, 422, 400, 413, 200, 200,
    ]);
    // The refusals are equal as they are; the prepared batches up to their receipt time.
    const comparable = (r: PreparedRequest) =>
      r.ok && r.prepared.ok
        ? r.prepared.batch.unique.map((p) => ({
            id: p.id,
            hash: Buffer.from(p.hash).toString('hex'),
            row: p.rendered.row.split('\t').filter((_, i) => i !== 2),
          }))
        : r;
    expect(pooled.map(comparable)).toEqual(here.map(comparable));
    // The body hashes come back as Buffers, as the store compares them.
    const last = pooled.at(-1)!;
    expect(
      last.ok && last.prepared.ok && Buffer.isBuffer(last.prepared.batch.unique[0]!.hash),
    ).toBe(true);
  });

  it('a job the worker cannot run fails with the reason, and the pool keeps working', async () => {
    const source = await newSource();
    const workers = startPrepareWorkers(1);
    try {
      // Not a string body: the worker's parse throws, and the caller hears why.
      await expect(
        prepareRequest(source, 'application/x-ndjson', 42 as unknown as string),
      ).rejects.toThrow(/^preparing a batch failed: .*split is not a function/);
      const ok = await prepareRequest(
        source,
        'application/json',
        JSON.stringify({
          events: [
            { id: 'a', occurred_at: '2026-03-14T09:26:53Z', action: 'a.b', actor: { id: 'u' } },
          ],
        }),
      );
      expect(ok).toMatchObject({ ok: true, events: 1, prepared: { ok: true } });
    } finally {
      await workers.stop();
    }
  });

  it('a worker that dies fails the job it held; meanwhile jobs are prepared here; another starts', async () => {
    const source = await newSource();
    const body = JSON.stringify({
      events: [{ id: 'a', occurred_at: '2026-03-14T09:26:53Z', action: 'a.b', actor: { id: 'u' } }],
    });
    const workers = startPrepareWorkers(1);
    try {
      const [worker] = workers.workers();
      // A job in flight when its worker dies is refused, not left waiting.
      const held = prepareRequest(source, 'application/json', body);
      await worker!.terminate();
      await expect(held).rejects.toThrow(/the prepare worker exited/);
      expect(workers.workers()).toHaveLength(0);
      // No worker up: prepared in this thread, with the same answer.
      expect(await prepareRequest(source, 'application/json', body)).toMatchObject({
        ok: true,
        events: 1,
        prepared: { ok: true },
      });
      // A second later another worker is up and answers.
      await vi.waitFor(() => expect(workers.workers()).toHaveLength(1), {
        timeout: 5000,
        interval: 50,
      });
      expect(await prepareRequest(source, 'application/json', body)).toMatchObject({
        ok: true,
        events: 1,
      });
    } finally {
      await workers.stop();
    }
  });
});
