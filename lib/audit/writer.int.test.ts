import { randomBytes, randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, rawTransaction, type Database } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { auditEvents, auditStreams } from '@/db/schema';
import { chainHash, GENESIS_HASH, leafHash, type EventEnvelope } from './chain';
import type { DashboardEventInput } from './types';
import { appendToStream, writeAuditEvent, writeAuditEvents, type NewEvent } from './writer';
import { HOSTILE_STRINGS } from '@/db/testing/hostile';

let t: TestDatabase;
let dashboardId: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const [stream] = await t.db
    .select({ id: auditStreams.id })
    .from(auditStreams)
    .where(eq(auditStreams.name, 'dashboard'));
  dashboardId = stream!.id;
});
afterAll(() => t.close());

const context = { ip: '203.0.113.10', userAgent: 'vitest', requestId: null };

function input(overrides: Partial<DashboardEventInput> = {}): DashboardEventInput {
  return {
    action: 'user.create',
    actor: { id: 'admin-1', name: 'Ada Admin', email: 'ada@example.com', type: 'user' },
    context,
    target: { type: 'user', id: 'u-1', label: 'bob@example.com' },
    changes: [{ field: 'role', old: null, new: 'reviewer' }],
    ...overrides,
  };
}

/** Creates a source stream at its genesis, the only way the app role can. */
async function createSourceStream(name: string): Promise<string> {
  const [row] = await t.db.$client`select create_audit_stream('source', ${name}) as id`;
  return row!.id as string;
}

/** The error's message and its causes' (drizzle wraps PostgreSQL errors in "Failed query: ..."). */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const messages: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) messages.push(e.message);
    return messages.join(' <- ');
  }
  throw new Error('expected a failure');
}

async function head(streamId: string): Promise<{ seq: number; hash: Buffer }> {
  const [row] = await t.db
    .select({ seq: auditStreams.headSeq, hash: auditStreams.headHash })
    .from(auditStreams)
    .where(eq(auditStreams.id, streamId));
  return row!;
}

function plainEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    sourceEventId: null,
    occurredAt: new Date(),
    receivedAt: new Date(),
    action: 'x.y',
    outcome: 'success',
    actor: {
      id: null,
      name: 'ok',
      email: null,
      type: 'system',
      ip: null,
      userAgent: null,
      timeZone: null,
    },
    target: { type: null, id: null, label: null },
    changes: [],
    requestId: null,
    sessionId: null,
    reason: null,
    metadata: {},
    flags: [],
    ...overrides,
  };
}

type StoredRow = typeof auditEvents.$inferSelect;

/** Rebuilds the envelope from stored columns exactly as appendToStream built it before hashing. */
function envelopeOf(row: StoredRow): EventEnvelope {
  return {
    stream: row.streamId,
    seq: row.seq,
    sourceEventId: row.sourceEventId,
    occurredAt: row.occurredAt,
    receivedAt: row.receivedAt,
    action: row.action,
    outcome: row.outcome,
    actor: {
      id: row.actorId,
      name: row.actorName,
      email: row.actorEmail,
      type: row.actorType,
      ip: row.actorIp,
      userAgent: row.actorUserAgent,
      timeZone: row.actorTimeZone,
    },
    target: { type: row.targetType, id: row.targetId, label: row.targetLabel },
    changes: row.changes,
    requestId: row.requestId,
    sessionId: row.sessionId,
    reason: row.reason,
    metadata: row.metadata,
    flags: row.flags,
  };
}

async function storedRows(streamId: string): Promise<StoredRow[]> {
  return t.db
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.streamId, streamId))
    .orderBy(asc(auditEvents.seq));
}

/**
 * The verifier's checks over one stream, from storage: seq 1..n without gap, each prev_hash the
 * hash before it (genesis first), every hash recomputed from the stored values, head = last row.
 */
