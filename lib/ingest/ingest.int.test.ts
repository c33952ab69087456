import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { verifyDatabase } from '@/lib/audit/verify';
import { validateEvent, type ValidEvent } from '@/lib/events/schema';
import { importFiles } from './bulk';
import { bodyHash, ingestEvents } from './ingest';
import { createSource } from './sources';

const SETUP = {
  actor: { id: 'system:test', name: 'test', email: null, type: 'system' as const },
  context: { ip: null, userAgent: null, requestId: null },
  sessionId: null,
};
const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures/cloudtrail-stratus');

function valid(raw: unknown): ValidEvent {
  const result = validateEvent(raw, 0);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.event;
}
const event = (id: string, extra: Record<string, unknown> = {}) =>
  valid({
    id,
    occurred_at: '2026-03-14T09:26:53.589+05:30',
    action: 'employee.update',
    actor: { id: 'u1', name: 'Ravi' },
    changes: [{ field: 'salary', old: 100, new: 120 }],
    ...extra,
  });
const records = (events: ValidEvent[]) => events.map((e, index) => ({ index, event: e }));

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const newSource = (name: string) =>
  t.db.transaction((tx) => createSource(tx, SETUP, { name, description: '' }));
async function streamRows(streamId: string) {
  return t.owner<
    { seq: string; source_event_id: string }[]
  >`select seq, source_event_id from audit_events where stream_id = ${streamId} order by seq`;
}

