import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import canonicalize from 'canonicalize';
import { afterEach, describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  chainHash,
  formatTimestamp,
  GENESIS_HASH,
  leafHash,
  uuidBytes,
  type EventEnvelope,
} from './chain';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const STREAM = '0190a3f2-7c1e-7d3a-9b2f-1c2d3e4f5a6b';

/** Test vector 1 (genesis): the envelope, its JCS text written out by hand, and its hashes. */
function genesisEnvelope(): EventEnvelope {
  return {
    stream: STREAM,
    seq: 1,
    sourceEventId: null,
    occurredAt: new Date('2026-01-15T09:30:00.123Z'),
    receivedAt: new Date('2026-01-15T09:30:01.000Z'),
    action: 'user.create',
    outcome: 'success',
    actor: {
      id: '11111111-2222-3333-4444-555555555555',
      name: 'Ada Admin',
      email: 'ada@example.com',
      type: 'user',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      timeZone: null,
    },
    target: { type: 'user', id: 'u-42', label: 'bob@example.com' },
    changes: [{ field: 'role', old: null, new: 'reviewer' }],
    requestId: 'req-1',
    sessionId: null,
    reason: null,
    metadata: { b: 2, a: [1, 'x', true] },
    flags: [],
  };
}
const GENESIS_CANONICAL =
  '{"action":"user.create","actor":{"email":"ada@example.com","id":"11111111-2222-3333-4444-555555555555","ip":"203.0.113.7",' +
  '"name":"Ada Admin","timeZone":null,"type":"user","userAgent":"Mozilla/5.0"},"changes":[{"field":"role","new":"reviewer","old":null}],' +
  '"flags":[],"metadata":{"a":[1,"x",true],"b":2},"occurredAt":"2026-01-15T09:30:00.123Z","outcome":"success","reason":null,' +
  '"receivedAt":"2026-01-15T09:30:01.000Z","requestId":"req-1","seq":1,"sessionId":null,"sourceEventId":null,' +
  '"stream":"0190a3f2-7c1e-7d3a-9b2f-1c2d3e4f5a6b","target":{"id":"u-42","label":"bob@example.com","type":"user"}}';
// Computed outside this codebase (Python hashlib over the text above), not copied from chain.ts.
const GENESIS_LEAF = '36a66e3c40354182fce41b14f0bb072d2ef28bbce187cd3ef08713f332f625c3';
const GENESIS_CHAIN = 'd5550b880bdab964d4e772644de1a1ccf7e47a957d5133bdb05b5a408a3010a2';

/** Test vector 2: a unicode event chained on vector 1 (escapes, non-ASCII keys, U+2028, emoji, flags). */
function unicodeEnvelope(): EventEnvelope {
  return {
    stream: STREAM,
    seq: 2,
    sourceEventId: 'ext-é-1',
    occurredAt: new Date('1999-12-31T23:59:59.999Z'),
    receivedAt: new Date('2000-01-01T00:00:00.000Z'),
    action: 'user.role_change',
    outcome: 'failure',
    actor: {
      id: null,
      name: 'José 😀',
      email: 'josé@example.com',
      type: 'service',
      ip: null,
      userAgent: null,
      timeZone: 'Asia/Kolkata',
    },
    target: { type: null, id: null, label: null },
    changes: [{ field: 'name', old: 'José', new: 'Jose\u0301' }],
    requestId: null,
    sessionId: 's-1',
    reason: '\u202Eevil',
    metadata: { '😀': [], é: -0.5, note: 'line1\nline2\u2028tab\t\u001f' },
    flags: ['invalid_ip:225.01.00.16', 'say "hi" \\ {a,b}'],
  };
}
const UNICODE_CANONICAL =
  '{"action":"user.role_change","actor":{"email":"josé@example.com","id":null,"ip":null,"name":"José 😀",' +
  '"timeZone":"Asia/Kolkata","type":"service","userAgent":null},"changes":[{"field":"name","new":"Jose\u0301","old":"José"}],' +
  '"flags":["invalid_ip:225.01.00.16","say \\"hi\\" \\\\ {a,b}"],"metadata":{"note":"line1\\nline2\u2028tab\\t\\u001f","é":-0.5,"😀":[]},"occurredAt":"1999-12-31T23:59:59.999Z",' +
  '"outcome":"failure","reason":"\u202Eevil","receivedAt":"2000-01-01T00:00:00.000Z","requestId":null,"seq":2,' +
  '"sessionId":"s-1","sourceEventId":"ext-é-1","stream":"0190a3f2-7c1e-7d3a-9b2f-1c2d3e4f5a6b","target":{"id":null,"label":null,"type":null}}';
