import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { FieldChange } from './types';

/**
 * Hash-chain primitives (see shared docs/integrity.md):
 *   leaf   = SHA-256(0x00 || JCS(envelope))
 *   hash_n = SHA-256(0x01 || stream_id (16 bytes) || u64be(seq_n) || hash_{n-1} || leaf_n)
 * Timestamps in the envelope are formatted here, never by the database, so the bytes do not
 * depend on the session's TimeZone or DateStyle.
 */
export const GENESIS_HASH = Buffer.alloc(32, 0);

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
  return date.toISOString();
}

export function canonicalBytes(envelope: EventEnvelope): Buffer {
  const text = canonicalize({
    ...envelope,
    occurredAt: formatTimestamp(envelope.occurredAt),
    receivedAt: formatTimestamp(envelope.receivedAt),
  });
  if (text === undefined) throw new Error('event cannot be canonicalised');
  return Buffer.from(text, 'utf8');
}

export function leafHash(envelope: EventEnvelope): Buffer {
  return createHash('sha256').update(Buffer.from([0x00])).update(canonicalBytes(envelope)).digest();
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
    .update(Buffer.from([0x01]))
    .update(uuidBytes(streamId))
    .update(seqBytes)
    .update(prevHash)
    .update(leaf)
    .digest();
}
