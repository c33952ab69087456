import { hash } from 'node:crypto';
import { canonicalJson, canonicalString } from './jcs';
import type { FieldChange } from './types';

/**
 * Hash-chain primitives (see shared docs/integrity.md):
 *   leaf   = SHA-256(0x00 || JCS(envelope))
 *   hash_n = SHA-256(0x01 || stream_id (16 bytes) || u64be(seq_n) || hash_{n-1} || leaf_n)
 * Timestamps in the envelope are formatted here, never by the database, so the bytes do not
 * depend on the session's TimeZone or DateStyle.
 */
export const GENESIS_HASH: Buffer = Buffer.alloc(32, 0);

// One-shot hashing (crypto.hash): a createHash object per event cost more than the hashing.
const sha256 = (data: string | Buffer): Buffer => hash('sha256', data, 'buffer');

/** Everything an event says, exactly as stored; the chain fields themselves are excluded. */
export type EventEnvelope = {
  stream: string;
  seq: number;
  sourceEventId: string | null;
  occurredAt: Date;
  receivedAt: Date;
  action: string;
  outcome: 'success' | 'failure';
  actor: {
    id: string | null;
    name: string | null;
    email: string | null;
    type: string;
    ip: string | null;
    userAgent: string | null;
    timeZone: string | null;
  };
  target: { type: string | null; id: string | null; label: string | null };
  changes: FieldChange[];
  requestId: string | null;
  sessionId: string | null;
  reason: string | null;
  metadata: Record<string, unknown>;
  flags: string[];
};

/** UTC, millisecond precision, always `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function formatTimestamp(date: Date): string {
  const time = date.getTime();
  // A batch's events share their receipt time: formatted once, not once per event.
  if (time === lastFormatted.time) return lastFormatted.text;
  if (Number.isNaN(time)) throw new Error('invalid timestamp');
  const year = date.getUTCFullYear();
  // toISOString switches to ±YYYYYY outside 0000-9999; the layout must never change.
  if (year < 0 || year > 9999) throw new Error(`timestamp out of range: year ${year}`);
  const text = date.toISOString();
  lastFormatted.time = time;
  lastFormatted.text = text;
  return text;
}
const lastFormatted = { time: NaN, text: '' };

/** What an event says, without its place in a stream: the part a source is answerable for. */
export type EventContent = Omit<EventEnvelope, 'stream' | 'seq' | 'receivedAt' | 'flags'>;

/**
 * The canonical JSON of each top-level member of the content, computed once per event: the
 * idempotency hash and the leaf are both assembled from these, and JCS of an object is just its
 * members' canonical forms joined in key order.
 */
export type ContentParts = Record<keyof EventContent, string>;

export function contentParts(content: EventContent): ContentParts {
  return {
    action: canonicalString(content.action),
    actor: canonicalActor(content.actor),
    changes: canonicalChanges(content.changes),
    metadata: canonicalJson(content.metadata),
    occurredAt: canonicalString(formatTimestamp(content.occurredAt)),
    outcome: canonicalString(content.outcome),
    reason: nullableString(content.reason),
    requestId: nullableString(content.requestId),
    sessionId: nullableString(content.sessionId),
    sourceEventId: nullableString(content.sourceEventId),
    target: canonicalTarget(content.target),
  };
}

// The fixed-shape members, written out in JCS key order instead of sorting keys per event (a
// hot path of ingest); lib/audit/chain.test.ts checks each against the generic canonicalJson.
const nullableString = (value: string | null) => (value === null ? 'null' : canonicalString(value));

function canonicalActor(a: EventContent['actor']): string {
  return (
    `{"email":${nullableString(a.email)},"id":${nullableString(a.id)},"ip":${nullableString(a.ip)},` +
    `"name":${nullableString(a.name)},"timeZone":${nullableString(a.timeZone)},"type":${canonicalString(a.type)},` +
    `"userAgent":${nullableString(a.userAgent)}}`
  );
}

function canonicalTarget(t: EventContent['target']): string {
  return `{"id":${nullableString(t.id)},"label":${nullableString(t.label)},"type":${nullableString(t.type)}}`;
}

function canonicalChanges(changes: FieldChange[]): string {
  let out = '[';
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    out +=
      (i ? ',{"field":' : '{"field":') +
      canonicalString(c.field) +
      ',"new":' +
      canonicalJson(c.new ?? null) +
      ',"old":' +
      canonicalJson(c.old ?? null) +
      '}';
  }
  return out + ']';
}

