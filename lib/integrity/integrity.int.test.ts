import { generateKeyPairSync } from 'node:crypto';
import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { chainHash, leafHash } from '@/lib/audit/chain';
import { envelopeFromRow, STORED_COLUMNS, type StoredRow } from '@/lib/audit/verify';
import { validateEvent, type ValidEvent } from '@/lib/events/schema';
import { ingestEvents, type IngestSource } from '@/lib/ingest/ingest';
import { createSource } from '@/lib/ingest/sources';
import { copyFile, createCheckpoint, listCheckpoints } from './checkpoints';
import { signCheckpoint, type SignedCheckpoint } from './format';
import { loadSigner, rotateKeyFile, signerOf, type Signer } from './keys';
import { runVerification } from './runs';
import { verifyIntegrity } from './verify';

const SETUP = {
  actor: { id: 'system:test', name: 'test', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};

function valid(raw: unknown): ValidEvent {
  const result = validateEvent(raw, 0);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
}
const events = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    index: i,
    event: valid({
      id: `${prefix}-${i}`,
      occurred_at: '2026-03-14T09:26:53.589+05:30',
      action: 'employee.update',
      actor: { id: 'u1', name: 'Ravi' },
      target: { type: 'employee', id: `E${i}` },
      changes: [{ field: 'salary', old: 100 + i, new: 120 + i }],
    }),
  }));

let t: TestDatabase;
let tmp: string;
let dir: string;
let signer: Signer;
let source: IngestSource;

/** A fresh database and write-once directory per scenario that tampers. */
async function scenario() {
  const db = await createTestDatabase();
  const d = mkdtempSync(path.join(tmp, 'copies-'));
  const src = await db.db.transaction((tx) =>
    createSource(tx, SETUP, { name: 'crm', description: '' }),
  );
  await ingestEvents(db.db.$client, src, events('a', 20));
  return { db, dir: d, source: src };
}