describe('ingestEvents', () => {
  it('concurrent batches into one stream give one gapless, valid chain', async () => {
    const source = await newSource('concurrent');
    await Promise.all(
      [0, 1, 2, 3].map(async (worker) => {
        for (let b = 0; b < 10; b++) {
          const batch = Array.from({ length: 40 }, (_, i) => event(`w${worker}-b${b}-${i}`));
          const outcome = await ingestEvents(t.db.$client, source, records(batch));
          expect(outcome).toEqual({ ok: true, accepted: 40, duplicates: 0 });
        }
      }),
    );
    const rows = await streamRows(source.streamId);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 1600 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.source_event_id)).size).toBe(1600);
    const report = await verifyDatabase(t.db.$client);
    expect(report.ok).toBe(true);
  });

  it('a verification running while batches commit checks one snapshot, and passes', async () => {
    // Streams are verified in name order; this one comes after the dashboard's.
    const late = await newSource('zz-verified-late');
    await ingestEvents(t.db.$client, late, records([event('late-1'), event('late-2')]));
    let appended = false;
    const report = await verifyDatabase(t.db.$client, async () => {
      if (appended) return;
      appended = true;
      // Committed after the verification read the heads, before it reads this stream's rows.
      const more = records([event('late-3'), event('late-4'), event('late-5')]);
      expect(await ingestEvents(t.db.$client, late, more)).toMatchObject({ accepted: 3 });
    });
    expect(appended).toBe(true);
    expect(report.ok).toBe(true);
    expect(report.streams.find((s) => s.id === late.streamId)).toMatchObject({
      events: 2,
      headSeq: 2,
    });
    const after = await verifyDatabase(t.db.$client);
    expect(after.ok).toBe(true);
    expect(after.streams.find((s) => s.id === late.streamId)).toMatchObject({ events: 5 });
  });

  it('concurrent batches stored as one group keep their own outcomes (group commit)', async () => {
    const source = await newSource('grouped');
    const batch = (name: string, ids: string[], body: Record<string, unknown> = {}) =>
      records(ids.map((id) => event(id, body)));
    const [a, b, c, d, e] = await Promise.all([
      ingestEvents(t.db.$client, source, batch('a', ['g-1', 'g-2', 'g-3'])),
      // Overlaps a with the same bodies: duplicates, whichever is stored first.
      ingestEvents(t.db.$client, source, batch('b', ['g-3', 'g-4'])),
      // g-2 with a different body: a conflict, so nothing of this batch is stored.
      ingestEvents(t.db.$client, source, batch('c', ['g-2', 'g-5'], { reason: 'another body' })),
      ingestEvents(t.db.$client, source, batch('d', ['g-6'])),
      ingestEvents(t.db.$client, source, batch('e', ['g-4', 'g-7'])),
    ]);
    expect(a).toMatchObject({ ok: true });
    expect(b).toMatchObject({ ok: true });
    expect(d).toEqual({ ok: true, accepted: 1, duplicates: 0 });
    expect(e).toMatchObject({ ok: true });
    const accepted = [a, b, d, e].reduce((n, o) => n + (o.ok ? o.accepted : 0), 0);
    const duplicates = [a, b, d, e].reduce((n, o) => n + (o.ok ? o.duplicates : 0), 0);
    expect([accepted, duplicates]).toEqual([6, 2]);
    // a is queued first and stored alone while the stream is busy; b to e wait and are stored
    // together next: c conflicts with a's g-2, so none of c (not g-5) is stored.
    const rows = await streamRows(source.streamId);
    const ids = rows.map((r) => r.source_event_id).sort();
    if (c.ok) throw new Error('c was expected to conflict with a');
    expect(c.conflicts).toEqual([
      { index: 0, id: 'g-2', reason: 'this id was already stored with a different body' },
    ]);
    expect(ids).toEqual(['g-1', 'g-2', 'g-3', 'g-4', 'g-6', 'g-7']);
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });

  it('two writers of one stream (two processes) keep one chain: plans made ahead are checked under the lock', async () => {
    const source = await newSource('two-writers');
    // A second pool stands for a second server process: its own queues, its own plans.
    const other = createDb(t.appUrl, { max: 4 });
    try {
      const outcomes = await Promise.all(
        [t.db.$client, other.$client].flatMap((sql, writer) =>
          [0, 1].map(async (client) => {
            let accepted = 0;
            for (let b = 0; b < 8; b++) {
              const ids = Array.from({ length: 25 }, (_, i) => `w${writer}-c${client}-b${b}-${i}`);
              const outcome = await ingestEvents(sql, source, records(ids.map((id) => event(id))));
              if (!outcome.ok) throw new Error(JSON.stringify(outcome));
              accepted += outcome.accepted;
            }
            return accepted;
          }),
        ),
      );
      expect(outcomes).toEqual([200, 200, 200, 200]);
    } finally {
      await other.$client.end();
    }
    const rows = await streamRows(source.streamId);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 800 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.source_event_id)).size).toBe(800);
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });

  it('a batch that fails inside a group fails alone; the others are stored', async () => {
    const source = await newSource('grouped-failure');
    // Past validation (which refuses NUL), the writer refuses it: the whole group's transaction
    // fails, and each batch is then tried on its own.
    const poisoned = { ...event('p-1'), reason: 'a NUL \u0000 here' };
    const outcomes = await Promise.allSettled([
      ingestEvents(t.db.$client, source, records([event('p-0')])),
      ingestEvents(t.db.$client, source, records([event('q-1'), event('q-2')])),
      ingestEvents(t.db.$client, source, records([poisoned])),
      ingestEvents(t.db.$client, source, records([event('q-3')])),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toMatch(/NUL/);
    const rows = await streamRows(source.streamId);
    expect(rows.map((r) => r.source_event_id).sort()).toEqual(['p-0', 'q-1', 'q-2', 'q-3']);
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });

  it('retries, sequential and concurrent, store each event once', async () => {
    const source = await newSource('retries');
    const batch = records(Array.from({ length: 30 }, (_, i) => event(`r-${i}`)));
    const outcomes = await Promise.all(
      [1, 2, 3, 4, 5].map(() => ingestEvents(t.db.$client, source, batch)),
    );
    const accepted = outcomes.reduce((n, o) => n + (o.ok ? o.accepted : 0), 0);
    expect(accepted).toBe(30);
    expect(await ingestEvents(t.db.$client, source, batch)).toEqual({
      ok: true,
      accepted: 0,
      duplicates: 30,
    });
    expect(await streamRows(source.streamId)).toHaveLength(30);
  });

  it('the same id with another body is a conflict, in the batch or against what is stored, and nothing is stored', async () => {
    const source = await newSource('conflicts');
    expect(await ingestEvents(t.db.$client, source, records([event('a')]))).toMatchObject({
      ok: true,
      accepted: 1,
    });
    const against = await ingestEvents(
      t.db.$client,
      source,
      records([event('b'), event('a', { reason: 'other' })]),
    );
    expect(against).toEqual({
      ok: false,
      conflicts: [
        { index: 1, id: 'a', reason: 'this id was already stored with a different body' },
      ],
    });
    const inside = await ingestEvents(
      t.db.$client,
      source,
      records([event('c'), event('c', { reason: 'other' })]),
    );
    expect(inside.ok).toBe(false);
    expect((await streamRows(source.streamId)).map((r) => r.source_event_id)).toEqual(['a']);
  });

  it('key order and spacing do not change the body hash; content does', () => {
    const a = valid(
      JSON.parse(
        '{"id":"k","occurred_at":"2026-01-01T00:00:00Z","action":"a.b","actor":{"name":"x","id":"1"},"metadata":{"b":1,"a":2}}',
      ),
    );
    const b = valid(
      JSON.parse(
        '{"metadata":{"a":2,"b":1},"actor":{"id":"1","name":"x"},"action":"a.b","occurred_at":"2026-01-01T01:00:00+01:00","id":"k"}',
      ),
    );
    expect(bodyHash(a).equals(bodyHash(b))).toBe(true);
    expect(
      bodyHash(a).equals(
        bodyHash(
          valid({
            ...JSON.parse(
              '{"id":"k","occurred_at":"2026-01-01T00:00:00Z","action":"a.c","actor":{}}',
            ),
          }),
        ),
      ),
    ).toBe(false);
  });

  it('hashing does not depend on the process time zone', async () => {
    const source = await newSource('timezones');
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Kolkata';
      const kolkata = bodyHash(event('tz-1'));
      await ingestEvents(t.db.$client, source, records([event('tz-1'), event('tz-2')]));
      process.env.TZ = 'UTC';
      expect(bodyHash(event('tz-1')).equals(kolkata)).toBe(true);
      await ingestEvents(t.db.$client, source, records([event('tz-3')]));
      expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
    } finally {
      process.env.TZ = saved;
    }
  });
});