// The members of ContentParts in JCS key order (UTF-16 code units), so the hot path can join
// them without sorting; lib/audit/chain.test.ts checks the result against a generic JCS.
const CONTENT_KEYS = [
  'action',
  'actor',
  'changes',
  'metadata',
  'occurredAt',
  'outcome',
  'reason',
  'requestId',
  'sessionId',
  'sourceEventId',
  'target',
] as const;

function joinContent(parts: ContentParts): string {
  let out = '{';
  for (let i = 0; i < CONTENT_KEYS.length; i++) {
    const key = CONTENT_KEYS[i]!;
    out += (i ? ',"' : '"') + key + '":' + parts[key];
  }
  return out + '}';
}

/** SHA-256 of the canonical content: the same event sent twice has the same body hash. */
export function contentHash(parts: ContentParts): Buffer {
  return sha256(joinContent(parts));
}

/**
 * JCS of the envelope around its seq, from its content parts and the rest of its place in the
 * stream (keys in JCS order): the envelope is `head + seq + tail`. An event is rendered this way
 * before its seq is known, and chained when it is (lib/audit/writer.ts).
 */
export function envelopeAroundSeq(
  p: ContentParts,
  place: { stream: string; receivedAt: Date; flags: string[] },
): { head: string; tail: string } {
  return {
    head:
      `{"action":${p.action},"actor":${p.actor},"changes":${p.changes},"flags":${canonicalJson(place.flags)},` +
      `"metadata":${p.metadata},"occurredAt":${p.occurredAt},"outcome":${p.outcome},"reason":${p.reason},` +
      `"receivedAt":${canonicalString(formatTimestamp(place.receivedAt))},"requestId":${p.requestId},"seq":`,
    tail: `,"sessionId":${p.sessionId},"sourceEventId":${p.sourceEventId},"stream":${canonicalString(place.stream)},"target":${p.target}}`,
  };
}

/** JCS of the envelope from its content parts and its place in the stream. */
export function canonicalTextFromParts(
  p: ContentParts,
  place: { stream: string; seq: number; receivedAt: Date; flags: string[] },
): string {
  const { head, tail } = envelopeAroundSeq(p, place);
  return head + canonicalJson(place.seq) + tail;
}

export function canonicalBytesFromParts(
  parts: ContentParts,
  place: { stream: string; seq: number; receivedAt: Date; flags: string[] },
): Buffer {
  return Buffer.from(canonicalTextFromParts(parts, place), 'utf8');
}

/** JCS (RFC 8785) of the whole envelope, with timestamps formatted by formatTimestamp. */
export function canonicalBytes(envelope: EventEnvelope): Buffer {
  const { stream, seq, receivedAt, flags, ...content } = envelope;
  return canonicalBytesFromParts(contentParts(content), { stream, seq, receivedAt, flags });
}

/** SHA-256(0x00 || bytes); a string is hashed as its UTF-8 bytes. */
export function leafHashOfBytes(bytes: Buffer | string): Buffer {
  // U+0000 is the single byte 0x00 in UTF-8: the prefix joins the string, saving a copy.
  return sha256(typeof bytes === 'string' ? '\u0000' + bytes : Buffer.concat([LEAF_PREFIX, bytes]));
}
const LEAF_PREFIX = Buffer.from([0x00]);

export function leafHash(envelope: EventEnvelope): Buffer {
  return leafHashOfBytes(canonicalBytes(envelope));
}

export function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a uuid: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

// 0x01 || stream id (16) || u64be seq (8) || previous hash (32) || leaf (32)
const NODE_INPUT = Buffer.alloc(89);
let nodeInputStream = '';

export function chainHash(streamId: string, seq: number, prevHash: Buffer, leaf: Buffer): Buffer {
  if (prevHash.length !== 32 || leaf.length !== 32)
    throw new Error('chainHash: hashes are 32 bytes');
  if (streamId !== nodeInputStream) {
    NODE_INPUT[0] = 0x01;
    uuidBytes(streamId).copy(NODE_INPUT, 1);
    nodeInputStream = streamId;
  }
  NODE_INPUT.writeBigUInt64BE(BigInt(seq), 17);
  prevHash.copy(NODE_INPUT, 25);
  leaf.copy(NODE_INPUT, 57);
  return sha256(NODE_INPUT);
}
