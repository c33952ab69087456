import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  keyIdOf,
  publicKeyPem,
  signCheckpoint,
  type CheckpointBody,
  type SignedCheckpoint,
} from '@/lib/integrity/format';
import {
  checkpointLine,
  entryLine,
  hashEntry,
  keyFileName,
  loadVerifier,
  makeTestBundle,
  ndjson,
  repack,
  unzipEntries,
  VERIFIER_PATH,
  zipEntries,
  type Entry,
  type TestBundle,
  type Verifier,
  type VerifyResult,
} from './bundle-testing';
import { packBundle } from './pack';

/**
 * scripts/verify-bundle.mjs against random bundles (lib/evidence/bundle-testing.ts): every intact
 * bundle passes, and every single tampering fails at the first bad record with the reason that
 * VERIFY.md ("What is checked, in order") gives for it.
 */
const RUNS = { numRuns: 50 };
const bundleArb = fc.record({
  seed: fc.integer({ min: 1, max: 0x7fffffff }),
  sample: fc.boolean(),
});

let V: Verifier;
beforeAll(async () => {
  V = await loadVerifier();
});

const verify = (zip: Buffer, b: TestBundle, keys = [b.publicKeyPem]): VerifyResult =>
  V.verifyBundle(zip, keys);
const streamName = (b: TestBundle, stream: string) => b.streams.find((s) => s.id === stream)!.name;
const at = (b: TestBundle, stream: string, seq: number) =>
  `stream ${streamName(b, stream)} seq ${seq}`;
const stretchOf = (b: TestBundle, e: { stream: string; seq: number }) =>
  b.stretches.find((s) => s.stream === e.stream && s.from.seq < e.seq && e.seq <= s.to.seq)!;
const withLines = (b: TestBundle, lines: string[]) => repack(b, { 'events.ndjson': ndjson(lines) });

function expectFail(
  result: VerifyResult,
  expected: { file?: string; where?: string; reason: string },
) {
  if (result.ok) throw new Error('expected FAIL, got PASS');
  expect(result.reason, `${result.file} ${result.where}: ${result.message}`).toBe(expected.reason);
  if (expected.file) expect(result.file).toBe(expected.file);
  if (expected.where) expect(result.where).toContain(expected.where);
}

