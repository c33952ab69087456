/**
 * Random evidence bundles for tests, built in memory (no database) exactly as VERIFY.md lays them
 * out: 1–3 source streams and the dashboard's stream, hash chains from lib/audit/chain.ts,
 * checkpoints signed with a fresh Ed25519 key (ids consecutive, each linking the previous), a
 * scope that keeps some events in full and redacts the rest, one or two stretches per stream,
 * the `evidence.export` event covered by the last (reason `export`) checkpoint, an optional
 * sample, and the zip from packBundle. Everything follows from the seed.
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import { chainHash, GENESIS_HASH, leafHash, type EventEnvelope } from '@/lib/audit/chain';
import { canonicalJson } from '@/lib/audit/jcs';
import { csvRecord } from '@/lib/export/csv';
import {
  CHECKPOINT_GENESIS,
  keyIdOf,
  publicKeyPem,
  signCheckpoint,
  type CheckpointBody,
  type CheckpointReason,
  type SignedCheckpoint,
} from '@/lib/integrity/format';
import { packBundle, sampleFiles, type BundleFile, type Manifest } from './pack';

/** An event as it appears in events.ndjson: the envelope with its timestamps formatted. */
export type WireEvent = Omit<EventEnvelope, 'occurredAt' | 'receivedAt'> & {
  occurredAt: string;
  receivedAt: string;
};

/** One chain entry; `inScope` decides whether the bundle carries it in full or redacted. */
export type Entry = {
  stream: string;
  seq: number;
  prevHash: string;
  hash: string;
  leaf: string;
  event: WireEvent;
  inScope: boolean;
};

export type TestStream = { id: string; name: string; entries: Entry[] };

export type Stretch = {
  stream: string;
  name: string;
  from: { seq: number; hash: string; checkpoint: number | null };
  to: { seq: number; hash: string; checkpoint: number };
};

export type ManifestInput = Omit<Manifest, 'files' | 'format' | 'keyId'>;

export type TestBundle = {
  zip: Buffer;
  publicKeyPem: string;
  privateKey: KeyObject;
  /** Every stream with every event, by id; entries[i].seq is i + 1. */
  streams: TestStream[];
  /** Every checkpoint issued (index id − 1), and those the bundle carries. */
  allCheckpoints: SignedCheckpoint[];
  checkpoints: SignedCheckpoint[];
  stretches: Stretch[];
  /** The entries of events.ndjson, in order (see entryLine). */
  lines: Entry[];
  /** The files given to packBundle (everything but VERIFY.md, manifest.json, manifest.sig). */
  files: BundleFile[];
  manifest: ManifestInput;
  exportEvent: { stream: string; seq: number };
  exportCheckpoint: number;
  sample: { seed: string; size: number; population: string[]; drawn: string[] } | null;
};

// --- a small seeded random source --------------------------------------------------------------

export type Rng = {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  hex(bytes: number): string;
};

export function rng(seed: number): Rng {
  let a = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chance: (p) => next() < p,
    hex: (bytes) =>
      Array.from({ length: bytes }, () => int(256).toString(16).padStart(2, '0')).join(''),
  };
}

