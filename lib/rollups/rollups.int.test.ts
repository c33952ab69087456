import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { catchUp } from '@/lib/detection/engine';
import { validateEvent, type ValidEvent } from '@/lib/events/schema';
import { ingestEvents } from '@/lib/ingest/ingest';
import { createSource } from '@/lib/ingest/sources';

const SETUP = {
  actor: { id: 'system:test', name: 'test', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', null];

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

function valid(raw: Record<string, unknown>): ValidEvent {
  const r = validateEvent(raw, 0);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.event;
}

/** A deterministic mix: actors in several zones, addresses, agents, changes or not, no actor. */
function batch(client: number, n: number, size: number): ValidEvent[] {
  return Array.from({ length: size }, (_, i) => {
    const k = client * 100_000 + n * 1000 + i;
    const actor = k % 17;
    return valid({
      id: `c${client}-${n}-${i}`,
      // Spread over three weeks, minutes apart, crossing days, weekends and DST (late March).
      occurred_at: new Date(
        Date.UTC(2026, 2, 20) + ((k * 7919) % (21 * 1440)) * 60_000,
      ).toISOString(),
      action: ['record.update', 'record.view', 'record.delete'][k % 3],
      actor:
        actor === 0
          ? { type: 'anonymous', ip: '198.51.100.7' }
          : {
              id: `p${actor}`,
              name: `Person ${actor}`,
              ip: `192.0.2.${(k % 5) + 1}`,
              user_agent: `agent/${k % 3}`,
              time_zone: ZONES[actor % ZONES.length],
            },
      target: { type: 'record', id: `r${k % 50}` },
      changes: k % 3 === 0 ? [{ field: 'status', old: 'a', new: 'b' }] : [],
    });
  });
}

describe('rollups', () => {
  it('equal counts from the raw events after concurrent ingest and racing pipeline workers', async () => {
    const sources = await Promise.all(
      ['crm', 'ats', 'hris'].map((name) =>
        t.db.transaction((tx) => createSource(tx, SETUP, { name, description: '' })),
      ),
    );
    const workers = [createDb(t.appUrl, { max: 2 }), createDb(t.appUrl, { max: 2 })];
    let ingesting = true;
    const racing = workers.map(async (db) => {
      while (ingesting) await catchUp(db);
    });
    // Four clients, each sending 20 batches of 100 to the three sources in turn.
    await Promise.all(
      [0, 1, 2, 3].map(async (client) => {
        for (let n = 0; n < 20; n++) {
          const events = batch(client, n, 100);
          const outcome = await ingestEvents(
            t.db.$client,
            sources[(client + n) % 3]!,
            events.map((event, index) => ({ index, event })),
          );
          expect(outcome.ok).toBe(true);
        }
      }),
    );
    ingesting = false;
    await Promise.all(racing);
    await catchUp(t.db);
    await Promise.all(workers.map((w) => w.$client.end()));

    const raw = await t.owner`
      select date_trunc('hour', occurred_at) as hour, stream_id, action, coalesce(actor_id, '') as actor_id,
             count(*)::int as events, (count(*) filter (where jsonb_array_length(changes) > 0))::int as changes
      from audit_events group by 1, 2, 3, 4 order by 1, 2, 3, 4`;
    const rolled = await t.owner`
      select hour, stream_id, action, actor_id, sum(events)::int as events, sum(changes)::int as changes
      from activity_hourly group by 1, 2, 3, 4 order by 1, 2, 3, 4`;
    expect(raw.length).toBeGreaterThan(100);
    expect(rolled).toEqual(raw);

    const rawFields = await t.owner`
      select occurred_at::date::text as day, stream_id, c->>'field' as field, count(*)::int as changes
      from audit_events, jsonb_array_elements(changes) c group by 1, 2, 3 order by 1, 2, 3`;
    const fields = await t.owner`
      select day::text, stream_id, field, changes from field_daily order by 1, 2, 3`;
    expect(rawFields.length).toBeGreaterThan(10);
    expect(fields).toEqual(rawFields);
    const rawRecords = await t.owner`
      select occurred_at::date::text as day, target_type, target_id, count(*)::int as changes
      from audit_events
      where jsonb_array_length(changes) > 0 and target_type is not null and target_id is not null
      group by 1, 2, 3 order by 1, 2, 3`;
    const records = await t.owner`
      select day::text, target_type, target_id, changes from record_daily order by 1, 2, 3`;
    expect(records).toEqual(rawRecords);

    for (const [kind, column] of [
      ['ip', 'actor_ip'],
      ['user_agent', 'actor_user_agent'],
    ] as const) {
      const rawSeen = await t.owner`
        select actor_id, ${t.owner(column)} as value, count(*)::int as events,
               min(occurred_at) as first_seen, max(occurred_at) as last_seen
        from audit_events where actor_id is not null and ${t.owner(column)} is not null
        group by 1, 2 order by 1, 2`;
      const seen = await t.owner`
        select actor_id, value, events, first_seen, last_seen from actor_seen
        where kind = ${kind} order by 1, 2`;
      expect(seen).toEqual(rawSeen);
    }
  }, 120_000);

  it("judges off-hours and the hour of week in the actor's own zone", async () => {
    const source = await t.db.transaction((tx) =>
      createSource(tx, SETUP, { name: 'zones', description: '' }),
    );
    // Saturday 2026-03-07 02:30 in Berlin (01:30 UTC), and Monday 09:30 in Kolkata (04:00 UTC).
    const events = [
      valid({
        id: 'sat',
        occurred_at: '2026-03-07T02:30:00+01:00',
        action: 'employee.update',
        actor: { id: 'berlin-1', time_zone: 'Europe/Berlin' },
      }),
      valid({
        id: 'mon',
        occurred_at: '2026-03-09T09:30:00+05:30',
        action: 'employee.update',
        actor: { id: 'kolkata-1', time_zone: 'Asia/Kolkata' },
      }),
    ];
    await ingestEvents(
      t.db.$client,
      source,
      events.map((event, index) => ({ index, event })),
    );
    await catchUp(t.db);
    const rows = await t.owner`
      select actor_id, off_hours, local_dow, local_hour, events from activity_hourly
      where stream_id = ${source.streamId} order by actor_id`;
    expect(rows).toEqual([
      { actor_id: 'berlin-1', off_hours: true, local_dow: 6, local_hour: 2, events: 1 },
      { actor_id: 'kolkata-1', off_hours: false, local_dow: 1, local_hour: 9, events: 1 },
    ]);
  });
});
