import canonicalize from 'canonicalize';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH, leafHash, type EventEnvelope } from '@/lib/audit/chain';
import { canonicalJson } from '@/lib/audit/jcs';
import { verifyStream, type StoredRow } from '@/lib/audit/verify';
import { loadVerifier, type Verifier, type WireEvent } from './bundle-testing';
import { renderTestVectors, verifyDocument } from './pack';
import vectorsJson from './test-vectors.json';

/**
 * The test vectors VERIFY.md carries (lib/evidence/test-vectors.json), recomputed by the
 * application's hashing (lib/audit/chain.ts), by the auditor's verifier (scripts/verify-bundle.mjs)
 * and against the reference JCS (`canonicalize`): all must agree with the file.
 */
type Vector = {
  name: string;
  stream: string;
  seq: number;
  prevHash: string;
  event: WireEvent;
  leaf: string;
  hash: string;
  valid: boolean;
  reason?: string;
};
const vectors = vectorsJson as unknown as Vector[];
const byName = (name: string) => vectors.find((v) => v.name === name)!;

const envelope = (e: WireEvent): EventEnvelope => ({
  ...e,
  occurredAt: new Date(e.occurredAt),
  receivedAt: new Date(e.receivedAt),
});

/** A stored audit_events row holding the vector's event, as lib/audit/verify.ts reads rows. */
function row(v: Vector): StoredRow {
  const e = v.event;
  return {
    seq: v.seq,
    prev_hash: Buffer.from(v.prevHash, 'hex'),
    hash: Buffer.from(v.hash, 'hex'),
    source_event_id: e.sourceEventId,
    occurred_at: e.occurredAt,
    received_at: e.receivedAt,
    action: e.action,
    outcome: e.outcome,
    actor_id: e.actor.id,
    actor_name: e.actor.name,
    actor_email: e.actor.email,
    actor_type: e.actor.type,
    actor_ip: e.actor.ip,
    actor_user_agent: e.actor.userAgent,
    actor_time_zone: e.actor.timeZone,
    target_type: e.target.type,
    target_id: e.target.id,
    target_label: e.target.label,
    changes: e.changes,
    request_id: e.requestId,
    session_id: e.sessionId,
    reason: e.reason,
    metadata: e.metadata,
    flags: e.flags,
  };
}

let verifier: Verifier;
beforeAll(async () => {
  verifier = await loadVerifier();
});

describe('test vectors', () => {
  it('cover a genesis, a unicode and a tampered event', () => {
    expect(vectors.map((v) => [v.name, v.valid, v.reason ?? null])).toEqual([
      ['genesis', true, null],
      ['unicode', true, null],
      ['tampered', false, 'hash_mismatch'],
    ]);
    expect(byName('genesis')).toMatchObject({ seq: 1, prevHash: '0'.repeat(64) });
    expect(byName('unicode')).toMatchObject({ seq: 2, prevHash: byName('genesis').hash });
    // The genesis vector is the one lib/audit/chain.test.ts checked against Python's hashlib.
    expect(byName('genesis').leaf).toBe(
      '36a66e3c40354182fce41b14f0bb072d2ef28bbce187cd3ef08713f332f625c3',
    );
  });

  it('the unicode vector exercises what JCS must get right', () => {
    const text = canonicalJson(byName('unicode').event);
    expect(text).toContain('"new":1e+21,"old":0.1');
    expect(text).toContain('\u2028');
    expect(text).toContain('"€":{"b":100,"😀":-0.000001,"ﬁ":2e-7}'); // UTF-16 order, not code points
    expect(text).toContain('"metadata":{"A":');
  });

  for (const v of vectors)
    it(`${v.name}: chain.ts, verify-bundle.mjs and the reference JCS agree with the file`, () => {
      const text = canonicalJson(v.event);
      expect(verifier.canonicalJson(v.event)).toBe(text);
      expect(canonicalize(v.event)).toBe(text);

      const tsLeaf = leafHash(envelope(v.event)).toString('hex');
      const tsHash = chainHash(
        v.stream,
        v.seq,
        Buffer.from(v.prevHash, 'hex'),
        Buffer.from(tsLeaf, 'hex'),
      ).toString('hex');
      const mjsLeaf = verifier.leafHash(v.event);
      const mjsHash = verifier.chainHash(v.stream, v.seq, v.prevHash, mjsLeaf);
      expect(mjsLeaf).toBe(tsLeaf);
      expect(mjsHash).toBe(tsHash);
      if (v.valid) {
        expect(tsLeaf).toBe(v.leaf);
        expect(tsHash).toBe(v.hash);
      } else {
        expect(tsLeaf).not.toBe(v.leaf);
        expect(tsHash).not.toBe(v.hash);
      }
    });

  it('the genesis prevHash is GENESIS_HASH', () => {
    expect(byName('genesis').prevHash).toBe(GENESIS_HASH.toString('hex'));
  });

  it('lib/audit/verify.ts passes genesis + unicode as stored rows', async () => {
    const a = byName('genesis');
    const b = byName('unicode');
    const result = await verifyStream(a.stream, [row(a), row(b)], {
      seq: 2,
      hash: Buffer.from(b.hash, 'hex'),
    });
    expect(result.broken).toBeNull();
  });

  it('lib/audit/verify.ts reports hash_mismatch at seq 2 for genesis + tampered', async () => {
    const a = byName('genesis');
    const c = byName('tampered');
    const result = await verifyStream(a.stream, [row(a), row(c)], {
      seq: 2,
      hash: Buffer.from(c.hash, 'hex'),
    });
    expect(result.broken).toMatchObject({ seq: 2, reason: 'hash_mismatch' });
  });

  it('VERIFY.md as packed carries every vector and no placeholder', () => {
    const page = verifyDocument().toString('utf8');
    expect(page).not.toContain('{{TEST_VECTORS}}');
    expect(page).toContain(renderTestVectors());
    for (const v of vectors) {
      expect(page).toContain(v.hash);
      expect(page).toContain(canonicalJson(v.event));
    }
    // The JSON block is ASCII and parses back to the same vectors.
    const json = /```json\n([\s\S]*?)\n```/.exec(page)![1]!;
    expect(/^[\x00-\x7f]*$/.test(json)).toBe(true);
    expect(JSON.parse(json)).toEqual(vectorsJson);
  });
});
