/**
 * `npm run bench [-- --events 200000]`: measures the audit store on this machine and prints a
 * table. Each figure has beside it the floor: the same rows loaded by a plain COPY into an
 * unindexed table with no hashing, validation or idempotency. Beside the import, also the
 * database's own rate for it: the importer's statements alone, with the node work done
 * beforehand (databaseAlone).
 *   - bulk import: the `npm run import` code path on a JSONL file of demo events;
 *   - HTTP API: 4 concurrent clients POSTing batches of 500 to a running server; an event
 *     counts once its request returned 200 (it is committed and queryable then).
 *   - detection: catching up over the imported events (the engine in this process), and the
 *     lag from an event's commit to its evaluation by the server's background engine while
 *     clients ingest a sustained 5,000 events/s over HTTP.
 * Runs against a fresh embedded PostgreSQL in .data/bench (or a fresh database on the server of
 * DATABASE_URL) and a production server started like `npm start`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql as dsql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, type Database } from '@/db/client';
import {
  freePort,
  readOrCreateSecret,
  startEmbeddedPostgres,
  type EmbeddedCluster,
} from '@/db/embedded';
import { migrateDatabase } from '@/db/migrate';
import { createDemo } from '@/lib/demo';
import { catchUp } from '@/lib/detection/engine';
import {
  appendChained,
  chainBatch,
  lockStreamHead,
  prepareStage,
  type ChainedBatch,
} from '@/lib/audit/writer';
import { validateEvent, type EventInput } from '@/lib/events/schema';
import { IMPORT_BATCH_SIZE, importFiles } from '@/lib/ingest/bulk';
import {
  ensurePartitionsFor,
  prepareHere,
  storedBodies,
  type PreparedBatch,
} from '@/lib/ingest/ingest';
import { createApiKey, createSource } from '@/lib/ingest/sources';
import { startPrepareWorkers } from '@/lib/ingest/workers';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    'api-events': { type: 'string', default: '200000' },
  },
});
const N = Number(values.events);
const API_N = Number(values['api-events']);
const dataDir = path.resolve('.data/bench');
const SYSTEM = {
  actor: { id: 'system:bench', name: 'bench', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
const rows: {
  name: string;
  events: number;
  seconds: number;
  p95?: number;
  floor: number;
  database?: number;
}[] = [];
const log = (m: string) => console.error(`[bench] ${m}`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const p = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

function demoEvents(count: number, seed: number): EventInput[] {
  const out: EventInput[] = [];
  for (const { event } of createDemo({ events: count, days: 90, seed }).events()) out.push(event);
  return out;
}

/** The same rows as a plain COPY (text format) into an unindexed table: the floor. */
async function copyFloor(sql: postgres.Sql, events: EventInput[]): Promise<number> {
  await sql`drop table if exists bench_floor`;
  await sql`create table bench_floor (id text, occurred_at timestamptz, action text, outcome text, actor_id text, actor_name text, actor_email text, actor_type text, actor_ip text, actor_user_agent text, actor_time_zone text, target_type text, target_id text, target_label text, changes jsonb, metadata jsonb, prev_hash bytea, hash bytea)`;
  const esc = (v: unknown) =>
    v === null || v === undefined
      ? '\\N'
      : String(v)
          .replace(/\\/g, '\\\\')
          .replace(/\t/g, '\\t')
          .replace(/\n/g, '\\n')
          .replace(/\r/g, '\\r');
  const zero = '\\\\x' + '00'.repeat(32);
  const text =
    events
      .map((e) =>
        [
          e.id,
          e.occurred_at,
          e.action,
          e.outcome ?? 'success',
          e.actor.id,
          e.actor.name,
          e.actor.email,
          e.actor.type ?? 'user',
          e.actor.ip,
          e.actor.user_agent,
          e.actor.time_zone,
          e.target?.type,
          e.target?.id,
          e.target?.label,
          JSON.stringify(e.changes ?? []),
          JSON.stringify(e.metadata ?? {}),
        ]
          .map(esc)
          .concat([zero, zero])
          .join('\t'),
      )
      .join('\n') + '\n';
  const started = performance.now();
  const copy = await sql`copy bench_floor from stdin`.writable();
  copy.end(text);
  await once(copy, 'finish');
  const seconds = (performance.now() - started) / 1000;
  await sql`drop table bench_floor`;
  return events.length / seconds;
}

