#!/usr/bin/env node
/**
 * verify-bundle.mjs — checks a WhoChanged evidence bundle with nothing but Node.js (20 or later).
 *
 *     node verify-bundle.mjs bundle.zip --public-key whochanged.pem [--public-key old-key.pem]
 *
 * Prints PASS and a short summary (exit code 0), or
 *     FAIL: <file> <record>: <reason> — <what is wrong>
 * for the first problem found (exit code 1). Wrong usage prints how to call it (exit code 2).
 *
 * The bundle's byte layout, and the order in which this script checks it, are in the bundle's
 * VERIFY.md. Trust comes only from the public keys given with --public-key, never from the
 * bundle's own keys/ folder. The script reads the zip itself (no unzip tool), so what it checks is
 * exactly the file you received.
 *
 * It can also be imported: verifyBundle(zipBytes, publicKeyPems) returns
 * { ok: true, summary } or { ok: false, file, where, reason, message }.
 */
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const GENESIS = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;
const isHex = (v) => typeof v === 'string' && HEX64.test(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SIGNATURE_B64 = /^[A-Za-z0-9+/]{86}==$/; // 64 bytes
const BUNDLE_FORMAT = 'whochanged.bundle.v1';
const CHECKPOINT_FORMAT = 'whochanged.checkpoint.v1';
const REASONS = new Set(['interval', 'export', 'manual']);

// ---------------------------------------------------------------------------------------------
// Failures: the first one found ends the check.
// ---------------------------------------------------------------------------------------------

class Failure extends Error {
  constructor(file, where, reason, message) {
    super(message);
    this.file = file;
    this.where = where;
    this.reason = reason;
  }
}

function fail(file, where, reason, message) {
  throw new Failure(file, where, reason, message);
}

// ---------------------------------------------------------------------------------------------
// Hashes (VERIFY.md, "Hashes")
// ---------------------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * RFC 8785 canonical JSON of a value as JSON.parse returns it: object keys sorted by UTF-16 code
 * units (what JavaScript's default sort compares), no whitespace, numbers and strings written as
 * JSON.stringify writes them (ECMAScript's shortest form). Lone surrogates and non-finite numbers
 * have no canonical form and are refused.
 */
export function canonicalJson(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new Error('a string holds a lone surrogate');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const keys = Object.keys(value).sort();
      return `{${keys.map((k) => `${canonicalJson(k)}:${canonicalJson(value[k])}`).join(',')}}`;
    }
    default:
      throw new Error(`a ${typeof value} is not a JSON value`);
  }
}

function sha256(...parts) {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
}

const sha256Hex = (bytes) => sha256(bytes).toString('hex');

/** leaf = SHA-256(0x00 || JCS(event)), hex. */
export function leafHash(event) {
  return sha256(Buffer.from([0x00]), Buffer.from(canonicalJson(event), 'utf8')).toString('hex');
}

/** hash = SHA-256(0x01 || uuid (16 bytes) || u64be(seq) || prevHash || leaf), hex in and out. */
export function chainHash(stream, seq, prevHash, leaf) {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(BigInt(seq));
  return sha256(
    Buffer.from([0x01]),
    Buffer.from(stream.replace(/-/g, ''), 'hex'),
    seqBytes,
    Buffer.from(prevHash, 'hex'),
    Buffer.from(leaf, 'hex'),
  ).toString('hex');
}

/** checkpointHash = SHA-256(0x02 || body), hex. */
export function checkpointHash(body) {
  return sha256(Buffer.from([0x02]), Buffer.from(body, 'utf8')).toString('hex');
}

/** Key id and fingerprint of an Ed25519 public key: SHA-256 of its raw 32 bytes. */
export function keyIdOf(key) {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('not an Ed25519 key');
  const fingerprint = sha256Hex(Buffer.from(jwk.x, 'base64url'));
  return { keyId: `ed25519:${fingerprint.slice(0, 16)}`, fingerprint };
}

/** The keys you trust, by key id. Throws on a PEM that is not an Ed25519 key. */
export function pinKeys(publicKeyPems) {
  const pinned = new Map();
  publicKeyPems.forEach((pem, i) => {
    let key;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new Error(`public key ${i + 1} is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== 'ed25519')
      throw new Error(`public key ${i + 1} is not an Ed25519 key`);
    const { keyId, fingerprint } = keyIdOf(key);
    pinned.set(keyId, { key, keyId, fingerprint });
  });
  return pinned;
}

// ---------------------------------------------------------------------------------------------
// The zip (VERIFY.md, "The zip"): every byte must be accounted for.
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const SAFE_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads the entries of the zip into a Map of name → bytes, in the order of the zip. */
function readZip(zip, zipName) {
  const bad = (where, message) => fail(zipName, where, 'bad_zip', message);
  if (zip.length < 22) bad('', 'the file is too short to be a zip');

  // End of central directory: 22 bytes, which must end the file (no archive comment).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--)
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) bad('', 'no end-of-central-directory record: not a zip file');
  if (zip.readUInt16LE(eocd + 20) !== 0 || eocd + 22 !== zip.length)
    bad('', 'bytes or an archive comment follow the end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (
    (eocd >= 20 && zip.readUInt32LE(eocd - 20) === 0x07064b50) ||
    count === 0xffff ||
    cdSize === 0xffffffff ||
    cdOffset === 0xffffffff
  )
    bad('', 'ZIP64 is not allowed');
  if (zip.readUInt16LE(eocd + 4) !== 0 || zip.readUInt16LE(eocd + 6) !== 0)
    bad('', 'multi-disk zips are not allowed');
  if (zip.readUInt16LE(eocd + 8) !== count) bad('', 'the two entry counts differ');
  if (cdOffset + cdSize !== eocd)
    bad('', 'the central directory does not end where the end record begins');

  // Central directory entries, then each entry's local header and data, back to back from 0.
  const entries = new Map();
  const lowerNames = new Set();
  let cd = cdOffset;
  let next = 0; // where the next local header must begin
  for (let i = 0; i < count; i++) {
    if (cd + 46 > eocd || zip.readUInt32LE(cd) !== 0x02014b50)
      bad(`central directory entry ${i + 1}`, 'not a central directory entry');
    const h = {
      madeBy: zip.readUInt16LE(cd + 4),
      needed: zip.readUInt16LE(cd + 6),
      flags: zip.readUInt16LE(cd + 8),
      method: zip.readUInt16LE(cd + 10),
      time: zip.readUInt16LE(cd + 12),
      date: zip.readUInt16LE(cd + 14),
      crc: zip.readUInt32LE(cd + 16),
      compressed: zip.readUInt32LE(cd + 20),
      size: zip.readUInt32LE(cd + 24),
    };
    const nameLength = zip.readUInt16LE(cd + 28);
    const extraLength = zip.readUInt16LE(cd + 30);
    const commentLength = zip.readUInt16LE(cd + 32);
    const disk = zip.readUInt16LE(cd + 34);
    const internalAttributes = zip.readUInt16LE(cd + 36);
    const externalAttributes = zip.readUInt32LE(cd + 38);
    const offset = zip.readUInt32LE(cd + 42);
    if (cd + 46 + nameLength > eocd) bad(`central directory entry ${i + 1}`, 'the name is cut off');
    const nameBytes = zip.subarray(cd + 46, cd + 46 + nameLength);
    let name;
    try {
      name = UTF8.decode(nameBytes);
    } catch {
      bad(`central directory entry ${i + 1}`, 'the name is not UTF-8');
    }
    const where = `entry ${name}`;
    if (!SAFE_NAME.test(name) || name.split('/').some((s) => s === '.' || s === '..'))
      bad(where, 'unsafe or unexpected file name');
    if (lowerNames.has(name.toLowerCase())) bad(where, 'a file name occurs twice');
    lowerNames.add(name.toLowerCase());
    if (h.compressed === 0xffffffff || h.size === 0xffffffff || offset === 0xffffffff)
      bad(where, 'ZIP64 is not allowed');
    if (h.flags & 0x41) bad(where, 'encrypted entries are not allowed');
    if (h.flags & 0x08) bad(where, 'data descriptors are not allowed');
    if ((h.flags & ~0x0800) !== 0) bad(where, `unexpected general-purpose flags ${h.flags}`);
    if (h.method !== 0 && h.method !== 8)
      bad(where, `compression method ${h.method} is not allowed`);
    if (h.madeBy !== 20 || h.needed !== 20) bad(where, 'unexpected "version made by" or "needed"');
    if (extraLength || commentLength) bad(where, 'extra fields and comments are not allowed');
    if (disk || internalAttributes || externalAttributes)
      bad(where, 'unexpected disk number or file attributes');
    cd += 46 + nameLength;

    // The local header: at the next position, agreeing with the central directory.
    if (offset !== next || offset + 30 > cdOffset || zip.readUInt32LE(offset) !== 0x04034b50)
      bad(where, 'the local header is not where the entries follow one another');
    const local = {
      needed: zip.readUInt16LE(offset + 4),
      flags: zip.readUInt16LE(offset + 6),
      method: zip.readUInt16LE(offset + 8),
      time: zip.readUInt16LE(offset + 10),
      date: zip.readUInt16LE(offset + 12),
      crc: zip.readUInt32LE(offset + 14),
      compressed: zip.readUInt32LE(offset + 18),
      size: zip.readUInt32LE(offset + 22),
    };
    const localNameLength = zip.readUInt16LE(offset + 26);
    const localExtraLength = zip.readUInt16LE(offset + 28);
    for (const field of Object.keys(local))
      if (local[field] !== h[field])
        bad(where, `the local header and the central directory disagree (${field})`);
    if (localNameLength !== nameLength || localExtraLength !== 0)
      bad(where, 'the local header and the central directory disagree (name)');
    const start = offset + 30 + nameLength;
    if (start + h.compressed > cdOffset) bad(where, 'the data runs into the central directory');
    if (!zip.subarray(offset + 30, start).equals(nameBytes))
      bad(where, 'the local header and the central directory disagree (name)');
    next = start + h.compressed;

    // The data: stored or deflated, of the stated size and CRC-32.
    const raw = zip.subarray(start, next);
    let data;
    if (h.method === 0) data = raw;
    else
      try {
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, h.size) });
      } catch {
        bad(where, 'the deflated data is damaged or larger than stated');
      }
    if (data.length !== h.size) bad(where, 'the data is not of the stated size');
    if (crc32(data) !== h.crc) bad(where, 'the CRC-32 does not match the data');
    entries.set(name, data);
  }
  if (cd !== eocd) bad('', 'the central directory is not of the stated size');
  if (next !== cdOffset) bad('', 'bytes lie between the last entry and the central directory');
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Reading the files
// ---------------------------------------------------------------------------------------------

function utf8(file, bytes, where = '') {
  try {
    return UTF8.decode(bytes);
  } catch {
    return fail(file, where, 'bad_format', 'not UTF-8 text');
  }
}

function parseJson(file, where, text) {
  try {
    return JSON.parse(text);
  } catch {
    return fail(file, where, 'bad_format', 'not valid JSON');
  }
}

/**
 * The lines of a file whose every line ends in \n (an empty file has none), one at a time and
 * straight from the bytes, so that a file larger than the largest JavaScript string still reads.
 * (No byte of a multi-byte UTF-8 character is \n, so splitting the bytes is safe.)
 */
function* lines(file, bytes) {
  if (bytes.length && bytes[bytes.length - 1] !== 0x0a)
    fail(file, '', 'bad_format', 'the last line does not end in \\n');
  for (let start = 0, n = 1; start < bytes.length; n++) {
    const end = bytes.indexOf(0x0a, start);
    if (end === start) fail(file, `line ${n}`, 'bad_format', 'a blank line');
    yield utf8(file, bytes.subarray(start, end), `line ${n}`);
    start = end + 1;
  }
}

/** A JSON object written as its own JCS (so nothing in it can be read two ways). */
function canonicalLine(file, where, line) {
  const value = parseJson(file, where, line);
  let canonical;
  try {
    canonical = canonicalJson(value);
  } catch (error) {
    fail(file, where, 'bad_format', `no canonical form: ${error.message}`);
  }
  if (canonical !== line)
    fail(file, where, 'bad_format', 'the line is not in canonical form (JCS)');
  if (!isObject(value)) fail(file, where, 'bad_format', 'not a JSON object');
  return value;
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v) => Number.isSafeInteger(v) && v >= 0;
const hasKeys = (o, keys) =>
  isObject(o) && Object.keys(o).sort().join() === [...keys].sort().join();

// ---------------------------------------------------------------------------------------------
// checkpoints.ndjson (VERIFY.md, "checkpoints.ndjson")
// ---------------------------------------------------------------------------------------------

function readCheckpoints(bytes, pinned, usedKeys) {
  const FILE = 'checkpoints.ndjson';
  const byId = new Map();
  const seen = new Map(); // stream id → { seq, head, id } in the latest checkpoint so far
  let previous = null;
  let i = 0;
  for (const line of lines(FILE, bytes)) {
    let where = `line ${++i}`;
    const c = canonicalLine(FILE, where, line);
    if (!hasKeys(c, ['body', 'hash', 'keyId', 'signature']) || typeof c.body !== 'string')
      fail(FILE, where, 'bad_format', 'expected {"body","hash","keyId","signature"}');
    const body = parseJson(FILE, where, c.body);
    if (!isObject(body) || !Number.isSafeInteger(body.id) || body.id < 1)
      fail(FILE, where, 'bad_format', 'the body is not a checkpoint');
    where = `checkpoint id ${body.id}`;
    let canonical = null;
    try {
      canonical = canonicalJson(body);
    } catch {
      // reported just below
    }
    if (canonical !== c.body) fail(FILE, where, 'bad_format', 'the body is not in JCS form');
    const wellFormed =
      hasKeys(body, ['format', 'id', 'issuedAt', 'keyId', 'prev', 'reason', 'streams']) &&
      body.format === CHECKPOINT_FORMAT &&
      typeof body.issuedAt === 'string' &&
      TIMESTAMP.test(body.issuedAt) &&
      body.keyId === c.keyId &&
      isHex(body.prev) &&
      REASONS.has(body.reason) &&
      Array.isArray(body.streams) &&
      body.streams.every(
        (s, k) =>
          hasKeys(s, ['head', 'id', 'name', 'seq']) &&
          typeof s.id === 'string' &&
          UUID.test(s.id) &&
          typeof s.name === 'string' &&
          isCount(s.seq) &&
          isHex(s.head) &&
          (k === 0 || body.streams[k - 1].id < s.id),
      );
    if (!wellFormed)
      fail(FILE, where, 'bad_format', 'the body does not have the checkpoint format');
    if (previous && body.id <= previous.id)
      fail(FILE, where, 'bad_format', 'checkpoints are not in increasing id order');
    if (typeof c.hash !== 'string' || checkpointHash(c.body) !== c.hash)
      fail(FILE, where, 'hash_mismatch', 'the hash is not SHA-256(0x02 || body)');
    const key = pinned.get(c.keyId);
    if (!key) fail(FILE, where, 'unknown_key', `signed by ${c.keyId}, which is not a key you gave`);
    if (
      typeof c.signature !== 'string' ||
      !SIGNATURE_B64.test(c.signature) ||
      !verifySignature(
        null,
        Buffer.from(c.body, 'utf8'),
        key.key,
        Buffer.from(c.signature, 'base64'),
      )
    )
      fail(FILE, where, 'bad_signature', `the signature does not verify with ${c.keyId}`);
    usedKeys.add(c.keyId);

    // The history never forks: links between consecutive ids, seqs never going back.
    if (body.id === 1 && body.prev !== GENESIS)
      fail(FILE, where, 'fork', 'checkpoint 1 must have prev = 64 zeros');
    if (previous && previous.id === body.id - 1 && body.prev !== previous.hash)
      fail(FILE, where, 'fork', `prev is not the hash of checkpoint ${previous.id}`);
    for (const s of body.streams) {
      const before = seen.get(s.id);
      if (before && (s.seq < before.seq || (s.seq === before.seq && s.head !== before.head)))
        fail(
          FILE,
          where,
          'fork',
          `stream ${s.name} is at seq ${s.seq} (head ${s.head.slice(0, 12)}…), but checkpoint ` +
            `${before.id} had it at seq ${before.seq} (head ${before.head.slice(0, 12)}…)`,
        );
      seen.set(s.id, { seq: s.seq, head: s.head, id: body.id });
    }
    byId.set(body.id, { ...body, hash: c.hash });
    previous = { id: body.id, hash: c.hash };
  }
  return byId;
}

/** keys/: every signing key is there, and every file holds the key its name says. */
function checkKeyFiles(entries, usedKeys) {
  for (const keyId of usedKeys) {
    const path = `keys/${keyId.replace(':', '-')}.pem`;
    if (!entries.has(path))
      fail(path, '', 'missing_file', `${keyId} signed, but its key is not here`);
  }
  for (const [path, bytes] of entries) {
    if (!path.startsWith('keys/')) continue;
    const m = /^keys\/ed25519-([0-9a-f]{16})\.pem$/.exec(path);
    let keyId = null;
    try {
      keyId = keyIdOf(createPublicKey(utf8(path, bytes))).keyId;
    } catch {
      // reported just below
    }
    if (!m || keyId !== `ed25519:${m[1]}`)
      fail(path, '', 'bad_format', 'not the Ed25519 public key its name says');
  }
}

// ---------------------------------------------------------------------------------------------
// chains.json (VERIFY.md, "chains.json")
// ---------------------------------------------------------------------------------------------

function readChains(bytes, checkpoints) {
  const FILE = 'chains.json';
  const list = parseJson(FILE, '', utf8(FILE, bytes));
  if (!Array.isArray(list)) fail(FILE, '', 'bad_format', 'not a JSON array');
  const end = (e) =>
    hasKeys(e, ['seq', 'hash', 'checkpoint']) &&
    isCount(e.seq) &&
    isHex(e.hash) &&
    (e.checkpoint === null || (Number.isSafeInteger(e.checkpoint) && e.checkpoint > 0));
  list.forEach((s, i) => {
    const where =
      isObject(s) && typeof s.name === 'string' ? `stream ${s.name}` : `stretch ${i + 1}`;
    if (
      !hasKeys(s, ['stream', 'name', 'from', 'to']) ||
      typeof s.stream !== 'string' ||
      !UUID.test(s.stream) ||
      typeof s.name !== 'string' ||
      !end(s.from) ||
      !end(s.to)
    )
      fail(
        FILE,
        where,
        'bad_format',
        'expected {"stream","name","from":{"seq","hash","checkpoint"},"to":{…}}',
      );
    if (s.to.checkpoint === null)
      fail(
        FILE,
        `${where} seq ${s.to.seq}`,
        'unanchored_tail',
        'the end of the stretch names no checkpoint',
      );
    if (s.from.seq >= s.to.seq) fail(FILE, where, 'bad_format', 'from.seq must be below to.seq');
    const before = list[i - 1];
    if (
      before &&
      (before.stream > s.stream || (before.stream === s.stream && before.to.seq > s.from.seq))
    )
      fail(FILE, where, 'bad_format', 'stretches are not ordered by stream and seq, or overlap');
    if (s.from.checkpoint !== null && s.from.checkpoint > s.to.checkpoint)
      fail(FILE, where, 'bad_format', 'from.checkpoint is after to.checkpoint');

    // The start: genesis, or exactly what a checkpoint signed.
    const at = (seq) => `stream ${s.name} seq ${seq}`;
    if (s.from.checkpoint === null) {
      if (s.from.seq !== 0 || s.from.hash !== GENESIS)
        fail(
          FILE,
          at(s.from.seq),
          'checkpoint_mismatch',
          'the start names no checkpoint and is not the genesis',
        );
    } else {
      const listed = listing(FILE, at(s.from.seq), checkpoints, s.from.checkpoint, s);
      if (listed.seq !== s.from.seq || listed.head !== s.from.hash)
        fail(
          FILE,
          at(s.from.seq),
          'checkpoint_mismatch',
          `checkpoint ${s.from.checkpoint} lists this stream at seq ${listed.seq}, hash ${listed.head.slice(0, 12)}…`,
        );
    }
    // The end: exactly what a checkpoint signed, or the tail is not anchored.
    const listed = listing(FILE, at(s.to.seq), checkpoints, s.to.checkpoint, s);
    if (listed.seq !== s.to.seq)
      fail(
        FILE,
        at(s.to.seq),
        'unanchored_tail',
        `the stretch ends at seq ${s.to.seq}, but checkpoint ${s.to.checkpoint} covers this stream up to seq ${listed.seq}`,
      );
    if (listed.head !== s.to.hash)
      fail(
        FILE,
        at(s.to.seq),
        'checkpoint_mismatch',
        `checkpoint ${s.to.checkpoint} signed hash ${listed.head.slice(0, 12)}… at this seq, not ${s.to.hash.slice(0, 12)}…`,
      );
  });
  return list;
}

/** The entry of a stream in a checkpoint of the bundle. */
function listing(file, where, checkpoints, id, stretch) {
  const checkpoint = checkpoints.get(id);
  if (!checkpoint)
    fail(file, where, 'checkpoint_mismatch', `checkpoint ${id} is not in checkpoints.ndjson`);
  const listed = checkpoint.streams.find((x) => x.id === stretch.stream);
  if (!listed)
    fail(file, where, 'checkpoint_mismatch', `checkpoint ${id} does not list this stream`);
  return listed;
}

// ---------------------------------------------------------------------------------------------
// events.ndjson (VERIFY.md, "events.ndjson" and "What is checked", step 6)
// ---------------------------------------------------------------------------------------------

function walkEvents(bytes, stretches) {
  const FILE = 'events.ndjson';
  const byStream = new Map(); // stream id → indexes of its stretches, in order
  stretches.forEach((s, i) => {
    if (!byStream.has(s.stream)) byStream.set(s.stream, []);
    byStream.get(s.stream).push(i);
  });
  /** The stretch holding (stream, seq), by binary search; undefined if none does. */
  const stretchOf = (own, seq) => {
    for (let lo = 0, hi = own.length - 1; lo <= hi;) {
      const mid = (lo + hi) >> 1;
      const s = stretches[own[mid]];
      if (seq <= s.from.seq) hi = mid - 1;
      else if (seq > s.to.seq) lo = mid + 1;
      else return own[mid];
    }
    return undefined;
  };
  const full = new Map(); // "stream:seq" → action, for each entry in scope
  const inScope = new Set(); // hashes of full entries
  let redacted = 0;

  let current = 0; // the stretch being walked,
  let expected = stretches.length ? stretches[0].from.seq + 1 : 0; // the seq due next in it,
  let prev = stretches.length ? stretches[0].from.hash : ''; // and the hash it must link to.

  let n = 0;
  for (const line of lines(FILE, bytes)) {
    const lineNo = `line ${++n}`;
    const e = canonicalLine(FILE, lineNo, line);
    const isFull = hasKeys(e, ['event', 'hash', 'prevHash', 'seq', 'stream']) && isObject(e.event);
    const isRedacted = hasKeys(e, ['hash', 'leaf', 'prevHash', 'seq', 'stream']) && isHex(e.leaf);
    if (
      !(isFull || isRedacted) ||
      !UUID.test(e.stream) ||
      !Number.isSafeInteger(e.seq) ||
      e.seq < 1 ||
      !isHex(e.hash) ||
      !isHex(e.prevHash)
    )
      fail(FILE, lineNo, 'bad_format', 'not a chain entry (in scope or redacted)');

    // Which stretch the line belongs to, and whether it is the one due.
    const own = byStream.get(e.stream);
    if (!own) fail(FILE, lineNo, 'bad_format', `stream ${e.stream} has no stretch in chains.json`);
    const name = stretches[own[0]].name;
    const due = stretches[current];
    const mine =
      due && due.stream === e.stream && due.from.seq < e.seq && e.seq <= due.to.seq
        ? current // the usual case: the line is in the stretch being walked
        : stretchOf(own, e.seq);
    if (mine === undefined) {
      const last = stretches[own[own.length - 1]];
      if (e.seq > last.to.seq)
        fail(
          FILE,
          `stream ${name} seq ${e.seq} (${lineNo})`,
          'unanchored_tail',
          `past the end of the stream's stretch (seq ${last.to.seq}, covered by checkpoint ${last.to.checkpoint})`,
        );
      fail(
        FILE,
        `stream ${name} seq ${e.seq} (${lineNo})`,
        'bad_format',
        "inside none of the stream's stretches",
      );
    }
    if (!due || mine < current || (mine === current && e.seq < expected))
      fail(
        FILE,
        `stream ${name} seq ${e.seq} (${lineNo})`,
        'gap',
        `seq ${e.seq} appears again or out of order (an inserted, repeated or moved entry)`,
      );
    if (mine > current || e.seq > expected)
      fail(
        FILE,
        `stream ${due.name} seq ${expected} (${lineNo})`,
        'gap',
        `seq ${expected} is missing (found stream ${name} seq ${e.seq})`,
      );

    // The chain: links to the entry before, and recomputes.
    const at = `stream ${name} seq ${e.seq} (${lineNo})`;
    if (e.prevHash !== prev)
      fail(
        FILE,
        at,
        'prev_mismatch',
        'prevHash is not the hash of the entry before (or from.hash)',
      );
    let leaf = e.leaf;
    if (isFull) {
      if (e.event.stream !== e.stream || e.event.seq !== e.seq)
        fail(FILE, at, 'hash_mismatch', "the event's own stream and seq are not the line's");
      leaf = leafHash(e.event);
    }
    if (chainHash(e.stream, e.seq, prev, leaf) !== e.hash)
      fail(
        FILE,
        at,
        'hash_mismatch',
        isFull ? 'the event does not match its hash' : 'the hash does not recompute',
      );
    if (e.seq === due.to.seq && e.hash !== due.to.hash)
      fail(
        FILE,
        at,
        'checkpoint_mismatch',
        `the chain ends at another hash than checkpoint ${due.to.checkpoint} signed`,
      );

    if (isFull) {
      full.set(`${e.stream}:${e.seq}`, e.event.action);
      inScope.add(e.hash);
    } else redacted++;
    prev = e.hash;
    expected++;
    if (expected > due.to.seq && ++current < stretches.length) {
      expected = stretches[current].from.seq + 1;
      prev = stretches[current].from.hash;
    }
  }
  if (current < stretches.length)
    fail(
      FILE,
      `stream ${stretches[current].name} seq ${expected}`,
      'gap',
      `seq ${expected} is missing (the file ends)`,
    );
  return { full, inScope, redacted };
}

// ---------------------------------------------------------------------------------------------
// The sample (VERIFY.md, "Sampling")
// ---------------------------------------------------------------------------------------------

function checkSample(entries, inScope) {
  const FILE = 'sample.json';
  const s = parseJson(FILE, '', utf8(FILE, entries.get(FILE)));
  if (
    !hasKeys(s, ['method', 'seed', 'size', 'populationCount', 'populationHash', 'sample']) ||
    s.method !== 'sha256-rank-v1' ||
    typeof s.seed !== 'string' ||
    !/^([0-9a-f]{2})+$/.test(s.seed) ||
    !isCount(s.size) ||
    !isCount(s.populationCount) ||
    typeof s.populationHash !== 'string' ||
    !Array.isArray(s.sample) ||
    !s.sample.every(isHex)
  )
    fail(FILE, '', 'bad_format', 'not a sha256-rank-v1 sample');
  const bytes = entries.get('population.txt');
  if (sha256Hex(bytes) !== s.populationHash)
    fail(FILE, 'populationHash', 'sample_mismatch', 'not the SHA-256 of population.txt');
  const population = [...lines('population.txt', bytes)];
  population.forEach((h, i) => {
    if (!HEX64.test(h)) fail('population.txt', `line ${i + 1}`, 'bad_format', 'not a hash');
    if (i > 0 && population[i - 1] >= h)
      fail('population.txt', `line ${i + 1}`, 'bad_format', 'not sorted, or repeated');
  });
  if (population.length !== s.populationCount)
    fail(
      FILE,
      'populationCount',
      'sample_mismatch',
      `population.txt has ${population.length} lines`,
    );
  const seed = Buffer.from(s.seed, 'hex');
  const redrawn = population
    .map((h) => ({ h, rank: sha256Hex(Buffer.concat([seed, Buffer.from(h, 'hex')])) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, Math.min(s.size, population.length))
    .map((x) => x.h);
  if (redrawn.length !== s.sample.length)
    fail(
      FILE,
      'sample',
      'sample_mismatch',
      `the redraw gives ${redrawn.length} hashes, the file ${s.sample.length}`,
    );
  redrawn.forEach((h, i) => {
    if (s.sample[i] !== h)
      fail(FILE, `sample[${i}]`, 'sample_mismatch', `the redraw gives ${h} here`);
    if (!inScope.has(h))
      fail(FILE, `sample[${i}]`, 'sample_mismatch', 'not an event in scope in events.ndjson');
  });
  return { size: s.size, drawn: redrawn.length, population: population.length, seed: s.seed };
}

// ---------------------------------------------------------------------------------------------
// The whole bundle, in the order of VERIFY.md ("What is checked, in order")
// ---------------------------------------------------------------------------------------------

function checkBundle(zip, pinned, zipName) {
  // 1. The zip.
  const entries = readZip(zip, zipName);

  // 2. The manifest and its signature.
  const manifestBytes = entries.get('manifest.json');
  if (!manifestBytes) fail('manifest.json', '', 'missing_file', 'the bundle has no manifest');
  const manifest = parseJson('manifest.json', '', utf8('manifest.json', manifestBytes));
  if (
    !isObject(manifest) ||
    manifest.format !== BUNDLE_FORMAT ||
    typeof manifest.keyId !== 'string'
  )
    fail('manifest.json', '', 'bad_format', `not a ${BUNDLE_FORMAT} manifest`);
  const manifestKey = pinned.get(manifest.keyId);
  if (!manifestKey)
    fail(
      'manifest.json',
      'keyId',
      'unknown_key',
      `signed by ${manifest.keyId}, which is not a key you gave`,
    );
  const sigBytes = entries.get('manifest.sig');
  if (!sigBytes) fail('manifest.sig', '', 'missing_file', 'the manifest is not signed');
  const sig = sigBytes.toString('latin1').replace(/\n$/, ''); // base64, one line
  if (
    !SIGNATURE_B64.test(sig) ||
    !verifySignature(null, manifestBytes, manifestKey.key, Buffer.from(sig, 'base64'))
  )
    fail(
      'manifest.sig',
      '',
      'bad_signature',
      `the manifest's signature does not verify with ${manifest.keyId}`,
    );
  const usedKeys = new Set([manifest.keyId]);
  const wellFormed =
    typeof manifest.createdAt === 'string' &&
    isObject(manifest.createdBy) &&
    Number.isSafeInteger(manifest.exportCheckpoint) &&
    hasKeys(manifest.exportEvent, ['stream', 'seq']) &&
    isObject(manifest.counts) &&
    ['events', 'redacted', 'checkpoints'].every((k) => isCount(manifest.counts[k])) &&
    Array.isArray(manifest.files);
  if (!wellFormed)
    fail('manifest.json', '', 'bad_format', 'a required field is missing or malformed');

  // 3. Every listed file, and nothing else.
  const listed = new Set();
  manifest.files.forEach((f, i) => {
    if (
      !hasKeys(f, ['path', 'bytes', 'sha256']) ||
      typeof f.path !== 'string' ||
      ['manifest.json', 'manifest.sig'].includes(f.path) ||
      listed.has(f.path) ||
      !isCount(f.bytes) ||
      !isHex(f.sha256)
    )
      fail('manifest.json', `files[${i}]`, 'bad_format', 'a malformed or repeated file entry');
    listed.add(f.path);
    const bytes = entries.get(f.path);
    if (!bytes) fail(f.path, '', 'missing_file', 'listed in manifest.json but not in the zip');
    if (bytes.length !== f.bytes || sha256Hex(bytes) !== f.sha256)
      fail(f.path, '', 'file_hash_mismatch', 'its size or SHA-256 is not what manifest.json says');
  });
  for (const name of entries.keys())
    if (!listed.has(name) && name !== 'manifest.json' && name !== 'manifest.sig')
      fail(name, '', 'unlisted_file', 'in the zip but not listed in manifest.json');
  for (const name of ['events.ndjson', 'chains.json', 'checkpoints.ndjson'])
    if (!listed.has(name)) fail(name, '', 'missing_file', 'a required file is missing');
  if (listed.has('sample.json') !== listed.has('population.txt'))
    fail(
      listed.has('sample.json') ? 'population.txt' : 'sample.json',
      '',
      'missing_file',
      'sample.json and population.txt come together',
    );

  // 4. Checkpoints, then the key files.
  const checkpoints = readCheckpoints(entries.get('checkpoints.ndjson'), pinned, usedKeys);
  checkKeyFiles(entries, usedKeys);

  // 5. The stretches, anchored in checkpoints.
  const stretches = readChains(entries.get('chains.json'), checkpoints);

  // 6. The chain entries.
  const events = walkEvents(entries.get('events.ndjson'), stretches);

  // 7. The counts.
  const counts = {
    events: events.full.size,
    redacted: events.redacted,
    checkpoints: checkpoints.size,
  };
  for (const [k, n] of Object.entries(counts))
    if (manifest.counts[k] !== n)
      fail(
        'manifest.json',
        'counts',
        'bad_format',
        `counts.${k} is ${manifest.counts[k]}, the bundle holds ${n}`,
      );

  // 8. The export was recorded, inside the chain, and covered by the export checkpoint.
  const ex = manifest.exportEvent;
  const exportAction = events.full.get(`${ex.stream}:${ex.seq}`);
  const exportStretch = stretches.find(
    (s) => s.stream === ex.stream && s.from.seq < ex.seq && ex.seq <= s.to.seq,
  );
  const exAt = `stream ${exportStretch?.name ?? ex.stream} seq ${ex.seq}`;
  if (exportAction === undefined)
    fail(
      'events.ndjson',
      exAt,
      'export_not_recorded',
      'the export event is not in scope in the bundle',
    );
  if (exportAction !== 'evidence.export')
    fail(
      'events.ndjson',
      exAt,
      'export_not_recorded',
      `the event is ${exportAction}, not evidence.export`,
    );
  if (exportStretch.to.checkpoint !== manifest.exportCheckpoint)
    fail(
      'chains.json',
      exAt,
      'export_not_recorded',
      `the stretch ends at checkpoint ${exportStretch.to.checkpoint}, not the export checkpoint ${manifest.exportCheckpoint}`,
    );
  const exportCheckpoint = checkpoints.get(manifest.exportCheckpoint);
  if (exportCheckpoint.reason !== 'export')
    fail(
      'checkpoints.ndjson',
      `checkpoint id ${exportCheckpoint.id}`,
      'export_not_recorded',
      `the export checkpoint's reason is ${exportCheckpoint.reason}, not export`,
    );

  // 9. The sample.
  const sample = listed.has('sample.json') ? checkSample(entries, events.inScope) : null;

  const ids = [...checkpoints.keys()];
  return {
    createdAt: manifest.createdAt,
    createdBy: manifest.createdBy,
    streams: new Set(stretches.map((s) => s.stream)).size,
    stretches: stretches.map((s) => ({
      stream: s.stream,
      name: s.name,
      from: s.from.seq,
      to: s.to.seq,
    })),
    events: counts.events,
    redacted: counts.redacted,
    checkpoints: ids,
    newestCheckpoint: ids[ids.length - 1] ?? null,
    exportEvent: { stream: ex.stream, name: exportStretch.name, seq: ex.seq },
    exportCheckpoint: { id: exportCheckpoint.id, issuedAt: exportCheckpoint.issuedAt },
    keys: [...usedKeys].sort().map((k) => ({ keyId: k, fingerprint: pinned.get(k).fingerprint })),
    sample,
  };
}

/**
 * Verifies a bundle against the public keys you trust (PEM text). Returns { ok: true, summary },
 * or the first failure as { ok: false, file, where, reason, message }.
 */
export function verifyBundle(zipBytes, publicKeyPems, options = {}) {
  const pinned = pinKeys(publicKeyPems);
  try {
    return {
      ok: true,
      summary: checkBundle(Buffer.from(zipBytes), pinned, options.name ?? 'bundle.zip'),
    };
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return {
      ok: false,
      file: error.file,
      where: error.where,
      reason: error.reason,
      message: error.message,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

const USAGE = `usage: node verify-bundle.mjs <bundle.zip> --public-key <key.pem> [--public-key <old-key.pem>]

Checks a WhoChanged evidence bundle against the public key(s) you obtained yourself.
Prints PASS (exit 0) or FAIL with the first problem (exit 1); wrong usage exits with 2.`;

function describe(summary) {
  const out = ['PASS'];
  const by = summary.createdBy;
  out.push(
    `  exported     ${summary.createdAt} by ${by.name ?? by.id ?? '?'}${by.role ? ` (${by.role})` : ''}`,
  );
  out.push(
    `  export event stream ${summary.exportEvent.name} seq ${summary.exportEvent.seq}, covered by checkpoint ` +
      `${summary.exportCheckpoint.id} (issued ${summary.exportCheckpoint.issuedAt})`,
  );
  const byName = new Map();
  for (const s of summary.stretches)
    byName.set(s.name, [
      ...(byName.get(s.name) ?? []),
      s.from + 1 === s.to ? `${s.to}` : `${s.from + 1}–${s.to}`,
    ]);
  const stretches = [...byName]
    .map(([name, seqs]) =>
      seqs.length <= 3 ? `${name} ${seqs.join(', ')}` : `${name} ${seqs.length} stretches`,
    )
    .join('; ');
  out.push(`  streams      ${summary.streams} (seqs ${stretches})`);
  out.push(`  events       ${summary.events} in scope, ${summary.redacted} redacted`);
  out.push(`  checkpoints  ${summary.checkpoints.length} (ids ${summary.checkpoints.join(', ')})`);
  for (const k of summary.keys) out.push(`  key          ${k.keyId}  fingerprint ${k.fingerprint}`);
  if (summary.sample)
    out.push(
      `  sample       ${summary.sample.drawn} of ${summary.sample.population}, redrawn from seed ${summary.sample.seed}: same`,
    );
  out.push(
    `  not covered  events after checkpoint ${summary.newestCheckpoint}; see VERIFY.md for the limits`,
  );
  return out.join('\n');
}

function main(argv) {
  let zipPath = null;
  const keyPaths = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return 0;
    }
    if (a === '--public-key' && i + 1 < argv.length) keyPaths.push(argv[++i]);
    else if (a.startsWith('--public-key=')) keyPaths.push(a.slice('--public-key='.length));
    else if (!a.startsWith('-') && zipPath === null) zipPath = a;
    else {
      console.error(`unexpected argument: ${a}\n\n${USAGE}`);
      return 2;
    }
  }
  if (zipPath === null || keyPaths.length === 0) {
    console.error(USAGE);
    return 2;
  }
  let zip;
  let pems;
  try {
    zip = readFileSync(zipPath);
    pems = keyPaths.map((p) => readFileSync(p, 'utf8'));
    pinKeys(pems);
  } catch (error) {
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  let result;
  try {
    result = verifyBundle(zip, pems, { name: basename(zipPath) });
  } catch (error) {
    // Not a finding about the bundle but the verifier giving up: still not a PASS.
    console.log(
      `FAIL: ${basename(zipPath)}: bad_format — the verifier could not read it (${error.message})`,
    );
    return 1;
  }
  if (result.ok) {
    console.log(describe(result.summary));
    return 0;
  }
  const where = result.where ? ` ${result.where}` : '';
  console.log(`FAIL: ${result.file}${where}: ${result.reason} — ${result.message}`);
  return 1;
}

function runDirectly() {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(resolve(process.argv[1]))).href;
  } catch {
    return false;
  }
}

if (runDirectly()) process.exitCode = main(process.argv.slice(2));