const UNICODE_LEAF = '580843ab668206b8ef92f1ea0a8f1661612267dc4a0f60f4cc467dec6c19c4de';
const UNICODE_CHAIN = '386644fa5d2a55228213b2a701c94e1268520089f77774b12ad17eb75e983eef';

/** The byte layout of integrity.md, re-implemented here so the vectors do not check chain.ts against itself. */
function referenceLeaf(canonical: string): string {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), Buffer.from(canonical, 'utf8')]))
    .digest('hex');
}
function referenceChain(stream: string, seq: number, prevHex: string, leafHex: string): string {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeUInt32BE(Math.floor(seq / 2 ** 32), 0);
  seqBytes.writeUInt32BE(seq % 2 ** 32, 4);
  return createHash('sha256')
    .update(
      Buffer.concat([
        Buffer.from([1]),
        Buffer.from(stream.replace(/-/g, ''), 'hex'),
        seqBytes,
        Buffer.from(prevHex, 'hex'),
        Buffer.from(leafHex, 'hex'),
      ]),
    )
    .digest('hex');
}

describe('test vectors (integrity.md: VERIFY.md byte layout)', () => {
  it('the genesis value is 32 zero bytes', () => {
    expect(GENESIS_HASH.toString('hex')).toBe('00'.repeat(32));
  });

  it('the hand-written vectors agree with an independent implementation of the layout', () => {
    expect(referenceLeaf(GENESIS_CANONICAL)).toBe(GENESIS_LEAF);
    expect(referenceChain(STREAM, 1, '00'.repeat(32), GENESIS_LEAF)).toBe(GENESIS_CHAIN);
    expect(referenceLeaf(UNICODE_CANONICAL)).toBe(UNICODE_LEAF);
    expect(referenceChain(STREAM, 2, GENESIS_CHAIN, UNICODE_LEAF)).toBe(UNICODE_CHAIN);
  });

  it('vector 1 (genesis): canonical bytes, leaf and chain hash', () => {
    const envelope = genesisEnvelope();
    expect(canonicalBytes(envelope).toString('utf8')).toBe(GENESIS_CANONICAL);
    expect(leafHash(envelope).toString('hex')).toBe(GENESIS_LEAF);
    expect(chainHash(STREAM, 1, GENESIS_HASH, leafHash(envelope)).toString('hex')).toBe(
      GENESIS_CHAIN,
    );
  });

  it('vector 2 (unicode, chained on vector 1): canonical bytes, leaf and chain hash', () => {
    const envelope = unicodeEnvelope();
    expect(canonicalBytes(envelope).toString('utf8')).toBe(UNICODE_CANONICAL);
    expect(leafHash(envelope).toString('hex')).toBe(UNICODE_LEAF);
    expect(
      chainHash(STREAM, 2, Buffer.from(GENESIS_CHAIN, 'hex'), leafHash(envelope)).toString('hex'),
    ).toBe(UNICODE_CHAIN);
  });

  it('vector 3 (tampered): changing one character of vector 1 no longer matches', () => {
    const envelope = genesisEnvelope();
    envelope.changes = [{ field: 'role', old: null, new: 'reviewer ' }];
    expect(leafHash(envelope).toString('hex')).not.toBe(GENESIS_LEAF);
    expect(chainHash(STREAM, 1, GENESIS_HASH, leafHash(envelope)).toString('hex')).not.toBe(
      GENESIS_CHAIN,
    );
  });

  it('a canonical text carries non-ASCII characters as UTF-8, not as \\u escapes', () => {
    const bytes = canonicalBytes(unicodeEnvelope());
    expect(bytes.includes(Buffer.from('José 😀', 'utf8'))).toBe(true);
    expect(bytes.includes(Buffer.from('\\u00e9'))).toBe(false);
  });
});

