/**
 * `npm run bench:explorer`: the explorer's server time on the data in WHOCHANGED_DATA_DIR (load
 * it first, e.g. `npm run demo -- --events 10000000`). Each case runs 20 times; prints p50/p95
 * of the page's server work (the same db/queries functions the page calls) and beside it the
 * database's own execution time of the page query (EXPLAIN ANALYZE), the floor.
 */
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/connect';
import { catchUp } from '@/lib/detection/engine';
import { compileSearch, parseSearch } from '@/lib/search';

const RUNS = 20;
const { values } = parseArgs({ options: { 'under-load': { type: 'boolean', default: false } } });
const dialect = new PgDialect();
const { db, url, close } = await openDatabase({ quiet: true, max: 4 });
// The page's own query functions use the dashboard's pool, which reads DATABASE_URL.
process.env.DATABASE_URL = url;
const { listEvents, countEventsUpTo, decodeCursor } = await import('@/db/queries/events');

function where(q: string): SQL {
  const parsed = parseSearch(q);
  if (!parsed.ok) throw new Error(`${q}: ${parsed.error.message}`);
  return compileSearch(parsed.tree);
}

async function floorMs(query: SQL): Promise<number> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const rows = await db.$client.unsafe(`explain (analyze, format json) ${text}`, params as never[]);
  return (rows[0] as unknown as { 'QUERY PLAN': { 'Execution Time': number }[] })['QUERY PLAN'][0]![
    'Execution Time'
  ];
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function measure(name: string, target: number, run: () => Promise<unknown>, floorQuery: SQL) {
  await run(); // warm
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  const floors: number[] = [];
  for (let i = 0; i < 5; i++) floors.push(await floorMs(floorQuery));
  console.log(
    name.padEnd(52) +
      pct(times, 0.5).toFixed(1).padStart(8) +
      pct(times, 0.95).toFixed(1).padStart(8) +
      `   < ${target}`.padEnd(9) +
      pct(floors, 0.5).toFixed(1).padStart(8),
  );
}

async function runCases() {
  console.log(
    'case'.padEnd(52) +
      'p50 ms'.padStart(8) +
      'p95 ms'.padStart(8) +
      '   target ' +
      'SQL ms'.padStart(8),
  );
  for (const [name, q, target] of [
    [
      'explorer first page, two filters, last 30 days',
      'action:employee.update field:salary after:30d',
      200,
    ],
    [
      'explorer first page, actor + action prefix',
      'actor:emp-1001 action:employee.* after:30d',
      200,
    ],
    ['free text over the last 30 days', '"Murphy" after:30d', 500],
    ['everything, first page', '', 200],
  ] as const) {
    const w = where(q);
    await measure(
      name,
      target,
      () => Promise.all([listEvents(w, {}), countEventsUpTo(w)]),
      pageSql(w),
    );
  }
  // The record and person timeline pages: the same query functions the pages call.
  const { getRecordAsOf } = await import('@/db/queries/records');
  const { getActorProfile, getActorHeatmap, listActorSeen } = await import('@/db/queries/actors');
  const { listAlertsForActor } = await import('@/db/queries/alerts');
  const { readSettings } = await import('@/lib/detection/rules');
  const [busy] = await db.execute<{ target_type: string; target_id: string; actor_id: string }>(
    sql`select target_type, target_id, actor_id from audit_events where target_type = 'employee' and actor_id is not null order by occurred_at desc limit 1`,
  );
  if (busy) {
    const record = where(`target:"${busy.target_type}/${busy.target_id}"`);
    await measure(
      `record timeline (${busy.target_type}/${busy.target_id}, with as-of)`,
      50,
      () =>
        Promise.all([
          listEvents(record, { limit: 100 }),
          getRecordAsOf(busy.target_type, busy.target_id, new Date()),
        ]),
      sql`select * from audit_events where (${record}) order by occurred_at desc, id desc limit 101`,
    );
    const actor = where(`actor:"${busy.actor_id}"`);
    await measure(
      `person timeline (${busy.actor_id}: events, heatmap, addresses, alerts)`,
      100,
      async () => {
        await Promise.all([getActorProfile(busy.actor_id), readSettings(db)]);
        return Promise.all([
          listEvents(actor, { limit: 50 }),
          getActorHeatmap(busy.actor_id),
          listActorSeen(busy.actor_id, 'ip'),
          listActorSeen(busy.actor_id, 'user_agent'),
          listAlertsForActor(busy.actor_id),
        ]);
      },
      sql`select * from audit_events where (${actor}) order by occurred_at desc, id desc limit 51`,
    );
  }
  // The overview at each of its preset ranges: the page's query functions, started together as
  // the page starts them, reading the rollups and the alerts table. Beside it, the raw scan the
  // same charts would need without the rollups: the window's events (the range and its
  // baseline) grouped by source and day, by actor, and by hour of the week.
  const overview = await import('@/db/queries/overview');
  const { presetRange } = await import('@/app/(dashboard)/_components/overview/range');
  for (const preset of ['24h', '7d', '30d', '90d'] as const) {
    const range = presetRange(preset, new Date());
    await measure(
      `overview, last ${preset} (SQL: the raw-scan equivalent)`,
      300,
      async () => {
        const [activity] = await Promise.all([
          overview.getActivityOverview(range),
          overview.listActivityByStream(range),
          overview.getAlertFigures(range, 24),
          overview.getAlertTrends(range),
          overview.listTopFields(range),
          overview.listTopRecords(range),
          overview.listStreams(),
        ]);
        await overview.listActorNames([
          ...activity.unusualCells.map((a) => a.actorId),
          ...activity.topActors.map((a) => a.actorId),
          ...activity.unusualActors.map((a) => a.actorId),
        ]);
      },
      sql`select stream_id, date_trunc('day', occurred_at), actor_id, extract(isodow from occurred_at),
                 extract(hour from occurred_at), count(*),
                 count(*) filter (where jsonb_array_length(changes) > 0)
            from audit_events
           where occurred_at >= ${range.baseFrom}::timestamptz and occurred_at < ${range.to}::timestamptz
           group by grouping sets ((1, 2), (3), (4, 5))`,
    );
  }
  // A cursor deep in the store: the 5,000th page of everything.
  const [deep] = await db.execute<{ at: string; id: string }>(
    sql`select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, id::text from audit_events order by occurred_at desc, id desc offset 250000 limit 1`,
  );
  if (deep) {
    const cursor = decodeCursor(Buffer.from(`${deep.at}|${deep.id}`).toString('base64url'))!;
    const all = sql`true`;
    await measure(
      'next page at depth 250,000 (keyset)',
      50,
      () => listEvents(all, { after: cursor }),
      sql`select * from audit_events where (occurred_at, id) < (${cursor.at}::timestamptz, ${cursor.id}::bigint) order by occurred_at desc, id desc limit 51`,
    );
  }
}

