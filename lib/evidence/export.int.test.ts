import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { triageAlerts } from '@/lib/alerts/triage';
import { catchUp } from '@/lib/detection/engine';
import { validateEvent, type ValidEvent } from '@/lib/events/schema';
import { ingestEvents, type IngestSource } from '@/lib/ingest/ingest';
import { createSource } from '@/lib/ingest/sources';
import { createCheckpoint, listCheckpoints } from '@/lib/integrity/checkpoints';
import { signerOf, type Signer } from '@/lib/integrity/keys';
import { createUser } from '@/lib/users';
import { loadVerifier, unzipEntries, zipEntries, type Verifier } from './bundle-testing';
import { drawSample, exportEvidence, type Exporter } from './export';
import { packBundle } from './pack';

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

let t: TestDatabase;
let tmp: string;
let signer: Signer;
let hris: IngestSource;
let auditor: Exporter;
let verifyBundle: Verifier['verifyBundle'];
let officer: Exporter;

const day = (d: number, h: number) => new Date(Date.UTC(2026, 9, 1 + d, h, 0, 0)).toISOString();

/** A month of HR edits by four people, one of them raising a salary on a Saturday at 02:00. */
async function load(from: number, to: number) {
  const batch: { index: number; event: ValidEvent }[] = [];
  for (let d = from; d < to; d++)
    for (let i = 0; i < 8; i++)
      batch.push({
        index: batch.length,
        event: valid({
          id: `e-${d}-${i}`,
          occurred_at: day(d, 9 + i),
          action: 'employee.update',
          actor: { id: `hr-${i % 4}`, name: `HR ${i % 4}`, email: `hr${i % 4}@example.com` },
          target: { type: 'employee', id: `emp-${i}`, label: `Employee ${i}` },
          changes: [{ field: 'title', old: `T${d}`, new: `T${d + 1}` }],
        }),
      });
  return ingestEvents(t.db.$client, hris, batch);
}

beforeAll(async () => {
  ({ verifyBundle } = await loadVerifier());
  tmp = mkdtempSync(path.join(os.tmpdir(), 'whochanged-evidence-'));
  signer = signerOf(generateKeyPairSync('ed25519').privateKey);
  t = await createTestDatabase();
  hris = await t.db.transaction((tx) => createSource(tx, SETUP, { name: 'hris', description: '' }));
  const users = await t.db.transaction(async (tx) => ({
    auditor: await createUser(tx, SETUP, {
      email: 'ada@example.com',
      name: 'Ada Auditor',
      role: 'auditor',
      password: 'a long enough password 1',
      expiresAt: null,
    }),
    officer: await createUser(tx, SETUP, {
      email: 'cleo@example.com',
      name: 'Cleo Compliance',
      role: 'compliance_officer',
      password: 'a long enough password 2',
      expiresAt: null,
    }),
  }));
  const exporter = (
    u: { id: string; name: string; email: string },
    role: Exporter['role'],
  ): Exporter => ({
    actor: { id: u.id, name: u.name, email: u.email, type: 'user' },
    context: { ip: '10.0.0.7', userAgent: 'vitest', requestId: null },
    sessionId: null,
    userId: u.id,
    role,
  });
  auditor = exporter(users.auditor, 'auditor');
  officer = exporter(users.officer, 'compliance_officer');
  // History with checkpoints along it, as a running store has.
  for (let week = 0; week < 4; week++) {
    await load(week * 7, week * 7 + 7);
    await createCheckpoint(t.db, 'interval', signer, tmp);
  }
  await ingestEvents(t.db.$client, hris, [
    {
      index: 0,
      event: valid({
        id: 'incident-1',
        occurred_at: '2026-10-17T02:00:00Z',
        action: 'employee.update',
        actor: { id: 'hr-3', name: 'HR 3', email: 'hr3@example.com' },
        target: { type: 'employee', id: 'emp-1042', label: 'Dana Ünal 🚀' },
        changes: [{ field: 'salary', old: 91000, new: 131000 }],
      }),
    },
  ]);
  await catchUp(t.db);
  await createCheckpoint(t.db, 'interval', signer, tmp);
}, 120_000);
afterAll(async () => {
  await t.close();
  rmSync(tmp, { recursive: true, force: true });
});