async function verifyStream(streamId: string): Promise<StoredRow[]> {
  const rows = await storedRows(streamId);
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  let prev = GENESIS_HASH;
  for (const row of rows) {
    expect(row.prevHash.equals(prev), `prev_hash of seq ${row.seq}`).toBe(true);
    const recomputed = chainHash(streamId, row.seq, prev, leafHash(envelopeOf(row)));
    expect(recomputed.toString('hex'), `hash of seq ${row.seq}`).toBe(row.hash.toString('hex'));
    prev = row.hash;
  }
  const h = await head(streamId);
  expect(h.seq).toBe(rows.length);
  expect(h.hash.equals(prev)).toBe(true);
  return rows;
}

describe('concurrent writers on the dashboard stream', () => {
  it('8 transactions x 25 events give seq 1..200, one unbroken chain and the right head', async () => {
    expect((await head(dashboardId)).seq).toBe(0);
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        t.db.transaction((tx) =>
          writeAuditEvents(
            tx,
            Array.from({ length: 25 }, (_, i) =>
              input({
                context: { ...context, requestId: `w${w}-e${i}` },
                metadata: { writer: w, index: i },
              }),
            ),
          ),
        ),
      ),
    );

    const rows = await storedRows(dashboardId);
    expect(rows).toHaveLength(200);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(rows[0]!.prevHash.equals(Buffer.alloc(32, 0))).toBe(true);
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]!.prevHash.equals(rows[i - 1]!.hash), `seq ${i + 1}`).toBe(true);
    expect(new Set(rows.map((r) => r.hash.toString('hex'))).size).toBe(200);

    const h = await head(dashboardId);
    expect(h.seq).toBe(200);
    expect(h.hash.equals(rows[199]!.hash)).toBe(true);

    // One lock per batch: each writer's 25 events are contiguous and in order.
    for (let w = 0; w < 8; w++) {
      const seqs = rows.filter((r) => r.requestId!.startsWith(`w${w}-`)).map((r) => r.seq);
      expect(seqs).toHaveLength(25);
      expect(seqs.at(-1)! - seqs[0]!).toBe(24);
      expect(rows.filter((r) => r.requestId!.startsWith(`w${w}-`)).map((r) => r.requestId)).toEqual(
        Array.from({ length: 25 }, (_, i) => `w${w}-e${i}`),
      );
    }
  });

  it('every stored row re-hashes to its stored hash (values round-trip from storage)', async () => {
    const rows = await verifyStream(dashboardId);
    expect(rows.length).toBeGreaterThanOrEqual(200);
  });

  it('re-hashes the same when read through another driver in a non-UTC session', async () => {
    const rows = await t.owner.begin(async (sql) => {
      await sql`set local timezone = 'Asia/Kolkata'`;
      return sql`
        select stream_id, seq, prev_hash, hash, source_event_id, occurred_at, received_at, action, outcome,
               actor_id, actor_name, actor_email, actor_type, actor_ip, actor_user_agent, actor_time_zone,
               target_type, target_id, target_label, changes, request_id, session_id, reason, metadata, flags,
               occurred_at::text as occurred_text
          from audit_events where stream_id = ${dashboardId} order by seq`;
    });
    expect(rows[0]!.occurred_text).toMatch(/\+05:30$/); // the session really formats in another zone
    for (const r of rows) {
      const envelope: EventEnvelope = {
        stream: r.stream_id,
        seq: Number(r.seq),
        sourceEventId: r.source_event_id,
        occurredAt: r.occurred_at,
        receivedAt: r.received_at,
        action: r.action,
        outcome: r.outcome,
        actor: {
          id: r.actor_id,
          name: r.actor_name,
          email: r.actor_email,
          type: r.actor_type,
          ip: r.actor_ip,
          userAgent: r.actor_user_agent,
          timeZone: r.actor_time_zone,
        },
        target: { type: r.target_type, id: r.target_id, label: r.target_label },
        changes: r.changes,
        requestId: r.request_id,
        sessionId: r.session_id,
        reason: r.reason,
        metadata: r.metadata,
        flags: r.flags,
      };
      expect(
        chainHash(r.stream_id, Number(r.seq), r.prev_hash, leafHash(envelope)).equals(r.hash),
        `seq ${r.seq}`,
      ).toBe(true);
    }
  });
});