/** Rewrites one stored event and re-chains everything after it, as an owner with the guards off. */
async function rewriteHistory(db: TestDatabase, streamId: string, seq: number) {
  await db.owner.begin(async (tx) => {
    await tx.unsafe('alter table audit_events disable trigger user');
    await tx`update audit_events set changes = '[{"field":"salary","old":100,"new":999}]' where stream_id = ${streamId} and seq = ${seq}`;
    const rows = await tx.unsafe<StoredRow[]>(
      `select ${STORED_COLUMNS} from audit_events where stream_id = $1 and seq >= $2 order by seq`,
      [streamId, seq],
    );
    let prev = rows[0]!.prev_hash;
    for (const row of rows) {
      const hash = chainHash(
        streamId,
        Number(row.seq),
        prev,
        leafHash(envelopeFromRow(streamId, row)),
      );
      await tx`update audit_events set prev_hash = ${prev}, hash = ${hash} where stream_id = ${streamId} and seq = ${row.seq}`;
      prev = hash;
    }
    await tx`update audit_streams set head_hash = ${prev} where id = ${streamId}`;
    // The chain trigger again, so the dashboard's own events after this still chain up.
    await tx.unsafe('alter table audit_events enable always trigger audit_chain');
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'whochanged-integrity-'));
  dir = path.join(tmp, 'checkpoints');
  signer = signerOf(generateKeyPairSync('ed25519').privateKey);
  t = await createTestDatabase();
  source = await t.db.transaction((tx) =>
    createSource(tx, SETUP, { name: 'crm', description: '' }),
  );
  await ingestEvents(t.db.$client, source, events('base', 30));
});
afterAll(async () => {
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('checkpoints', () => {
  it('sign every stream head, link to the previous one, and are copied once, read-only', async () => {
    const first = await createCheckpoint(t.db, 'manual', signer, dir);
    await ingestEvents(t.db.$client, source, events('more', 5));
    const second = await createCheckpoint(t.db, 'interval', signer, dir);
    const a = JSON.parse(first.body);
    const b = JSON.parse(second.body);
    expect(b.id).toBe(a.id + 1);
    expect(b.prev).toBe(first.hash);
    expect(b.streams.find((s: { name: string }) => s.name === 'source:crm').seq).toBe(35);
    expect(b.keyId).toBe(signer.keyId);
    expect(readFileSync(copyFile(dir, second.id), 'utf8')).toContain(second.signature);
    expect(statSync(copyFile(dir, second.id)).mode & 0o777).toBe(0o444);
  });

  it('stay gapless and linked when many are taken at once', async () => {
    await Promise.all(
      Array.from({ length: 6 }, () => createCheckpoint(t.db, 'interval', signer, dir)),
    );
    const all = await listCheckpoints(t.db);
    all.forEach((c, i) => {
      expect(c.id).toBe(i + 1);
      expect(JSON.parse(c.body).prev).toBe(i === 0 ? '0'.repeat(64) : all[i - 1]!.hash);
    });
  });

  it.each([
    'update checkpoints set reason = $$manual$$',
    'delete from checkpoints',
    'truncate checkpoints cascade',
    'update checkpoint_heads set seq = 0',
    'delete from checkpoint_heads',
    'truncate checkpoint_heads',
  ])('are append-only, for the app role, the owner and in replica mode: %s', async (statement) => {
    await expect(t.db.$client.unsafe(statement)).rejects.toThrow(/permission denied/);
    await expect(t.owner.unsafe(statement)).rejects.toThrow(/append-only/);
    await expect(
      t.owner.begin(async (tx) => {
        await tx.unsafe('set local session_replication_role = replica');
        await tx.unsafe(statement);
      }),
    ).rejects.toThrow(/append-only/);
  });

  it('refuses one that does not follow the last', async () => {
    const [last] = (await listCheckpoints(t.db)).slice(-1);
    const forged = signCheckpoint(
      {
        id: last!.id + 1,
        issuedAt: new Date().toISOString(),
        prev: 'f'.repeat(64),
        reason: 'manual',
        streams: [],
      },
      signer.privateKey,
    );
    await expect(
      t.db.$client`insert into checkpoints (id, issued_at, reason, key_id, body, hash, signature)
        values (${last!.id + 1}, now(), 'manual', ${forged.keyId}, ${forged.body}, ${forged.hash}, ${forged.signature})`,
    ).rejects.toThrow(/does not name the previous checkpoint/);
  });
});

describe('npm run verify with checkpoints', () => {
  it('passes an intact store, with its checkpoints and copies', async () => {
    await createCheckpoint(t.db, 'manual', signer, dir);
    const report = await verifyIntegrity(t.db, { dir });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checkpoints.count).toBeGreaterThan(5);
    expect(report.keys.map((k) => k.keyId)).toEqual([signer.keyId]);
  });

  it('finds history rewritten with a recomputed chain: the signed heads no longer match', async () => {
    const s = await scenario();
    await createCheckpoint(s.db.db, 'interval', signer, s.dir);
    await rewriteHistory(s.db, s.source.streamId, 7);
    const report = await verifyIntegrity(s.db.db, { dir: s.dir });
    // The chain alone is consistent again; only the signature outside the database tells.
    expect(report.chains.ok).toBe(true);
    expect(report.problems[0]).toMatchObject({
      reason: 'checkpoint_mismatch',
      stream: 'source:crm',
      seq: 20,
    });
    await s.db.close();
  });

  it('finds an edited event (hash_mismatch at its seq) and the checkpoint it breaks', async () => {
    const s = await scenario();
    await createCheckpoint(s.db.db, 'interval', signer, s.dir);
    await s.db.owner.begin(async (tx) => {
      await tx.unsafe('alter table audit_events disable trigger user');
      await tx`update audit_events set action = 'employee.view' where stream_id = ${s.source.streamId} and seq = 4`;
    });
    const report = await verifyIntegrity(s.db.db, { dir: s.dir });
    expect(report.problems).toContainEqual(
      expect.objectContaining({ reason: 'hash_mismatch', stream: 'source:crm', seq: 4 }),
    );
    await s.db.close();
  });

  it('finds a checkpoint replaced by one signed with another key, and its copy differing', async () => {
    const s = await scenario();
    await createCheckpoint(s.db.db, 'interval', signer, s.dir);
    const [c] = await listCheckpoints(s.db.db);
    const other = signerOf(generateKeyPairSync('ed25519').privateKey);
    const body = JSON.parse(c!.body);
    const forged = signCheckpoint({ ...body, reason: 'manual' }, other.privateKey);
    await s.db.owner.begin(async (tx) => {
      await tx.unsafe('alter table checkpoints disable trigger user');
      await tx`update checkpoints set body = ${forged.body}, hash = ${forged.hash}, key_id = ${forged.keyId}, signature = ${forged.signature}`;
    });
    const report = await verifyIntegrity(s.db.db, { dir: s.dir });
    expect(report.problems.map((p) => p.reason)).toEqual(['unknown_key', 'copy_mismatch']);
    // Pinning the real key (npm run verify --public-key) says the same.
    const pinned = await verifyIntegrity(s.db.db, {
      dir: s.dir,
      keys: new Map([[signer.keyId, signer.publicKey]]),
    });
    expect(pinned.problems[0]).toMatchObject({ reason: 'unknown_key', checkpoint: 1 });
    await s.db.close();
  });

  it('reports a missing copy, and a copy whose checkpoint is gone from the database', async () => {
    const s = await scenario();
    for (let i = 0; i < 3; i++) await createCheckpoint(s.db.db, 'interval', signer, s.dir);
    chmodSync(copyFile(s.dir, 1), 0o644);
    unlinkSync(copyFile(s.dir, 1));
    // A copy newer than every checkpoint read is one being written right now: not a problem.
    writeFileSync(copyFile(s.dir, 99), '{}\n');
    // A minute later, so that no copy can be in flight.
    const later = new Date(Date.now() + 120_000);
    expect(
      (await verifyIntegrity(s.db.db, { dir: s.dir, now: later })).problems.map((p) => [
        p.reason,
        p.checkpoint,
      ]),
    ).toEqual([['copy_missing', 1]]);
    // Checkpoint 2 removed from the database (guards off): its copy remains, and 3 no longer
    // follows anything.
    await s.db.owner.begin(async (tx) => {
      await tx.unsafe('alter table checkpoints disable trigger user');
      await tx.unsafe('alter table checkpoint_heads disable trigger user');
      await tx`delete from checkpoint_heads where checkpoint_id = 2`;
      await tx`delete from checkpoints where id = 2`;
    });
    const report = await verifyIntegrity(s.db.db, { dir: s.dir, now: later });
    expect(report.problems.map((p) => [p.reason, p.checkpoint])).toEqual([
      ['fork', 3],
      ['copy_missing', 1],
      ['copy_orphan', 2],
    ]);
    // Right after signing, a missing copy is still being written.
    await createCheckpoint(s.db.db, 'interval', signer, s.dir);
    chmodSync(copyFile(s.dir, 4), 0o644);
    unlinkSync(copyFile(s.dir, 4));
    const now = await verifyIntegrity(s.db.db, { dir: s.dir });
    expect(now.problems.map((p) => [p.reason, p.checkpoint])).not.toContainEqual([
      'copy_missing',
      4,
    ]);
    await s.db.close();
  });

  it('calls events after the newest checkpoint pending while one is due, then an unanchored tail', async () => {
    const s = await scenario();
    await createCheckpoint(s.db.db, 'interval', signer, s.dir);
    await ingestEvents(s.db.db.$client, s.source, events('late', 3));
    const soon = await verifyIntegrity(s.db.db, { dir: s.dir, intervalSeconds: 300 });
    expect(soon.ok).toBe(true);
    expect(soon.pending).toEqual([expect.objectContaining({ stream: 'source:crm', events: 3 })]);
    const later = await verifyIntegrity(s.db.db, {
      dir: s.dir,
      intervalSeconds: 300,
      now: new Date(Date.now() + 3600_000),
    });
    expect(later.problems).toEqual([
      expect.objectContaining({ reason: 'unanchored_tail', stream: 'source:crm', seq: 21 }),
    ]);
    const strict = await verifyIntegrity(s.db.db, { dir: s.dir, strict: true });
    expect(strict.ok).toBe(false);
    await s.db.close();
  });

  it("checks that a checkpoint an auditor saved earlier is a prefix of today's chains", async () => {
    const s = await scenario();
    const saved: SignedCheckpoint = await createCheckpoint(s.db.db, 'interval', signer, s.dir);
    await ingestEvents(s.db.db.$client, s.source, events('after', 4));
    await createCheckpoint(s.db.db, 'interval', signer, s.dir);
    expect((await verifyIntegrity(s.db.db, { dir: s.dir, trusted: saved })).ok).toBe(true);
    // History before the saved checkpoint is rewritten, and every checkpoint re-signed: the
    // database agrees with itself, the auditor's copy does not.
    await rewriteHistory(s.db, s.source.streamId, 3);
    const report = await verifyIntegrity(s.db.db, { dir: s.dir, trusted: saved });
    expect(report.problems).toContainEqual(
      expect.objectContaining({ reason: 'fork', stream: 'source:crm', seq: 20 }),
    );
    await s.db.close();
  });

  it('records who asked for a run, with the run itself', async () => {
    const by = {
      actor: { id: 'u-1', name: 'Cleo', email: 'cleo@example.com', type: 'user' as const },
      context: { ip: '10.0.0.9', userAgent: 'vitest', requestId: null },
      sessionId: null,
    };
    const { run } = await runVerification(t.db, 'on_demand', { dir }, by);
    const [event] = await t.owner`
      select actor_id, target_id, metadata from audit_events where action = 'integrity.verify'`;
    expect(event).toMatchObject({
      actor_id: 'u-1',
      target_id: String(run.id),
      metadata: expect.objectContaining({ ok: run.ok, run: run.id }),
    });
  });

  it('records each run and raises one critical alert for a failure that persists', async () => {
    const s = await scenario();
    await createCheckpoint(s.db.db, 'interval', signer, s.dir);
    await rewriteHistory(s.db, s.source.streamId, 2);
    const first = await runVerification(s.db.db, 'on_demand', { dir: s.dir });
    const second = await runVerification(s.db.db, 'daily', { dir: s.dir });
    expect([first.run.ok, second.run.ok]).toEqual([false, false]);
    expect(first.run.failure).toMatch(/checkpoint_mismatch/);
    const alerts = await s.db.owner`select rule, severity, summary from alerts`;
    expect(alerts).toEqual([
      expect.objectContaining({ rule: 'integrity_failure', severity: 'critical' }),
    ]);
    const raised = await s.db
      .owner`select count(*)::int as n from audit_events where action = 'alert.raise'`;
    expect(raised[0]!.n).toBe(1);
    await s.db.close();
  });
});

describe('the signing key', () => {
  it('is generated once with mode 0600, and a key file others can read is refused', () => {
    const keyFile = path.join(tmp, 'keys', 'signing.pem');
    const config = {
      privateKeyPem: null,
      keyFile,
      checkpointDir: dir,
      checkpointIntervalSeconds: 300,
      verifyIntervalHours: 24,
    };
    const a = loadSigner(config);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(loadSigner(config).keyId).toBe(a.keyId);
    chmodSync(keyFile, 0o644);
    expect(() => loadSigner(config)).toThrow(/can be read by others/);
    chmodSync(keyFile, 0o600);
  });

  it('rotates: old checkpoints still verify under the retired key, new ones use the new key', async () => {
    const s = await scenario();
    const keyFile = path.join(tmp, `rotate-${Date.now()}.pem`);
    const config = {
      privateKeyPem: null,
      keyFile,
      checkpointDir: s.dir,
      checkpointIntervalSeconds: 300,
      verifyIntervalHours: 24,
    };
    const old = loadSigner(config);
    await createCheckpoint(s.db.db, 'interval', old, s.dir);
    const { next } = await rotateKeyFile(s.db.db, config);
    expect(next.keyId).not.toBe(old.keyId);
    expect(readFileSync(keyFile, 'utf8')).not.toContain(
      old.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
    await createCheckpoint(s.db.db, 'manual', next, s.dir);
    const report = await verifyIntegrity(s.db.db, { dir: s.dir });
    expect(report.problems).toEqual([]);
    expect(report.keys.map((k) => k.keyId).sort()).toEqual([old.keyId, next.keyId].sort());
    const listed = await s.db
      .owner`select key_id, retired_at is not null as retired from signing_keys order by created_at`;
    expect(listed.map((r) => [r.key_id, r.retired])).toEqual([
      [old.keyId, true],
      [next.keyId, false],
    ]);
    await s.db.close();
  });
});