const files = (zip: Buffer) => unzipSync(new Uint8Array(zip));

describe('evidence bundles', () => {
  it('of one record: the standalone verifier passes it, and it carries its own recorded export', async () => {
    const before = (await listCheckpoints(t.db)).length;
    const bundle = await exportEvidence(
      t.db,
      auditor,
      {
        from: '2026-10-01T00:00:00Z',
        to: '2026-11-01T00:00:00Z',
        record: { type: 'employee', id: 'emp-1042' },
      },
      signer,
      tmp,
    );
    const result = await verifyBundle(bundle.zip, [signer.publicKeyPem]);
    expect(result).toMatchObject({ ok: true });
    const f = files(bundle.zip);
    const manifest = JSON.parse(strFromU8(f['manifest.json']!));
    expect(manifest.createdBy).toMatchObject({ name: 'Ada Auditor', role: 'auditor' });
    expect(manifest.exportCheckpoint).toBe(before + 1);
    const lines = strFromU8(f['events.ndjson']!)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const full = lines.filter((l) => l.event);
    // The incident, the alerts it raised, and the export itself, in full; the rest of each
    // stretch redacted.
    expect([...new Set(full.map((l) => l.event.action))].sort()).toEqual([
      'alert.raise',
      'employee.update',
      'evidence.export',
    ]);
    expect(full.find((l) => l.event.action === 'employee.update').event.target.label).toBe(
      'Dana Ünal 🚀',
    );
    // The stretch is bounded by the checkpoints around the incident, not the whole history.
    expect(lines.length).toBeLessThan(60);
    expect(strFromU8(f['events.csv']!)).toContain('131000');
    // A fresh checkpoint followed the export.
    expect((await listCheckpoints(t.db)).length).toBe(before + 1);
  });

  it('fails the standalone verifier after one edited line, or against another key', async () => {
    const bundle = await exportEvidence(
      t.db,
      officer,
      { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', person: 'hr-3' },
      signer,
      tmp,
    );
    expect(await verifyBundle(bundle.zip, [signer.publicKeyPem])).toMatchObject({ ok: true });
    // One line of the readable CSV edited (the salary), the manifest left as it was.
    const entries = unzipEntries(bundle.zip);
    const csv = entries.get('events.csv')!.toString('utf8');
    expect(csv).toContain('131000');
    entries.set('events.csv', Buffer.from(csv.replace('131000', '91000'), 'utf8'));
    expect(verifyBundle(zipEntries(entries), [signer.publicKeyPem])).toMatchObject({
      ok: false,
      file: 'events.csv',
      reason: 'file_hash_mismatch',
    });
    // The same edit in the chained events fails even with a re-signed manifest: the chain breaks.
    const original = unzipEntries(bundle.zip);
    const ndjson = original.get('events.ndjson')!.toString('utf8');
    expect(ndjson).toContain('"new":131000');
    const {
      files: _listed,
      format: _f,
      keyId: _k,
      ...manifest
    } = JSON.parse(original.get('manifest.json')!.toString('utf8'));
    const resigned = packBundle({
      files: [...original]
        .filter(([p]) => !['manifest.json', 'manifest.sig', 'VERIFY.md'].includes(p))
        .map(([p, bytes]) => ({
          path: p,
          bytes:
            p === 'events.ndjson'
              ? Buffer.from(ndjson.replace('"new":131000', '"new":91000'))
              : bytes,
        })),
      manifest,
      privateKey: signer.privateKey,
    });
    const incident = ndjson.split('\n').find((l) => l.includes('"new":131000'))!;
    expect(verifyBundle(resigned, [signer.publicKeyPem])).toMatchObject({
      ok: false,
      file: 'events.ndjson',
      reason: 'hash_mismatch',
      where: expect.stringContaining(`seq ${JSON.parse(incident).seq}`),
    });
    const other = signerOf(generateKeyPairSync('ed25519').privateKey);
    expect(await verifyBundle(bundle.zip, [other.publicKeyPem])).toMatchObject({ ok: false });
  });

  it('with alerts and their review history, all inside the chain', async () => {
    // The sensitive-field alert the Saturday salary edit raised.
    const [alert] = await t.owner<{ id: string }[]>`
      select a.id::text as id from alerts a join alert_events ae on ae.alert_id = a.id
        join audit_events e on e.id = ae.event_id
       where e.source_event_id = 'incident-1' and a.rule = 'sensitive_field'`;
    expect(alert).toBeDefined();
    await t.db.transaction((tx) =>
      triageAlerts(tx, { ...officer, email: 'cleo@example.com' }, [Number(alert!.id)], {
        kind: 'acknowledge',
      }),
    );
    await createCheckpoint(t.db, 'interval', signer, tmp);
    const bundle = await exportEvidence(
      t.db,
      auditor,
      { from: '2026-10-17T00:00:00Z', to: '2026-10-18T00:00:00Z', query: 'field:salary' },
      signer,
      tmp,
    );
    expect(await verifyBundle(bundle.zip, [signer.publicKeyPem])).toMatchObject({ ok: true });
    const f = files(bundle.zip);
    const alerts = JSON.parse(strFromU8(f['alerts.json']!));
    expect(alerts.map((a: { id: string }) => a.id)).toContain(alert!.id);
    const reviewed = alerts.find((a: { id: string }) => a.id === alert!.id);
    expect(reviewed.history.map((h: { action: string }) => h.action)).toContain(
      'alert.acknowledge',
    );
    const actions = strFromU8(f['events.ndjson']!)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.event)
      .map((l) => l.event.action);
    expect(actions).toEqual(
      expect.arrayContaining(['alert.raise', 'alert.acknowledge', 'evidence.export']),
    );
  });

  it('with a sample anyone can redraw from the seed and the population', async () => {
    const bundle = await exportEvidence(
      t.db,
      auditor,
      {
        from: '2026-10-01T00:00:00Z',
        to: '2026-10-29T00:00:00Z',
        sample: { size: 5, seed: 'c0ffee' },
        alerts: false,
      },
      signer,
      tmp,
    );
    expect(await verifyBundle(bundle.zip, [signer.publicKeyPem])).toMatchObject({ ok: true });
    const f = files(bundle.zip);
    const sample = JSON.parse(strFromU8(f['sample.json']!));
    const population = strFromU8(f['population.txt']!).trim().split('\n');
    expect(sample).toMatchObject({ seed: 'c0ffee', size: 5, populationCount: 225 });
    // 8 edits a day for 28 days, and the incident.
    expect(population).toHaveLength(225);
    expect(drawSample(population, 'c0ffee', 5)).toEqual(sample.sample);
    const fullHashes = strFromU8(f['events.ndjson']!)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.event && l.event.action !== 'evidence.export')
      .map((l) => l.hash)
      .sort();
    expect(fullHashes).toEqual([...sample.sample].sort());
  });

  it.each([
    [{ from: '2026-10-10T00:00:00Z', to: '2026-10-01T00:00:00Z' }, /to must be after from/],
    [
      { from: '2026-10-01T00:00:00Z', to: '2026-10-10T00:00:00Z', query: 'actor:(' },
      /search is not valid/,
    ],
    [{ from: 'yesterday', to: '2026-10-10T00:00:00Z' }, /from must be a date and time/],
    [
      {
        from: '2026-10-01T00:00:00Z',
        to: '2026-10-10T00:00:00Z',
        person: 'hr-1',
        record: { type: 'employee', id: 'emp-1' },
      },
      /choose one scope/,
    ],
    [
      { from: '2026-10-01T00:00:00Z', to: '2026-10-10T00:00:00Z', sample: { size: 0 } },
      /sample size must be at least 1/,
    ],
  ])('refuses bad input and records nothing: %j', async (scope, message) => {
    const count = async () =>
      (
        await t.owner<
          { n: number }[]
        >`select count(*)::int as n from audit_events where action = 'evidence.export'`
      )[0]!.n;
    const exports = await count();
    const checkpoints = (await listCheckpoints(t.db)).length;
    await expect(exportEvidence(t.db, auditor, scope as never, signer, tmp)).rejects.toThrow(
      message,
    );
    expect(await count()).toBe(exports);
    expect((await listCheckpoints(t.db)).length).toBe(checkpoints);
  });
});