describe('canonicalBytes agrees with the reference JCS on random envelopes', () => {
  // The envelope text is assembled by hand in a fixed key order for speed; this holds it to the
  // reference implementation over envelopes with awkward keys, strings and numbers.
  let seed = 20260115;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const STRINGS = [
    '',
    'a',
    'Z',
    'é',
    'e\u0301',
    '😀',
    '\u2028',
    '\u202E',
    'ад',
    'tab\t',
    'nl\n',
    'q"',
    'b\\',
    '\u0001',
    '\u007f',
    '10',
    '9',
    '_',
    '~',
    'A_b',
    'aB',
  ];
  const str = () => Array.from({ length: Math.floor(rand() * 4) }, () => pick(STRINGS)).join('');
  const num = () =>
    pick([
      0,
      -0,
      1,
      -1,
      0.1,
      1e21,
      1e-7,
      123.456,
      2 ** 53 - 1,
      -5e-324,
      Math.floor(rand() * 1e6) / 7,
    ]);
  function value(depth: number): unknown {
    const r = rand();
    if (depth > 3 || r < 0.3) return pick([null, true, false, str(), num()]);
    if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    return Object.fromEntries(
      Array.from({ length: Math.floor(rand() * 5) }, () => [str(), value(depth + 1)]),
    );
  }
  const nullable = () => (rand() < 0.3 ? null : str());
  function envelope(): EventEnvelope {
    return {
      stream: STREAM,
      seq: 1 + Math.floor(rand() * 1e9),
      sourceEventId: nullable(),
      occurredAt: new Date(Math.floor(rand() * 4e12)),
      receivedAt: new Date(Math.floor(rand() * 4e12)),
      action: str() || 'x.y',
      outcome: pick(['success', 'failure'] as const),
      actor: {
        id: nullable(),
        name: nullable(),
        email: nullable(),
        type: pick(['user', 'service', 'system', 'anonymous']),
        ip: nullable(),
        userAgent: nullable(),
        timeZone: nullable(),
      },
      target: { type: nullable(), id: nullable(), label: nullable() },
      changes: Array.from({ length: Math.floor(rand() * 3) }, () => ({
        field: str(),
        old: value(1),
        new: value(1),
      })),
      requestId: nullable(),
      sessionId: nullable(),
      reason: nullable(),
      metadata: value(3) as Record<string, unknown> & object,
      flags: Array.from({ length: Math.floor(rand() * 3) }, str),
    };
  }

  it('gives byte-identical canonical text and leaf for 500 random envelopes', () => {
    for (let i = 0; i < 500; i++) {
      const e = envelope();
      if (typeof e.metadata !== 'object' || e.metadata === null || Array.isArray(e.metadata))
        e.metadata = { v: e.metadata };
      const reference = canonicalize({
        ...e,
        occurredAt: e.occurredAt.toISOString(),
        receivedAt: e.receivedAt.toISOString(),
      })!;
      expect(canonicalBytes(e).toString('utf8'), `envelope ${i}`).toBe(reference);
      expect(leafHash(e).toString('hex')).toBe(referenceLeaf(reference));
    }
  });
});