function uuid(r: Rng): string {
  const h = r.hex(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

// --- realistic event content --------------------------------------------------------------------

const PEOPLE = [
  { id: 'u-1', name: 'Ada Admin', email: 'ada@example.com' },
  { id: 'u-2', name: 'José Müller 😀', email: 'josé@exämple.com' },
  { id: 'u-3', name: '王小明', email: null },
  { id: 'u-4', name: 'Renée O\'Brien "RB"', email: 'renee@example.com' },
  { id: null, name: null, email: null },
];
const WORDS = [
  'screening',
  'offer',
  'Zoë',
  'line\u2028break',
  'tab\there',
  '€ 100',
  '🎉',
  'ﬁne',
  '',
];
const NUMBERS = [0, -0, 1, 42, 0.1, 1e21, 2e-7, -3.5, 2 ** 53 - 1];

function value(r: Rng, depth: number): unknown {
  const k = r.int(depth > 1 ? 4 : 6);
  if (k === 0) return null;
  if (k === 1) return r.pick(NUMBERS);
  if (k === 2) return r.pick(WORDS);
  if (k === 3) return r.chance(0.5);
  if (k === 4) return Array.from({ length: r.int(3) }, () => value(r, depth + 1));
  return Object.fromEntries(
    Array.from({ length: r.int(4) }, () => [
      r.pick(['A', 'z', 'é', '€', '😀', 'key', '10', '9']),
      value(r, depth + 1),
    ]),
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

function sourceContent(r: Rng) {
  const person = r.pick(PEOPLE);
  return {
    sourceEventId: r.chance(0.8) ? `ext-${r.hex(4)}` : null,
    action: r.pick(['candidate.update', 'offer.create', 'employee.update', 'record.delete']),
    outcome: r.chance(0.9) ? ('success' as const) : ('failure' as const),
    actor: {
      ...person,
      type: person.id ? 'user' : 'system',
      ip: r.chance(0.7) ? r.pick(['203.0.113.7', '2001:db8::1']) : null,
      userAgent: r.chance(0.5) ? 'Mozilla/5.0' : null,
      timeZone: r.chance(0.5) ? r.pick(['Europe/Berlin', 'Asia/Kolkata']) : null,
    },
    target: {
      type: r.pick(['candidate', 'offer', 'employee']),
      id: `t-${r.int(1000)}`,
      label: r.chance(0.6) ? r.pick(WORDS) : null,
    },
    changes: Array.from({ length: r.int(4) }, () => ({
      field: r.pick(['stage', 'salary', 'name', 'notes']),
      old: value(r, 1),
      new: value(r, 1),
    })),
    requestId: r.chance(0.5) ? `req-${r.hex(4)}` : null,
    sessionId: r.chance(0.3) ? `s-${r.hex(4)}` : null,
    reason: r.chance(0.2) ? r.pick(WORDS) : null,
    metadata: r.chance(0.5) ? (value(r, 0) as Record<string, unknown>) : {},
    flags: r.chance(0.1) ? ['late'] : [],
  };
}

type Content = ReturnType<typeof sourceContent>;

function dashboardContent(r: Rng, action: string): Content {
  const content = sourceContent(r);
  return { ...content, sourceEventId: null, action, changes: content.changes.slice(0, 1) };
}

// --- lines of the bundle's files ----------------------------------------------------------------

/** An events.ndjson line (without its \n): JCS of the full or the redacted entry. */
export function entryLine(e: Entry): string {
  const base = { hash: e.hash, prevHash: e.prevHash, seq: e.seq, stream: e.stream };
  return canonicalJson(e.inScope ? { event: e.event, ...base } : { leaf: e.leaf, ...base });
}

export const ndjson = (lines: string[]) => Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');

export const checkpointLine = (c: SignedCheckpoint) =>
  canonicalJson({ body: c.body, hash: c.hash, keyId: c.keyId, signature: c.signature });

export const keyFileName = (keyId: string) => `keys/${keyId.replace(':', '-')}.pem`;

/** The hash of the entry, recomputed with lib/audit/chain.ts. */
export function hashEntry(stream: string, seq: number, prevHash: string, event: WireEvent) {
  const envelope: EventEnvelope = {
    ...event,
    occurredAt: new Date(event.occurredAt),
    receivedAt: new Date(event.receivedAt),
  };
  const leaf = leafHash(envelope);
  return {
    leaf: leaf.toString('hex'),
    hash: chainHash(stream, seq, Buffer.from(prevHash, 'hex'), leaf).toString('hex'),
  };
}

/** Ranks for sampling (VERIFY.md, "Sampling"). */
export function drawSample(population: string[], seed: string, size: number): string[] {
  const rank = (h: string) =>
    createHash('sha256')
      .update(Buffer.from(seed, 'hex'))
      .update(Buffer.from(h, 'hex'))
      .digest('hex');
  return population
    .map((h) => ({ h, r: rank(h) }))
    .sort((a, b) => (a.r < b.r ? -1 : a.r > b.r ? 1 : 0))
    .slice(0, size)
    .map((x) => x.h);
}

// --- the generator ------------------------------------------------------------------------------

export function makeTestBundle(options: { seed: number; sample?: boolean }): TestBundle {
  const r = rng(options.seed);
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = publicKeyPem(privateKey);
  const sourceNames = ['source:crm', 'source:hr', 'source:ats'].slice(0, 1 + r.int(3));
  const streams: TestStream[] = ['dashboard', ...sourceNames]
    .map((name) => ({ id: uuid(r), name, entries: [] as Entry[] }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const dashboard = streams.find((s) => s.name === 'dashboard')!;
  let now = Date.UTC(2026, 0, 1) + r.int(1e10);

  const head = (s: TestStream) => s.entries.at(-1)?.hash ?? GENESIS_HASH.toString('hex');
  const append = (s: TestStream, content: Content): Entry => {
    now += 1 + r.int(600_000);
    const seq = s.entries.length + 1;
    const prevHash = head(s);
    const event: WireEvent = {
      stream: s.id,
      seq,
      ...content,
      occurredAt: iso(now - r.int(5000)),
      receivedAt: iso(now),
    };
    const entry: Entry = {
      stream: s.id,
      seq,
      prevHash,
      ...hashEntry(s.id, seq, prevHash, event),
      event,
      inScope: false,
    };
    s.entries.push(entry);
    return entry;
  };

  const allCheckpoints: SignedCheckpoint[] = [];
  const checkpoint = (reason: CheckpointReason) => {
    now += 1 + r.int(300_000);
    allCheckpoints.push(
      signCheckpoint(
        {
          id: allCheckpoints.length + 1,
          issuedAt: iso(now),
          prev: allCheckpoints.at(-1)?.hash ?? CHECKPOINT_GENESIS,
          reason,
          streams: streams.map((s) => ({
            id: s.id,
            name: s.name,
            seq: s.entries.length,
            head: head(s),
          })),
        },
        privateKey,
      ),
    );
  };

  // The history: events in random streams, checkpoints now and then (also with nothing new).
  if (r.chance(0.5)) checkpoint('interval');
  const count = 3 + r.int(30);
  for (let i = 0; i < count; i++) {
    const s = r.pick(streams);
    append(
      s,
      s === dashboard
        ? dashboardContent(r, r.pick(['auth.sign_in', 'user.role_change', 'alert.resolve']))
        : sourceContent(r),
    );
    if (r.chance(0.25)) checkpoint(r.chance(0.8) ? 'interval' : 'manual');
    if (r.chance(0.05)) checkpoint('interval');
  }
  // The export: its event, perhaps a concurrent dashboard action, then the export checkpoint.
  const exportEntry = append(dashboard, {
    ...dashboardContent(r, 'evidence.export'),
    target: {
      type: 'evidence_bundle',
      id: r.hex(8),
      label: 'every event, 2026-01-01 to 2026-12-31',
    },
    metadata: {
      scope: { from: '2026-01-01T00:00:00.000Z', to: '2026-12-31T00:00:00.000Z' },
      events: 0,
    },
  });
  exportEntry.inScope = true;
  for (let i = r.int(3); i > 0; i--) append(dashboard, dashboardContent(r, 'auth.sign_in'));
  checkpoint('export');
  const exportCheckpoint = allCheckpoints.length;

  // The stretches: between checkpoints (or the genesis), one or two per stream in scope.
  const bodies = allCheckpoints.map((c) => JSON.parse(c.body) as CheckpointBody);
  const stretches: Stretch[] = [];
  for (const s of streams) {
    // Every seq a checkpoint (or the genesis) anchors, with the checkpoints that list it.
    const marks = new Map<number, { hash: string; checkpoints: (number | null)[] }>([
      [0, { hash: GENESIS_HASH.toString('hex'), checkpoints: [null] }],
    ]);
    for (const b of bodies) {
      const listed = b.streams.find((x) => x.id === s.id)!;
      const mark = marks.get(listed.seq) ?? { hash: listed.head, checkpoints: [] };
      mark.checkpoints.push(b.id);
      marks.set(listed.seq, mark);
    }
    const seqs = [...marks.keys()].sort((a, b) => a - b);
    const end = (seq: number, to: boolean) => {
      const m = marks.get(seq)!;
      const ids = to ? m.checkpoints.filter((c): c is number => c !== null) : m.checkpoints;
      return { seq, hash: m.hash, checkpoint: r.pick(ids) };
    };
    const add = (from: number, to: number, toCheckpoint?: number) =>
      stretches.push({
        stream: s.id,
        name: s.name,
        from: end(from, false),
        to: toCheckpoint
          ? { ...end(to, true), checkpoint: toCheckpoint }
          : (end(to, true) as Stretch['to']),
      });
    if (s === dashboard) {
      // The last stretch holds the export event and ends at the export checkpoint.
      const lastSeq = seqs.at(-1)!;
      const before = seqs.filter((q) => q < exportEntry.seq);
      const from = r.pick(before);
      const earlier = before.filter((q) => q <= from);
      if (earlier.length >= 2 && r.chance(0.4)) {
        const a = r.int(earlier.length - 1);
        const b = a + 1 + r.int(earlier.length - 1 - a);
        add(earlier[a]!, earlier[b]!);
      }
      add(from, lastSeq, exportCheckpoint);
    } else if (seqs.length >= 2 && r.chance(0.85)) {
      const picks = new Set<number>();
      const want = seqs.length >= 4 && r.chance(0.4) ? 4 : 2;
      while (picks.size < want) picks.add(r.int(seqs.length));
      const chosen = [...picks].sort((a, b) => a - b).map((i) => seqs[i]!);
      add(chosen[0]!, chosen[1]!);
      if (want === 4) add(chosen[2]!, chosen[3]!);
    }
  }
  stretches.sort((a, b) =>
    a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.from.seq - b.from.seq,
  );

  // The scope: most entries of a stretch in full, the others redacted.
  const lines: Entry[] = [];
  for (const st of stretches) {
    const s = streams.find((x) => x.id === st.stream)!;
    for (let seq = st.from.seq + 1; seq <= st.to.seq; seq++) {
      const e = s.entries[seq - 1]!;
      if (e !== exportEntry) e.inScope = r.chance(0.7);
      lines.push(e);
    }
  }

  // The sample: of the change events in the stretches; the drawn ones are in scope.
  let sample: TestBundle['sample'] = null;
  if (options.sample) {
    const population = lines
      .filter((e) => e.event.changes.length > 0)
      .map((e) => e.hash)
      .sort();
    if (population.length > 0) {
      const seed = r.hex(1 + r.int(16));
      const size = 1 + r.int(5);
      const drawn = drawSample(population, seed, size);
      for (const e of lines) if (drawn.includes(e.hash)) e.inScope = true;
      sample = { seed, size, population, drawn };
    }
  }

  // The files.
  const used = new Set<number>([exportCheckpoint]);
  for (const st of stretches) {
    if (st.from.checkpoint !== null) used.add(st.from.checkpoint);
    used.add(st.to.checkpoint);
  }
  const checkpoints = allCheckpoints.filter((c, i) => used.has(i + 1) || r.chance(0.4));
  const keyId = keyIdOf(createPublicKey(privateKey));
  const csvRows = [
    csvRecord([
      'occurred_at',
      'stream',
      'seq',
      'action',
      'actor_name',
      'field',
      'old',
      'new',
      'hash',
    ]),
  ];
  for (const e of lines.filter((x) => x.inScope)) {
    const changes = e.event.changes.length ? e.event.changes : [null];
    for (const c of changes)
      csvRows.push(
        csvRecord([
          e.event.occurredAt,
          streams.find((s) => s.id === e.stream)!.name,
          e.seq,
          e.event.action,
          e.event.actor.name,
          c?.field ?? '',
          c ? JSON.stringify(c.old) : '',
          c ? JSON.stringify(c.new) : '',
          e.hash,
        ]),
      );
  }
  const files: BundleFile[] = [
    { path: 'events.ndjson', bytes: ndjson(lines.map(entryLine)) },
    { path: 'chains.json', bytes: Buffer.from(JSON.stringify(stretches, null, 1) + '\n', 'utf8') },
    { path: 'checkpoints.ndjson', bytes: ndjson(checkpoints.map(checkpointLine)) },
    { path: keyFileName(keyId), bytes: Buffer.from(pem, 'utf8') },
    { path: 'events.csv', bytes: Buffer.from(csvRows.join(''), 'utf8') },
    { path: 'alerts.json', bytes: Buffer.from('[]\n', 'utf8') },
  ];
  if (sample) files.push(...sampleFiles(sample));
  const manifest: ManifestInput = {
    createdAt: iso(now),
    createdBy: { id: 'u-auditor', name: 'Ann Auditor', role: 'auditor' },
    scope: {
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-12-31T00:00:00.000Z',
      description: 'every event',
    },
    exportCheckpoint,
    exportEvent: { stream: dashboard.id, seq: exportEntry.seq },
    counts: {
      events: lines.filter((e) => e.inScope).length,
      redacted: lines.filter((e) => !e.inScope).length,
      checkpoints: checkpoints.length,
      alerts: 0,
    },
  };
  return {
    zip: packBundle({ files, manifest, privateKey }),
    publicKeyPem: pem,
    privateKey,
    streams,
    allCheckpoints,
    checkpoints,
    stretches,
    lines,
    files,
    manifest,
    exportEvent: manifest.exportEvent,
    exportCheckpoint,
    sample,
  };
}

/**
 * Packs the bundle again with some files replaced (a valid manifest and signature over the new
 * files): what only the holder of the signing key could do, so that the verifier's finding is
 * about the content, not the manifest.
 */
export function repack(
  bundle: TestBundle,
  replace: Record<string, Buffer | string>,
  options: { privateKey?: KeyObject; manifest?: Partial<ManifestInput>; drop?: string[] } = {},
): Buffer {
  const files = bundle.files
    .filter((f) => !options.drop?.includes(f.path) && !(f.path in replace))
    .concat(
      Object.entries(replace).map(([p, bytes]) => ({
        path: p,
        bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes,
      })),
    );
  return packBundle({
    files,
    manifest: { ...bundle.manifest, ...options.manifest },
    privateKey: options.privateKey ?? bundle.privateKey,
  });
}

/** The entries of a zip, and a zip of entries written as packBundle writes them. */
export function unzipEntries(zip: Buffer): Map<string, Buffer> {
  return new Map(Object.entries(unzipSync(zip)).map(([k, v]) => [k, Buffer.from(v)]));
}

export function zipEntries(entries: Map<string, Buffer>, createdAt = '2026-06-01T00:00:00.000Z') {
  return Buffer.from(
    zipSync(Object.fromEntries(entries), { level: 6, mtime: new Date(createdAt) }),
  );
}

// --- the auditor's verifier (plain JavaScript, loaded at run time) ------------------------------

export type VerifyFailure = {
  ok: false;
  file: string;
  where: string;
  reason: string;
  message: string;
};
export type VerifySummary = {
  streams: number;
  events: number;
  redacted: number;
  checkpoints: number[];
  keys: { keyId: string; fingerprint: string }[];
  exportCheckpoint: { id: number; issuedAt: string };
  sample: { size: number; drawn: number; population: number; seed: string } | null;
};
export type VerifyResult = { ok: true; summary: VerifySummary } | VerifyFailure;

export type Verifier = {
  verifyBundle(zip: Buffer, publicKeyPems: string[], options?: { name?: string }): VerifyResult;
  canonicalJson(value: unknown): string;
  leafHash(event: unknown): string;
  chainHash(stream: string, seq: number, prevHash: string, leaf: string): string;
  keyIdOf(key: KeyObject): { keyId: string; fingerprint: string };
};

export const VERIFIER_PATH = path.join(
  import.meta.dirname,
  '..',
  '..',
  'scripts',
  'verify-bundle.mjs',
);

export async function loadVerifier(): Promise<Verifier> {
  return (await import(/* @vite-ignore */ pathToFileURL(VERIFIER_PATH).href)) as Verifier;
}