describe('values round-trip exactly from storage', () => {
  it('hostile strings, unicode, numbers and odd keys re-hash identically after storage', async () => {
    const hostile = HOSTILE_STRINGS;
    await t.db.transaction((tx) =>
      writeAuditEvents(
        tx,
        hostile.map((s, i) =>
          input({
            action: 'user.role_change',
            outcome: i % 2 ? 'failure' : 'success',
            actor: { id: s, name: s, email: s, type: 'user' },
            context: { ip: s, userAgent: s, requestId: s },
            sessionId: s,
            target: { type: 'user', id: s, label: s },
            changes: [{ field: s, old: { nested: [s, 1, null] }, new: s }],
            reason: s,
            metadata: {
              text: s,
              numbers: [0, -0, 0.1, 0.1 + 0.2, 1e21, 1e-7, -5e-324, 2 ** 53 - 1, 123.456],
              nested: { z: { y: { x: [true, false, null, {}] } }, a: [] },
              ключ: 'значение',
              '😀': 'emoji key',
              ...JSON.parse('{"__proto__":{"isAdmin":true}}'),
            },
          }),
        ),
      ),
    );
    const rows = await verifyStream(dashboardId);
    const stored = rows.slice(-hostile.length);
    expect(stored.map((r) => r.actorName)).toEqual(hostile);
    expect(stored.map((r) => r.reason)).toEqual(hostile);
    expect(stored.map((r) => r.changes[0]!.new)).toEqual(hostile);
    expect(stored.map((r) => r.metadata.text)).toEqual(hostile);
    expect(Object.hasOwn(stored[0]!.metadata, '__proto__')).toBe(true);
  });

  it('stores changes as a JSON array and metadata as a JSON object, not as strings', async () => {
    const rows = await t.owner`
      select distinct jsonb_typeof(changes) as c, jsonb_typeof(metadata) as m from audit_events where stream_id = ${dashboardId}`;
    expect(rows.map((r) => [r.c, r.m])).toEqual([['array', 'object']]);
  });

  it('appendToStream into a source stream keeps source ids, zones and past timestamps exactly', async () => {
    const streamId = await createSourceStream(`source-${randomUUID()}`);
    const base = Date.now() - 20 * 24 * 3600 * 1000;
    const events: NewEvent[] = Array.from({ length: 5 }, (_, i) => ({
      sourceEventId: `ext-${i}-é`,
      occurredAt: new Date(base + i * 1001 + 7),
      receivedAt: new Date(base + i * 1001 + 999),
      action: 'invoice.update',
      outcome: 'success',
      actor: {
        id: `svc-${i}`,
        name: null,
        email: null,
        type: 'service',
        ip: null,
        userAgent: null,
        timeZone: 'Asia/Kolkata',
      },
      target: { type: 'invoice', id: `inv-${i}`, label: null },
      changes: [{ field: 'amount', old: i, new: i + 0.5 }],
      requestId: null,
      sessionId: null,
      reason: null,
      metadata: { i },
      flags: i % 2 ? [`invalid_ip:225.01.00.1${i}`] : [],
    }));
    const first = await t.db.transaction((tx) =>
      appendToStream(rawTransaction(tx), streamId, events.slice(0, 2)),
    );
    const second = await t.db.transaction((tx) =>
      appendToStream(rawTransaction(tx), streamId, events.slice(2)),
    );
    expect(first).toEqual({ firstSeq: 1, lastSeq: 2 });
    expect(second).toEqual({ firstSeq: 3, lastSeq: 5 });
    const rows = await verifyStream(streamId);
    expect(rows.map((r) => r.occurredAt.getTime())).toEqual(
      events.map((e) => e.occurredAt.getTime()),
    );
    expect(rows.map((r) => r.sourceEventId)).toEqual(events.map((e) => e.sourceEventId));
    expect(rows.map((r) => r.flags)).toEqual(events.map((e) => e.flags));
  });

  it('values that mean something in COPY text format or array literals come back exactly', async () => {
    // The writer streams rows as COPY text: tab separates columns, backslash escapes, \N is NULL,
    // \. ends the data; flags are a text[] literal where quotes, commas, braces and NULL matter.
    const tricky = [
      'tab\there',
      'back\\slash',
      '\\N',
      '\\.',
      'a\\tb',
      '\\x41',
      'end\\',
      'cr\rlf\n',
      '"quoted"',
      '{brace}',
      'a,b',
      'NULL',
      '',
      ' sp ',
    ];
    const streamId = await createSourceStream(`copy-${randomUUID()}`);
    const events: NewEvent[] = tricky.map((s, i) => ({
      sourceEventId: s,
      occurredAt: new Date(Date.now() - i),
      receivedAt: new Date(),
      action: s || 'x',
      outcome: 'success',
      actor: { id: s, name: s, email: s, type: 'user', ip: s, userAgent: s, timeZone: s },
      target: { type: s, id: s, label: s },
      changes: [{ field: s, old: s, new: { [s]: s } }],
      requestId: s,
      sessionId: s,
      reason: s,
      metadata: { [s]: [s] },
      flags: [s, ...tricky],
    }));
    await t.db.transaction((tx) => appendToStream(rawTransaction(tx), streamId, events));
    const rows = await verifyStream(streamId);
    expect(rows).toHaveLength(tricky.length);
    rows.forEach((row, i) => {
      const s = tricky[i]!;
      expect([
        row.sourceEventId,
        row.actorName,
        row.actorIp,
        row.actorTimeZone,
        row.targetLabel,
        row.reason,
        row.sessionId,
      ]).toEqual([s, s, s, s, s, s, s]);
      expect(row.changes).toEqual([{ field: s, old: s, new: { [s]: s } }]);
      expect(row.metadata).toEqual({ [s]: [s] });
      expect(row.flags).toEqual([s, ...tricky]);
    });
  });

  it('two batches in one transaction continue the chain', async () => {
    const before = (await head(dashboardId)).seq;
    await t.db.transaction(async (tx) => {
      await writeAuditEvent(tx, input({ reason: 'first' }));
      await writeAuditEvents(tx, [input({ reason: 'second' }), input({ reason: 'third' })]);
    });
    const rows = await verifyStream(dashboardId);
    expect(rows.slice(before).map((r) => [r.seq, r.reason])).toEqual([
      [before + 1, 'first'],
      [before + 2, 'second'],
      [before + 3, 'third'],
    ]);
  });

  it('writes nothing and keeps the head when the transaction rolls back', async () => {
    const before = await head(dashboardId);
    await expect(
      t.db.transaction(async (tx) => {
        await writeAuditEvents(tx, [input(), input()]);
        throw new Error('the change failed after its audit write');
      }),
    ).rejects.toThrow(/the change failed/);
    const after = await head(dashboardId);
    expect(after.seq).toBe(before.seq);
    expect(after.hash.equals(before.hash)).toBe(true);
    await verifyStream(dashboardId);
  });

  it('an event that cannot be hashed (lone surrogate, NaN) is refused and writes nothing', async () => {
    const before = (await head(dashboardId)).seq;
    for (const metadata of [{ bad: 'x\uD800' }, { bad: Number.NaN }]) {
      await expect(
        t.db.transaction((tx) => writeAuditEvents(tx, [input(), input({ metadata })])),
      ).rejects.toThrow();
    }
    expect((await head(dashboardId)).seq).toBe(before);
    await verifyStream(dashboardId);
  });

  it('writeAuditEvents with no inputs writes nothing; appendToStream with no events throws', async () => {
    const before = (await head(dashboardId)).seq;
    await t.db.transaction((tx) => writeAuditEvents(tx, []));
    await expect(
      t.db.transaction((tx) => appendToStream(rawTransaction(tx), dashboardId, [])),
    ).rejects.toThrow(/no events/);
    expect((await head(dashboardId)).seq).toBe(before);
  });
});