describe('leafHash does not depend on JSON key order (security.md 6)', () => {
  it('the same envelope built with keys in another insertion order hashes the same', () => {
    const a = genesisEnvelope();
    a.metadata = { outer: { z: 1, a: { y: [1, { q: 1, p: 2 }], b: null } }, first: 'x' };
    const b: EventEnvelope = {
      flags: [],
      metadata: { first: 'x', outer: { a: { b: null, y: [1, { p: 2, q: 1 }] }, z: 1 } },
      target: { label: 'bob@example.com', id: 'u-42', type: 'user' },
      changes: [{ new: 'reviewer', old: null, field: 'role' }],
      reason: null,
      sessionId: null,
      requestId: 'req-1',
      actor: {
        timeZone: null,
        userAgent: 'Mozilla/5.0',
        ip: '203.0.113.7',
        type: 'user',
        email: 'ada@example.com',
        name: 'Ada Admin',
        id: '11111111-2222-3333-4444-555555555555',
      },
      outcome: 'success',
      action: 'user.create',
      receivedAt: new Date('2026-01-15T09:30:01.000Z'),
      occurredAt: new Date('2026-01-15T09:30:00.123Z'),
      sourceEventId: null,
      seq: 1,
      stream: STREAM,
    };
    expect(Object.keys(a)).not.toEqual(Object.keys(b));
    expect(canonicalBytes(b).equals(canonicalBytes(a))).toBe(true);
    expect(leafHash(b).equals(leafHash(a))).toBe(true);
  });

  it('an object parsed from JSON in another key order (as jsonb returns it) hashes the same', () => {
    const a = genesisEnvelope();
    a.metadata = JSON.parse('{"short":1,"a-much-longer-key":{"k2":2,"k1":1}}');
    const b = genesisEnvelope();
    b.metadata = JSON.parse('{"a-much-longer-key":{"k1":1,"k2":2},"short":1}');
    expect(leafHash(a).equals(leafHash(b))).toBe(true);
  });

  it('flags are hashed, in their given order', () => {
    const a = genesisEnvelope();
    a.flags = ['a', 'b'];
    const b = genesisEnvelope();
    b.flags = ['b', 'a'];
    expect(leafHash(a).equals(leafHash(b))).toBe(false);
    expect(leafHash(a).equals(leafHash(genesisEnvelope()))).toBe(false);
  });

  it('array order is significant', () => {
    const a = genesisEnvelope();
    const b = genesisEnvelope();
    b.metadata = { b: 2, a: [1, true, 'x'] };
    expect(leafHash(a).equals(leafHash(b))).toBe(false);
  });

  it('an undefined metadata value is left out, like JSON storage leaves it out', () => {
    const a = genesisEnvelope();
    a.metadata = { kept: 1, dropped: undefined };
    const b = genesisEnvelope();
    b.metadata = { kept: 1 };
    expect(leafHash(a).equals(leafHash(b))).toBe(true);
    expect(JSON.parse(JSON.stringify(a.metadata))).toEqual(b.metadata);
  });

  it('every field of the envelope is covered by the hash', () => {
    const base = leafHash(genesisEnvelope()).toString('hex');
    const mutations: Array<(e: EventEnvelope) => void> = [
      (e) => (e.stream = '0190a3f2-7c1e-7d3a-9b2f-1c2d3e4f5a6c'),
      (e) => (e.seq = 2),
      (e) => (e.sourceEventId = 'x'),
      (e) => (e.occurredAt = new Date(e.occurredAt.getTime() + 1)),
      (e) => (e.receivedAt = new Date(e.receivedAt.getTime() + 1)),
      (e) => (e.action = 'user.delete'),
      (e) => (e.outcome = 'failure'),
      (e) => (e.actor.id = null),
      (e) => (e.actor.name = 'Ada  Admin'),
      (e) => (e.actor.email = 'ADA@example.com'),
      (e) => (e.actor.type = 'service'),
      (e) => (e.actor.ip = '203.0.113.8'),
      (e) => (e.actor.userAgent = null),
      (e) => (e.actor.timeZone = 'UTC'),
      (e) => (e.target.type = null),
      (e) => (e.target.id = 'u-43'),
      (e) => (e.target.label = ''),
      (e) => (e.changes = []),
      (e) => (e.requestId = null),
      (e) => (e.sessionId = ''),
      (e) => (e.reason = ''),
      (e) => (e.metadata = {}),
      (e) => (e.flags = ['invalid_ip:x']),
    ];
    const seen = new Set([base]);
    for (const mutate of mutations) {
      const envelope = genesisEnvelope();
      mutate(envelope);
      const hex = leafHash(envelope).toString('hex');
      expect(hex).not.toBe(base);
      seen.add(hex);
    }
    expect(seen.size).toBe(mutations.length + 1);
  });
});

