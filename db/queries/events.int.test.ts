import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { validateEvent } from '@/lib/events/schema';
import { ingestEvents } from '@/lib/ingest/ingest';
import { createSource } from '@/lib/ingest/sources';

const SETUP = {
  actor: { id: 'system:test', name: 'test', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};

let t: TestDatabase;
let listEvents: typeof import('./events').listEvents;
let decodeCursor: typeof import('./events').decodeCursor;
let countEventsUpTo: typeof import('./events').countEventsUpTo;
const N = 237;

beforeAll(async () => {
  t = await createTestDatabase();
  // The dashboard's pool reads DATABASE_URL when first used.
  process.env.DATABASE_URL = t.appUrl;
  delete (globalThis as { whochangedDb?: unknown }).whochangedDb;
  ({ listEvents, decodeCursor, countEventsUpTo } = await import('./events'));
  const source = await t.db.transaction((tx) =>
    createSource(tx, SETUP, { name: 'paging', description: '' }),
  );
  // Many events share a timestamp, so the id must break ties for every row to be reached once.
  const records = Array.from({ length: N }, (_, i) => {
    const r = validateEvent(
      {
        id: `p${i}`,
        occurred_at: new Date(Date.UTC(2026, 5, 1, 12, Math.floor(i / 7))).toISOString(),
        action: 'a.b',
        actor: {},
      },
      i,
    );
    if (!r.ok) throw new Error('invalid');
    return { index: i, event: r.event };
  });
  await ingestEvents(t.db.$client, source, records);
});
afterAll(async () => {
  const { db } = await import('@/db');
  await db.$client.end();
  await t.close();
});

describe('keyset paging over (occurred_at, id)', () => {
  it('forward to the end and back to the start reaches every row exactly once, in order', async () => {
    const all = sql`source_event_id is not null`;
    const forward: string[] = [];
    let page = await listEvents(all, { limit: 20 });
    expect(page.newer).toBeNull();
    for (;;) {
      forward.push(...page.rows.map((r) => r.sourceEventId!));
      if (!page.older) break;
      page = await listEvents(all, { after: decodeCursor(page.older ?? undefined), limit: 20 });
    }
    expect(forward).toHaveLength(N);
    expect(new Set(forward).size).toBe(N);
    const instants = forward.map((id) => Number(id.slice(1)));
    // newest first: later minutes first; within a minute, later ids (larger i) first
    expect(instants).toEqual(
      [...instants].sort((a, b) => Math.floor(b / 7) - Math.floor(a / 7) || b - a),
    );

    const backward: string[] = [];
    let back = await listEvents(all, { before: decodeCursor(page.newer ?? undefined), limit: 20 });
    backward.unshift(...page.rows.map((r) => r.sourceEventId!));
    for (;;) {
      backward.unshift(...back.rows.map((r) => r.sourceEventId!));
      if (!back.newer) break;
      back = await listEvents(all, { before: decodeCursor(back.newer ?? undefined), limit: 20 });
    }
    expect(backward).toEqual(forward);
  });

  it('counts up to a cap instead of counting everything', async () => {
    expect(await countEventsUpTo(sql`source_event_id is not null`, { cap: 100 })).toEqual({
      count: 100,
      capped: true,
      estimated: false,
    });
    expect(await countEventsUpTo(sql`source_event_id is not null`, { cap: 1000 })).toEqual({
      count: N,
      capped: false,
      estimated: false,
    });
  });

  it("falls back to the planner's estimate when counting would take longer than its budget", async () => {
    // pg_sleep per row makes the exact count far slower than the 20 ms budget.
    const slow = await countEventsUpTo(
      sql`pg_sleep(0.05) is not null and source_event_id is not null`,
      { budgetMs: 20 },
    );
    expect(slow.estimated).toBe(true);
    expect(slow.capped).toBe(false);
    expect(Number.isInteger(slow.count) && slow.count >= 0).toBe(true);
  });

  it('refuses a forged cursor instead of querying with it', () => {
    expect(
      decodeCursor(Buffer.from('2026-01-01T00:00:00.000Z|1; drop table x').toString('base64url')),
    ).toBeNull();
    expect(decodeCursor(Buffer.from('not a date|5').toString('base64url'))).toBeNull();
    expect(decodeCursor('%%%')).toBeNull();
  });
});