/**
 * The database's own rate for an import of these events into a new source: the events are
 * validated, rendered and chained beforehand (untimed), and only the importer's statements are
 * timed, a batch per transaction as it sends them (the id probe, the stream lock, COPY into the
 * staging table, the move into audit_events with its indexes and chain trigger). Node work
 * overlaps the database's in the importer's pipeline, so this is the most it could reach for
 * one source on this machine, however cheap the node work became.
 */
async function databaseAlone(db: Database, events: EventInput[]): Promise<number> {
  const created = await db.transaction((tx) =>
    createSource(tx, SYSTEM, { name: 'bench-database-alone', description: 'bench' }),
  );
  const source = { id: created.id, streamId: created.streamId };
  let head = await db.$client.begin((tx) => lockStreamHead(tx, source.streamId));
  const batches: { prepared: PreparedBatch; chained: ChainedBatch }[] = [];
  for (let i = 0; i < events.length; i += IMPORT_BATCH_SIZE) {
    const records = events.slice(i, i + IMPORT_BATCH_SIZE).map((raw, j) => {
      const valid = validateEvent(raw, i + j);
      if (!valid.ok) throw new Error(`database alone: event ${i + j} is not valid`);
      return { index: i + j, event: valid.event };
    });
    const prepared = await prepareHere(source, records, false);
    if (!prepared.ok) throw new Error('database alone: repeated ids');
    const rendered = prepared.batch.unique.map((u) => u.rendered);
    const chained = chainBatch(source.streamId, head, rendered, source.id);
    batches.push({ prepared: prepared.batch, chained });
    head = chained.last;
  }
  await ensurePartitionsFor(
    db.$client,
    events.map((e) => Date.parse(e.occurred_at)),
  );
  const started = performance.now();
  for (const { prepared, chained } of batches)
    await db.$client.begin(async (tx) => {
      await Promise.all([
        lockStreamHead(tx, source.streamId),
        storedBodies(tx, [prepared]),
        prepareStage(tx),
      ]);
      await appendChained(tx, chained);
    });
  return events.length / ((performance.now() - started) / 1000);
}

