/**
 * Packs an evidence bundle into its zip (lib/evidence/VERIFY.md is the contract; the auditor's
 * verifier is scripts/verify-bundle.mjs).
 *
 * The zip is written with `fflate`: small, maintained, zero-dependency, pure JavaScript, with
 * synchronous and streaming zip writers. Its synchronous writer produces exactly the container
 * VERIFY.md ("The zip") allows: entries back to back, then the central directory, then the end
 * record; version 20, no extra fields, comments, attributes or data descriptors. Every entry is
 * deflated at level 6, and every timestamp is the manifest's createdAt, so the same input gives
 * the same bytes.
 */
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { canonicalJson } from '@/lib/audit/jcs';
import { keyIdOf } from '@/lib/integrity/format';
import testVectors from './test-vectors.json';

export const BUNDLE_FORMAT = 'whochanged.bundle.v1';

export type ManifestFile = { path: string; bytes: number; sha256: string };

export type Manifest = {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  createdBy: { id: string; name: string; role: string };
  scope: Record<string, unknown>;
  /** The key that signed manifest.json (manifest.sig). */
  keyId: string;
  /** The checkpoint issued right after the export event (reason `export`). */
  exportCheckpoint: number;
  /** The `evidence.export` audit event, in scope in events.ndjson. */
  exportEvent: { stream: string; seq: number };
  /** In-scope and redacted entries of events.ndjson, lines of checkpoints.ndjson, alerts. */
  counts: { events: number; redacted: number; checkpoints: number; alerts: number };
  /** Every file of the zip except manifest.json and manifest.sig. */
  files: ManifestFile[];
};

export type BundleFile = { path: string; bytes: Buffer };

/** The file names VERIFY.md allows: relative, of letters, digits, `.`, `_`, `-` and `/`. */
const SAFE_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const RESERVED = new Set(['manifest.json', 'manifest.sig', 'VERIFY.md']);

type Vector = {
  name: string;
  description: string;
  stream: string;
  seq: number;
  prevHash: string;
  event: Record<string, unknown>;
  leaf: string;
  hash: string;
  valid: boolean;
  reason?: string;
};

/** JSON with every non-ASCII character as a \u escape: the same value, but nothing invisible. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The test vectors as the markdown that replaces {{TEST_VECTORS}} in VERIFY.md. */
export function renderTestVectors(vectors: Vector[] = testVectors as Vector[]): string {
  const parts: string[] = [
    'Each vector gives an entry (`stream`, `seq`, `prevHash`, `event`) and the `leaf` and `hash` a',
    'verifier must compute from it: for a valid vector both match, for an invalid one they do not',
    'and the verifier reports the reason given. The canonical text is shown as UTF-8 (invisible',
    'characters such as U+2028 appear as themselves); the JSON at the end writes every',
    'non-ASCII character as a `\\u` escape.',
    '',
  ];
  vectors.forEach((v, i) => {
    parts.push(
      `### ${i + 1}. ${v.name} (${v.valid ? 'valid' : `invalid: ${v.reason}`})`,
      '',
      v.description,
      '',
      `- stream \`${v.stream}\`, seq ${v.seq}`,
      `- prevHash \`${v.prevHash}\``,
      `- leaf \`${v.leaf}\``,
      `- hash \`${v.hash}\``,
      '',
      'JCS(event), the bytes after `0x00` in the leaf:',
      '',
      '```',
      canonicalJson(v.event),
      '```',
      '',
    );
  });
  parts.push('All vectors as JSON:', '', '```json', asciiJson(vectors), '```');
  return parts.join('\n');
}

/** VERIFY.md as it goes into every bundle: the page with its test vectors filled in. */
export function verifyDocument(): Buffer {
  const page = readFileSync(path.join(process.cwd(), 'lib/evidence/VERIFY.md'), 'utf8');
  if (!page.includes('{{TEST_VECTORS}}')) throw new Error('VERIFY.md has no {{TEST_VECTORS}}');
  return Buffer.from(
    page.replace('{{TEST_VECTORS}}', () => renderTestVectors()),
    'utf8',
  );
}

/** DOS timestamps in a zip cover 1980–2107 (fflate: to 2099); outside that, 1980-01-01. */
function zipTime(createdAt: string): Date {
  const date = new Date(createdAt);
  const year = date.getUTCFullYear();
  return Number.isNaN(date.getTime()) || year < 1981 || year > 2098 ? new Date(1980, 0, 2) : date;
}

/**
 * The bundle's zip: the given files, VERIFY.md, manifest.json (the SHA-256 and size of every
 * other file, the signing key's id) and manifest.sig (Ed25519 over the exact bytes of
 * manifest.json, base64 and a newline).
 */
export function packBundle(input: {
  files: BundleFile[];
  manifest: Omit<Manifest, 'files' | 'format' | 'keyId'>;
  privateKey: KeyObject;
}): Buffer {
  const files: BundleFile[] = [...input.files, { path: 'VERIFY.md', bytes: verifyDocument() }];
  const seen = new Set<string>();
  for (const f of input.files) {
    if (!SAFE_NAME.test(f.path) || f.path.split('/').some((s) => s === '.' || s === '..'))
      throw new Error(`unsafe file name in a bundle: ${f.path}`);
    if (RESERVED.has(f.path)) throw new Error(`${f.path} is written by packBundle itself`);
    if (seen.has(f.path.toLowerCase())) throw new Error(`${f.path} occurs twice in the bundle`);
    seen.add(f.path.toLowerCase());
  }

  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    createdAt: input.manifest.createdAt,
    createdBy: input.manifest.createdBy,
    scope: input.manifest.scope,
    keyId: keyIdOf(createPublicKey(input.privateKey)),
    exportCheckpoint: input.manifest.exportCheckpoint,
    exportEvent: input.manifest.exportEvent,
    counts: input.manifest.counts,
    files: files.map((f) => ({
      path: f.path,
      bytes: f.bytes.length,
      sha256: createHash('sha256').update(f.bytes).digest('hex'),
    })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
  const signature = sign(null, manifestBytes, input.privateKey).toString('base64');

  // The manifest and its signature first, then the files as listed.
  const entries: Zippable = {
    'manifest.json': manifestBytes,
    'manifest.sig': Buffer.from(signature + '\n', 'utf8'),
  };
  for (const f of files) entries[f.path] = f.bytes;
  return Buffer.from(zipSync(entries, { level: 6, mtime: zipTime(manifest.createdAt) }));
}

/**
 * population.txt (the population's chain hashes, sorted, one per line) and sample.json (the
 * seed, the size, the population's count and hash, and the drawn hashes): VERIFY.md, "Sampling".
 */
export function sampleFiles(sample: {
  seed: string;
  size: number;
  population: string[];
  drawn: string[];
}): BundleFile[] {
  const population = sample.population.map((h) => `${h}\n`).join('');
  const json = {
    method: 'sha256-rank-v1',
    seed: sample.seed,
    size: sample.size,
    populationCount: sample.population.length,
    populationHash: createHash('sha256').update(population, 'utf8').digest('hex'),
    sample: sample.drawn,
  };
  return [
    { path: 'population.txt', bytes: Buffer.from(population, 'utf8') },
    { path: 'sample.json', bytes: Buffer.from(JSON.stringify(json, null, 1) + '\n', 'utf8') },
  ];
}
