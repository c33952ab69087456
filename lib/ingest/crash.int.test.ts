import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '@/db/client';
import { readOrCreateSecret, startEmbeddedPostgres, type EmbeddedCluster } from '@/db/embedded';
import { migrateDatabase } from '@/db/migrate';
import { verifyDatabase } from '@/lib/audit/verify';
import { validateEvent } from '@/lib/events/schema';
import { ingestEvents } from './ingest';
import { createSource } from './sources';

/**
 * security.md 4: no acknowledged event is lost when the database dies mid-ingest, and nothing
 * half-written remains. The database here is our own embedded cluster, killed with SIGKILL
 * (a crash, not a clean shutdown) while writers are busy, then started again.
 */
const SETUP = {
  actor: { id: 'system:test', name: 'test', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
const BATCH = 200;

let dataDir: string;
let cluster: EmbeddedCluster;
let appPassword: string;

async function connect(): Promise<Database> {
  const url = await migrateDatabase(cluster.ownerUrl, appPassword);
  return createDb(url, { max: 4 });
}

/** Kills the postmaster and every backend at once, like a power cut for the database. */
async function crash() {
  const pid = Number(
    (await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map(Number)
    .filter(Boolean);
  for (const p of [pid, ...children]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
      await new Promise((r) => setTimeout(r, 50));
    } catch {
      return;
    }
  }
}

function batch(n: number) {
  return Array.from({ length: BATCH }, (_, i) => {
    const r = validateEvent(
      {
        id: `b${n}-${i}`,
        occurred_at: new Date().toISOString(),
        action: 'employee.update',
        actor: { name: 'x' },
        changes: [{ field: 'salary', old: i, new: i + 1 }],
      },
      i,
    );
    if (!r.ok) throw new Error('invalid');
    return { index: i, event: r.event };
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'whochanged-crash-'));
  cluster = await startEmbeddedPostgres(dataDir);
  appPassword = (await readOrCreateSecret(path.join(dataDir, 'app-db-password'))).value;
});
afterAll(async () => {
  await cluster.stop().catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
});

describe('the database dies during ingest', () => {
  it('keeps every acknowledged batch, and every batch is all there or not at all', async () => {
    let db = await connect();
    const source = await db.transaction((tx) =>
      createSource(tx, SETUP, { name: 'crash', description: '' }),
    );
    const acknowledged: number[] = [];
    let next = 0;
    const writer = async (target: Database) => {
      for (;;) {
        const n = next++;
        if (n >= 40) return;
        try {
          const outcome = await ingestEvents(target.$client, source, batch(n));
          if (outcome.ok) acknowledged.push(n);
        } catch {
          return; // the connection died: this batch's fate is unknown, and it was never acknowledged
        }
      }
    };
    const writers = [writer(db), writer(db), writer(db)];
    while (acknowledged.length < 5) await new Promise((r) => setTimeout(r, 10));
    await crash();
    await Promise.allSettled(writers);
    await db.$client.end({ timeout: 1 }).catch(() => {});

    cluster = await startEmbeddedPostgres(dataDir);
    db = await connect();
    const before = acknowledged.length;
    await Promise.all([writer(db), writer(db)]);
    expect(acknowledged.length).toBeGreaterThan(before);

    const rows = await db.$client<
      { id: string }[]
    >`select source_event_id as id from audit_events where stream_id = ${source.streamId}`;
    const stored = new Map<number, number>();
    for (const { id } of rows) {
      const n = Number(id.slice(1, id.indexOf('-')));
      stored.set(n, (stored.get(n) ?? 0) + 1);
    }
    for (const n of acknowledged) expect(stored.get(n), `acknowledged batch ${n}`).toBe(BATCH);
    for (const [n, count] of stored) expect(count, `batch ${n} is whole`).toBe(BATCH);
    const ids = await db.$client<
      { n: number }[]
    >`select count(*)::int as n from ingest_ids where source_id = ${source.id}`;
    expect(ids[0]!.n).toBe(rows.length);
    expect((await verifyDatabase(db.$client)).ok).toBe(true);
    await db.$client.end();
  });
});
