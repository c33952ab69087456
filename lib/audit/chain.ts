import { createHash } from 'node:crypto';
import { canonicalJson } from './jcs';
import type { FieldChange } from './types';

/**
 * Hash-chain primitives (see shared docs/integrity.md):
 *   leaf   = SHA-256(0x00 || JCS(envelope))
 *   hash_n = SHA-256(0x01 || stream_id (16 bytes) || u64be(seq_n) || hash_{n-1} || leaf_n)
 * Timestamps in the envelope are formatted here, never by the database, so the bytes do not
 * depend on the session's TimeZone or DateStyle.
 */
export const GENESIS_HASH: Buffer = Buffer.alloc(32, 0);
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

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
  if (Number.isNaN(date.getTime())) throw new Error('invalid timestamp');
  const year = date.getUTCFullYear();
  // toISOString switches to ±YYYYYY outside 0000-9999; the layout must never change.
  if (year < 0 || year > 9999) throw new Error(`timestamp out of range: year ${year}`);
  return date.toISOString();
}

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
    action: canonicalJson(content.action),
    actor: canonicalJson(content.actor),
    changes: canonicalJson(content.changes),
    metadata: canonicalJson(content.metadata),
    occurredAt: canonicalJson(formatTimestamp(content.occurredAt)),
    outcome: canonicalJson(content.outcome),
    reason: canonicalJson(content.reason),
    requestId: canonicalJson(content.requestId),
    sessionId: canonicalJson(content.sessionId),
    sourceEventId: canonicalJson(content.sourceEventId),
    target: canonicalJson(content.target),
  };
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
  return createHash('sha256').update(joinContent(parts), 'utf8').digest();
}

/** JCS of the envelope from its content parts and its place in the stream (keys in JCS order). */
export function canonicalTextFromParts(
  p: ContentParts,
  place: { stream: string; seq: number; receivedAt: Date; flags: string[] },
): string {
  return (
    `{"action":${p.action},"actor":${p.actor},"changes":${p.changes},"flags":${canonicalJson(place.flags)},` +
    `"metadata":${p.metadata},"occurredAt":${p.occurredAt},"outcome":${p.outcome},"reason":${p.reason},` +
    `"receivedAt":${canonicalJson(formatTimestamp(place.receivedAt))},"requestId":${p.requestId},"seq":${canonicalJson(place.seq)},` +
    `"sessionId":${p.sessionId},"sourceEventId":${p.sourceEventId},"stream":${canonicalJson(place.stream)},"target":${p.target}}`
  );
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

export function leafHashOfBytes(bytes: Buffer | string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(bytes).digest();
}

export function leafHash(envelope: EventEnvelope): Buffer {
  return leafHashOfBytes(canonicalBytes(envelope));
}

export function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a uuid: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

export function chainHash(streamId: string, seq: number, prevHash: Buffer, leaf: Buffer): Buffer {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(BigInt(seq));
  return createHash('sha256')
    .update(NODE_PREFIX)
    .update(uuidBytes(streamId))
    .update(seqBytes)
    .update(prevHash)
    .update(leaf)
    .digest();
}
