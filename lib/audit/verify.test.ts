import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainHash, GENESIS_HASH, leafHash } from './chain';
import { envelopeFromRow, verifyStream, type StoredRow } from './verify';

const STREAM = '3f1c9a52-7b1e-4c5e-9a3b-0d2e4f6a8b1c';

/** A chain built exactly as the writer builds it (hash of the envelope rebuilt from the row). */
function buildChain(contents: { action: string; name: string; value: unknown }[]): StoredRow[] {
  let prev = GENESIS_HASH;
  return contents.map((c, i) => {
    const row: StoredRow = {
      seq: i + 1,
      prev_hash: prev,
      hash: Buffer.alloc(32),
      source_event_id: `e-${i}`,
      occurred_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      received_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000 + 5),
      action: c.action,
      outcome: 'success',
      actor_id: 'u1',
      actor_name: c.name,
      actor_email: null,
      actor_type: 'user',
      actor_ip: '203.0.113.7',
      actor_user_agent: null,
      actor_time_zone: 'Europe/Berlin',
      target_type: 'candidate',
      target_id: `c-${i}`,
      target_label: null,
      changes: [{ field: 'stage', old: null, new: c.value }],
      request_id: null,
      session_id: null,
      reason: null,
      metadata: {},
      flags: [],
    };
    row.hash = chainHash(STREAM, i + 1, prev, leafHash(envelopeFromRow(STREAM, row)));
    prev = row.hash;
    return row;
  });
}
const headOf = (rows: StoredRow[]) => ({
  seq: rows.length,
  hash: rows.at(-1)?.hash ?? GENESIS_HASH,
});

const contentArb = fc.record({
  action: fc.constantFrom('candidate.update', 'offer.create', 'employee.update'),
  name: fc.string({ maxLength: 20 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)),
  value: fc.oneof(
    fc.integer(),
    fc.string({ maxLength: 10 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)),
    fc.constant(null),
    fc.boolean(),
  ),
});
const chainArb = fc.array(contentArb, { minLength: 2, maxLength: 25 });

describe('verifyStream', () => {
  it('passes every intact chain (no false positives)', async () => {
    await fc.assert(
      fc.asyncProperty(chainArb, async (contents) => {
        const rows = buildChain(contents);
        expect((await verifyStream(STREAM, rows, headOf(rows))).broken).toBeNull();
      }),
    );
  });

  it('finds an edited row and names it', async () => {
    await fc.assert(
      fc.asyncProperty(
        chainArb,
        fc.nat(),
        fc.constantFrom('actor_name', 'action', 'changes', 'occurred_at'),
        async (contents, pick, column) => {
          const rows = buildChain(contents);
          const i = pick % rows.length;
          const row = rows[i]!;
          if (column === 'actor_name') row.actor_name = `${row.actor_name}x`;
          if (column === 'action') row.action = 'user.delete';
          if (column === 'changes') row.changes = [{ field: 'stage', old: null, new: 'tampered' }];
          if (column === 'occurred_at')
            row.occurred_at = new Date((row.occurred_at as Date).getTime() + 1);
          const result = await verifyStream(STREAM, rows, headOf(rows));
          expect(result.broken).toMatchObject({ seq: i + 1, reason: 'hash_mismatch' });
        },
      ),
    );
  });

  it('finds a deleted row', async () => {
    await fc.assert(
      fc.asyncProperty(chainArb, fc.nat(), async (contents, pick) => {
        const rows = buildChain(contents);
        const i = pick % rows.length;
        const head = headOf(rows);
        rows.splice(i, 1);
        const result = await verifyStream(STREAM, rows, head);
        expect(result.broken).toMatchObject({ seq: i + 1, reason: 'gap' });
      }),
    );
  });

  it('finds two swapped rows', async () => {
    await fc.assert(
      fc.asyncProperty(chainArb, fc.nat(), async (contents, pick) => {
        const rows = buildChain(contents);
        const i = pick % (rows.length - 1);
        const head = headOf(rows);
        [rows[i], rows[i + 1]] = [rows[i + 1]!, rows[i]!];
        const result = await verifyStream(STREAM, rows, head);
        expect(result.broken).toMatchObject({ seq: i + 1 });
      }),
    );
  });

  it('finds an inserted row, even one with a correctly computed own hash', async () => {
    await fc.assert(
      fc.asyncProperty(chainArb, fc.nat(), contentArb, async (contents, pick, extra) => {
        const rows = buildChain(contents);
        const i = pick % rows.length;
        const head = headOf(rows);
        // A forger re-numbers and re-hashes the inserted row, but cannot re-hash what follows
        // without changing every later hash (and the head the checkpoint will sign).
        const forged = buildChain([...contents.slice(0, i), extra])[i]!;
        rows.splice(i, 0, forged);
        for (let k = i + 1; k < rows.length; k++) rows[k] = { ...rows[k]!, seq: k + 1 };
        const result = await verifyStream(STREAM, rows, head);
        expect(result.broken).not.toBeNull();
        expect(result.broken!.seq).toBe(i + 2);
      }),
    );
  });

  it('finds a truncated tail through the head', async () => {
    const rows = buildChain([
      { action: 'a.b', name: 'x', value: 1 },
      { action: 'a.b', name: 'y', value: 2 },
      { action: 'a.b', name: 'z', value: 3 },
    ]);
    const head = headOf(rows);
    const result = await verifyStream(STREAM, rows.slice(0, 2), head);
    expect(result.broken).toMatchObject({ seq: 3, reason: 'gap' });
  });
});