const pageSql = (w: SQL) =>
  sql`select * from audit_events where (${w}) order by occurred_at desc, id desc limit 51`;

try {
  const [{ n }] = (await db.execute<{ n: string }>(
    sql`select sum(head_seq) as n from audit_streams`,
  )) as unknown as [{ n: string }];
  console.log(`events in the store: ${Number(n).toLocaleString('en-US')}`);
  // The person timeline reads rollups the event pipeline keeps; bring it up to date first (this
  // is also detection's catch-up speed at this size).
  const started = performance.now();
  const caught = await catchUp(db);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `event pipeline (detection + rollups) caught up over ${caught.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s` +
      (caught ? ` (${Math.round(caught / seconds).toLocaleString('en-US')} events/s)` : '') +
      '\n',
  );
  await runCases();
  if (values['under-load']) {
    // Four clients ingesting batches of 500 at full speed through the ingest code path (in this
    // process, as the API handler calls it, with batches prepared in worker threads as the
    // server prepares them) while the same cases run again.
    const { startPrepareWorkers } = await import('@/lib/ingest/workers');
    const workers = startPrepareWorkers();
    const { createDemo } = await import('@/lib/demo');
    const { validateEvent } = await import('@/lib/events/schema');
    const { ingestEvents } = await import('@/lib/ingest/ingest');
    const { createSource } = await import('@/lib/ingest/sources');
    const name = `bench-load-${Date.now()}`;
    const source = await db.transaction((tx) =>
      createSource(
        tx,
        {
          actor: { id: 'system:bench', name: 'bench', email: null, type: 'system' },
          context: { ip: null, userAgent: null, requestId: null },
          sessionId: null,
        },
        { name, description: 'bench:explorer --under-load' },
      ),
    );
    const records = [...createDemo({ events: 100_000, days: 30, seed: 7 }).events()].map(
      ({ event }, i) => {
        const r = validateEvent(event, i);
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        return r.event;
      },
    );
    let next = 0;
    let stored = 0;
    let loading = true;
    const started = performance.now();
    // Batches cycle through the generated events under fresh ids until the cases are done.
    const clients = [0, 1, 2, 3].map(async () => {
      while (loading) {
        const n = next++;
        const at = (n * 500) % records.length;
        const batch = records
          .slice(at, at + 500)
          .map((event, index) => ({ index, event: { ...event, id: `${name}-${n}-${index}` } }));
        const outcome = await ingestEvents(db.$client, source, batch);
        if (!outcome.ok) throw new Error('ingest failed');
        stored += batch.length;
      }
    });
    console.log('\nwhile 4 clients ingest at full speed:');
    await runCases();
    loading = false;
    await Promise.all(clients);
    await workers.stop();
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `(the clients stored ${stored.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s, ${Math.round(stored / seconds).toLocaleString('en-US')} events/s)`,
    );
  }
} finally {
  const { db: appDb } = await import('@/db');
  await appDb.$client.end().catch(() => {});
  await close();
}