describe('hashing does not depend on the process time zone (security.md 6)', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('gives the same leaf in-process under UTC, Asia/Kolkata, America/St_Johns and Pacific/Kiritimati', () => {
    const hashes: string[] = [];
    const offsets: number[] = [];
    for (const tz of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Kiritimati']) {
      process.env.TZ = tz;
      offsets.push(new Date('2026-01-15T00:00:00Z').getTimezoneOffset());
      const envelope = genesisEnvelope();
      hashes.push(leafHash(envelope).toString('hex'));
      expect(formatTimestamp(envelope.occurredAt)).toBe('2026-01-15T09:30:00.123Z');
    }
    // The zone really changed between computations, so the equal hashes mean something.
    expect(offsets).toEqual([0, -330, 210, -840]);
    expect(new Set(hashes)).toEqual(new Set([GENESIS_LEAF]));
  });

  it('gives the same leaf and chain hash in separate processes with different TZ', async () => {
    const script = `
      import { leafHash, chainHash, GENESIS_HASH } from './lib/audit/chain.ts';
      const e = JSON.parse(process.argv[1]);
      e.occurredAt = new Date(e.occurredAt);
      e.receivedAt = new Date(e.receivedAt);
      const leaf = leafHash(e);
      console.log(JSON.stringify({ offset: new Date(e.occurredAt).getTimezoneOffset(), leaf: leaf.toString('hex'), hash: chainHash(e.stream, e.seq, GENESIS_HASH, leaf).toString('hex') }));
    `;
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const zones = ['UTC', 'Asia/Kolkata', 'America/Los_Angeles'];
    const outputs = await Promise.all(
      zones.map(async (TZ) => {
        const { stdout } = await run(
          tsx,
          ['--input-type=module', '-e', script, JSON.stringify(genesisEnvelope())],
          {
            cwd: root,
            env: { ...process.env, TZ },
          },
        );
        return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
          offset: number;
          leaf: string;
          hash: string;
        };
      }),
    );
    expect(outputs.map((o) => o.offset)).toEqual([0, -330, 480]);
    for (const output of outputs) {
      expect(output.leaf).toBe(GENESIS_LEAF);
      expect(output.hash).toBe(GENESIS_CHAIN);
    }
  });
});