describe('bulk import', () => {
  const fixtureFiles = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(FIXTURES, f));

  it('imports all 310 CloudTrail fixture events, keeps invalid values as given and flags them, and a re-import adds nothing', async () => {
    await newSource('aws');
    const rejects = path.join(os.tmpdir(), `rejects-${process.pid}.jsonl`);
    const first = await importFiles(t.db, {
      source: 'aws',
      format: 'cloudtrail',
      files: fixtureFiles,
      rejectsFile: rejects,
    });
    expect(first).toMatchObject({ read: 310, stored: 310, duplicates: 0, rejected: 0 });
    const flagged = await t.owner<
      { actor_ip: string; flags: string[] }[]
    >`select actor_ip, flags from audit_events where actor_ip = '225.01.00.16' limit 1`;
    expect(flagged[0]?.flags).toContain('invalid_ip:225.01.00.16');
    const again = await importFiles(t.db, {
      source: 'aws',
      format: 'cloudtrail',
      files: fixtureFiles,
    });
    expect(again).toMatchObject({ read: 310, stored: 0, duplicates: 310, rejected: 0 });
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });

  it('lists rejected records with line and reason and still loads the valid ones; --all-or-nothing refuses the file', async () => {
    await newSource('files');
    const file = path.join(os.tmpdir(), `import-${process.pid}.jsonl`);
    const good = (id: string) =>
      JSON.stringify({
        id,
        occurred_at: '2026-02-01T10:00:00Z',
        action: 'contact.update',
        actor: { name: 'x' },
      });
    writeFileSync(
      file,
      [
        good('g1'),
        '{not json',
        good('g2'),
        JSON.stringify({
          id: 'bad',
          occurred_at: '2026-02-30T00:00:00Z',
          action: 'contact.update',
          actor: {},
        }),
        good('g3'),
      ].join('\n') + '\n',
    );
    const rejects = path.join(os.tmpdir(), `rejects-${process.pid}-2.jsonl`);

    const strict = await importFiles(t.db, {
      source: 'files',
      format: 'jsonl',
      files: [file],
      allOrNothing: true,
    });
    expect(strict).toMatchObject({ stored: 0, rejected: 2, refusedFiles: [file] });

    const summary = await importFiles(t.db, {
      source: 'files',
      format: 'jsonl',
      files: [file],
      rejectsFile: rejects,
    });
    expect(summary).toMatchObject({ read: 5, stored: 3, rejected: 2 });
    const listed = readFileSync(rejects, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; reason: string });
    expect(listed.map((r) => r.line)).toEqual([2, 4]);
    expect(listed[0]!.reason).toMatch(/invalid JSON/i);
    expect(listed[1]!.reason).toMatch(/occurred_at: is not a real date/);
  });
});