describe('a batch the database refuses', () => {
  // It must fail the caller's transaction promptly: if it hung, the open transaction would keep
  // the stream head locked and every later writer would queue forever. These run on their own
  // small pool, so a hung connection cannot stall the shared one (bounded by a test timeout).
  let side: Database;
  beforeAll(() => {
    side = createDb(t.appUrl, { max: 4 });
  });
  afterAll(() => side.$client.end({ timeout: 1 }));

  it.each([
    [
      'a NUL in a text column',
      () => plainEvent({ actor: { ...plainEvent().actor, name: 'a\u0000b' } }),
    ],
    ['a NUL in a flag', () => plainEvent({ flags: ['a\u0000b'] })],
    [
      'an occurred_at with no partition',
      () => plainEvent({ occurredAt: new Date('2001-01-01T00:00:00Z') }),
    ],
  ])(
    '%s is refused promptly, writes nothing and leaves the stream usable',
    { timeout: 15_000 },
    async (_name, bad) => {
      const streamId = await createSourceStream(`refused-${randomUUID()}`);
      await expect(
        side.transaction((tx) =>
          appendToStream(rawTransaction(tx), streamId, [plainEvent(), bad()]),
        ),
      ).rejects.toThrow();
      expect((await head(streamId)).seq).toBe(0);
      await side.transaction((tx) => appendToStream(rawTransaction(tx), streamId, [plainEvent()]));
      expect((await verifyStream(streamId)).map((r) => r.seq)).toEqual([1]);
    },
  );
});

