import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { verifyDatabase } from '@/lib/audit/verify';
import { validateEvent, type ValidEvent } from '@/lib/events/schema';
import { ingestEvents, type IngestSource } from '@/lib/ingest/ingest';
import { createSource } from '@/lib/ingest/sources';
import { changeRole, createUser } from '@/lib/users';
import { catchUp, runDetectionRound } from './engine';

const SETUP = {
  actor: { id: 'system:test', name: 'test', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};

// Wednesday 2026-03-11, 10:00 UTC: inside the default working hours (Mon-Fri 08-18 UTC).
const WEDNESDAY = Date.UTC(2026, 2, 11, 10, 0, 0);
let idCounter = 0;

function event(raw: Record<string, unknown>): ValidEvent {
  const result = validateEvent({ id: `e-${++idCounter}`, ...raw }, 0);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
}

/** `count` deletes by one actor, 10 s apart from `start`: over the mass-delete threshold (20). */
function deletes(actor: string, start: number, count: number): ValidEvent[] {
  return Array.from({ length: count }, (_, i) =>
    event({
      occurred_at: new Date(start + i * 10_000).toISOString(),
      action: 'contact.delete',
      actor: { id: actor, name: `Person ${actor}`, email: `${actor}@example.com` },
      target: { type: 'contact', id: `${actor}-c${i}` },
    }),
  );
}

/** Ordinary daytime views: nothing any rule should flag. */
function quiet(actor: string, start: number, count: number): ValidEvent[] {
  return Array.from({ length: count }, (_, i) =>
    event({
      occurred_at: new Date(start + i * 60_000).toISOString(),
      action: 'contact.view',
      actor: { id: actor, name: `Person ${actor}` },
      target: { type: 'contact', id: `c${i}` },
    }),
  );
}

async function ingest(t: TestDatabase, source: IngestSource, events: ValidEvent[]) {
  const outcome = await ingestEvents(
    t.db.$client,
    source,
    events.map((e, index) => ({ index, event: e })),
  );
  if (!outcome.ok) throw new Error('ingest failed');
}

async function alertsOf(t: TestDatabase) {
  return t.owner<
    {
      id: string;
      rule: string;
      dedupe_key: string;
      actor_id: string;
      event_count: number;
      linked: number;
    }[]
  >`
    select a.id, a.rule, a.dedupe_key, a.actor_id, a.event_count,
      (select count(*)::int from alert_events ae where ae.alert_id = a.id) as linked
    from alerts a order by a.dedupe_key`;
}

async function caughtUp(t: TestDatabase): Promise<boolean> {
  const [row] = await t.owner<{ behind: number }[]>`
    select count(*)::int as behind from audit_streams s
    left join detection_cursors c on c.stream_id = s.id
    where s.head_seq > coalesce(c.seq, 0) and s.kind = 'source'`;
  return row!.behind === 0;
}

describe('the detection engine', () => {
  let t: TestDatabase;
  let crm: IngestSource;
  beforeAll(async () => {
    t = await createTestDatabase();
    crm = await t.db.transaction((tx) => createSource(tx, SETUP, { name: 'crm', description: '' }));
  });
  afterAll(() => t.close());

  it('raises one alert per incident, links its events, records the raise, and moves the cursor', async () => {
    await ingest(t, crm, [
      ...quiet('calm', WEDNESDAY - 3600_000, 30),
      ...deletes('leaver', WEDNESDAY, 25),
    ]);
    const evaluated = await catchUp(t.db);
    const [stored] = await t.owner<{ n: number }[]>`select count(*)::int as n from audit_events`;
    expect(evaluated).toBe(stored!.n); // the 55 events and the dashboard's own (source created)
    expect(evaluated).toBeGreaterThanOrEqual(55);
    const alerts = await alertsOf(t);
    expect(alerts.map((a) => [a.rule, a.actor_id, a.event_count, a.linked])).toEqual([
      ['mass_delete', 'leaver', 25, 25],
    ]);
    // The detector fires at the 21st delete; the rest of the burst joins the same alert.
    const raised = await t.owner<{ action: string; target_id: string; actor_type: string }[]>`
      select action, target_id, actor_type from audit_events where action = 'alert.raise'`;
    expect(raised).toEqual([
      { action: 'alert.raise', target_id: alerts[0]!.id, actor_type: 'system' },
    ]);
    expect(await caughtUp(t)).toBe(true);
    expect(await catchUp(t.db)).toBe(0);
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });

  it('adds later events of the same incident to its alert instead of opening another', async () => {
    const before = (await alertsOf(t)).find((a) => a.actor_id === 'leaver')!;
    // Five more deletes, two minutes after the first 25, in a later batch.
    await ingest(t, crm, deletes('leaver', WEDNESDAY + 25 * 10_000 + 120_000, 5));
    await catchUp(t.db);
    const after = (await alertsOf(t)).filter((a) => a.actor_id === 'leaver');
    expect(after).toHaveLength(1);
    expect(after[0]!.id).toBe(before.id);
    expect(after[0]!.event_count).toBe(before.event_count + 5);
  });

  it('evaluates each event exactly once when the engine dies before committing', async () => {
    await ingest(t, crm, deletes('crasher', WEDNESDAY + 86_400_000, 30));
    const killer = postgres(t.ownerUrl, { max: 1, onnotice: () => {} });
    const doomed = createDb(t.appUrl, { max: 1 });
    // A real crash: the engine's own connection is terminated just before its commit.
    await expect(
      runDetectionRound(doomed, async (sql) => {
        const [me] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
        await killer`select pg_terminate_backend(${me!.pid})`;
      }),
    ).rejects.toThrow();
    await doomed.$client.end({ timeout: 1 }).catch(() => {});
    await killer.end();
    expect((await alertsOf(t)).filter((a) => a.actor_id === 'crasher')).toEqual([]);
    expect(await caughtUp(t)).toBe(false);

    await catchUp(t.db);
    const alerts = (await alertsOf(t)).filter((a) => a.actor_id === 'crasher');
    expect(alerts.map((a) => [a.rule, a.event_count, a.linked])).toEqual([['mass_delete', 30, 30]]);
    expect(await caughtUp(t)).toBe(true);
  });
});

describe('concurrent workers', () => {
  it('four workers racing while events arrive raise exactly what one worker raises', async () => {
    // The same events, in the same batches, into two fresh databases: one followed by four
    // racing workers during ingest, one evaluated by a single worker afterwards.
    const actors = Array.from({ length: 6 }, (_, i) => `actor-${i}`);
    const batches: ValidEvent[][] = [];
    idCounter = 100_000;
    for (let round = 0; round < 8; round++)
      for (const [i, actor] of actors.entries())
        batches.push([
          ...quiet(`${actor}-q`, WEDNESDAY + round * 3600_000, 5),
          ...deletes(actor, WEDNESDAY + round * 3600_000 + i * 60_000, round % 2 ? 25 : 8),
        ]);

    async function run(workers: number) {
      const t = await createTestDatabase();
      try {
        const sources = await Promise.all(
          ['crm', 'ats'].map((name) =>
            t.db.transaction((tx) => createSource(tx, SETUP, { name, description: '' })),
          ),
        );
        const pools = Array.from({ length: workers }, () => createDb(t.appUrl, { max: 2 }));
        let ingesting = true;
        const racing = pools.map(async (db) => {
          while (ingesting) {
            await catchUp(db);
            await new Promise((r) => setTimeout(r, 1));
          }
        });
        for (const [i, batch] of batches.entries()) await ingest(t, sources[i % 2]!, batch);
        ingesting = false;
        await Promise.all(racing);
        await catchUp(pools[0]!);
        await Promise.all(pools.map((p) => p.$client.end()));
        expect(await caughtUp(t)).toBe(true);
        const duplicates = await t.owner`
          select ae.event_id from alert_events ae join alerts a on a.id = ae.alert_id
          group by a.rule, ae.event_id having count(*) > 1`;
        expect(duplicates).toEqual([]);
        return (await alertsOf(t)).map(({ id: _id, ...a }) => a);
      } finally {
        await t.close();
      }
    }

    const raced = await run(4);
    const single = await run(1);
    expect(raced.length).toBeGreaterThan(0);
    expect(raced.every((a) => a.rule === 'mass_delete' && a.event_count === a.linked)).toBe(true);
    expect(raced).toEqual(single);
  }, 120_000);
});

describe("the dashboard's own events", () => {
  it('an admin granting a role in the dashboard is an admin at work, not a critical grant', async () => {
    const t = await createTestDatabase();
    try {
      const admin = await t.db.transaction((tx) =>
        createUser(tx, SETUP, {
          email: 'boss@example.com',
          name: 'Boss Admin',
          role: 'admin',
          password: 'correct horse battery staple',
          expiresAt: null,
        }),
      );
      const member = await t.db.transaction((tx) =>
        createUser(tx, SETUP, {
          email: 'member@example.com',
          name: 'Mem Ber',
          role: 'reviewer',
          password: 'correct horse battery staple',
          expiresAt: null,
        }),
      );
      const acting = {
        actor: {
          id: admin.id,
          name: 'Boss Admin',
          email: 'boss@example.com',
          type: 'user' as const,
        },
        context: { ip: '192.0.2.1', userAgent: 'vitest', requestId: null },
        sessionId: null,
      };
      await t.db.transaction((tx) => changeRole(tx, acting, { userId: member.id, role: 'admin' }));
      await catchUp(t.db);
      const grants = await t.owner<{ severity: string }[]>`
        select severity from alerts where rule = 'privilege_grant'`;
      expect(grants.every((g) => g.severity !== 'critical')).toBe(true);
    } finally {
      await t.close();
    }
  });
});