describe('a file that is not in its format', () => {
  it('is listed with its reason and the other files still load; --all-or-nothing refuses it', async () => {
    // Three records of a fixture (its files are {"Records": [...]} or a bare array).
    const records = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(path.join(FIXTURES, f), 'utf8')) as unknown)
      .map((json) => (Array.isArray(json) ? json : (json as { Records: unknown[] }).Records))
      .find((list) => list.length >= 3)!
      .slice(0, 3);
    expect(records).toHaveLength(3);
    const dir = path.join(os.tmpdir(), `unreadable-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    // A licence text passed along by a glob, and a file cut off inside its third record.
    const licence = write('LICENSE', 'MIT License\n\nCopyright (c) 2026\n');
    const whole = JSON.stringify({ Records: records });
    const cut = write('cut.json', whole.slice(0, whole.indexOf(JSON.stringify(records[2])) + 40));
    const good = write('good.json', JSON.stringify({ Records: records.slice(0, 2) }));
    const files = [licence, cut, good];
    const rejects = path.join(dir, 'rejects.jsonl');

    await newSource('unreadable');
    const summary = await importFiles(t.db, {
      source: 'unreadable',
      format: 'cloudtrail',
      files,
      rejectsFile: rejects,
    });
    // The cut file's first two records load (the good file repeats them: duplicates); its
    // third, cut off, is a rejected record, and the rest of the file is listed after it.
    expect(summary).toMatchObject({ read: 5, stored: 2, duplicates: 2, rejected: 3 });
    expect(summary.unreadableFiles.map((u) => u.file)).toEqual([licence, cut]);
    for (const u of summary.unreadableFiles)
      expect(u.reason).toMatch(/^not a readable CloudTrail file: .+ \(line \d+\)$/);
    const listed = readFileSync(rejects, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; line: number; reason: string });
    expect(listed.map((r) => [r.file, r.line])).toEqual([
      [licence, 0],
      [cut, 1],
      [cut, 0],
    ]);
    expect(listed[1]!.reason).toMatch(/unexpected end of file inside this record/);
    expect(listed[2]!.reason).toBe(summary.unreadableFiles[1]!.reason);

    await newSource('unreadable-strict');
    const strict = await importFiles(t.db, {
      source: 'unreadable-strict',
      format: 'cloudtrail',
      files,
      allOrNothing: true,
    });
    expect(strict).toMatchObject({ stored: 2, duplicates: 0, refusedFiles: [licence, cut] });
    expect(strict.unreadableFiles.map((u) => u.file)).toEqual([licence, cut]);
    expect((await verifyDatabase(t.db.$client)).ok).toBe(true);
  });
});

describe('npm run verify, the command', () => {
  let cli: TestDatabase;
  beforeAll(async () => {
    cli = await createTestDatabase();
  });
  afterAll(() => cli.close());

  it('npm run verify prints PASS with exit code 0, and FAIL naming the row with exit code 1', async () => {
    const source = await cli.db.transaction((tx) =>
      createSource(tx, SETUP, { name: 'victim-cli', description: '' }),
    );
    await ingestEvents(
      cli.db.$client,
      source,
      records(Array.from({ length: 5 }, (_, i) => event(`c-${i}`))),
    );
    // The command itself, as a user runs it (tsx scripts/verify.ts), on this database.
    const root = path.resolve(import.meta.dirname, '../..');
    const verify = () =>
      promisify(execFile)(
        process.execPath,
        [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/verify.ts'],
        {
          cwd: root,
          env: {
            ...process.env,
            APP_DATABASE_URL: cli.appUrl,
            WHOCHANGED_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'verify-cli-')),
          },
        },
      ).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    const before = await verify();
    expect(before.stdout).toMatch(/^PASS: /m);
    expect(before.code).toBe(0);
    await cli.owner.begin(async (tx) => {
      await tx.unsafe('alter table audit_events disable trigger user');
      await tx`update audit_events set reason = 'edited' where stream_id = ${source.streamId} and seq = 3`;
    });
    const after = await verify();
    expect(after.stdout).toMatch(/^FAIL: .*source:victim-cli.*\b3\b/m);
    expect(after.code).toBe(1);
  });
});

describe('npm run verify against real tampering (owner disables the guards)', () => {
  let tamper: TestDatabase;
  beforeAll(async () => {
    tamper = await createTestDatabase();
  });
  afterAll(() => tamper.close());

  it('names the first bad (stream, seq, reason) for an edit, and passes before it', async () => {
    const source = await tamper.db.transaction((tx) =>
      createSource(tx, SETUP, { name: 'victim', description: '' }),
    );
    await ingestEvents(
      tamper.db.$client,
      source,
      records(Array.from({ length: 20 }, (_, i) => event(`v-${i}`))),
    );
    expect((await verifyDatabase(tamper.db.$client)).ok).toBe(true);
    await tamper.owner.begin(async (tx) => {
      await tx.unsafe('alter table audit_events disable trigger user');
      await tx`update audit_events set changes = '[{"field":"salary","old":100,"new":999}]' where stream_id = ${source.streamId} and seq = 7`;
    });
    const report = await verifyDatabase(tamper.db.$client);
    expect(report.ok).toBe(false);
    expect(report.streams.find((s) => s.name === 'source:victim')!.broken).toMatchObject({
      seq: 7,
      reason: 'hash_mismatch',
    });
  });

  it('finds a deleted row', async () => {
    const source = await tamper.db.transaction((tx) =>
      createSource(tx, SETUP, { name: 'victim2', description: '' }),
    );
    await ingestEvents(
      tamper.db.$client,
      source,
      records(Array.from({ length: 10 }, (_, i) => event(`d-${i}`))),
    );
    await tamper.owner.begin(async (tx) => {
      await tx.unsafe('alter table audit_events disable trigger user');
      await tx`delete from audit_events where stream_id = ${source.streamId} and seq = 4`;
    });
    const report = await verifyDatabase(tamper.db.$client);
    expect(report.streams.find((s) => s.name === 'source:victim2')!.broken).toMatchObject({
      seq: 4,
      reason: 'gap',
    });
  });
});
