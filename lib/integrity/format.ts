import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '@/lib/audit/jcs';

/**
 * Signed checkpoints (shared docs/integrity.md; the byte layout is in lib/evidence/VERIFY.md,
 * which every evidence bundle carries): the heads of all streams plus the previous
 * checkpoint's hash, as canonical JSON, signed with Ed25519.
 */
export const CHECKPOINT_FORMAT = 'whochanged.checkpoint.v1';
export const CHECKPOINT_GENESIS = '0'.repeat(64);
const CHECKPOINT_PREFIX = Buffer.from([0x02]);

export type CheckpointReason = 'interval' | 'export' | 'manual';
export type CheckpointStream = { id: string; name: string; seq: number; head: string };
export type CheckpointBody = {
  format: typeof CHECKPOINT_FORMAT;
  id: number;
  issuedAt: string;
  keyId: string;
  prev: string;
  reason: CheckpointReason;
  streams: CheckpointStream[];
};

/** A checkpoint as stored, written once to CHECKPOINT_DIR and put into bundles. */
export type SignedCheckpoint = { body: string; hash: string; keyId: string; signature: string };

/** The raw 32-byte Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

/** SHA-256 of the raw public key, hex: shown in the UI and printed by the verifiers. */
export function fingerprint(key: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(key)).digest('hex');
}

/** `ed25519:` and the first 16 hex digits of the fingerprint. */
export function keyIdOf(key: KeyObject): string {
  return `ed25519:${fingerprint(key).slice(0, 16)}`;
}

export function publicKeyPem(key: KeyObject): string {
  return (key.type === 'private' ? createPublicKey(key) : key)
    .export({ format: 'pem', type: 'spki' })
    .toString();
}

export function checkpointHash(body: string): string {
  return createHash('sha256').update(CHECKPOINT_PREFIX).update(body, 'utf8').digest('hex');
}

/** Canonical body text (streams sorted by id), its hash, and its signature. */
export function signCheckpoint(
  body: Omit<CheckpointBody, 'format' | 'keyId'>,
  privateKey: KeyObject,
): SignedCheckpoint {
  const keyId = keyIdOf(createPublicKey(privateKey));
  const full: CheckpointBody = {
    format: CHECKPOINT_FORMAT,
    ...body,
    keyId,
    streams: [...body.streams].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
  const text = canonicalJson(full);
  return {
    body: text,
    hash: checkpointHash(text),
    keyId,
    signature: sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64'),
  };
}

export type CheckpointProblem = 'bad_format' | 'hash_mismatch' | 'unknown_key' | 'bad_signature';

/**
 * Checks one signed checkpoint against the trusted public keys (by key id): its body parses
 * and names the same key, its hash recomputes, its signature verifies. Returns the parsed body.
 */
export function checkSignedCheckpoint(
  c: SignedCheckpoint,
  trusted: Map<string, KeyObject>,
): { ok: true; body: CheckpointBody } | { ok: false; problem: CheckpointProblem; detail: string } {
  let body: CheckpointBody;
  try {
    body = JSON.parse(c.body) as CheckpointBody;
  } catch {
    return { ok: false, problem: 'bad_format', detail: 'the body is not JSON' };
  }
  if (body.format !== CHECKPOINT_FORMAT || body.keyId !== c.keyId)
    return { ok: false, problem: 'bad_format', detail: 'unknown format or mismatched key id' };
  if (checkpointHash(c.body) !== c.hash)
    return { ok: false, problem: 'hash_mismatch', detail: 'the hash does not match the body' };
  const key = trusted.get(c.keyId);
  if (!key)
    return { ok: false, problem: 'unknown_key', detail: `signed by ${c.keyId}, not a trusted key` };
  if (!verify(null, Buffer.from(c.body, 'utf8'), key, Buffer.from(c.signature, 'base64')))
    return {
      ok: false,
      problem: 'bad_signature',
      detail: `the signature does not verify with ${c.keyId}`,
    };
  return { ok: true, body };
}
