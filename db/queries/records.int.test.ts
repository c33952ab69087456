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
let getRecordAsOf: typeof import('./records').getRecordAsOf;

// A known history of one employee record, out of order on purpose.
const HISTORY = [
  { id: 'h2', at: '2026-03-01T09:00:00Z', changes: [{ field: 'salary', old: 100, new: 110 }] },
  {
    id: 'h1',
    at: '2026-01-01T09:00:00Z',
    changes: [
      { field: 'salary', old: null, new: 100 },
      { field: 'title', old: null, new: 'Analyst' },
    ],
  },
  {
    id: 'h3',
    at: '2026-05-01T09:00:00Z',
    changes: [
      { field: 'title', old: 'Analyst', new: 'Senior Analyst' },
      { field: 'bank', old: null, new: { iban: 'DE89 **** 1234' } },
    ],
  },
  {
    id: 'other',
    at: '2026-04-01T09:00:00Z',
    changes: [{ field: 'salary', old: 1, new: 999 }],
    target: 'emp-2',
  },
];

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.appUrl;
  delete (globalThis as { whochangedDb?: unknown }).whochangedDb;
  ({ getRecordAsOf } = await import('./records'));
  const source = await t.db.transaction((tx) =>
    createSource(tx, SETUP, { name: 'hris', description: '' }),
  );
  const records = HISTORY.map((h, index) => {
    const r = validateEvent(
      {
        id: h.id,
        occurred_at: h.at,
        action: 'employee.update',
        actor: { name: 'HR' },
        target: { type: 'employee', id: h.target ?? 'emp-1' },
        changes: h.changes,
      },
      index,
    );
    if (!r.ok) throw new Error('invalid');
    return { index, event: r.event };
  });
  await ingestEvents(t.db.$client, source, records);
});
afterAll(async () => {
  const { db } = await import('@/db');
  await db.$client.end();
  await t.close();
});

const asMap = (rows: { field: string; value: unknown }[]) =>
  Object.fromEntries(rows.map((r) => [r.field, r.value]));

describe('a record as of a moment', () => {
  it('rebuilds each field from the last change at or before that moment', async () => {
    expect(
      asMap(await getRecordAsOf('employee', 'emp-1', new Date('2025-12-31T00:00:00Z'))),
    ).toEqual({});
    expect(
      asMap(await getRecordAsOf('employee', 'emp-1', new Date('2026-01-01T09:00:00Z'))),
    ).toEqual({ salary: 100, title: 'Analyst' });
    expect(
      asMap(await getRecordAsOf('employee', 'emp-1', new Date('2026-04-15T00:00:00Z'))),
    ).toEqual({ salary: 110, title: 'Analyst' });
    expect(
      asMap(await getRecordAsOf('employee', 'emp-1', new Date('2026-06-01T00:00:00Z'))),
    ).toEqual({
      salary: 110,
      title: 'Senior Analyst',
      bank: { iban: 'DE89 **** 1234' },
    });
  });
});