async function main() {
  let cluster: EmbeddedCluster | null = null;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    rmSync(dataDir, { recursive: true, force: true });
    log('starting a fresh embedded PostgreSQL in .data/bench');
    cluster = await startEmbeddedPostgres(dataDir);
    serverUrl = cluster.ownerUrl;
  }
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin`drop database if exists whochanged_bench with (force)`;
  await admin`create database whochanged_bench`;
  await admin.end();
  const ownerUrl = new URL(serverUrl);
  ownerUrl.pathname = '/whochanged_bench';
  const appUrl = await migrateDatabase(
    ownerUrl.toString(),
    (await readOrCreateSecret(path.join(dataDir, 'app-db-password'))).value,
  );
  const db = createDb(appUrl, { max: 8 });
  const owner = postgres(ownerUrl.toString(), { max: 1, onnotice: () => {} });
  let server: ReturnType<typeof spawn> | null = null;
  // The explorer reader that runs beside the API load; stopped before the pools close, so a
  // failure elsewhere is reported as itself rather than as a closed connection.
  let loading = false;
  let reader: Promise<void> | null = null;
  try {
    // Bulk import.
    log(`generating ${N} demo events`);
    let t = performance.now();
    const events = demoEvents(N, 1);
    const genRate = N / ((performance.now() - t) / 1000);
    const file = path.join(dataDir, 'bench-import.jsonl');
    const out = createWriteStream(file);
    for (const e of events) out.write(JSON.stringify(e) + '\n');
    out.end();
    await once(out, 'finish');
    await db.transaction((tx) =>
      createSource(tx, SYSTEM, { name: 'bench-import', description: 'bench' }),
    );
    log('bulk import');
    // As npm run import does: batches are prepared in worker threads.
    const workers = startPrepareWorkers();
    t = performance.now();
    const summary = await importFiles(db, {
      source: 'bench-import',
      format: 'jsonl',
      files: [file],
    });
    const importSeconds = (performance.now() - t) / 1000;
    await workers.stop();
    if (summary.stored !== N) throw new Error(`import stored ${summary.stored} of ${N}`);
    rows.push({
      name: 'bulk import (npm run import, JSONL)',
      events: N,
      seconds: importSeconds,
      floor: await copyFloor(owner, events),
    });

    // Detection catching up over everything imported (as after downtime).
    log('detection: catching up over the imported events');
    t = performance.now();
    const detected = await catchUp(db);
    const catchUpSeconds = (performance.now() - t) / 1000;
    const [alertCount] = await db.$client<{ n: number }[]>`select count(*)::int as n from alerts`;
    const detectionLines = [
      `detection catch-up: ${fmt(detected)} events in ${catchUpSeconds.toFixed(1)} s = ${fmt(detected / catchUpSeconds)} events/s (target >= 20,000); ${alertCount!.n} alerts raised`,
    ];
    log(detectionLines[0]!);

    // HTTP API.
    const apiEvents = demoEvents(API_N, 2);
    const benchSource = (name: string) =>
      db.transaction(async (tx) => {
        const s = await createSource(tx, SYSTEM, { name, description: 'bench' });
        await tx.execute(
          dsql`update sources set rate_limit_per_second = 1000000 where name = ${name}`,
        );
        return {
          ...s,
          key: (await createApiKey(tx, SYSTEM, { sourceId: s.id, label: 'bench' })).key,
        };
      });
    const source = await benchSource('bench-api');
    const lagSource = await benchSource('bench-lag');
    const port = await freePort();
    log(`starting the server on port ${port} (builds first when needed)`);
    server = spawn(
      process.execPath,
      [path.join('node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/start.ts'],
      {
        env: {
          ...process.env,
          DATABASE_URL: ownerUrl.toString(),
          WHOCHANGED_DATA_DIR: dataDir,
          PORT: String(port),
          DEMO_PASSWORD: 'bench-password-1',
          DEMO_EVENTS: '0',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    server.stdout!.on('data', (d) => (output += d));
    for (let i = 0; i < 600 && !output.includes('running at'); i++)
      await new Promise((r) => setTimeout(r, 500));
    if (!output.includes('running at')) throw new Error(`the server did not start:\n${output}`);
    // Sustained ingest at 5,000 events/s for 30 s (two clients, 500 per request, paced) while
    // the server's engine follows; lag = commit (200 returned) to the cursor passing the batch.
    {
      const RATE = 5000;
      const SECONDS = 30;
      const paced = demoEvents(RATE * SECONDS, 3);
      const pending: { seq: number; at: number }[] = [];
      const lags: number[] = [];
      let sending = true;
      let stopAt = Infinity;
      const sampler = (async () => {
        while ((sending || pending.length) && performance.now() < stopAt) {
          const [c] = await db.$client<{ seq: string }[]>`
            select seq from detection_cursors where stream_id = ${lagSource.streamId}`;
          const now = performance.now();
          while (pending.length && c && Number(c.seq) >= pending[0]!.seq)
            lags.push(now - pending.shift()!.at);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      log(`detection lag: ${RATE} events/s over HTTP for ${SECONDS} s`);
      const started = performance.now();
      let sent = 0;
      await Promise.all(
        [0, 1].map(async (client) => {
          for (let i = client; i * 500 < paced.length; i += 2) {
            const due = started + ((i * 500) / RATE) * 1000;
            const wait = due - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            const response = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
              method: 'POST',
              headers: {
                Authorization: `Bearer ${lagSource.key}`,
                'Content-Type': 'application/json',
              },
              body: JSON.stringify({ events: paced.slice(i * 500, i * 500 + 500) }),
            });
            if (response.status !== 200) throw new Error(`paced request: ${response.status}`);
            sent += 500;
            const [head] = await db.$client<{ head_seq: string }[]>`
              select head_seq from audit_streams where id = ${lagSource.streamId}`;
            pending.push({ seq: Number(head!.head_seq), at: performance.now() });
            pending.sort((a, b) => a.seq - b.seq);
          }
        }),
      );
      const achieved = sent / ((performance.now() - started) / 1000);
      sending = false;
      stopAt = performance.now() + 60_000;
      await sampler;
      if (pending.length)
        throw new Error(`detection did not catch up within 60 s of the last request`);
      detectionLines.push(
        `detection lag at ${fmt(achieved)} events/s sustained over HTTP: p50 ${(p(lags, 0.5) / 1000).toFixed(2)} s, p95 ${(p(lags, 0.95) / 1000).toFixed(2)} s, max ${(Math.max(...lags) / 1000).toFixed(2)} s (target < 5 s)`,
      );
      log(detectionLines.at(-1)!);
    }

    const bodies: string[] = [];
    for (let i = 0; i < apiEvents.length; i += 500)
      bodies.push(JSON.stringify({ events: apiEvents.slice(i, i + 500) }));
    const latencies: number[] = [];
    let next = 0;
    // The explorer's first page (the same query functions the page calls), idle and then while
    // the 4 clients ingest: the pages must stay usable under full ingest.
    process.env.DATABASE_URL = appUrl;
    const { listEvents, countEventsUpTo } = await import('@/db/queries/events');
    const { compileSearch, parseSearch } = await import('@/lib/search');
    const parsed = parseSearch('action:employee.update after:30d');
    if (!parsed.ok) throw new Error(parsed.error.message);
    const where = compileSearch(parsed.tree);
    const explorerPage = async () => {
      const started = performance.now();
      await Promise.all([listEvents(where, {}), countEventsUpTo(where)]);
      return performance.now() - started;
    };
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) idle.push(await explorerPage());
    const busy: number[] = [];
    loading = true;
    reader = (async () => {
      while (loading) {
        busy.push(await explorerPage());
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    log(`HTTP API: ${API_N} events, 4 clients, 500 per request`);
    t = performance.now();
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        for (;;) {
          const i = next++;
          if (i >= bodies.length) return;
          const started = performance.now();
          const response = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${source.key}`, 'Content-Type': 'application/json' },
            body: bodies[i],
          });
          const body = await response.text();
          if (response.status !== 200)
            throw new Error(`request ${i}: ${response.status} ${body.slice(0, 300)}`);
          latencies.push(performance.now() - started);
        }
      }),
    );
    const apiSeconds = (performance.now() - t) / 1000;
    loading = false;
    await reader;
    reader = null;
    const explorerLine = `explorer first page (action:employee.update after:30d), server time: idle p50 ${p(idle, 0.5).toFixed(1)} ms / p95 ${p(idle, 0.95).toFixed(1)} ms; during the API load (${busy.length} pages) p50 ${p(busy, 0.5).toFixed(1)} ms / p95 ${p(busy, 0.95).toFixed(1)} ms`;
    const [stored] = await db.$client<
      { n: string }[]
    >`select count(*) as n from audit_events where stream_id = ${source.streamId}`;
    if (Number(stored!.n) !== API_N) throw new Error(`the API stored ${stored!.n} of ${API_N}`);
    latencies.sort((a, b) => a - b);
    rows.push({
      name: 'HTTP API (4 clients x 500/request)',
      events: API_N,
      seconds: apiSeconds,
      p95: latencies[Math.floor(latencies.length * 0.95)],
      floor: await copyFloor(owner, apiEvents),
    });
    // With the server (and its event pipeline) stopped, so that nothing else runs beside it.
    server.kill('SIGTERM');
    await once(server, 'exit');
    server = null;
    log("the database alone: the import's statements, its node work done beforehand");
    rows[0]!.database = await databaseAlone(db, events);

    console.log(`\ndemo generator: ${fmt(genRate)} events/s`);
    console.log(explorerLine);
    for (const line of detectionLines) console.log(line);
    console.log('');
    console.log(
      'benchmark'.padEnd(38) +
        'events'.padStart(10) +
        'seconds'.padStart(10) +
        'events/s'.padStart(12) +
        'p95 ms'.padStart(9) +
        'database alone'.padStart(16) +
        '   floor: plain COPY, unindexed (events/s)',
    );
    for (const r of rows) {
      console.log(
        r.name.padEnd(38) +
          fmt(r.events).padStart(10) +
          r.seconds.toFixed(2).padStart(10) +
          fmt(r.events / r.seconds).padStart(12) +
          (r.p95 === undefined ? '—' : r.p95.toFixed(0)).padStart(9) +
          (r.database === undefined ? '—' : fmt(r.database)).padStart(16) +
          '   ' +
          fmt(r.floor),
      );
    }
  } finally {
    loading = false;
    await reader?.catch(() => {});
    if (server) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    await db.$client.end();
    await owner.end();
    const { db: appDb } = await import('@/db');
    if (process.env.DATABASE_URL) await appDb.$client.end().catch(() => {});
    if (cluster) await cluster.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