/** Every string inside an event, by path (its own stream excluded: that is the line's too). */
function stringPaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return at[0] === 'stream' ? [] : [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringPaths(v, [...at, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringPaths(v, [...at, k]));
  return [];
}

/** Re-signs checkpoints with another key, relinking each to the (new) hash of the one before. */
function resign(all: SignedCheckpoint[], key: KeyObject, fromId = 1): SignedCheckpoint[] {
  const out: SignedCheckpoint[] = [];
  for (const c of all) {
    const { format: _f, keyId: _k, ...body } = JSON.parse(c.body) as CheckpointBody;
    out.push(
      body.id < fromId ? c : signCheckpoint({ ...body, prev: out.at(-1)?.hash ?? body.prev }, key),
    );
  }
  return out;
}
/** The checkpoints of a list that the bundle carries (by id). */
const inBundle = (b: TestBundle, list: SignedCheckpoint[]) =>
  list.filter((c) => b.checkpoints.some((k) => idOf(k) === idOf(c)));
const idOf = (c: SignedCheckpoint) => (JSON.parse(c.body) as CheckpointBody).id;

describe('verify-bundle.mjs: intact bundles', () => {
  it('passes every intact random bundle, and says what it checked', () => {
    fc.assert(
      fc.property(bundleArb, (opts) => {
        const b = makeTestBundle(opts);
        const result = verify(b.zip, b);
        if (!result.ok)
          throw new Error(`${result.file} ${result.where}: ${result.reason} — ${result.message}`);
        const s = result.summary;
        expect(s.events).toBe(b.manifest.counts.events);
        expect(s.redacted).toBe(b.manifest.counts.redacted);
        expect(s.checkpoints).toEqual(b.checkpoints.map(idOf));
        expect(s.exportCheckpoint.id).toBe(b.exportCheckpoint);
        const pub = createPublicKey(b.privateKey);
        expect(s.keys).toEqual([{ keyId: keyIdOf(pub), fingerprint: fingerprint(pub) }]);
        expect(s.sample?.drawn ?? null).toBe(b.sample?.drawn.length ?? null);
      }),
      RUNS,
    );
  });

  it('passes a bundle that spans a key rotation only when both keys are given', () => {
    const b = makeTestBundle({ seed: 4242, sample: false });
    const { privateKey: next } = generateKeyPairSync('ed25519');
    const ids = b.checkpoints.map(idOf);
    const rotateAt = ids.at(-1)!; // the newest checkpoint (the export's) is signed by the new key
    const all = resign(b.allCheckpoints, next, rotateAt);
    const zip = repack(
      b,
      {
        'checkpoints.ndjson': ndjson(inBundle(b, all).map(checkpointLine)),
        [keyFileName(keyIdOf(createPublicKey(next)))]: publicKeyPem(next),
      },
      { privateKey: next },
    );
    const both = [b.publicKeyPem, publicKeyPem(next)];
    expect(verify(zip, b, both)).toMatchObject({ ok: true });
    if (ids.length > 1)
      expectFail(verify(zip, b, [publicKeyPem(next)]), {
        file: 'checkpoints.ndjson',
        where: `checkpoint id ${ids[0]}`,
        reason: 'unknown_key',
      });
  });

  it('packs deterministically: the same input gives the same bytes', () => {
    const b = makeTestBundle({ seed: 99, sample: true });
    expect(repack(b, {}).equals(b.zip)).toBe(true);
  });
});

describe('verify-bundle.mjs: one tampering, the first bad record', () => {
  it('an edited field of an event in scope: hash_mismatch at its seq', () => {
    fc.assert(
      fc.property(bundleArb, fc.nat(), fc.nat(), (opts, pickLine, pickField) => {
        const b = makeTestBundle(opts);
        const full = b.lines.filter((e) => e.inScope);
        const e = full[pickLine % full.length]!;
        const event = structuredClone(e.event) as unknown as Record<string, unknown>;
        const paths = stringPaths(event);
        const where = paths[pickField % paths.length]!;
        let parent = event as Record<string | number, unknown>;
        for (const k of where.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
        const last = where.at(-1)!;
        const chars = Array.from(parent[last] as string);
        const i = pickField % Math.max(1, chars.length);
        chars[i] = chars[i] === 'x' ? 'y' : 'x';
        parent[last] = chars.join('');
        const lines = b.lines.map((l) =>
          l === e ? entryLine({ ...e, event: event as unknown as Entry['event'] }) : entryLine(l),
        );
        expectFail(verify(withLines(b, lines), b), {
          file: 'events.ndjson',
          where: at(b, e.stream, e.seq),
          reason: 'hash_mismatch',
        });
      }),
      RUNS,
    );
  });

  it('an edited prevHash (the hash kept): prev_mismatch at its seq', () => {
    fc.assert(
      fc.property(bundleArb, fc.nat(), (opts, pick) => {
        const b = makeTestBundle(opts);
        const e = b.lines[pick % b.lines.length]!;
        const prevHash = e.prevHash === 'd'.repeat(64) ? 'e'.repeat(64) : 'd'.repeat(64);
        const lines = b.lines.map((l) => entryLine(l === e ? { ...e, prevHash } : l));
        expectFail(verify(withLines(b, lines), b), {
          file: 'events.ndjson',
          where: at(b, e.stream, e.seq),
          reason: 'prev_mismatch',
        });
      }),
      RUNS,
    );
  });

  it('a deleted line: gap at its seq', () => {
    fc.assert(
      fc.property(bundleArb, fc.nat(), (opts, pick) => {
        const b = makeTestBundle(opts);
        const p = pick % b.lines.length;
        const lines = b.lines.filter((_, i) => i !== p).map(entryLine);
        expectFail(verify(withLines(b, lines), b), {
          file: 'events.ndjson',
          where: at(b, b.lines[p]!.stream, b.lines[p]!.seq),
          reason: 'gap',
        });
      }),
      RUNS,
    );
  });

  it('two swapped lines: gap at the seq of the first of them', () => {
    fc.assert(
      fc.property(bundleArb, fc.nat(), fc.nat(), (opts, pickA, pickB) => {
        const b = makeTestBundle(opts);
        fc.pre(b.lines.length >= 2);
        const p = pickA % (b.lines.length - 1);
        const q = p + 1 + (pickB % (b.lines.length - 1 - p));
        const lines = b.lines.map(entryLine);
        [lines[p], lines[q]] = [lines[q]!, lines[p]!];
        expectFail(verify(withLines(b, lines), b), {
          file: 'events.ndjson',
          where: at(b, b.lines[p]!.stream, b.lines[p]!.seq),
          reason: 'gap',
        });
      }),
      RUNS,
    );
  });

  it('a forged line, correctly chained on the one before: gap at its seq (checkpoint_mismatch at a stretch end)', () => {
    fc.assert(
      fc.property(bundleArb, fc.nat(), (opts, pick) => {
        const b = makeTestBundle(opts);
        const p = pick % b.lines.length;
        const real = b.lines[p]!;
        const template = b.lines.find((e) => e.inScope)!.event;
        const event = { ...template, stream: real.stream, seq: real.seq, action: 'forged.insert' };
        const forged: Entry = {
          stream: real.stream,
          seq: real.seq,
          prevHash: real.prevHash,
          ...hashEntry(real.stream, real.seq, real.prevHash, event),
          event,
          inScope: true,
        };
        const lines = b.lines.map(entryLine);
        lines.splice(p, 0, entryLine(forged));
        const atEnd = stretchOf(b, real).to.seq === real.seq;
        expectFail(verify(withLines(b, lines), b), {
          file: 'events.ndjson',
          where: at(b, real.stream, real.seq),
          reason: atEnd ? 'checkpoint_mismatch' : 'gap',
        });
      }),
      RUNS,
    );
  });

  it('a truncated stream tail: gap at the first missing seq, or unanchored_tail if chains.json is cut too', () => {
    fc.assert(
      fc.property(bundleArb, fc.nat(), fc.nat(), fc.boolean(), (opts, pickS, pickK, cutChains) => {
        const b = makeTestBundle(opts);
        // The last stretch of a stream: its newest entries removed.
        const lastOfStream = b.stretches.filter((s, i) => b.stretches[i + 1]?.stream !== s.stream);
        const candidates = cutChains
          ? lastOfStream.filter((s) => s.to.seq - s.from.seq >= 2)
          : lastOfStream;
        fc.pre(candidates.length > 0);
        const st = candidates[pickS % candidates.length]!;
        const length = st.to.seq - st.from.seq;
        const k = 1 + (pickK % (cutChains ? length - 1 : length));
        const newTo = st.to.seq - k;
        const kept = b.lines.filter((e) => e.stream !== st.stream || e.seq <= newTo);
        const replace: Record<string, Buffer> = { 'events.ndjson': ndjson(kept.map(entryLine)) };
        if (cutChains) {
          const hash = b.lines.find((e) => e.stream === st.stream && e.seq === newTo)!.hash;
          const chains = b.stretches.map((s) =>
            s === st ? { ...s, to: { ...s.to, seq: newTo, hash } } : s,
          );
          replace['chains.json'] = Buffer.from(JSON.stringify(chains));
        }
        expectFail(
          verify(repack(b, replace), b),
          cutChains
            ? { file: 'chains.json', where: at(b, st.stream, newTo), reason: 'unanchored_tail' }
            : { file: 'events.ndjson', where: at(b, st.stream, newTo + 1), reason: 'gap' },
        );
      }),
      RUNS,
    );
  });

  it('a checkpoint replaced by another well-formed one: bad_signature, or checkpoint_mismatch if re-signed', () => {
    fc.assert(
      fc.property(bundleArb, fc.nat(), fc.boolean(), (opts, pick, resigned) => {
        const b = makeTestBundle(opts);
        if (!resigned) {
          // A different head for one stream, the hash recomputed, the old signature kept.
          const c = b.checkpoints[pick % b.checkpoints.length]!;
          const { format: _f, keyId: _k, ...body } = JSON.parse(c.body) as CheckpointBody;
          const s = body.streams[pick % body.streams.length]!;
          s.head = s.head === 'a'.repeat(64) ? 'b'.repeat(64) : 'a'.repeat(64);
          const forged = signCheckpoint(body, b.privateKey);
          const replaced = { ...forged, signature: c.signature };
          const lines = b.checkpoints.map((k) => checkpointLine(k === c ? replaced : k));
          expectFail(verify(repack(b, { 'checkpoints.ndjson': ndjson(lines) }), b), {
            file: 'checkpoints.ndjson',
            where: `checkpoint id ${body.id}`,
            reason: 'bad_signature',
          });
        } else {
          // The holder of the key signs a different export checkpoint: the dashboard's head differs.
          const c = b.checkpoints.at(-1)!;
          const { format: _f, keyId: _k, ...body } = JSON.parse(c.body) as CheckpointBody;
          const dashboard = b.streams.find((s) => s.name === 'dashboard')!;
          const listed = body.streams.find((s) => s.id === dashboard.id)!;
          listed.head = 'c'.repeat(64);
          const lines = b.checkpoints.map((k) =>
            checkpointLine(k === c ? signCheckpoint(body, b.privateKey) : k),
          );
          expectFail(verify(repack(b, { 'checkpoints.ndjson': ndjson(lines) }), b), {
            file: 'chains.json',
            where: `stream dashboard seq ${listed.seq}`,
            reason: 'checkpoint_mismatch',
          });
        }
      }),
      RUNS,
    );
  });

  it('everything re-signed with another key: unknown_key, or bad_signature against the pinned key', () => {
    fc.assert(
      fc.property(
        bundleArb,
        fc.constantFrom('all', 'claims-old-key', 'checkpoints-only'),
        (opts, how) => {
          const b = makeTestBundle(opts);
          const { privateKey: other } = generateKeyPairSync('ed25519');
          const otherId = keyIdOf(createPublicKey(other));
          const checkpoints = ndjson(
            inBundle(b, resign(b.allCheckpoints, other)).map(checkpointLine),
          );
          const oldKeyFile = keyFileName(keyIdOf(createPublicKey(b.privateKey)));
          const replace = {
            'checkpoints.ndjson': checkpoints,
            [keyFileName(otherId)]: publicKeyPem(other),
          };
          if (how === 'checkpoints-only') {
            expectFail(verify(repack(b, replace), b), {
              file: 'checkpoints.ndjson',
              where: `checkpoint id ${idOf(b.checkpoints[0]!)}`,
              reason: 'unknown_key',
            });
            return;
          }
          const zip = repack(b, replace, { privateKey: other, drop: [oldKeyFile] });
          if (how === 'all') {
            expectFail(verify(zip, b), { file: 'manifest.json', reason: 'unknown_key' });
            return;
          }
          // The manifest names the pinned key but is signed by the other one.
          const entries = unzipEntries(zip);
          const manifest = entries
            .get('manifest.json')!
            .toString('utf8')
            .replace(otherId, keyIdOf(createPublicKey(b.privateKey)));
          entries.set('manifest.json', Buffer.from(manifest, 'utf8'));
          entries.set(
            'manifest.sig',
            Buffer.from(sign(null, Buffer.from(manifest), other).toString('base64') + '\n'),
          );
          expectFail(verify(zipEntries(entries), b), {
            file: 'manifest.sig',
            reason: 'bad_signature',
          });
        },
      ),
      RUNS,
    );
  });

  it('any one byte of the zip changed: FAIL, unless every file still reads the same', () => {
    // Deflate has bits no reader looks at (the padding that ends a stream, some redundancy in
    // block headers): changing them changes no file, so there is nothing to detect. Any other
    // change, in a header or in what a file holds, must fail.
    fc.assert(
      fc.property(bundleArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (opts, pick, xor) => {
        const b = makeTestBundle(opts);
        const zip = Buffer.from(b.zip);
        const i = pick % zip.length;
        zip[i] = zip[i]! ^ xor;
        const result = verify(zip, b);
        if (result.ok) expect(unzipEntries(zip)).toEqual(unzipEntries(b.zip));
      }),
      RUNS,
    );
  });

  it('one line of events.csv edited, the manifest left alone: file_hash_mismatch on events.csv', () => {
    fc.assert(
      fc.property(bundleArb, fc.nat(), (opts, pick) => {
        const b = makeTestBundle(opts);
        const entries = unzipEntries(b.zip);
        const rows = entries.get('events.csv')!.toString('utf8').split('\r\n');
        const i = pick % (rows.length - 1); // the last element is the empty string after CRLF
        rows[i] = rows[i]!.replace(/^"/, '"X');
        entries.set('events.csv', Buffer.from(rows.join('\r\n'), 'utf8'));
        expectFail(verify(zipEntries(entries, b.manifest.createdAt), b), {
          file: 'events.csv',
          reason: 'file_hash_mismatch',
        });
      }),
      RUNS,
    );
  });
});

describe('verify-bundle.mjs: the zip and the manifest', () => {
  const b = makeTestBundle({ seed: 31337, sample: true });

  it('refuses an unlisted file, a missing file and a wrong key', () => {
    const added = unzipEntries(b.zip);
    added.set('extra.txt', Buffer.from('hello'));
    expectFail(verify(zipEntries(added), b), { file: 'extra.txt', reason: 'unlisted_file' });
    const dropped = unzipEntries(b.zip);
    dropped.delete('alerts.json');
    expectFail(verify(zipEntries(dropped), b), { file: 'alerts.json', reason: 'missing_file' });
    const other = publicKeyPem(generateKeyPairSync('ed25519').privateKey);
    expectFail(verify(b.zip, b, [other]), { file: 'manifest.json', reason: 'unknown_key' });
  });

  it('refuses unsafe, duplicate and case-duplicate names, archive comments and encryption', () => {
    const zipOf = (names: string[]) =>
      Buffer.from(zipSync(Object.fromEntries(names.map((n) => [n, Buffer.from(n)])), { level: 6 }));
    expectFail(verify(zipOf(['../evil.txt']), b), { reason: 'bad_zip' });
    expectFail(verify(zipOf(['/abs.txt']), b), { reason: 'bad_zip' });
    // Rename b.txt to a.txt (A.txt) in both headers: the data and CRC stay valid.
    for (const to of ['a', 'A']) {
      const zip = zipOf(['a.txt', 'b.txt']);
      for (let i = zip.indexOf('b.txt'); i >= 0; i = zip.indexOf('b.txt', i + 1)) zip.write(to, i);
      expectFail(verify(zip, b), { where: 'entry', reason: 'bad_zip' });
    }
    const commented = Buffer.from(b.zip);
    commented.writeUInt16LE(3, commented.length - 2);
    expectFail(verify(Buffer.concat([commented, Buffer.from('hi!')]), b), { reason: 'bad_zip' });
    // The encryption flag set in both headers of the first entry.
    const encrypted = Buffer.from(b.zip);
    encrypted.writeUInt16LE(1, 6);
    const cd = encrypted.readUInt32LE(encrypted.length - 6);
    encrypted.writeUInt16LE(1, cd + 8);
    expectFail(verify(encrypted, b), { reason: 'bad_zip' });
    // A wrong CRC-32 in both headers of the first entry, its data (so the manifest) untouched.
    const crc = Buffer.from(b.zip);
    const cdEntry = crc.readUInt32LE(crc.length - 6);
    crc.writeUInt32LE((crc.readUInt32LE(14) ^ 1) >>> 0, 14);
    crc.writeUInt32LE((crc.readUInt32LE(cdEntry + 16) ^ 1) >>> 0, cdEntry + 16);
    const crcResult = verify(crc, b);
    expectFail(crcResult, { where: 'entry manifest.json', reason: 'bad_zip' });
    expect(crcResult.ok || crcResult.message).toContain('CRC-32');
    expectFail(verify(Buffer.from('not a zip at all, not even close'), b), { reason: 'bad_zip' });
  });

  it('packBundle lists every file in the manifest, adds VERIFY.md, and refuses unsafe names', () => {
    const entries = unzipEntries(b.zip);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as {
      files: { path: string }[];
      keyId: string;
    };
    expect(manifest.files.map((f) => f.path).sort()).toEqual(
      [...entries.keys()].filter((n) => !n.startsWith('manifest.')).sort(),
    );
    expect(manifest.files.map((f) => f.path)).toContain('VERIFY.md');
    expect(manifest.keyId).toBe(keyIdOf(createPublicKey(b.privateKey)));
    expect(entries.get('manifest.sig')!.toString('utf8')).toMatch(/^[A-Za-z0-9+/]{86}==\n$/);
    const pack = (p: string) =>
      packBundle({
        files: [{ path: p, bytes: Buffer.from('x') }],
        manifest: b.manifest,
        privateKey: b.privateKey,
      });
    for (const bad of ['../x', 'a/../b', '/x', 'a\\b', 'VERIFY.md', 'manifest.json', 'a b'])
      expect(() => pack(bad)).toThrow();
  });

  it('checks the counts, the export and the sample', () => {
    const counts = repack(b, {}, { manifest: { counts: { ...b.manifest.counts, events: 1e6 } } });
    expectFail(verify(counts, b), { file: 'manifest.json', where: 'counts', reason: 'bad_format' });
    const dashboard = b.streams.find((s) => s.name === 'dashboard')!;
    const signIn = dashboard.entries.find((e) => e.inScope && e.event.action !== 'evidence.export');
    if (signIn) {
      const zip = repack(
        b,
        {},
        { manifest: { exportEvent: { stream: signIn.stream, seq: signIn.seq } } },
      );
      expectFail(verify(zip, b), { reason: 'export_not_recorded' });
    }
    if (b.sample) {
      const sample = JSON.parse(
        b.files.find((f) => f.path === 'sample.json')!.bytes.toString('utf8'),
      ) as { sample: string[] };
      sample.sample = [...sample.sample.slice(1), 'f'.repeat(64)];
      expectFail(verify(repack(b, { 'sample.json': JSON.stringify(sample) }), b), {
        file: 'sample.json',
        reason: 'sample_mismatch',
      });
    }
  });
});

describe('verify-bundle.mjs on the command line', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'verify-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const b = makeTestBundle({ seed: 2026, sample: true });
  const file = (name: string, bytes: Buffer | string) => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [VERIFIER_PATH, ...args], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const key = file('key.pem', b.publicKeyPem);

  it('PASS: exit 0, the summary with the key fingerprint', () => {
    const r = run(file('bundle.zip', b.zip), '--public-key', key);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS\n/);
    expect(r.out).toContain(fingerprint(createPublicKey(b.privateKey)));
    expect(r.out).toContain(`checkpoint ${b.exportCheckpoint}`);
  });

  it('FAIL: exit 1, the file, the record and the reason', () => {
    const lines = b.lines.map(entryLine);
    lines.splice(1, 1);
    const r = run(file('tampered.zip', withLines(b, lines)), `--public-key=${key}`);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      new RegExp(
        `^FAIL: events\\.ndjson ${at(b, b.lines[1]!.stream, b.lines[1]!.seq)} \\(line \\d+\\): gap — `,
      ),
    );
    const other = file('other.pem', publicKeyPem(generateKeyPairSync('ed25519').privateKey));
    const wrong = run(path.join(dir, 'bundle.zip'), '--public-key', other);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/^FAIL: manifest\.json keyId: unknown_key — /);
  });

  it('usage errors: exit 2', () => {
    const zip = path.join(dir, 'bundle.zip');
    for (const args of [
      [],
      [zip],
      ['--public-key', key],
      [path.join(dir, 'nope.zip'), '--public-key', key],
      [zip, '--public-key', zip],
    ]) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('usage: node verify-bundle.mjs');
    }
  });
});