describe('appendToStream on an unknown stream', () => {
  it('fails and writes nothing', async () => {
    const count = async () => Number((await t.owner`select count(*) as n from audit_events`)[0]!.n);
    const before = await count();
    const event: NewEvent = {
      sourceEventId: null,
      occurredAt: new Date(),
      receivedAt: new Date(),
      action: 'x.y',
      outcome: 'success',
      actor: {
        id: null,
        name: null,
        email: null,
        type: 'system',
        ip: null,
        userAgent: null,
        timeZone: null,
      },
      target: { type: null, id: null, label: null },
      changes: [],
      requestId: null,
      sessionId: null,
      reason: null,
      metadata: {},
      flags: [],
    };
    expect(
      await failure(
        t.db.transaction((tx) => appendToStream(rawTransaction(tx), randomUUID(), [event])),
      ),
    ).toMatch(/unknown audit stream/);
    expect(
      await failure(
        t.db.transaction((tx) => appendToStream(rawTransaction(tx), 'not-a-uuid', [event])),
      ),
    ).toMatch(/invalid input syntax for type uuid/);
    expect(await count()).toBe(before);
  });
});

describe('the insert trigger guards the chain, even for the owner', () => {
  let streamId: string;
  beforeAll(async () => {
    streamId = await createSourceStream(`trigger-${randomUUID()}`);
    // Three genuine events to build on.
    await t.db.transaction((tx) =>
      appendToStream(
        rawTransaction(tx),
        streamId,
        [1, 2, 3].map((i) => ({
          sourceEventId: `seed-${i}`,
          occurredAt: new Date(),
          receivedAt: new Date(),
          action: 'seed.event',
          outcome: 'success' as const,
          actor: {
            id: null,
            name: null,
            email: null,
            type: 'system',
            ip: null,
            userAgent: null,
            timeZone: null,
          },
          target: { type: null, id: null, label: null },
          changes: [],
          requestId: null,
          sessionId: null,
          reason: null,
          metadata: {},
          flags: [],
        })),
      ),
    );
  });

  type HandRow = { seq: number; prev: Buffer; hash?: Buffer };
  async function insertAsOwner(rows: HandRow[], replica = false): Promise<void> {
    await t.owner.begin(async (sql) => {
      if (replica) await sql`set local session_replication_role = replica`;
      const values = rows.map((r) => ({
        stream_id: streamId,
        seq: r.seq,
        prev_hash: r.prev,
        hash: r.hash ?? randomBytes(32),
        occurred_at: new Date(),
        received_at: new Date(),
        action: 'forged.event',
        outcome: 'success',
        actor_type: 'system',
        changes: sql.json([]),
        metadata: sql.json({}),
      }));
      await sql`insert into audit_events ${sql(values)}`;
    });
  }

  it.each([false, true])(
    'rejects a gap, a repeat, a wrong prev_hash and a broken batch (replica mode: %s)',
    async (replica) => {
      const h = await head(streamId);
      const [headRow] =
        await t.owner`select prev_hash from audit_events where stream_id = ${streamId} and seq = ${h.seq}`;
      // The wording is the trigger's; what matters is which rule refused the batch.
      const SEQ = /audit chain: .*expects seq/;
      const PREV = /audit chain: .*(does not follow|breaks the chain)/;
      const cases: Array<[string, HandRow[], RegExp]> = [
        ['gap: seq = head + 2', [{ seq: h.seq + 2, prev: h.hash }], SEQ],
        ['repeat: seq = head', [{ seq: h.seq, prev: headRow!.prev_hash as Buffer }], SEQ],
        ['rewind: seq = 1', [{ seq: 1, prev: GENESIS_HASH }], SEQ],
        ['wrong prev_hash', [{ seq: h.seq + 1, prev: randomBytes(32) }], PREV],
        ['genesis prev_hash on a non-empty stream', [{ seq: h.seq + 1, prev: GENESIS_HASH }], PREV],
        [
          'second row of a batch not linked to the first',
          [
            { seq: h.seq + 1, prev: h.hash, hash: Buffer.alloc(32, 7) },
            { seq: h.seq + 2, prev: Buffer.alloc(32, 8) },
          ],
          PREV,
        ],
        [
          'a batch repeating a seq',
          [
            { seq: h.seq + 1, prev: h.hash, hash: Buffer.alloc(32, 7) },
            { seq: h.seq + 1, prev: h.hash },
          ],
          SEQ,
        ],
        [
          'a batch with a hole',
          [
            { seq: h.seq + 1, prev: h.hash, hash: Buffer.alloc(32, 7) },
            { seq: h.seq + 3, prev: Buffer.alloc(32, 7) },
          ],
          SEQ,
        ],
      ];
      for (const [name, rows, error] of cases) {
        await expect(insertAsOwner(rows, replica), name).rejects.toThrow(error);
      }
      const after = await head(streamId);
      expect(after.seq).toBe(h.seq);
      expect(after.hash.equals(h.hash)).toBe(true);
      await verifyStream(streamId);
    },
  );

  it('a correctly linked row is accepted and advances the head (the guard is not a blanket refusal)', async () => {
    const h = await head(streamId);
    const hash = randomBytes(32);
    // Rolled back so the stream stays verifiable: the trigger checks links, not the hash itself.
    await expect(
      t.owner.begin(async (sql) => {
        await sql`insert into audit_events ${sql({
          stream_id: streamId,
          seq: h.seq + 1,
          prev_hash: h.hash,
          hash,
          occurred_at: new Date(),
          received_at: new Date(),
          action: 'forged.event',
          outcome: 'success',
          actor_type: 'system',
          changes: sql.json([]),
          metadata: sql.json({}),
        })}`;
        const [moved] =
          await sql`select head_seq, head_hash from audit_streams where id = ${streamId}`;
        expect(Number(moved!.head_seq)).toBe(h.seq + 1);
        expect((moved!.head_hash as Buffer).equals(hash)).toBe(true);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect((await head(streamId)).seq).toBe(h.seq);
  });

  it('the app role is held to the same rule', async () => {
    const h = await head(streamId);
    const message = await failure(
      t.db.insert(auditEvents).values({
        streamId,
        seq: h.seq + 5,
        prevHash: h.hash,
        hash: randomBytes(32),
        occurredAt: new Date(),
        receivedAt: new Date(),
        action: 'forged.event',
        outcome: 'success',
        actorType: 'system',
        changes: [],
        metadata: {},
      }),
    );
    expect(message).toMatch(/audit chain: .*expects seq/);
  });
});
