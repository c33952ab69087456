import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { validateEvent } from '@/lib/events/schema';
import { ingestEvents } from '@/lib/ingest/ingest';
import { createSource } from '@/lib/ingest/sources';
import { dropExpiredMonth } from './retention';
import { verifyDatabase } from './verify';

const SETUP = {
  actor: { id: 'system:test', name: 'test', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
const batch = (prefix: string, occurredAt: string, n: number) =>
  Array.from({ length: n }, (_, i) => {
    const r = validateEvent(
      {
        id: `${prefix}-${i}`,
        occurred_at: occurredAt,
        action: 'contact.update',
        actor: { name: 'x' },
      },
      i,
    );
    if (!r.ok) throw new Error('invalid');
    return { index: i, event: r.event };
  });

let t: TestDatabase;
let source: { id: string; streamId: string };
beforeAll(async () => {
  t = await createTestDatabase();
  source = await t.db.transaction((tx) =>
    createSource(tx, SETUP, { name: 'old', description: '' }),
  );
  // An old month in the middle of the chain (seq 1-10 and a backfill at 21-25) and recent events around it.
  await ingestEvents(t.db.$client, source, batch('a', '2024-03-10T10:00:00Z', 10));
  await ingestEvents(
    t.db.$client,
    source,
    batch('b', new Date(Date.now() - 3600_000).toISOString(), 10),
  );
  await ingestEvents(t.db.$client, source, batch('c', '2024-03-20T10:00:00Z', 5));
  await ingestEvents(
    t.db.$client,
    source,
    batch('d', new Date(Date.now() - 60_000).toISOString(), 5),
  );
});
afterAll(() => t.close());

describe('retention', () => {
  it('refuses a month inside the retention period, and changes nothing', async () => {
    const month = new Date().toISOString().slice(0, 7);
    await expect(t.db.transaction((tx) => dropExpiredMonth(tx, SETUP, month))).rejects.toThrow(
      /within the retention period/,
    );
    const [row] =
      await t.owner`select count(*)::int as n from audit_events where stream_id = ${source.streamId}`;
    expect(row!.n).toBe(30);
  });

  it('refuses a month that has no partition', async () => {
    await expect(t.db.transaction((tx) => dropExpiredMonth(tx, SETUP, '2019-01'))).rejects.toThrow(
      /no audit partition/,
    );
  });

  it('drops a whole expired month, records it as an audit event, and the chains still verify', async () => {
    const { events } = await t.db.transaction((tx) => dropExpiredMonth(tx, SETUP, '2024-03'));
    expect(events).toBe(15);
    const seqs =
      await t.owner`select seq::int from audit_events where stream_id = ${source.streamId} order by seq`;
    expect(seqs.map((r) => r.seq)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => i + 11),
      26,
      27,
      28,
      29,
      30,
    ]);
    const runs =
      await t.owner`select first_seq::int, last_seq::int from audit_retention_runs where stream_id = ${source.streamId} order by first_seq`;
    expect(runs.map((r) => [r.first_seq, r.last_seq])).toEqual([
      [1, 10],
      [21, 25],
    ]);
    const [event] =
      await t.owner`select action, metadata from audit_events where action = 'audit.retention_drop'`;
    expect(event).toMatchObject({
      action: 'audit.retention_drop',
      metadata: { month: '2024-03', events_dropped: 15 },
    });
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });

  it('a deletion next to a dropped run is still found', async () => {
    await t.owner.begin(async (tx) => {
      await tx.unsafe('alter table audit_events disable trigger user');
      await tx`delete from audit_events where stream_id = ${source.streamId} and seq = 26`;
    });
    const report = await verifyDatabase(t.db.$client);
    expect(report.streams.find((s) => s.name === 'source:old')!.broken).toMatchObject({
      seq: 26,
      reason: 'gap',
    });
  });

  it('the record of dropped runs is append-only', async () => {
    await expect(t.db.$client`delete from audit_retention_runs`).rejects.toThrow(
      /permission denied/,
    );
    await expect(t.owner`delete from audit_retention_runs`).rejects.toThrow(/append-only/);
  });
});