describe('chainHash', () => {
  const leaf = leafHash(genesisEnvelope());
  const base = chainHash(STREAM, 1, GENESIS_HASH, leaf).toString('hex');

  it('changes when any input changes', () => {
    const variants = [
      chainHash('0190a3f2-7c1e-7d3a-9b2f-1c2d3e4f5a6c', 1, GENESIS_HASH, leaf),
      chainHash(STREAM, 2, GENESIS_HASH, leaf),
      chainHash(STREAM, 0, GENESIS_HASH, leaf),
      chainHash(STREAM, 2 ** 32 + 1, GENESIS_HASH, leaf),
      chainHash(STREAM, 1, Buffer.alloc(32, 1), leaf),
      chainHash(STREAM, 1, Buffer.concat([Buffer.alloc(31, 0), Buffer.from([1])]), leaf),
      chainHash(STREAM, 1, GENESIS_HASH, Buffer.from(leaf.map((b, i) => (i === 31 ? b ^ 1 : b)))),
      chainHash(STREAM, 1, leaf, GENESIS_HASH), // prev and leaf swapped
    ].map((h) => h.toString('hex'));
    for (const v of variants) expect(v).not.toBe(base);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('is a pure function of its inputs', () => {
    expect(chainHash(STREAM, 1, GENESIS_HASH, leaf).toString('hex')).toBe(base);
    expect(chainHash(STREAM, 1, Buffer.alloc(32), Buffer.from(leaf)).toString('hex')).toBe(base);
  });

  it('encodes seq as an unsigned 64-bit big-endian integer', () => {
    const seq = 2 ** 40 + 5;
    expect(chainHash(STREAM, seq, GENESIS_HASH, leaf).toString('hex')).toBe(
      referenceChain(STREAM, seq, '00'.repeat(32), leaf.toString('hex')),
    );
    expect(chainHash(STREAM, Number.MAX_SAFE_INTEGER, GENESIS_HASH, leaf).toString('hex')).toBe(
      referenceChain(STREAM, Number.MAX_SAFE_INTEGER, '00'.repeat(32), leaf.toString('hex')),
    );
  });

  it('refuses a negative seq and a stream id that is not a uuid', () => {
    expect(() => chainHash(STREAM, -1, GENESIS_HASH, leaf)).toThrow();
    expect(() => chainHash('not-a-uuid', 1, GENESIS_HASH, leaf)).toThrow(/not a uuid/);
    expect(() => uuidBytes('0190a3f2-7c1e-7d3a-9b2f-1c2d3e4f5a6')).toThrow(/not a uuid/);
    expect(uuidBytes(STREAM).toString('hex')).toBe(STREAM.replace(/-/g, ''));
  });
});

describe('unicode and unstorable values', () => {
  it('does not normalise: precomposed é and e + combining accent hash differently', () => {
    const a = genesisEnvelope();
    a.actor.name = 'Jos\u00e9';
    const b = genesisEnvelope();
    b.actor.name = 'Jose\u0301';
    expect(a.actor.name.normalize('NFC')).toBe(b.actor.name.normalize('NFC'));
    expect(leafHash(a).equals(leafHash(b))).toBe(false);
  });

  it('hashes emoji, RTL override, zero-width space and Cyrillic as they are', () => {
    const names = ['👩‍💻 🏳️‍🌈', '\u202Eevil', 'ad\u200Bmin', 'аdmin', 'admin'];
    const hashes = names.map((name) => {
      const e = genesisEnvelope();
      e.actor.name = name;
      const bytes = canonicalBytes(e);
      expect(bytes.includes(Buffer.from(JSON.stringify(name).slice(1, -1), 'utf8'))).toBe(true);
      return leafHash(e).toString('hex');
    });
    expect(new Set(hashes).size).toBe(names.length);
  });

  it.each([
    ['a lone high surrogate in a name', (e: EventEnvelope) => (e.actor.name = 'x\uD800y')],
    [
      'a lone low surrogate at the end of a label',
      (e: EventEnvelope) => (e.target.label = 'x\uDC00'),
    ],
    [
      'a lone surrogate in a change value',
      (e: EventEnvelope) => (e.changes = [{ field: 'name', old: null, new: '\uD83D' }]),
    ],
    [
      'a lone surrogate deep in metadata',
      (e: EventEnvelope) => (e.metadata = { a: [{ b: '\uDBFF' }] }),
    ],
    ['a lone surrogate in a metadata key', (e: EventEnvelope) => (e.metadata = { ['k\uD800']: 1 })],
    ['NaN in metadata', (e: EventEnvelope) => (e.metadata = { n: Number.NaN })],
    ['Infinity in metadata', (e: EventEnvelope) => (e.metadata = { n: Number.POSITIVE_INFINITY })],
    [
      'an invalid occurredAt',
      (e: EventEnvelope) => (e.occurredAt = new Date('2026-02-30T00:00:00Z x')),
    ],
  ])('throws on %s', (_name, mutate) => {
    const envelope = genesisEnvelope();
    mutate(envelope);
    expect(() => leafHash(envelope)).toThrow();
  });
});

describe('formatTimestamp', () => {
  const FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

  it.each([
    ['the epoch', new Date(0), '1970-01-01T00:00:00.000Z'],
    ['a whole second', new Date('2026-03-01T12:00:00Z'), '2026-03-01T12:00:00.000Z'],
    ['a millisecond', new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 7)), '2026-01-01T00:00:00.007Z'],
    ['a leap day', new Date('2024-02-29T23:59:59.999Z'), '2024-02-29T23:59:59.999Z'],
    ['an offset input', new Date('2026-01-01T05:30:00+05:30'), '2026-01-01T00:00:00.000Z'],
    ['before the epoch', new Date('1900-06-01T00:00:00.001Z'), '1900-06-01T00:00:00.001Z'],
    ['the first year', new Date('0001-01-01T00:00:00.000Z'), '0001-01-01T00:00:00.000Z'],
    [
      'the last representable 4-digit year',
      new Date('9999-12-31T23:59:59.999Z'),
      '9999-12-31T23:59:59.999Z',
    ],
  ])('formats %s as 24 UTC characters', (_name, date, expected) => {
    const text = formatTimestamp(date);
    expect(text).toBe(expected);
    expect(text).toHaveLength(24);
    expect(text.endsWith('Z')).toBe(true);
  });

  it('is always 24 characters ending in Z over many random instants in years 1..9999', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const first = new Date('0001-01-01T00:00:00.000Z').getTime();
    const last = new Date('9999-12-31T23:59:59.999Z').getTime();
    for (let i = 0; i < 2000; i++) {
      const text = formatTimestamp(new Date(first + Math.floor(next() * (last - first))));
      expect(text).toMatch(FORMAT);
    }
  });

  it('rejects an invalid date', () => {
    expect(() => formatTimestamp(new Date(Number.NaN))).toThrow(/invalid timestamp/);
  });

  it.each([
    ['year 10000', new Date('+010000-01-01T00:00:00.000Z')],
    ['the largest Date', new Date(8.64e15)],
    ['a negative year', new Date('-000001-01-01T00:00:00.000Z')],
  ])('never returns another format for %s: it throws instead', (_name, date) => {
    // The documented format is YYYY-MM-DDTHH:mm:ss.sssZ; toISOString silently switches to a
    // six-digit signed year here, which a verifier in another language would not reproduce.
    let text: string | undefined;
    try {
      text = formatTimestamp(date);
    } catch {
      return;
    }
    expect(text).toMatch(FORMAT);
  });
});
